"""The case and what hangs on it (attachments, progress, milestones, opinion outcomes). State changes
happen only in cases.services."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cases import lifecycle
from cases import states as S
from core.history import HistoricalRecords
from core.text import validate_no_bidi_controls
from organisation.models import Association, Collectivity, Committee, CouncilSession, Service


class ReferenceCounter(models.Model):
    """Last sequence number used per collectivity, kind and year; locked to keep references gapless."""

    collectivity = models.ForeignKey(Collectivity, on_delete=models.CASCADE)
    kind = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "kind", "year"], name="reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.collectivity_id}/{self.kind}/{self.year}: {self.last}"


class CaseQuerySet(models.QuerySet):
    def update(self, **kwargs):  # docs/architecture.md, house rules: bulk writes bypass the FSM and history
        raise TypeError("Case rows change only through cases.services.")

    def bulk_update(self, *args, **kwargs):
        raise TypeError("Case rows change only through cases.services.")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise TypeError("Case rows change only through cases.services.")
        return super().bulk_create(objs, *args, **kwargs)

    def public(self):
        return self.exclude(state=S.DRAFT)


class Case(ConcurrentTransitionMixin, models.Model):
    """A petition, proposal, advisory opinion or children's recommendation (docs/domain.md §3)."""

    class Kind(models.TextChoices):
        PETITION = "petition", _("Petition")
        PROPOSAL = "proposal", _("Proposal")
        ADVISORY_OPINION = "advisory_opinion", _("Advisory opinion")
        CHILDREN_RECOMMENDATION = "children_recommendation", _("Children's Council recommendation")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        DESK = "desk", _("Reception desk")
        MEETING = "meeting", _("Public meeting")
        PAPER = "paper", _("Paper")

    class Recommendation(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        REJECT = "reject", _("Reject")
        AMEND = "amend", _("Adopt with amendments")

    KIND_CODES = {
        Kind.PETITION: "PET",
        Kind.PROPOSAL: "PRO",
        Kind.ADVISORY_OPINION: "AVI",
        Kind.CHILDREN_RECOMMENDATION: "ENF",
    }

    collectivity = models.ForeignKey(
        Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    tracking_code_hash = models.CharField(max_length=128, editable=False)
    title = models.CharField(_("title"), max_length=250, validators=[validate_no_bidi_controls])
    description = models.TextField(_("description"))
    subject = models.CharField(_("subject domain"), max_length=120, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_cases",
    )
    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_cases",
        help_text=_("The reception desk agent who registered a paper or desk submission."),
    )
    # Personal data of someone who filed on paper without an account: never public (Law 09-08).
    submitter_name = models.CharField(_("submitter's name (paper filing)"), max_length=200, blank=True)
    submitter_contact = models.CharField(_("submitter's contact (paper filing)"), max_length=200, blank=True)
    # Desk and paper filers without an account: where their notices go by SMS (core.phone, E.164) and in
    # which language. Personal data (Law 09-08): never on a public page, in a log or an export.
    submitter_phone = models.CharField(
        _("submitter's phone for notices"), max_length=16, blank=True, default="", db_default=""
    )
    submitter_language = models.CharField(
        _("submitter's language"), max_length=3, default="ar", db_default="ar"
    )
    related_case = models.ForeignKey(
        "self",
        verbose_name=_("related case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_opinions",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    session = models.ForeignKey(
        CouncilSession,
        verbose_name=_("council session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    state = FSMField(_("state"), default=S.DRAFT, choices=S.STATE_CHOICES, protected=True, db_index=True)

    # Dates: creation, filing, the current state, the decision, the closing.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("filed at"), null=True, blank=True, db_index=True)
    state_entered_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # What the transitions carried (the latest of each); the audit chain keeps every version.
    information_requested = models.TextField(_("information requested"), blank=True)
    report = models.TextField(_("committee report"), blank=True)
    recommendation = models.CharField(
        _("committee recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    deliberation_number = models.CharField(_("deliberation number"), max_length=50, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    # OL 113-14 art. 42: the members present at the deliberation, and which convocation it was (at
    # the third the council deliberates whatever the number present).
    members_present = models.PositiveIntegerField(_("members present"), null=True, blank=True)
    convocation = models.CharField(_("convocation"), max_length=10, blank=True)
    president_vote = models.CharField(_("the president's vote"), max_length=10, blank=True)
    decision_justification = models.TextField(_("decision justification"), blank=True)
    decision_reason_code = models.CharField(_("decision reason"), max_length=40, blank=True)
    decided_by_president = models.BooleanField(_("ruled by the president"), default=False)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    budget_line = models.CharField(_("budget line"), max_length=100, blank=True)
    evidence = models.TextField(_("evidence of implementation"), blank=True)
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    # Petitions (OL 113-14 art. 121-125).
    signing_open = models.BooleanField(
        _("open for online signatures"), default=False, help_text=_("A draft petition collecting signatures.")
    )
    mandatory_session = models.ForeignKey(
        CouncilSession,
        verbose_name=_("session whose agenda must include it"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandatory_cases",
        help_text=_("OL 113-14 art. 38: an admissible petition goes on the next ordinary session's agenda."),
    )
    # OL 113-14 art. 38: why the case went on another session's agenda than its mandatory one.
    schedule_derogation = models.TextField(_("derogation from the mandatory session"), blank=True)
    # Clocks (docs/domain.md §6). The stage clock pauses while the submitter completes the file; the
    # current deadline is recomputed by clocks.deadlines at every transition and rule change.
    clock_started_at = models.DateTimeField(_("stage clock started at"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(_("stage clock paused at"), null=True, blank=True)
    deadline_on = models.DateField(_("current deadline"), null=True, blank=True, db_index=True)
    legal_deadline_on = models.DateField(_("legal deadline"), null=True, blank=True)
    personal_data_purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True)
    purged_signature_count = models.PositiveIntegerField(
        _("signatures counted before the purge"), null=True, blank=True
    )

    # Audit chain head (docs/domain.md §5): a truncated chain no longer matches these.
    audit_head = models.CharField(_("audit chain head"), max_length=64, blank=True, editable=False)
    audit_count = models.PositiveIntegerField(_("audit entries"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["audit_head", "audit_count"])
    # The desk's processes (viewflow): lets the inbox join a task to its case in one query.
    desk_processes = GenericRelation(
        "viewflow.Process",
        content_type_field="artifact_content_type",
        object_id_field="artifact_object_id",
        related_query_name="case",
    )
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collectivity", "kind", "year", "sequence"], name="case_unique_sequence"
            )
        ]
        indexes = [
            models.Index(fields=["collectivity", "kind", "state"]),
            # The public register and the API list: newest filed first, per collectivity.
            models.Index(fields=["collectivity", "-submitted_at", "-id"], name="case_register_idx"),
            # viewflow keys a process's case by an integer column: the inbox joins on id cast to it.
            models.Index(Cast("id", output_field=models.IntegerField()), name="case_id_as_integer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def state_label(self) -> str:
        return str(S.STATE_LABELS[self.state])

    @property
    def is_open(self) -> bool:
        return self.state in S.OPEN_STATES

    @property
    def is_opinion(self) -> bool:
        return self.kind in (self.Kind.ADVISORY_OPINION, self.Kind.CHILDREN_RECOMMENDATION)

    @property
    def legal_deadline(self) -> datetime.date | None:
        """OL 113-14 art. 125: a reasoned rejection is notified within 3 months of filing (2 for
        provinces and regions, a per-collectivity setting)."""
        if self.kind != self.Kind.PETITION or not self.submitted_at:
            return None
        if self.legal_deadline_on:
            return self.legal_deadline_on

        filed = timezone.localtime(self.submitted_at).date()
        return filed + relativedelta(months=self.collectivity.rejection_notice_months)

    # django-fsm transitions. Who may fire them and what they must carry live in cases.lifecycle;
    # these only declare the edges, so the state field can never take a step the table forbids.
    @transition(field=state, source=S.DRAFT, target=S.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.UNDER_REVIEW)
    def start_review(self):
        pass

    @transition(field=state, source=[S.SUBMITTED, S.UNDER_REVIEW], target=S.INADMISSIBLE)
    def declare_inadmissible(self):
        pass

    @transition(field=state, source=S.UNDER_REVIEW, target=S.AWAITING_INFORMATION)
    def request_information(self):
        pass

    @transition(field=state, source=S.AWAITING_INFORMATION, target=S.UNDER_REVIEW)
    def provide_information(self):
        pass

    @transition(field=state, source=[S.UNDER_REVIEW, S.SUBMITTED], target=S.IN_COMMITTEE)
    def refer_to_committee(self):
        pass

    @transition(field=state, source=S.IN_COMMITTEE, target=S.REPORTED)
    def report_(self):
        pass

    @transition(field=state, source=S.REPORTED, target=S.ON_AGENDA)
    def schedule(self):
        pass

    @transition(field=state, source=[S.ON_AGENDA, S.REPORTED], target=S.ADOPTED)
    def adopt(self):
        pass

    @transition(field=state, source=[S.ON_AGENDA, S.REPORTED], target=S.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=S.ON_AGENDA, target=S.IN_COMMITTEE)
    def defer(self):
        pass

    @transition(field=state, source=S.ADOPTED, target=S.IN_IMPLEMENTATION)
    def plan_implementation(self):
        pass

    @transition(field=state, source=S.IN_IMPLEMENTATION, target=S.IMPLEMENTED)
    def complete(self):
        pass

    @transition(field=state, source=[S.ADOPTED, S.IN_IMPLEMENTATION], target=S.NOT_IMPLEMENTED)
    def abandon(self):
        pass

    @transition(field=state, source=S.WITHDRAWABLE_STATES, target=S.WITHDRAWN)
    def withdraw(self):
        pass


class CaseAttachment(models.Model):
    """A file attached to a case: a committee report, evidence of implementation, a scan."""

    class Purpose(models.TextChoices):
        SUBMISSION = "submission", _("Submission")
        FINAL_RECEIPT = "final_receipt", _("Association's final receipt")
        STATUTES = "statutes", _("Association's statutes")
        MANDATE = "mandate", _("Representative's mandate")
        SIGNED_LISTS = "signed_lists", _("Signed lists")
        CNIE_COPIES = "cnie_copies", _("Copies of identity cards")
        REPORT = "report", _("Committee report")
        EVIDENCE = "evidence", _("Evidence of implementation")
        INFORMATION = "information", _("Completed information")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="attachments"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.OTHER)
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    public = models.BooleanField(_("public"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    sha256 = models.CharField(max_length=64, editable=False)
    # Decided by the server from the accepted extension at upload, never taken from the client.
    content_type = models.CharField(_("content type"), max_length=100, blank=True, editable=False)
    history = HistoricalRecords()

    # The documents Decree 2.16.403 art. 3-4 asks of a petition's filer: identity copies, signed
    # lists, and the association's legal dossier naming its officers. Law 09-08: the council bureau
    # alone opens them (it alone rules on admissibility), and every opening is logged.
    PERSONAL_DATA_PURPOSES = frozenset(
        {
            Purpose.SIGNED_LISTS,
            Purpose.CNIE_COPIES,
            Purpose.FINAL_RECEIPT,
            Purpose.STATUTES,
            Purpose.MANDATE,
        }
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_personal_data(self) -> bool:
        return self.purpose in self.PERSONAL_DATA_PURPOSES


class ProgressUpdate(models.Model):
    """Implementation progress (percent, note, attachment) while in_implementation; audited, not a
    transition."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="progress_updates"
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("note"))
    attachment = models.ForeignKey(
        CaseAttachment, verbose_name=_("attachment"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.percent}%"


class Milestone(models.Model):
    """A planned step of an implementation, with the date it was reached."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    planned_on = models.DateField(_("planned for"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return self.title


class OpinionOutcome(models.Model):
    """What the decision on a case did with a linked advisory opinion or children's recommendation."""

    opinion = models.OneToOneField(
        Case, verbose_name=_("opinion"), on_delete=models.PROTECT, related_name="opinion_outcome"
    )
    decided_case = models.ForeignKey(
        Case, verbose_name=_("decided case"), on_delete=models.PROTECT, related_name="opinion_outcomes"
    )
    followed = models.BooleanField(_("followed"))
    reason = models.TextField(_("why"))
    decided_at = models.DateTimeField(_("decided at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome of an opinion")
        verbose_name_plural = _("outcomes of opinions")

    def __str__(self) -> str:
        return f"{self.opinion_id} -> {self.decided_case_id}: {self.followed}"


class CommitteeReferral(models.Model):
    """One committee's work on a case (OL 113-14 art. 125 speaks of "the committees"): the lead
    committee that files the report the council votes on (`Case.committee`, one row per referral
    and per return after `defer`), or a further committee asked for its opinion. Each files its own
    report; written only by cases.services (docs/domain.md §3.6)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead committee")
        OPINION = "opinion", _("Committee asked for an opinion")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="committee_referrals"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="referrals"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    report = models.TextField(_("committee report"), blank=True)
    reported_at = models.DateTimeField(_("reported on"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # An opinion still unfiled when the case leaves the stage where opinions are filed (the council
    # decides, or the filer withdraws): closed without a report, never filed afterwards. Written by
    # the transition itself (cases.services.committees.lapse_open_referrals), docs/domain.md §3.6.
    lapsed_at = models.DateTimeField(_("lapsed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee referral")
        verbose_name_plural = _("committee referrals")
        ordering = ["requested_at", "id"]
        constraints = [
            # A committee is asked once at a time for its opinion on a case; a lapsed request is
            # closed, and does not stand in the way of a new one.
            models.UniqueConstraint(
                fields=["case", "committee"],
                condition=models.Q(role="opinion", reported_at__isnull=True, lapsed_at__isnull=True),
                name="committee_referral_one_pending_opinion",
            )
        ]
        indexes = [models.Index(fields=["committee", "role", "reported_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} -> {self.committee_id} ({self.role})"

    @property
    def pending(self) -> bool:
        return self.reported_at is None and self.lapsed_at is None

    @property
    def lapsed(self) -> bool:
        return self.reported_at is None and self.lapsed_at is not None


def transition_graph_mismatches(model=Case, table=None) -> list[str]:
    """Where the django-fsm decorators above and the table of cases.lifecycle disagree: the graph is
    declared once for the state field and once for permissions and payloads; this keeps them one."""
    table = lifecycle.TRANSITIONS if table is None else table
    problems = []
    declared = {
        name: attr._django_fsm
        for name, attr in vars(model).items()
        if callable(attr) and hasattr(attr, "_django_fsm")
    }
    for spec in table.values():
        meta = declared.pop(spec.method, None)
        if meta is None:
            problems.append(f"{spec.name}: no django-fsm transition {spec.method}()")
            continue
        sources = set(meta.transitions)
        targets = {t.target for t in meta.transitions.values()}
        if sources != set(spec.sources) or targets != {spec.target}:
            problems.append(
                f"{spec.name}: fsm {sorted(sources)} -> {sorted(targets)}, table {sorted(spec.sources)} -> "
                f"{spec.target}"
            )
    problems.extend(f"{method}(): a django-fsm transition the table does not know" for method in declared)
    return problems


# Checked when the app loads: a table and a decorator that drift apart stop the site from starting.
if _mismatches := transition_graph_mismatches():
    raise ImproperlyConfigured("Transition graph mismatch: " + "; ".join(_mismatches))

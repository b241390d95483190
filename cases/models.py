"""Organisation models and the case. State changes happen only in cases.services."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from . import states as S
from .lifecycle import validate_no_bidi_controls


def _default_session_months() -> list[int]:
    return [2, 5, 10]  # OL 113-14 art. 33: February, May, October


def _default_reminders() -> list[int]:
    return [7, 1]


def _default_weekend() -> list[int]:
    return [5, 6]  # Saturday, Sunday (Python weekday numbers)


class Collectivity(models.Model):
    """A territorial collectivity and the legal settings it runs under (docs/legal.md §9)."""

    class Type(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        PROVINCE = "province", _("Prefecture or province")
        REGION = "region", _("Region")

    slug = models.SlugField(_("slug"), unique=True)
    code = models.CharField(
        _("reference code"), max_length=5, unique=True, help_text=_("Prefix of case references, e.g. DMN.")
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, validators=[validate_no_bidi_controls])
    name_fr = models.CharField(_("name (French)"), max_length=200, validators=[validate_no_bidi_controls])
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.COMMUNE)
    population_legal = models.PositiveIntegerField(
        _("legal population"), null=True, blank=True, help_text=_("From the decree authenticating the legal population.")
    )
    has_arrondissements = models.BooleanField(_("has arrondissements"), default=False)
    # OL 113-14 art. 123 / 112-14 art. 114 / 111-14 art. 120: empty means "derive from type and population".
    petition_min_signatures_override = models.PositiveIntegerField(
        _("minimum petition signatures (override)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    region_min_share_per_province_percent = models.PositiveSmallIntegerField(
        _("minimum share of signatures per province (regions, %)"), default=5, validators=[MaxValueValidator(100)]
    )
    association_min_age_years = models.PositiveSmallIntegerField(
        _("association minimum age (years, strictly more than)"), default=3
    )
    association_min_members = models.PositiveIntegerField(_("association minimum members"), default=0)
    rejection_notice_months = models.PositiveSmallIntegerField(
        _("reasoned rejection notified within (months)"), default=3, validators=[MinValueValidator(1)]
    )
    ordinary_session_months = models.JSONField(_("ordinary session months"), default=_default_session_months)
    agenda_to_governor_days_before = models.PositiveSmallIntegerField(_("agenda sent to the governor (days before)"), default=20)
    member_notice_days_before = models.PositiveSmallIntegerField(_("members notified (days before a session)"), default=10)
    standing_committees_min = models.PositiveSmallIntegerField(_("standing committees (minimum)"), default=2)
    standing_committees_max = models.PositiveSmallIntegerField(
        _("standing committees (maximum)"), null=True, blank=True, default=5
    )
    decision_posting_days = models.PositiveSmallIntegerField(_("decisions posted within (days)"), default=8)
    minutes_to_members_days = models.PositiveSmallIntegerField(_("minutes sent to members within (days)"), default=15)
    justification_min_chars = models.PositiveSmallIntegerField(
        _("minimum justification length (letters)"), default=30, validators=[MinValueValidator(1)]
    )
    signatory_electoral_conditions_required = models.BooleanField(_("signatories meet electoral conditions"), default=True)
    acceptance_notice_required = models.BooleanField(_("acceptance of a petition notified"), default=True)
    personal_data_retention_days = models.PositiveIntegerField(
        _("personal data kept after closing (days)"), default=365
    )
    info_request_deadline_working_days = models.PositiveSmallIntegerField(
        _("information request answered within (working days)"), default=20
    )
    weekend_days = models.JSONField(_("weekend days (0 = Monday)"), default=_default_weekend)
    reminder_days_before = models.JSONField(_("reminders (days before a deadline)"), default=_default_reminders)
    second_escalation_days = models.PositiveSmallIntegerField(
        _("escalation to the bureau and the follow-up team (days after a deadline)"), default=7
    )
    # OL 111-14 art. 120: a region's petition needs at least 5 % of the required signatures from
    # each of its prefectures and provinces.
    provinces = models.JSONField(_("prefectures and provinces (regions)"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collectivity")
        verbose_name_plural = _("collectivities")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ar, self.name_fr)

    @classmethod
    def legal_defaults(cls, type_: str) -> dict:
        """Defaults of docs/legal.md §5 for a collectivity type."""
        if type_ == cls.Type.PROVINCE:
            return {
                "rejection_notice_months": 2,  # OL 112-14 art. 116
                "ordinary_session_months": [1, 6, 9],  # OL 112-14 art. 34
                "association_min_members": 101,  # OL 112-14 art. 115: more than 100
                "standing_committees_min": 3,
                "standing_committees_max": None,
                "signatory_electoral_conditions_required": True,
            }
        if type_ == cls.Type.REGION:
            return {
                "rejection_notice_months": 2,  # OL 111-14 art. 122
                "ordinary_session_months": [3, 7, 10],  # OL 111-14 art. 36
                "association_min_members": 0,
                "standing_committees_min": 3,
                "standing_committees_max": 7,
                # OL 111-14 art. 120 does not list the electoral-registration condition.
                "signatory_electoral_conditions_required": False,
            }
        return {
            "rejection_notice_months": 3,  # OL 113-14 art. 125
            "ordinary_session_months": [2, 5, 10],  # OL 113-14 art. 33
            "association_min_members": 0,
            "standing_committees_min": 2,
            "standing_committees_max": 5,
            "signatory_electoral_conditions_required": True,
        }

    @property
    def petition_min_signatures(self) -> int:
        """Minimum valid, distinct signatories of a citizens' petition."""
        if self.petition_min_signatures_override:
            return self.petition_min_signatures_override
        population = self.population_legal or 0
        if self.type == self.Type.PROVINCE:
            return 300  # OL 112-14 art. 114
        if self.type == self.Type.REGION:
            # OL 111-14 art. 120: by population band
            if population < 1_000_000:
                return 300
            if population <= 3_000_000:
                return 400
            return 500
        if self.has_arrondissements:
            return 400  # OL 113-14 art. 123
        return 100 if population < 35_000 else 200  # OL 113-14 art. 123

    def clean(self) -> None:
        errors: dict[str, list] = {}
        months = self.ordinary_session_months
        if (
            not isinstance(months, list)
            or not months
            or len(set(months)) != len(months)
            or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months)
        ):
            errors.setdefault("ordinary_session_months", []).append(
                _("Give distinct month numbers between 1 and 12.")
            )
        weekend = self.weekend_days
        if not isinstance(weekend, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in weekend
        ):
            errors.setdefault("weekend_days", []).append(_("Give weekday numbers between 0 (Monday) and 6 (Sunday)."))
        if self.has_arrondissements and self.type != self.Type.COMMUNE:
            errors.setdefault("has_arrondissements", []).append(_("Only a commune can have arrondissements."))
        if self.standing_committees_max is not None and self.standing_committees_max < self.standing_committees_min:
            errors.setdefault("standing_committees_max", []).append(
                _("The maximum cannot be lower than the minimum.")
            )
        if self.code and not (self.code.isascii() and self.code.isalpha() and self.code.isupper()):
            errors.setdefault("code", []).append(_("Use capital letters only, e.g. DMN."))
        if errors:
            raise ValidationError(errors)

def localized(ar: str, fr: str) -> str:
    """Pick the Arabic or French name by the active language, falling back on the other."""
    from django.utils.translation import get_language

    lang = (get_language() or "ar")[:2]
    if lang == "fr":
        return fr or ar
    return ar or fr


class NamedOrgModel(models.Model):
    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, validators=[validate_no_bidi_controls])
    name_fr = models.CharField(_("name (French)"), max_length=200, validators=[validate_no_bidi_controls])

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ar, self.name_fr)


class Committee(NamedOrgModel):
    """A standing committee of the council (OL 113-14 art. 25-28)."""

    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="committees"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_committees",
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta(NamedOrgModel.Meta):
        verbose_name = _("standing committee")
        verbose_name_plural = _("standing committees")
        constraints = [models.UniqueConstraint(fields=["collectivity", "name_fr"], name="committee_unique_name")]


class Service(NamedOrgModel):
    """An administrative service that implements adopted cases."""

    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="services"
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_services",
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta(NamedOrgModel.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["collectivity", "name_fr"], name="service_unique_name")]


class CouncilSession(models.Model):
    """A council session; its agenda is the cases scheduled on it."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.ORDINARY)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "date", "kind"], name="session_unique_date_kind")
        ]

    def __str__(self) -> str:
        title = localized(self.title_ar, self.title_fr)
        return title or f"{self.get_kind_display()} {self.date.isoformat()}"

    def clean(self) -> None:
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": _("A session cannot end before it starts.")})


class Association(models.Model):
    """A registered association (Dahir of 1958) of the collectivity's registry."""

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT)
    name_ar = models.CharField(_("name (Arabic)"), max_length=250, validators=[validate_no_bidi_controls])
    name_fr = models.CharField(_("name (French)"), max_length=250, blank=True, validators=[validate_no_bidi_controls])
    founded_on = models.DateField(_("legal founding date"))
    seat_in_collectivity = models.BooleanField(_("seat in the collectivity"), default=True)
    branch_in_collectivity = models.BooleanField(_("branch in the collectivity"), default=False)
    domain = models.CharField(_("domain of activity"), max_length=200, blank=True)
    members_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    charter_signed_on = models.DateField(_("charter signed on"), null=True, blank=True)
    charter_promoter = models.BooleanField(_("promotes the charter"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="associations"
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("legal representative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="represented_associations",
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name_ar"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ar, self.name_fr)

    def clean(self) -> None:
        if self.founded_on and self.founded_on > timezone.localdate():
            raise ValidationError({"founded_on": _("The founding date cannot be in the future.")})


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
        Association, verbose_name=_("association"), on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
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
    related_case = models.ForeignKey(
        "self",
        verbose_name=_("related case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_opinions",
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
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
    # Clocks (docs/domain.md §6). The stage clock pauses while the submitter completes the file; the
    # current deadline is recomputed by cases.deadlines at every transition and rule change.
    clock_started_at = models.DateTimeField(_("stage clock started at"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(_("stage clock paused at"), null=True, blank=True)
    deadline_on = models.DateField(_("current deadline"), null=True, blank=True, db_index=True)
    legal_deadline_on = models.DateField(_("legal deadline"), null=True, blank=True)
    personal_data_purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True)
    purged_signature_count = models.PositiveIntegerField(_("signatures counted before the purge"), null=True, blank=True)

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
            models.UniqueConstraint(fields=["collectivity", "kind", "year", "sequence"], name="case_unique_sequence")
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
        from dateutil.relativedelta import relativedelta

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

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="attachments")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.OTHER)
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    public = models.BooleanField(_("public"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, null=True, blank=True
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
    """Implementation progress (percent, note, attachment) while in_implementation; audited, not a transition."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="progress_updates")
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

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="milestones")
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


class Signature(models.Model):
    """One signatory of a petition (OL 113-14 art. 123). Personal data: visible to the bureau only,
    the CNIE number encrypted at rest beside a keyed hash for duplicates (Law 09-08)."""

    class Link(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        ACTIVITY = "activity", _("Economic, commercial or professional activity")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")

    case = models.ForeignKey(Case, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="signatures")
    full_name = models.CharField(_("full name"), max_length=200)
    cnie_encrypted = models.TextField(_("CNIE number (encrypted)"))
    cnie_hash = models.CharField(_("CNIE keyed hash"), max_length=64)
    cnie_last3 = models.CharField(_("CNIE last characters"), max_length=3)
    address = models.CharField(_("address"), max_length=300)
    link = models.CharField(_("link to the territory"), max_length=10, choices=Link.choices)
    province = models.CharField(_("prefecture or province of residence (regions)"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("online signer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    valid = models.BooleanField(_("valid"), default=True)
    invalidated_reason = models.CharField(_("reason of invalidation"), max_length=300, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("signed at"), default=timezone.now)
    # History without the personal fields, so the purge leaves no copy behind.
    history = HistoricalRecords(excluded_fields=["full_name", "cnie_encrypted", "cnie_last3", "address"])

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "cnie_hash"], name="signature_unique_cnie"),
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(user__isnull=False), name="signature_unique_user"
            ),
        ]
        indexes = [models.Index(fields=["case", "valid"])]

    def __str__(self) -> str:
        return f"{self.case_id}: ***{self.cnie_last3}"

    @property
    def cnie_masked(self) -> str:
        return f"•••••{self.cnie_last3}"


class SignatureAccessLog(models.Model):
    """Every view of signatories' personal data (Law 09-08): who, when, which case."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    what = models.CharField(_("what"), max_length=40)
    count = models.PositiveIntegerField(_("signatures shown"), default=0)
    # A document opened (a CNIE copy, a signed list, a statute); kept when the purge removes the file.
    attachment = models.ForeignKey(
        CaseAttachment,
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} {self.case_id} {self.at:%Y-%m-%d %H:%M}"


class AdmissibilityCheck(models.Model):
    """One legal condition of the bureau's admissibility checklist (OL 113-14 art. 121-125)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="admissibility")
    condition = models.CharField(_("condition"), max_length=40)
    met = models.BooleanField(_("met"))
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admissibility condition")
        verbose_name_plural = _("admissibility checklist")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "condition"], name="admissibility_unique_condition")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.condition}: {self.met}"


class DeadlineRule(models.Model):
    """How long a case may stay in a state (docs/domain.md §6): per collectivity, kind (blank: every kind)
    and state; calendar or working days, counted from entering the state or from filing."""

    class Unit(models.TextChoices):
        CALENDAR = "calendar", _("Calendar days")
        WORKING = "working", _("Working days")

    class From(models.TextChoices):
        STATE = "state", _("Entering the state")
        FILING = "filing", _("Filing")

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=30, choices=Case.Kind.choices, blank=True)
    state = models.CharField(_("state"), max_length=30, choices=S.STATE_CHOICES)
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1), MaxValueValidator(3650)])
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.CALENDAR)
    counted_from = models.CharField(_("counted from"), max_length=10, choices=From.choices, default=From.STATE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["collectivity", "state", "kind"]
        constraints = [models.UniqueConstraint(fields=["collectivity", "kind", "state"], name="deadline_rule_unique")]

    def __str__(self) -> str:
        return f"{self.state} {self.kind or '*'}: {self.days} {self.unit}"


class HolidayOverride(models.Model):
    """The official Islamic holidays follow the moon sighting: an administrator confirms, shifts,
    cancels or adds a public holiday, and every clock follows the confirmed date (docs/domain.md §6)."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", _("Confirm")
        SHIFT = "shift", _("Shift to another date")
        CANCEL = "cancel", _("Cancel")
        ADD = "add", _("Add a holiday")

    date = models.DateField(_("date in the calendar"))
    name = models.CharField(_("holiday"), max_length=100)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    new_date = models.DateField(_("confirmed date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public holiday confirmation")
        verbose_name_plural = _("public holiday confirmations")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["date", "name"], name="holiday_override_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name} ({self.action})"

    def clean(self) -> None:
        if self.action == self.Action.SHIFT and not self.new_date:
            raise ValidationError({"new_date": _("Give the confirmed date.")})


class DeadlineNotice(models.Model):
    """A reminder or an escalation sent for a case's stay in a state: never twice (docs/domain.md §6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadline_notices")
    state = models.CharField(max_length=30)
    entered_at = models.DateTimeField()
    threshold = models.CharField(max_length=30)
    deadline_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "state", "entered_at", "threshold"], name="deadline_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state} {self.threshold}"

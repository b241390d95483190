"""Participation records (charter 7.3-7.4): meetings, their attendance as counts only, evaluation
cards as tallies, and their documents. Writes go through participation.services."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case
from organisation.models import Collectivity, Committee, Service


def new_evaluation_token() -> str:
    # The online evaluation link is unguessable: knowing it is the invitation to answer.
    return secrets.token_urlsafe(18)


class Meeting(models.Model):
    """A participatory meeting (charter 5 and 7.4): who organised it, when, where, on what."""

    class Kind(models.TextChoices):
        PUBLIC_CONSULTATION = "public_consultation", _("Public consultation")
        CHARTER_INFORMATION = "charter_information", _("Charter information meeting")
        ACTION_PROGRAMME = "action_programme", _("Periodic meeting on the action programme")
        TRAINING = "training", _("Training")
        CHILDREN_COUNCIL_SESSION = "children_council_session", _("Children's Council session")
        EQUALITY_COMMISSION_MEETING = "equality_commission_meeting", _("Equality Commission meeting")
        COMMITTEE_HEARING = "committee_hearing", _("Committee hearing")
        WORKSHOP = "workshop", _("Workshop")

    class Organiser(models.TextChoices):
        BUREAU = "bureau", _("Council bureau")
        COMMITTEE = "committee", _("Standing committee")
        EQUALITY_COMMISSION = "equality_commission", _("Equality Commission")
        CHILDREN_COUNCIL = "children_council", _("Children's Council")
        FOLLOWUP = "followup", _("Charter follow-up team")
        SERVICE = "service", _("Service")

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=250)
    organiser = models.CharField(_("organiser"), max_length=30, choices=Organiser.choices)
    committee = models.ForeignKey(
        Committee, verbose_name=_("organising committee"), on_delete=models.PROTECT, null=True, blank=True
    )
    service = models.ForeignKey(
        Service, verbose_name=_("organising service"), on_delete=models.PROTECT, null=True, blank=True
    )
    cases = models.ManyToManyField(Case, verbose_name=_("linked cases"), blank=True, related_name="meetings")
    public = models.BooleanField(_("shown on the public calendar"), default=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    evaluation_token = models.CharField(
        max_length=40, unique=True, default=new_evaluation_token, editable=False
    )
    evaluation_open = models.BooleanField(_("online evaluation open"), default=True)
    attendance_source = models.CharField(
        _("attendance entered from"), max_length=10, blank=True, editable=False
    )
    attendance_recorded_at = models.DateTimeField(
        _("attendance recorded at"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[cases])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        permissions = [("manage_meetings", "Manages every meeting of the collectivity")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.topic}"

    @property
    def organiser_label(self) -> str:
        if self.organiser == self.Organiser.COMMITTEE and self.committee_id:
            return self.committee.name
        if self.organiser == self.Organiser.SERVICE and self.service_id:
            return self.service.name
        return str(self.get_organiser_display())

    def clean(self) -> None:
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("A meeting cannot end before it starts.")
        if self.organiser == self.Organiser.COMMITTEE and not self.committee_id:
            errors["committee"] = _("Name the organising committee.")
        if self.organiser == self.Organiser.SERVICE and not self.service_id:
            errors["service"] = _("Name the organising service.")
        if self.organiser != self.Organiser.COMMITTEE and self.committee_id:
            errors["committee"] = _("A committee is named only when a committee organises the meeting.")
        if self.organiser != self.Organiser.SERVICE and self.service_id:
            errors["service"] = _("A service is named only when a service organises the meeting.")
        for field in ("committee", "service"):
            body = getattr(self, field) if getattr(self, f"{field}_id") else None
            if body is not None and self.collectivity_id and body.collectivity_id != self.collectivity_id:
                errors[field] = _("It belongs to another collectivity.")
        if errors:
            raise ValidationError(errors)


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    UNKNOWN = "unknown", _("Not stated")


class AgeBand(models.TextChoices):
    UNDER_15 = "under_15", _("Under 15")
    YOUTH = "15_34", _("15 to 34")
    ADULT = "35_59", _("35 to 59")
    SENIOR = "60_plus", _("60 and over")
    UNKNOWN = "unknown", _("Not stated")


class Disability(models.TextChoices):
    YES = "yes", _("With a disability")
    NO = "no", _("Without a disability")
    UNKNOWN = "unknown", _("Not stated")


class ParticipantType(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    ASSOCIATION = "association", _("Association member")
    OFFICIAL = "official", _("Elected member or official")
    UNKNOWN = "unknown", _("Not stated")


class AttendanceCount(models.Model):
    """How many attended, per gender x age band x disability x participant type. Law 09-08: the
    sheet's names are counted and dropped; no list of private persons is kept."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    disability = models.CharField(_("disability"), max_length=10, choices=Disability.choices)
    participant_type = models.CharField(_("participant type"), max_length=15, choices=ParticipantType.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("attendance count")
        verbose_name_plural = _("attendance counts")
        ordering = ["meeting", "gender", "age_band", "disability", "participant_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "gender", "age_band", "disability", "participant_type"],
                name="attendance_unique_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.count}"


class EvaluationTally(models.Model):
    """Evaluation cards as counts per answer, from paper (entered in bulk) or online."""

    class Question(models.TextChoices):
        SATISFACTION = "satisfaction", _("Overall satisfaction (1 to 5)")
        CLARITY = "clarity", _("Clarity of the information given (1 to 5)")
        COME_AGAIN = "come_again", _("Would you come again?")

    class Source(models.TextChoices):
        PAPER = "paper", _("Paper cards")
        ONLINE = "online", _("Online")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="evaluations"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    question = models.CharField(_("question"), max_length=20, choices=Question.choices)
    answer = models.CharField(_("answer"), max_length=5)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("evaluation tally")
        verbose_name_plural = _("evaluation tallies")
        ordering = ["meeting", "question", "answer", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "source", "question", "answer"], name="evaluation_unique_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.question}={self.answer}: {self.count}"


class MeetingDocument(models.Model):
    """Minutes, the attendance sheet's scan, other papers. Never served from MEDIA_URL: only
    through participation.views_files, to staff, or to everyone when marked public."""

    class Purpose(models.TextChoices):
        MINUTES = "minutes", _("Minutes")
        ATTENDANCE_SHEET = "attendance_sheet", _("Attendance sheet (scan)")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="documents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.MINUTES)
    file = models.FileField(_("file"), upload_to="participation/%Y/%m/")
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
    content_type = models.CharField(_("content type"), max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


# The charter's bodies (charter 7.3, action plan axes 3 and 4) ---------------------------------


class CommissionMember(models.Model):
    """A member of the Equality Commission (OL 113-14 art. 120: the Commission for equality, equal
    opportunities and gender, made of local associations' and civil society's figures). Its members
    are a body's members: their names are kept, shown to the commune's staff and the Commission."""

    class Role(models.TextChoices):
        PRESIDENT = "president", _("Chair of the Commission")
        SECRETARY = "secretary", _("Secretary of the Commission")
        MEMBER = "member", _("Member")

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT)
    full_name = models.CharField(_("full name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    association = models.ForeignKey(
        "organisation.Association",
        verbose_name=_("association"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commission_members",
    )
    role = models.CharField(
        _("role in the Commission"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commission_memberships",
    )
    mandate_start = models.DateField(_("mandate starts on"))
    mandate_end = models.DateField(_("mandate ends on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Equality Commission member")
        verbose_name_plural = _("Equality Commission members")
        ordering = ["collectivity", "full_name", "id"]
        permissions = [("manage_commission_members", "Manages the Equality Commission's members")]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.mandate_end and self.mandate_start and self.mandate_end < self.mandate_start:
            raise ValidationError({"mandate_end": _("A mandate cannot end before it starts.")})


class OpinionRequest(models.Model):
    """The president, the bureau or a committee asks the Equality Commission for an opinion on a
    case or a topic (OL 113-14 art. 120), by a due date; the answer is an advisory_opinion case."""

    class Requester(models.TextChoices):
        PRESIDENT = "president", _("Council president")
        BUREAU = "bureau", _("Council bureau")
        COMMITTEE = "committee", _("Standing committee")

    class Topic(models.TextChoices):
        CASE = "case", _("A case")
        ACTION_PROGRAMME = "action_programme", _("The commune's action programme")
        BUDGET = "budget", _("The budget")
        OTHER = "other", _("Another topic")

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT)
    requester = models.CharField(_("asked by"), max_length=10, choices=Requester.choices)
    committee = models.ForeignKey(
        Committee, verbose_name=_("asking committee"), on_delete=models.PROTECT, null=True, blank=True
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_requests",
    )
    title = models.CharField(_("title"), max_length=250)
    question = models.TextField(_("question put to the Commission"))
    due_on = models.DateField(_("opinion due on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    opinion = models.OneToOneField(
        Case,
        verbose_name=_("the Commission's opinion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_request",
    )
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion request")
        verbose_name_plural = _("opinion requests")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today=None) -> bool:
        """Unanswered past its due date, or answered after it."""
        today = today or timezone.localdate()
        if self.answered_at is None:
            return self.due_on < today
        return timezone.localdate(self.answered_at) > self.due_on


class ChildMember(models.Model):
    """A member of the Children's Council (docs/domain.md §3.4). Members are minors: a first name
    only, never a full name; the guardian's consent is recorded by the facilitator."""

    class AgeBand(models.TextChoices):
        UNDER_12 = "8_11", _("8 to 11")
        EARLY_TEEN = "12_14", _("12 to 14")
        TEEN = "15_17", _("15 to 17")

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT)
    first_name = models.CharField(_("first name"), max_length=60)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    school_or_neighbourhood = models.CharField(_("school or neighbourhood"), max_length=200)
    guardian_consent_on = models.DateField(_("guardian's consent given on"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Children's Council member")
        verbose_name_plural = _("Children's Council members")
        ordering = ["collectivity", "first_name", "id"]
        permissions = [("manage_children_council", "Manages the Children's Council")]

    def __str__(self) -> str:
        return self.first_name

    def clean(self) -> None:
        errors = {}
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            errors["left_on"] = _("A member cannot leave before joining.")
        if self.guardian_consent_on and self.joined_on and self.guardian_consent_on > self.joined_on:
            errors["guardian_consent_on"] = _("The guardian's consent must come before the child joins.")
        if self.first_name and len(self.first_name.split()) > 2:
            errors["first_name"] = _("Write the first name only, never the child's full name.")
        if errors:
            raise ValidationError(errors)


class ChildSummary(models.Model):
    """'What happened to your recommendation': the plain-words summary a decision on a children's
    recommendation carries (docs/domain.md §3.4), shown first on its public page."""

    case = models.OneToOneField(
        Case, verbose_name=_("recommendation"), on_delete=models.CASCADE, related_name="child_summary"
    )
    text = models.TextField(_("what happened to your recommendation"))
    transition = models.CharField(_("decision"), max_length=20)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("child-friendly summary")
        verbose_name_plural = _("child-friendly summaries")

    def __str__(self) -> str:
        return self.text[:60]


class DecisionRating(models.Model):
    """The submitter's rating of how the case was handled, once it is decided (charter 7.3:
    satisfaction surveys). Only aggregates ever leave participation.selectors."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="decision_ratings"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("rating (1 to 5)"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating after a decision")
        verbose_name_plural = _("ratings after a decision")
        constraints = [
            models.UniqueConstraint(fields=["case", "rated_by"], name="decision_rating_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="decision_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"

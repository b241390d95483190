"""The collectivity and its bodies: legal settings, committees, services, sessions, associations."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import localized, validate_no_bidi_controls


def _default_session_months() -> list[int]:
    return [2, 5, 10]  # OL 113-14 art. 33: February, May, October


def _default_reminders() -> list[int]:
    return [7, 1]


def _default_weekend() -> list[int]:
    return [5, 6]  # Saturday, Sunday (Python weekday numbers)


# Shown when a citizens' petition is created or filed in a collectivity without its legal population.
POPULATION_MISSING_MESSAGE = _(
    "Petitions cannot be filed yet: the collectivity has not entered its legal population, on which the "
    "minimum number of signatures depends (OL 113-14 art. 123). The administration must enter the "
    "official figure first."
)


_HOSTNAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")


class Collectivity(models.Model):
    """A territorial collectivity and the legal settings it runs under (docs/legal.md §9)."""

    class Type(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        PROVINCE = "province", _("Prefecture or province")
        REGION = "region", _("Region")

    class DecisionMajority(models.TextChoices):
        # OL 113-14 art. 43: decisions by the absolute majority of the votes cast; a few matters (the
        # action programme, local development companies...) by that of the members in office.
        VOTES_CAST = "votes_cast", _("Absolute majority of the votes cast")
        MEMBERS_IN_OFFICE = "members_in_office", _("Absolute majority of the members in office")

    slug = models.SlugField(_("slug"), unique=True)
    code = models.CharField(
        _("reference code"), max_length=5, unique=True, help_text=_("Prefix of case references, e.g. DMN.")
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, validators=[validate_no_bidi_controls])
    name_fr = models.CharField(_("name (French)"), max_length=200, validators=[validate_no_bidi_controls])
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.COMMUNE)
    # One installation serves many collectivities (docs/architecture.md, "Several collectivities"):
    # each is reached at /c/<slug>/ and, when this is set, at its own host name.
    hostname = models.CharField(
        _("host name"),
        max_length=253,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Its own address, e.g. demnate.example.org; it must also be in ALLOWED_HOSTS."),
    )
    population_legal = models.PositiveIntegerField(
        _("legal population"),
        null=True,
        blank=True,
        help_text=_("From the decree authenticating the legal population."),
    )
    has_arrondissements = models.BooleanField(_("has arrondissements"), default=False)
    # Its place in the territory (Constitution art. 135: regions, prefectures and provinces,
    # communes): a commune belongs to a province and a region, a province to a region. The national
    # pages (followup/national.py) group collectivities by them.
    province = models.ForeignKey(
        "self",
        verbose_name=_("prefecture or province"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="province_members",
        limit_choices_to={"type": "province"},
    )
    region = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="region_members",
        limit_choices_to={"type": "region"},
    )
    official_code = models.CharField(
        _("official code"), max_length=20, blank=True, help_text=_("The code of the official list, if any.")
    )
    # OL 113-14 art. 123 / 112-14 art. 114 / 111-14 art. 120: empty means "derive from type and population".
    petition_min_signatures_override = models.PositiveIntegerField(
        _("minimum petition signatures (override)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    region_min_share_per_province_percent = models.PositiveSmallIntegerField(
        _("minimum share of signatures per province (regions, %)"),
        default=5,
        validators=[MaxValueValidator(100)],
    )
    association_min_age_years = models.PositiveSmallIntegerField(
        _("association minimum age (years, strictly more than)"), default=3
    )
    association_min_members = models.PositiveIntegerField(_("association minimum members"), default=0)
    rejection_notice_months = models.PositiveSmallIntegerField(
        _("reasoned rejection notified within (months)"), default=3, validators=[MinValueValidator(1)]
    )
    ordinary_session_months = models.JSONField(_("ordinary session months"), default=_default_session_months)
    agenda_to_governor_days_before = models.PositiveSmallIntegerField(
        _("agenda sent to the governor (days before)"), default=20
    )
    # OL 113-14 art. 42: a deliberation is valid only with more than half of the members in office
    # present (except at the third convocation). Empty: the quorum is not checked.
    council_members = models.PositiveSmallIntegerField(
        _("council members in office"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The quorum of a deliberation is more than half of them (OL 113-14 art. 42)."),
    )
    decision_majority = models.CharField(
        _("majority of council decisions"),
        max_length=20,
        choices=DecisionMajority.choices,
        default=DecisionMajority.VOTES_CAST,
        help_text=_("OL 113-14 art. 43; on a tie the president's side prevails."),
    )
    member_notice_days_before = models.PositiveSmallIntegerField(
        _("members notified (days before a session)"), default=10
    )
    standing_committees_min = models.PositiveSmallIntegerField(_("standing committees (minimum)"), default=2)
    standing_committees_max = models.PositiveSmallIntegerField(
        _("standing committees (maximum)"), null=True, blank=True, default=5
    )
    decision_posting_days = models.PositiveSmallIntegerField(_("decisions posted within (days)"), default=8)
    minutes_to_members_days = models.PositiveSmallIntegerField(
        _("minutes sent to members within (days)"), default=15
    )
    justification_min_chars = models.PositiveSmallIntegerField(
        _("minimum justification length (letters)"), default=30, validators=[MinValueValidator(1)]
    )
    signatory_electoral_conditions_required = models.BooleanField(
        _("signatories meet electoral conditions"), default=True
    )
    acceptance_notice_required = models.BooleanField(_("acceptance of a petition notified"), default=True)
    # Decree 2.16.403 art. 3: citizens attach copies of the petitioners' CNIE. Off by default (the bureau
    # checks the documents on its checklist); on, a citizens' petition with paper signatures cannot be
    # filed without a `cnie_copies` attachment (docs/legal.md §2).
    cnie_copies_required = models.BooleanField(
        _("CNIE copies required at filing (paper signatures)"),
        default=False,
        help_text=_(
            "Decree 2.16.403 art. 3: a citizens' petition signed on paper is filed only with the copies "
            "of the signatories' national identity cards attached."
        ),
    )
    personal_data_retention_days = models.PositiveIntegerField(
        _("personal data kept after closing (days)"), default=365
    )
    info_request_deadline_working_days = models.PositiveSmallIntegerField(
        _("information request answered within (working days)"), default=20
    )
    weekend_days = models.JSONField(_("weekend days (0 = Monday)"), default=_default_weekend)
    reminder_days_before = models.JSONField(
        _("reminders (days before a deadline)"), default=_default_reminders
    )
    second_escalation_days = models.PositiveSmallIntegerField(
        _("escalation to the bureau and the follow-up team (days after a deadline)"), default=7
    )
    # OL 111-14 art. 120: a region's petition needs at least 5 % of the required signatures from
    # each of its prefectures and provinces.
    provinces = models.JSONField(_("prefectures and provinces (regions)"), default=list, blank=True)
    # docs/domain.md §3.4: the child-friendly summary of a decision on a children's recommendation.
    children_summary_max_chars = models.PositiveSmallIntegerField(
        _("child-friendly summary of a decision (maximum characters)"),
        default=400,
        validators=[MinValueValidator(40)],
    )
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

    @property
    def quorum(self) -> int | None:
        """OL 113-14 art. 42: more than half of the members in office; None when not configured."""
        return self.council_members // 2 + 1 if self.council_members else None

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
    def petition_population_missing(self) -> bool:
        """OL 113-14 art. 123 (111-14 art. 120): the threshold follows the legal population; without the
        figure none can be set, and petitions are refused rather than held to the lowest one."""
        if self.petition_min_signatures_override:
            return False
        if self.type == self.Type.PROVINCE or (self.type == self.Type.COMMUNE and self.has_arrondissements):
            return False
        return not self.population_legal

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
            errors.setdefault("weekend_days", []).append(
                _("Give weekday numbers between 0 (Monday) and 6 (Sunday).")
            )
        if self.province_id and (self.type != self.Type.COMMUNE or self.province_id == self.pk):
            errors.setdefault("province", []).append(_("Only a commune belongs to a province."))
        if self.region_id and (self.type == self.Type.REGION or self.region_id == self.pk):
            errors.setdefault("region", []).append(_("A region does not belong to a region."))
        if self.has_arrondissements and self.type != self.Type.COMMUNE:
            errors.setdefault("has_arrondissements", []).append(_("Only a commune can have arrondissements."))
        if (
            self.standing_committees_max is not None
            and self.standing_committees_max < self.standing_committees_min
        ):
            errors.setdefault("standing_committees_max", []).append(
                _("The maximum cannot be lower than the minimum.")
            )
        if self.code and not (self.code.isascii() and self.code.isalpha() and self.code.isupper()):
            errors.setdefault("code", []).append(_("Use capital letters only, e.g. DMN."))
        # Matched against the request's host, lower-case and without a port (organisation.tenancy).
        self.hostname = (self.hostname or "").strip().lower().rstrip(".") or None
        if self.hostname and not _HOSTNAME.fullmatch(self.hostname):
            errors.setdefault("hostname", []).append(
                _("Give a host name such as demnate.example.org, without http:// or a path.")
            )
        if errors:
            raise ValidationError(errors)


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
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "name_fr"], name="committee_unique_name")
        ]


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
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "name_fr"], name="service_unique_name")
        ]


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
    """A registered association (Dahir of 1958) of the collectivity's registry.

    Rows come from the registry's import, from staff, or from an association's own registration,
    which the bureau validates (`status`). Only validated associations count for the charter's
    adherence figures (charter 7.3: 30 % sign, 20 % of the signatories promote it)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the bureau's validation")
        REGISTERED = "registered", _("Registered")
        REFUSED = "refused", _("Refused")

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.PROTECT)
    name_ar = models.CharField(_("name (Arabic)"), max_length=250, validators=[validate_no_bidi_controls])
    name_fr = models.CharField(
        _("name (French)"), max_length=250, blank=True, validators=[validate_no_bidi_controls]
    )
    founded_on = models.DateField(_("legal founding date"))
    registered_on = models.DateField(_("registered in the commune's registry on"), null=True, blank=True)
    seat_in_collectivity = models.BooleanField(_("seat in the collectivity"), default=True)
    branch_in_collectivity = models.BooleanField(_("branch in the collectivity"), default=False)
    seat_address = models.CharField(_("seat (address)"), max_length=250, blank=True)
    domain = models.CharField(_("field of action"), max_length=200, blank=True)
    members_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    # A private person's name: shown to the commune's staff only, never on a public page or answer.
    representative_name = models.CharField(_("representative (name)"), max_length=200, blank=True)
    charter_signed_on = models.DateField(_("charter signed on"), null=True, blank=True)
    charter_document = models.FileField(
        _("signed charter (document)"), upload_to="associations/charter/%Y/", blank=True
    )
    charter_promoter = models.BooleanField(_("promotes the charter"), default=False)
    status = models.CharField(
        _("registry status"), max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registration asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
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
        permissions = [("manage_associations", "Manages the registry of associations")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ar, self.name_fr)

    def clean(self) -> None:
        errors = {}
        today = timezone.localdate()
        if self.founded_on and self.founded_on > today:
            errors["founded_on"] = _("The founding date cannot be in the future.")
        if self.charter_signed_on and self.charter_signed_on > today:
            errors["charter_signed_on"] = _("The charter cannot be signed in the future.")
        if self.charter_promoter and not self.charter_signed_on:
            errors["charter_promoter"] = _("Only an association that signed the charter can promote it.")
        if errors:
            raise ValidationError(errors)


class Partnership(models.Model):
    """A partnership between the commune and an association (action plan, axis 5)."""

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="partnerships"
    )
    title = models.CharField(_("title"), max_length=250, validators=[validate_no_bidi_controls])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount (MAD)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A partnership cannot end before it starts.")})

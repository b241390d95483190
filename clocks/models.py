"""Clock records: deadline rules, holiday confirmations, notices already sent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import states as S
from cases.models import Case
from organisation.models import Collectivity


class DeadlineRule(models.Model):
    """How long a case may stay in a state (docs/domain.md §6): per collectivity, kind (blank: every kind)
    and state; calendar or working days, counted from entering the state or from filing."""

    class Unit(models.TextChoices):
        CALENDAR = "calendar", _("Calendar days")
        WORKING = "working", _("Working days")

    class From(models.TextChoices):
        STATE = "state", _("Entering the state")
        FILING = "filing", _("Filing")

    class Status(models.TextChoices):
        # docs/legal.md §11: the charter sets no stage deadline; the law only the petition's 3 months.
        LEGAL = "legal", _("Legal deadline")
        ADOPTED = "adopted", _("Adopted by the council")
        INTERNAL_TARGET = "internal_target", _("Internal target, awaiting the council's adoption")

    collectivity = models.ForeignKey(Collectivity, verbose_name=_("collectivity"), on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=30, choices=Case.Kind.choices, blank=True)
    state = models.CharField(_("state"), max_length=30, choices=S.STATE_CHOICES)
    days = models.PositiveSmallIntegerField(
        _("days"), validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.CALENDAR)
    counted_from = models.CharField(
        _("counted from"), max_length=10, choices=From.choices, default=From.STATE
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.INTERNAL_TARGET,
        help_text=_("Published with the rule: a legal deadline, or the commune's own target."),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where the figure comes from, published with it: an article of the law, or the council's "
            "deliberation that adopted it (e.g. deliberation 12/2026)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["collectivity", "state", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "kind", "state"], name="deadline_rule_unique")
        ]

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
            models.UniqueConstraint(
                fields=["case", "state", "entered_at", "threshold"], name="deadline_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state} {self.threshold}"

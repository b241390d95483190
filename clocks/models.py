"""Clock records: deadline rules, holiday confirmations, notices already sent."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import states as S
from cases.models import Case
from clocks import caching
from organisation.models import Collectivity


class CachedRowsQuerySet(models.QuerySet):
    """Bulk writes drop the cached rows they touch (clocks/caching.py), as the receivers do for one
    row's save or delete (clocks/apps.py): `update()` (and `bulk_update()`, which Django runs as
    updates), `bulk_create()` and `delete()` send no post_save, and a bulk write from the admin, a
    management command or a data migration would otherwise leave every transition on the old
    figures for up to CACHE_SECONDS. The keys are read before the write (the rows it changes) and,
    when the write changes the columns they come from, after it too (where the rows went); they are
    dropped at once and again on commit."""

    # Each subclass names the columns (attnames) a row's cache keys come from and the function that
    # turns their values into keys.
    key_fields: tuple[str, ...]
    keys_for: Callable[[tuple], set[str]]

    def cache_keys(self) -> set[str]:
        """The keys of this queryset's rows, as stored."""
        keys: set[str] = set()
        for values in self.order_by().values_list(*self.key_fields).distinct():
            keys |= self.keys_for(values)
        return keys

    def cache_keys_of(self, objs) -> set[str]:
        """The keys of these instances, as they are in memory."""
        keys: set[str] = set()
        for obj in objs:
            keys |= self.keys_for(tuple(getattr(obj, f) for f in self.key_fields))
        return keys

    def touches_keys(self, fields) -> bool:
        """Whether writing `fields` (names or attnames) may change a row's keys."""
        names: set[str] = set()
        for name in fields:
            field = self.model._meta.get_field(name)
            names |= {field.name, field.attname}
        return bool(names & set(self.key_fields))

    def _rows(self, **filters):
        # The same manager's rows, on the database this write goes to.
        return self.model._default_manager.using(self.db).filter(**filters)

    def update(self, **kwargs):
        if self.query.is_sliced:
            return super().update(**kwargs)  # refused by Django, as before
        self._for_write = True  # read the rows where they are written: the primary (core.dbrouting)
        if self.touches_keys(kwargs):
            pks = list(self.order_by().values_list("pk", flat=True))
            keys = self._rows(pk__in=pks).cache_keys()
            rows = super().update(**kwargs)
            keys |= self._rows(pk__in=pks).cache_keys()
        else:
            keys = self.cache_keys()
            rows = super().update(**kwargs)
        caching.forget(keys, using=self.db)
        return rows

    update.alters_data = True

    def bulk_create(
        self,
        objs,
        batch_size=None,
        ignore_conflicts=False,
        update_conflicts=False,
        update_fields=None,
        unique_fields=None,
    ):
        objs = list(objs)
        self._for_write = True
        keys = self.cache_keys_of(objs)
        if update_conflicts and unique_fields and self.touches_keys(update_fields or ()):
            # A conflicting row takes the new values: its old keys go too.
            attnames = ["pk" if f == "pk" else self.model._meta.get_field(f).attname for f in unique_fields]
            match = models.Q(pk__in=[])
            for obj in objs:
                match |= models.Q(**{f: getattr(obj, f) for f in attnames})
            keys |= self._rows().filter(match).cache_keys()
        created = super().bulk_create(
            objs,
            batch_size=batch_size,
            ignore_conflicts=ignore_conflicts,
            update_conflicts=update_conflicts,
            update_fields=update_fields,
            unique_fields=unique_fields,
        )
        caching.forget(keys, using=self.db)
        return created

    def delete(self):
        if self.query.is_sliced:
            return super().delete()  # refused by Django, as before
        self._for_write = True
        # The post_delete receivers run as well for each row (Django fetches the rows because
        # receivers are connected); a data migration's historical model has none.
        keys = self.cache_keys()
        deleted = super().delete()
        caching.forget(keys, using=self.db)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True


def _rule_keys(values: tuple) -> set[str]:
    (collectivity_id,) = values
    return {caching.rules_key(collectivity_id)} if collectivity_id is not None else set()


def _holiday_keys(values: tuple) -> set[str]:
    # Holidays are cached per year: both years an override may touch (clocks/deadlines.py).
    return {caching.holidays_key(d.year) for d in values if d}


class DeadlineRuleQuerySet(CachedRowsQuerySet):
    key_fields = ("collectivity_id",)
    keys_for = staticmethod(_rule_keys)


class HolidayOverrideQuerySet(CachedRowsQuerySet):
    key_fields = ("date", "new_date")
    keys_for = staticmethod(_holiday_keys)


class DeadlineRuleManager(models.Manager.from_queryset(DeadlineRuleQuerySet)):
    # Data migrations get it too: their bulk writes drop the cache (their save() sends no signal
    # the receivers listen to: the historical model is another class).
    use_in_migrations = True


class HolidayOverrideManager(models.Manager.from_queryset(HolidayOverrideQuerySet)):
    use_in_migrations = True


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

    objects = DeadlineRuleManager()

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

    objects = HolidayOverrideManager()

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

"""Clocks (docs/domain.md §6): deadline rules, the working-day calendar and each case's current deadline.

Working days skip the collectivity's weekend and Moroccan public holidays, the Islamic ones
included (the `holidays` package, country MA), as confirmed or shifted by an administrator.
The current deadline is stored on the case at every transition (and recomputed when a rule or a
holiday changes), so lists and the overdue flag are plain database filters and annotations.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays as holidays_lib
from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import states as S
from cases.models import Case
from clocks.caching import CACHE_SECONDS, forget, holidays_key, rules_key
from clocks.models import DeadlineRule, HolidayOverride
from notices import rules as notice_rules
from organisation.models import Collectivity

CALENDAR = DeadlineRule.Unit.CALENDAR
WORKING = DeadlineRule.Unit.WORKING
FROM_STATE = DeadlineRule.From.STATE
FROM_FILING = DeadlineRule.From.FILING


@dataclass(frozen=True)
class Rule:
    days: int
    unit: str
    counted_from: str
    source: str  # "setting" (a DeadlineRule row) or "default"

    def describe(self) -> str:
        unit = _("working days") if self.unit == WORKING else _("days")
        return f"{self.days} {unit}"


# Charter defaults (docs/legal.md: the law sets only the petition's 3 months, art. 125); every
# one is a per-collectivity DeadlineRule an administrator can change.
DEFAULT_RULES: dict[str, Rule] = {
    S.SUBMITTED: Rule(5, WORKING, FROM_STATE, "default"),  # the bureau opens the review
    S.UNDER_REVIEW: Rule(30, CALENDAR, FROM_STATE, "default"),
    S.AWAITING_INFORMATION: Rule(30, CALENDAR, FROM_STATE, "default"),  # the submitter's time
    S.IN_COMMITTEE: Rule(30, CALENDAR, FROM_STATE, "default"),
    S.REPORTED: Rule(90, CALENDAR, FROM_STATE, "default"),  # sessions: February, May, October
    S.ON_AGENDA: Rule(15, CALENDAR, FROM_STATE, "default"),
    S.ADOPTED: Rule(30, CALENDAR, FROM_STATE, "default"),
}
KIND_DEFAULT_RULES: dict[tuple[str, str], Rule] = {
    # Opinions skip admissibility: the bureau refers them within 10 working days.
    ("advisory_opinion", S.SUBMITTED): Rule(10, WORKING, FROM_STATE, "default"),
    ("children_recommendation", S.SUBMITTED): Rule(10, WORKING, FROM_STATE, "default"),
}
LEGAL_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.AWAITING_INFORMATION)


# The calendar ---------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _package_holidays(year: int) -> dict[datetime.date, str]:
    # Names in the package's English whatever the process locale: without a language the package
    # follows gettext's reading of LANG, which differs between Python 3.11 and 3.13 (Arabic there),
    # and the " (estimated)" marker removed below is English.
    return dict(holidays_lib.country_holidays("MA", years=year, language="en_US").items())


# Rules and holiday confirmations are kept in the shared cache for at most CACHE_SECONDS and dropped
# by every write: one row's save or delete here, bulk writes by the models' querysets (clocks/caching.py).
_KEYS_BEFORE = "_clocks_cache_keys_before"


def row_saving(sender, instance, using=None, update_fields=None, **kwargs) -> None:
    """pre_save of DeadlineRule and HolidayOverride (clocks/apps.py): a save that moves the row to
    another collectivity or year must drop the cache it leaves too, so its stored keys are noted."""
    if instance._state.adding or instance.pk is None:
        return
    qs = sender._default_manager.using(using)
    if update_fields is not None and not qs.touches_keys(update_fields):
        return
    setattr(instance, _KEYS_BEFORE, qs.filter(pk=instance.pk).cache_keys())


def row_changed(sender, instance, using=None, **kwargs) -> None:
    """post_save and post_delete of DeadlineRule (its collectivity's rules) and HolidayOverride (both
    years it may touch), with the keys the row had before a save (row_saving)."""
    keys = sender._default_manager.cache_keys_of([instance]) | instance.__dict__.pop(_KEYS_BEFORE, set())
    forget(keys, using=using or DEFAULT_DB_ALIAS)


def public_holidays(year: int) -> dict[datetime.date, str]:
    """The package's Moroccan holidays of a year, with the administrator's confirmations applied."""
    key = holidays_key(year)
    days = cache.get(key)
    if days is None:
        days = _public_holidays(year)
        cache.set(key, days, CACHE_SECONDS)
    return dict(days)


def _public_holidays(year: int) -> dict[datetime.date, str]:
    days = dict(_package_holidays(year))
    for o in HolidayOverride.objects.filter(Q(date__year=year) | Q(new_date__year=year)):
        if o.action in (HolidayOverride.Action.CANCEL, HolidayOverride.Action.SHIFT):
            days.pop(o.date, None)
        if o.action == HolidayOverride.Action.SHIFT and o.new_date and o.new_date.year == year:
            days[o.new_date] = o.name
        if o.action == HolidayOverride.Action.ADD and o.date.year == year:
            days[o.date] = o.name
        if o.action == HolidayOverride.Action.CONFIRM and o.date.year == year:
            days[o.date] = days.get(o.date, o.name).replace(" (estimated)", "")
    return days


class WorkingCalendar:
    """Working days of one collectivity; holidays are read once per year and instance."""

    def __init__(self, weekend: list[int] | tuple[int, ...] = (5, 6)):
        self.weekend = frozenset(weekend)
        self._years: dict[int, dict[datetime.date, str]] = {}

    @classmethod
    def for_collectivity(cls, collectivity: Collectivity) -> WorkingCalendar:
        return cls(collectivity.weekend_days or (5, 6))

    def holiday(self, day: datetime.date) -> str | None:
        if day.year not in self._years:
            self._years[day.year] = public_holidays(day.year)
        return self._years[day.year].get(day)

    def is_working(self, day: datetime.date) -> bool:
        return day.weekday() not in self.weekend and self.holiday(day) is None

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `start` (the start day itself never counts)."""
        day = start
        counted = 0
        while counted < n:
            day += datetime.timedelta(days=1)
            if self.is_working(day):
                counted += 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end`."""
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working(day):
                count += 1
        return count


# Rules ----------------------------------------------------------------------------------------


def rules_for(collectivity: Collectivity) -> dict[tuple[str, str], Rule]:
    """The rules in force: DeadlineRule rows over the defaults; key (kind or "", state)."""
    rules: dict[tuple[str, str], Rule] = {("", state): rule for state, rule in DEFAULT_RULES.items()}
    rules.update(KIND_DEFAULT_RULES)
    key = rules_key(collectivity.pk)
    rows = cache.get(key)
    if rows is None:
        rows = list(
            DeadlineRule.objects.filter(collectivity=collectivity)
            .order_by("pk")
            .values_list("kind", "state", "days", "unit", "counted_from")
        )
        cache.set(key, rows, CACHE_SECONDS)
    for kind, state, days, unit, counted_from in rows:
        rules[(kind, state)] = Rule(days, unit, counted_from, "setting")
    return rules


def rule_for(rules: dict, kind: str, state: str) -> Rule | None:
    return rules.get((kind, state)) or rules.get(("", state))


# A case's clock ---------------------------------------------------------------------------------


def _local(dt: datetime.datetime) -> datetime.date:
    return timezone.localtime(dt).date()


def legal_deadline_for(case: Case) -> datetime.date | None:
    """OL 113-14 art. 125 (112-14 art. 116, 111-14 art. 122): months from filing, never paused."""
    if case.kind != Case.Kind.PETITION or case.submitted_at is None:
        return None

    return _local(case.submitted_at) + relativedelta(months=case.collectivity.rejection_notice_months)


def stage_deadline(
    case: Case, *, rules=None, calendar: WorkingCalendar | None = None
) -> datetime.date | None:
    if case.state == S.IN_IMPLEMENTATION:
        return case.planned_end
    rules = rules if rules is not None else rules_for(case.collectivity)
    rule = rule_for(rules, case.kind, case.state)
    if rule is None or case.state not in S.OPEN_STATES:
        return None
    if rule.counted_from == FROM_FILING and case.submitted_at:
        start = case.submitted_at
    elif case.state == S.AWAITING_INFORMATION:
        start = case.state_entered_at  # the submitter's own time; the review clock is paused
    else:
        start = case.clock_started_at or case.state_entered_at
    day = _local(start)
    if rule.unit == WORKING:
        calendar = calendar or WorkingCalendar.for_collectivity(case.collectivity)
        return calendar.add_working_days(day, rule.days)
    return day + datetime.timedelta(days=rule.days)


def agenda_deadline(case: Case) -> datetime.date | None:
    """OL 113-14 art. 38-39: an admissible petition must be on its mandatory session's agenda, and the
    agenda goes to the governor `agenda_to_governor_days_before` days (20) before the session: the
    committee's report is due by then. When the committee received the petition after that day, the
    report is due on the eve of the session. None once the session is past (a deferred case) or
    without a mandatory session."""
    if case.kind != Case.Kind.PETITION or case.state != S.IN_COMMITTEE or case.mandatory_session_id is None:
        return None
    session_day = case.mandatory_session.date
    entered = _local(case.state_entered_at)
    if session_day <= entered:
        return None
    cutoff = session_day - datetime.timedelta(days=case.collectivity.agenda_to_governor_days_before)
    return cutoff if cutoff > entered else session_day - datetime.timedelta(days=1)


def current_deadline(case: Case, *, rules=None, calendar=None) -> datetime.date | None:
    """The stage's deadline; for a petition before the bureau's ruling the legal one if sooner; for an
    admissible petition in committee the agenda's deadline if sooner; after a rejection, the legal
    one until the rejection is notified (OL 113-14 art. 125 §4: the clock stops at the
    notification, not at the decision)."""
    if case.state not in S.OPEN_STATES:
        return notice_rules.pending_notice_deadline(case)
    stage = stage_deadline(case, rules=rules, calendar=calendar)
    legal = case.legal_deadline_on if case.state in LEGAL_STATES else None
    candidates = [d for d in (stage, legal, agenda_deadline(case)) if d is not None]
    return min(candidates) if candidates else None


def clock_on_transition(case: Case, name: str, at: datetime.datetime) -> None:
    """Called by cases.services inside the transition: restart, pause or resume the stage clock."""
    if name == "request_information":
        case.clock_paused_at = at  # the review clock stops while the submitter completes the file
    elif name == "provide_information" and case.clock_paused_at and case.clock_started_at:
        case.clock_started_at = case.clock_started_at + (at - case.clock_paused_at)
        case.clock_paused_at = None
    else:
        case.clock_started_at = at
        case.clock_paused_at = None
    if name == "submit":
        case.legal_deadline_on = legal_deadline_for(case)
    case.deadline_on = current_deadline(case)


def recompute_open_cases(collectivity: Collectivity | None = None) -> int:
    """After a rule or a holiday changed: every open case gets its deadline again (batched)."""
    qs = (
        Case.objects.filter(state__in=S.OPEN_STATES)
        .select_related("collectivity", "mandatory_session")
        .order_by("pk")
    )
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    changed = 0
    caches: dict[int, tuple[dict, WorkingCalendar]] = {}
    for case in qs.iterator(chunk_size=1000):
        if case.collectivity_id not in caches:
            caches[case.collectivity_id] = (
                rules_for(case.collectivity),
                WorkingCalendar.for_collectivity(case.collectivity),
            )
        rules, calendar = caches[case.collectivity_id]
        new = current_deadline(case, rules=rules, calendar=calendar)
        if new != case.deadline_on:
            with transaction.atomic():
                # Only the derived deadline column changes, not the case's record: the plain
                # QuerySet.update that CaseQuerySet otherwise refuses is right for it.
                QuerySet.update(Case.objects.filter(pk=case.pk), deadline_on=new)
            changed += 1
    return changed


# The list filters (overdue_q, days_in_state, case_is_overdue) read the columns kept here: they
# live in cases.selectors.


def committee_due_on(case: Case, start: datetime.datetime) -> datetime.date | None:
    """When a committee asked at `start` must report: the committee stage's rule (docs/domain.md
    §3.6), for the lead committee and for each committee asked for an opinion alike."""
    rule = rule_for(rules_for(case.collectivity), case.kind, S.IN_COMMITTEE)
    if rule is None:
        return None
    day = _local(start)
    if rule.unit == WORKING:
        return WorkingCalendar.for_collectivity(case.collectivity).add_working_days(day, rule.days)
    return day + datetime.timedelta(days=rule.days)


def on_transition(case, name: str, values: dict, actor, at) -> None:
    """The transition applier clocks registers with cases.hooks."""
    clock_on_transition(case, name, at)

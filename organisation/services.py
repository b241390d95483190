"""Writes of the organisation: the council's session calendar (OL 113-14 art. 33-35)."""

from __future__ import annotations

import datetime

import holidays
from django.db import transaction
from django.utils.translation import gettext as _

from core import roles
from core.errors import InvalidInput, TransitionNotAllowed
from core.history import history_stamp
from core.text import parse_day
from organisation.models import Collectivity, CouncilSession
from organisation.selectors import default_collectivity


def _first_week_day(year: int, month: int, weekend: list[int]) -> datetime.date:
    """OL 113-14 art. 33: ordinary sessions are held in the first week of the month, on a working
    day (not a weekend day, nor a Moroccan public holiday such as 1 May)."""

    closed = holidays.country_holidays("MA", years=year)
    day = datetime.date(year, month, 1)
    while day.weekday() in weekend or day in closed:
        day += datetime.timedelta(days=1)
    return day


def ordinary_session_day(collectivity: Collectivity, year: int, month: int) -> datetime.date:
    """The opening day of an ordinary session in `month` (docs/legal.md §5): a commune's first
    working day of the month (OL 113-14 art. 33), a province's second Monday (OL 112-14 art. 34), a
    region's first Monday (OL 111-14 art. 36); a Monday that is a public holiday moves to the next
    working day."""
    if collectivity.type == Collectivity.Type.COMMUNE:
        return _first_week_day(year, month, collectivity.weekend_days)
    first = datetime.date(year, month, 1)
    monday = first + datetime.timedelta(days=(0 - first.weekday()) % 7)
    if collectivity.type == Collectivity.Type.PROVINCE:
        monday += datetime.timedelta(days=7)
    closed = holidays.country_holidays("MA", years=year)
    while monday.weekday() in collectivity.weekend_days or monday in closed:
        monday += datetime.timedelta(days=1)
    return monday


def session_calendar_generate(*, collectivity: Collectivity, year: int) -> list[CouncilSession]:
    """Create the year's ordinary sessions from the collectivity's session months (idempotent)."""
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(field_errors={"year": [_("Give a year between 2000 and 2100.")]})
    created = []
    with transaction.atomic():
        for month in sorted(collectivity.ordinary_session_months):
            exists = CouncilSession.objects.filter(
                collectivity=collectivity,
                kind=CouncilSession.Kind.ORDINARY,
                date__year=year,
                date__month=month,
            ).exists()
            if exists:
                continue
            session = CouncilSession(
                collectivity=collectivity,
                kind=CouncilSession.Kind.ORDINARY,
                date=ordinary_session_day(collectivity, year, month),
            )
            history_stamp(session, user=None, reason="session_calendar_generate")
            session.save()
            created.append(session)
    return created


def session_create(
    *,
    actor,
    collectivity: Collectivity | None = None,
    date,
    kind: str = "extraordinary",
    title_ar="",
    title_fr="",
) -> CouncilSession:
    """The secretariat records a session (an extraordinary one, usually)."""
    collectivity = collectivity or (
        actor.collectivity if getattr(actor, "collectivity_id", None) else default_collectivity()
    )
    if not (actor.group_names() & {roles.SECRETARIAT, roles.PRESIDENT}) or (
        not actor.acts_in(collectivity.pk)
    ):
        raise TransitionNotAllowed(_("Only the secretariat or the president records a session."))
    errors: dict[str, list[str]] = {}
    day = parse_day(date)
    if day is None:
        errors["date"] = [_("Give a date (YYYY-MM-DD).")]
    if kind not in CouncilSession.Kind.values:
        errors["kind"] = [_("Unknown kind of session.")]
    if day and CouncilSession.objects.filter(collectivity=collectivity, date=day, kind=kind).exists():
        errors["date"] = [_("A session of this kind is already recorded on that date.")]
    if errors:
        raise InvalidInput(_("The session cannot be recorded."), field_errors=errors)
    session = CouncilSession(
        collectivity=collectivity,
        date=day,
        kind=kind,
        title_ar=(title_ar or "")[: CouncilSession._meta.get_field("title_ar").max_length],
        title_fr=(title_fr or "")[: CouncilSession._meta.get_field("title_fr").max_length],
    )
    history_stamp(session, user=actor, reason="session_create")
    session.save()
    return session

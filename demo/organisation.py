"""The demo commune's organisation (docs/domain.md §11): the collectivity, its committees,
services, council sessions and associations, looked up by their natural keys so that seeding
again adds nothing."""

from __future__ import annotations

import datetime

from core.text import fr_de
from demo.definitions import SessionDef
from demo.loader import ASSOCIATIONS, COLLECTIVITY, COMMITTEES, MONTHS_AR, MONTHS_FR, SERVICES, SESSIONS
from organisation.models import Association, Collectivity, Committee, CouncilSession, Service

# OL 113-14 art. 33: ordinary sessions in the first week of February, May and October (the
# collectivity's `ordinary_session_months`), opening on the first Tuesday.
ORDINARY_MONTHS = tuple(SESSIONS["ordinary"]["months"])
ORDINARY_YEARS = tuple(SESSIONS["ordinary"]["years"])
SITTING_DAYS = 3


def _first_tuesday(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


def session_calendar(months=ORDINARY_MONTHS, years=ORDINARY_YEARS) -> list[SessionDef]:
    ordinary = SESSIONS["ordinary"]
    out = []
    for year in years:
        for month in months:
            start = _first_tuesday(year, month)
            out.append(
                SessionDef(
                    CouncilSession.Kind.ORDINARY,
                    start,
                    start + datetime.timedelta(days=SITTING_DAYS - 1),
                    ordinary["title_ar"].format(month=MONTHS_AR.get(month, month), year=year),
                    # French elision: "d'octobre", "de mai" (core.text.fr_de).
                    ordinary["title_fr"].format(de_month=fr_de(MONTHS_FR.get(month, str(month))), year=year),
                )
            )
    out += [
        SessionDef(CouncilSession.Kind.EXTRAORDINARY, s["date"], s["end_date"], s["title_ar"], s["title_fr"])
        for s in SESSIONS["extraordinary"]
    ]
    return sorted(out, key=lambda s: s.date)


def collectivity() -> tuple[Collectivity, bool]:
    """The commune, and whether this run created it."""
    defaults = {k: v for k, v in COLLECTIVITY.items() if k != "slug"}
    return Collectivity.objects.get_or_create(slug=COLLECTIVITY["slug"], defaults=defaults)


def committees(commune: Collectivity) -> dict[str, Committee]:
    out = {}
    for key, name_ar, name_fr in COMMITTEES:
        out[key], _made = Committee.objects.get_or_create(
            collectivity=commune, name_fr=name_fr, defaults={"name_ar": name_ar}
        )
    return out


def services(commune: Collectivity) -> dict[str, Service]:
    out = {}
    for key, name_ar, name_fr in SERVICES:
        out[key], _made = Service.objects.get_or_create(
            collectivity=commune, name_fr=name_fr, defaults={"name_ar": name_ar}
        )
    return out


def sessions(commune: Collectivity, calendar: list[SessionDef]) -> dict[tuple, CouncilSession]:
    """The calendar; an ordinary session already recorded for the month (`generate_sessions`, or
    the secretariat) is reused rather than doubled."""
    out = {}
    for s in calendar:
        found = None
        if s.kind == CouncilSession.Kind.ORDINARY:
            found = (
                CouncilSession.objects.filter(
                    collectivity=commune, kind=s.kind, date__year=s.date.year, date__month=s.date.month
                )
                .order_by("date", "id")
                .first()
            )
        if found is None:
            found, _made = CouncilSession.objects.get_or_create(
                collectivity=commune,
                date=s.date,
                kind=s.kind,
                defaults={"end_date": s.end_date, "title_ar": s.title_ar, "title_fr": s.title_fr},
            )
        out[s.key] = found
    return out


def associations(commune: Collectivity) -> dict[str, Association]:
    out = {}
    for a in ASSOCIATIONS:
        out[a.key], _made = Association.objects.get_or_create(
            collectivity=commune,
            name_ar=a.name_ar,
            defaults={
                "name_fr": a.name_fr,
                "founded_on": a.founded_on,
                "seat_in_collectivity": a.seat,
                "branch_in_collectivity": a.branch,
                "domain": a.domain,
                "members_count": a.members_count,
                "charter_signed_on": a.charter_signed_on,
                "charter_promoter": a.charter_promoter,
            },
        )
    return out

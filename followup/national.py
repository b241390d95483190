"""The national, regional and provincial level (docs/domain.md §8): the charter's headline figures for
a set of collectivities and a comparison table of them, with a bounded number of queries.

The set is every collectivity, or a region's or a province's (its members and itself). The figures
follow followup/indicators.py for a period [from, to): cases filed in the period; decisions in the
period and the share explained; the cases adopted in the period and the share implemented now
(an abandoned case counts against it); the stays that ended in the period with a deadline and the
share left in time; the petitions overdue today (cases.selectors.overdue_q). Three queries whatever
the number of collectivities and cases: the collectivities, the cases grouped by collectivity, the
stays grouped by collectivity. The aggregate is the sum of the rows, its rates recomputed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, F, Q

from audit.models import TransitionEntry
from cases import states as S
from cases.models import Case
from cases.selectors import overdue_q
from followup.indicators import ADOPTED_STATES, period_bounds
from followup.sql import LeftOnTime, rate
from organisation.models import Collectivity

# The comparison table's columns, in order; each sorts the table (`?sort=column` or `-column`).
COLUMNS = (
    "name",
    "cases_filed",
    "decided",
    "explained_rate",
    "adopted",
    "implementation_rate",
    "on_time_rate",
    "overdue_petitions",
)
DEFAULT_SORT = "name"
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")
COUNTS = (
    "cases_filed",
    "decided",
    "explained",
    "adopted",
    "implemented",
    "stays",
    "on_time",
    "overdue_petitions",
)


@dataclass
class Scope:
    """Which collectivities: all of them (parent None), or a region's or a province's."""

    parent: Collectivity | None = None

    def collectivities(self):
        qs = Collectivity.objects.all()
        if self.parent is None:
            return qs
        if self.parent.type == Collectivity.Type.REGION:
            return qs.filter(Q(region=self.parent) | Q(pk=self.parent.pk))
        return qs.filter(Q(province=self.parent) | Q(pk=self.parent.pk))

    def cases(self, ids: list[int]):
        qs = Case.objects.public().filter(submitted_at__isnull=False)
        return qs if self.parent is None else qs.filter(collectivity_id__in=ids)


def parent_get(slug: str) -> Collectivity | None:
    """A region or a province by its slug (a commune has no collectivities under it)."""
    return (
        Collectivity.objects.filter(slug=slug)
        .exclude(type=Collectivity.Type.COMMUNE)
        .select_related("region")
        .first()
    )


def comparison(
    scope: Scope, date_from: datetime.date, date_to: datetime.date, *, sort: str = DEFAULT_SORT
) -> dict:
    """{"collectivities": [row, ...], "total": {...}} for the period [from, to): three queries."""
    start, end = period_bounds(date_from, date_to)
    members = list(
        scope.collectivities().order_by("name_fr", "id").values("id", "slug", "name_ar", "name_fr", "type")
    )
    ids = [m["id"] for m in members]
    cases = _cases_by_collectivity(scope.cases(ids), start, end)
    stays = _stays_by_collectivity(scope, ids, start, end)
    rows = []
    for m in members:
        counts = {**dict.fromkeys(COUNTS, 0), **cases.get(m["id"], {}), **stays.get(m["id"], {})}
        rows.append(
            {
                "slug": m["slug"],
                "name_ar": m["name_ar"],
                "name_fr": m["name_fr"],
                "type": m["type"],
                **_rates(counts),
            }
        )
    total = _rates({key: sum(row[key] for row in rows) for key in COUNTS})
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "parent": scope.parent.slug if scope.parent else None,
        "total": {"collectivities": len(rows), **total},
        "collectivities": sort_rows(rows, sort),
    }


def _cases_by_collectivity(cases, start, end) -> dict:
    decided = Q(decided_at__gte=start, decided_at__lt=end, state__in=S.DECIDED_STATES)
    adopted = decided & Q(state__in=ADOPTED_STATES)
    rows = (
        cases.order_by()
        .values("collectivity_id")
        .annotate(
            cases_filed=Count("id", filter=Q(submitted_at__gte=start, submitted_at__lt=end)),
            decided=Count("id", filter=decided),
            explained=Count("id", filter=decided & ~Q(decision_justification="")),
            adopted=Count("id", filter=adopted),
            implemented=Count("id", filter=adopted & Q(state=S.IMPLEMENTED)),
            overdue_petitions=Count("id", filter=Q(kind=Case.Kind.PETITION) & overdue_q()),
        )
    )
    return {row.pop("collectivity_id"): row for row in rows}


def _stays_by_collectivity(scope: Scope, ids: list[int], start, end) -> dict:
    """Stays in a state that ended in the period with a deadline (followup.indicators._on_time)."""
    qs = (
        TransitionEntry.objects.filter(created_at__gte=start, created_at__lt=end, stay_deadline__isnull=False)
        .exclude(from_state=F("to_state"))
        .exclude(from_state=S.DRAFT)
    )
    if scope.parent is not None:
        qs = qs.filter(case__collectivity_id__in=ids)
    rows = (
        qs.order_by()
        .values("case__collectivity_id")
        .annotate(
            stays=Count("id"), on_time=Count("id", filter=LeftOnTime(F("created_at"), F("stay_deadline")))
        )
    )
    return {row.pop("case__collectivity_id"): row for row in rows}


def _rates(c: dict) -> dict:
    return {
        **c,
        "explained_rate": rate(c["explained"], c["decided"]),
        "implementation_rate": rate(c["implemented"], c["adopted"]),
        "on_time_rate": rate(c["on_time"], c["stays"]),
    }


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """By a column, `-` first for descending; a missing rate (nothing to measure) always last."""
    key = sort.lstrip("-")
    if key not in COLUMNS:
        key, sort = DEFAULT_SORT, DEFAULT_SORT
    descending = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: (r["name_fr"].lower(), r["slug"]), reverse=descending)
    known = [r for r in rows if r[key] is not None]
    unknown = [r for r in rows if r[key] is None]
    known.sort(key=lambda r: (r[key], r["name_fr"].lower()), reverse=descending)
    return known + sorted(unknown, key=lambda r: r["name_fr"].lower())


def register(scope: Scope):
    """The aggregate register: the filed cases of the set, newest first, each with its collectivity
    (one join), for a paginator (a count and one page: two queries whatever the rows)."""
    qs = Case.objects.public().select_related("collectivity").only(
        "reference", "title", "kind", "state", "submitted_at", "collectivity__slug",
        "collectivity__name_ar", "collectivity__name_fr",
    )  # fmt: skip
    if scope.parent is not None:
        qs = qs.filter(collectivity__in=scope.collectivities())
    return qs.order_by("-submitted_at", "-id")


ALLOWED = frozenset({"from", "to", "parent", "sort", "page"})


@dataclass
class NationalQuery:
    scope: Scope
    date_from: datetime.date
    date_to: datetime.date
    sort: str


class BadNationalQuery(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field_errors = {field[:50]: [message]}


def parse(params, *, parent: Collectivity | None = None, allowed=ALLOWED) -> NationalQuery:
    """The query string of the national page and API; anything not understood is refused."""
    from django.utils.translation import gettext as _

    from followup import reports

    values = {key: (params.get(key) or "").strip() for key in params}
    unknown = sorted(key for key in values if key not in allowed)
    if unknown:
        raise BadNationalQuery(
            _("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)[:200]}, unknown[0]
        )
    try:
        _s, _e, _g, date_from, date_to = reports.parse_period(values.get("from"), values.get("to"), None)
    except reports.BadPeriod as exc:
        raise BadNationalQuery(str(exc), "from") from None
    slug = values.get("parent")
    if slug:
        parent = parent_get(slug) if _SLUG.fullmatch(slug) else None
        if parent is None:
            raise BadNationalQuery(_("No such region or province."), "parent")
    sort = values.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in COLUMNS:
        raise BadNationalQuery(_("Sort by one of: %(choices)s.") % {"choices": ", ".join(COLUMNS)}, "sort")
    return NationalQuery(Scope(parent), date_from, date_to, sort)

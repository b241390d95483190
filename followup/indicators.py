"""The charter's indicators (docs/domain.md §8; charter 7.3) for a collectivity and a period [from, to).

Every figure is computed in the database (conditional counts, medians), with a fixed number of
queries whatever the number of cases. Each figure is given twice: "period" counts what happened
between `from` (included) and `to` (excluded); "today" counts everything up to now.

- cases_filed: filed cases (submitted_at), by kind, channel and submitter type;
- decided / adopted / rejected: decisions (adopt, reject, or the president's ruling) whose date
  falls in the period; an inadmissibility ruling is not a decision on the merits;
- implementation: the cases adopted in the period (today: every adopted case) and where they
  stand now; implementation_rate = implemented / adopted, so an abandoned case
  (not_implemented) counts against it and is never hidden;
- explained_rate: decisions with a published justification / decisions (the charter asks 100 %).
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import CharField, Count, F, Q, Value, When
from django.utils import timezone

from audit.models import TransitionEntry
from cases import register_cache
from cases import states as S
from cases.models import Case
from followup.sql import DaysBetween, LeftOnTime, Median, _round, median, median_by, rate
from notifications.models import Follower
from organisation.models import Committee
from participation.selectors import participation_figures
from petitions.models import Signature

ADOPTED_STATES = (S.ADOPTED, S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.NOT_IMPLEMENTED)
SUBMITTER_TYPES = ("citizen", "association", "equality_commission", "children_council", "desk")
STAGES = (
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.AWAITING_INFORMATION,
    S.IN_COMMITTEE,
    S.REPORTED,
    S.ON_AGENDA,
    S.ADOPTED,
    S.IN_IMPLEMENTATION,
)
FUNNEL_STEPS = ("filed", "admissible", "decided", "adopted", "implemented")
# Charter adherence targets of Demnate's action plan (first year).
ADHERENCE_TARGET = 0.30
PROMOTER_TARGET = 0.20


def submitter_type():
    """Who filed: the Equality Commission and the Children's Council by their case kinds, an
    association by name, the reception desk on a person's behalf, otherwise a citizen online."""
    return When_(
        When(kind=Case.Kind.ADVISORY_OPINION, then=Value("equality_commission")),
        When(kind=Case.Kind.CHILDREN_RECOMMENDATION, then=Value("children_council")),
        When(association__isnull=False, then=Value("association")),
        When(filed_by__isnull=False, then=Value("desk")),
        default=Value("citizen"),
        output_field=CharField(),
    )


def period_bounds(
    date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[from, to) as aware datetimes at the commune's midnight."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(date_from, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(date_to, datetime.time(), tzinfo=tz),
    )


def base_cases(collectivity, *, kind: str | None = None, committee=None):
    """Filed cases of the collectivity (drafts are not filed), narrowed by the filters."""
    qs = Case.objects.filter(collectivity=collectivity, submitted_at__isnull=False).exclude(state=S.DRAFT)
    if kind:
        qs = qs.filter(kind=kind)
    if committee is not None:
        qs = qs.filter(committee=committee)
    return qs


def compute_indicators(
    collectivity, date_from: datetime.date, date_to: datetime.date, kind=None, committee=None
) -> dict:
    """Every indicator of docs/domain.md §8 as a plain, JSON-ready dict.

    The cases are read in two passes whatever their number (bench/indicators.py): one grouped
    query of conditional counts (`_grouped_counts`: both blocks, the breakdowns, the funnel, the
    league's filed cases and the bodies' opinions are sums of its few dozen rows) and one query
    of medians (`_medians`); the stays closed in the period in one more (`_stay_figures`)."""
    with transaction.atomic():
        _sort_in_memory()
        return _compute(collectivity, date_from, date_to, kind, committee)


def _sort_in_memory() -> None:
    """The grouped counts and the medians sort or hash every case of the collectivity: at 200,000
    cases PostgreSQL's default work_mem (4 MB) makes it spill to disk and choose a sorted
    grouping. Raised for the current transaction only, as the response-time audit does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")


def _compute(collectivity, date_from, date_to, kind, committee) -> dict:
    start, end = period_bounds(date_from, date_to)
    cases = base_cases(collectivity, kind=kind, committee=committee)
    filed_p = Q(submitted_at__gte=start, submitted_at__lt=end)
    decided_p = Q(decided_at__gte=start, decided_at__lt=end, state__in=S.DECIDED_STATES)
    rows = _grouped_counts(cases, filed_p, decided_p)
    totals = _sum(rows)
    medians = _medians(
        cases,
        {
            "p_decision": (decided_p, "decided_at"),
            "t_decision": (Q(state__in=S.DECIDED_STATES), "decided_at"),
            "p_implementation": (
                Q(closed_at__gte=start, closed_at__lt=end, state=S.IMPLEMENTED),
                "closed_at",
            ),
            "t_implementation": (Q(state=S.IMPLEMENTED), "closed_at"),
            "f_decision": (filed_p & Q(state__in=S.DECIDED_STATES), "decided_at"),
            "f_implementation": (filed_p & Q(state=S.IMPLEMENTED), "closed_at"),
        },
    )
    period = _block(totals, "p")
    today = _block(totals, "t")
    today["overdue_now"] = totals["overdue_now"]
    breakdown = _filed_breakdown(rows)
    period["cases_filed"].update(breakdown["p"])
    today["cases_filed"].update(breakdown["t"])
    for block, suffix in ((period, "p"), (today, "t")):
        block["median_days_to_decision"] = medians[f"{suffix}_decision"]
        block["median_days_to_implementation"] = medians[f"{suffix}_implementation"]
    on_time, timing = _stay_figures(collectivity, start, end, kind, committee)
    return {
        "collectivity": collectivity.slug,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "kind": kind or None,
        "committee": committee.pk if committee is not None else None,
        "period": period,
        "today": today,
        "on_time_rate": on_time,
        "funnel": _funnel(rows, medians),
        "committees": _league(collectivity, rows, timing, committee),
        **_participation(collectivity, cases, rows, start, end, date_from, date_to),
    }


def headline_indicators(collectivity, date_from: datetime.date, date_to: datetime.date) -> dict:
    """The figures of the period that the charter report compares with the previous period
    (followup.charter_report.CHANGE_KEYS): the "period" block without its breakdowns, and the
    meetings. Each value equals compute_indicators' own; one query of counts and median over the
    cases (two on SQLite), then the participation figures."""
    with transaction.atomic():
        _sort_in_memory()
        start, end = period_bounds(date_from, date_to)
        cases = base_cases(collectivity)
        decided_p = Q(decided_at__gte=start, decided_at__lt=end, state__in=S.DECIDED_STATES)
        aggregates = _block_aggregates(
            "p",
            Q(submitted_at__gte=start, submitted_at__lt=end),
            decided_p,
            decided_p & Q(state__in=ADOPTED_STATES),
        )
        days = DaysBetween(F("submitted_at"), F("decided_at"))
        if connection.vendor == "postgresql":
            aggregates["p_decision"] = Median(days, filter=decided_p)
        counts = cases.aggregate(**aggregates)
        if connection.vendor == "postgresql":
            decision = _round(counts["p_decision"])
        else:
            decision = median(cases.filter(decided_p), days)
        period = _block(counts, "p")
        period["median_days_to_decision"] = decision
        return {
            "period": period,
            "participation": _meetings(participation_figures(collectivity, date_from, date_to)),
        }


# The columns of _grouped_counts that _block reads, per suffix ("p": in the period, "t": so far).
BLOCK_COUNTS = (
    "filed",
    "decided",
    "explained",
    "adopted",
    "rejected",
    "awaiting",
    "in_implementation",
    "implemented",
    "not_implemented",
)
GROUP_KEYS = ("kind", "channel", "submitter_type", "committee_id")


def _grouped_counts(cases, filed_p: Q, decided_p: Q) -> list[dict]:
    """One pass over the cases: every count the indicators need, grouped by kind, channel,
    submitter type and committee (a few dozen groups at most). Counts add up, so every figure is
    a sum of these rows: both blocks (suffix p, t), the breakdowns of filed cases, the funnel of
    the cases filed in the period (prefix f_), the league's filed cases, the bodies' opinions."""
    aggregates = {}
    for suffix, filed, decided, adopted in (
        ("p", filed_p, decided_p, decided_p & Q(state__in=ADOPTED_STATES)),
        ("t", None, Q(state__in=S.DECIDED_STATES), Q(state__in=ADOPTED_STATES)),
    ):
        aggregates.update(_block_aggregates(suffix, filed, decided, adopted))
    # The funnel: cases filed in the period and how far they went (admissible = referred to a
    # committee: refer_to_committee is the only transition that names it, cases.services).
    aggregates.update(
        {
            "f_admissible": Count("id", filter=filed_p & Q(committee__isnull=False)),
            "f_decided": Count("id", filter=filed_p & Q(state__in=S.DECIDED_STATES)),
            "f_adopted": Count("id", filter=filed_p & Q(state__in=ADOPTED_STATES)),
            "f_implemented": Count("id", filter=filed_p & Q(state=S.IMPLEMENTED)),
            "overdue_now": Count(
                "id", filter=Q(state__in=S.OPEN_STATES, deadline_on__lt=timezone.localdate())
            ),
        }
    )
    return list(
        cases.order_by().annotate(submitter_type=submitter_type()).values(*GROUP_KEYS).annotate(**aggregates)
    )


def _block_aggregates(suffix: str, filed: Q | None, decided: Q, adopted: Q) -> dict:
    """The counts of one block: filed (None: every case), decided, adopted and where they stand."""
    explained = ~Q(decision_justification="")
    return {
        f"filed_{suffix}": Count("id") if filed is None else Count("id", filter=filed),
        f"decided_{suffix}": Count("id", filter=decided),
        f"explained_{suffix}": Count("id", filter=decided & explained),
        f"adopted_{suffix}": Count("id", filter=adopted),
        f"rejected_{suffix}": Count("id", filter=decided & Q(state=S.REJECTED)),
        f"awaiting_{suffix}": Count("id", filter=adopted & Q(state=S.ADOPTED)),
        f"in_implementation_{suffix}": Count("id", filter=adopted & Q(state=S.IN_IMPLEMENTATION)),
        f"implemented_{suffix}": Count("id", filter=adopted & Q(state=S.IMPLEMENTED)),
        f"not_implemented_{suffix}": Count("id", filter=adopted & Q(state=S.NOT_IMPLEMENTED)),
    }


def _sum(rows: list[dict], where=None) -> dict:
    """Column sums of the grouped counts (the rows `where` accepts, or all)."""
    out: dict = {}
    for row in rows:
        if where is not None and not where(row):
            continue
        for key, value in row.items():
            if key not in GROUP_KEYS:
                out[key] = out.get(key, 0) + value
    if not out:
        out = dict.fromkeys(
            [f"{c}_{s}" for s in ("p", "t") for c in BLOCK_COUNTS]
            + ["f_admissible", "f_decided", "f_adopted", "f_implemented", "overdue_now"],
            0,
        )
    return out


def _medians(cases, wanted: dict) -> dict:
    """Median days from filing to `column` over the cases each condition selects: on PostgreSQL one
    query (percentile_cont with a FILTER per median); elsewhere one ranked query per median
    (followup.sql.median, the same linear interpolation)."""
    if connection.vendor == "postgresql":
        row = cases.aggregate(
            **{
                name: Median(DaysBetween(F("submitted_at"), F(column)), filter=condition)
                for name, (condition, column) in wanted.items()
            }
        )
        return {name: _round(row[name]) for name in wanted}
    return {
        name: median(cases.filter(condition), DaysBetween(F("submitted_at"), F(column)))
        for name, (condition, column) in wanted.items()
    }


def _block(counts: dict, suffix: str) -> dict:
    c = {name: counts[f"{name}_{suffix}"] for name in BLOCK_COUNTS}
    return {
        "cases_filed": {"total": c["filed"]},
        "decided": c["decided"],
        "adopted": c["adopted"],
        "rejected": c["rejected"],
        "adoption_rate": rate(c["adopted"], c["decided"]),
        "awaiting_implementation": c["awaiting"],
        "in_implementation": c["in_implementation"],
        "implemented": c["implemented"],
        "not_implemented": c["not_implemented"],
        "implementation_rate": rate(c["implemented"], c["adopted"]),
        "explained": c["explained"],
        "explained_rate": rate(c["explained"], c["decided"]),
    }


def _filed_breakdown(rows: list[dict]) -> dict:
    """Filed cases by kind, channel and submitter type, in the period ("p") and so far ("t")."""
    out = {
        key: {
            "by_kind": dict.fromkeys(Case.Kind.values, 0),
            "by_channel": dict.fromkeys(Case.Channel.values, 0),
            "by_submitter_type": dict.fromkeys(SUBMITTER_TYPES, 0),
        }
        for key in ("p", "t")
    }
    for row in rows:
        for key in ("p", "t"):
            n = row[f"filed_{key}"]
            for dimension, column in (
                ("by_kind", "kind"),
                ("by_channel", "channel"),
                ("by_submitter_type", "submitter_type"),
            ):
                target = out[key][dimension]
                target[row[column]] = target.get(row[column], 0) + n
    return out


def _stays(collectivity, start, end, kind, committee):
    """Stays in a state that ended in the period (each audit entry closes one: docs/domain.md §6)."""
    qs = (
        TransitionEntry.objects.filter(
            case__collectivity=collectivity,
            created_at__gte=start,
            created_at__lt=end,
            stay_started_at__isnull=False,
        )
        .exclude(from_state=F("to_state"))
        .exclude(from_state=S.DRAFT)
    )
    if kind:
        qs = qs.filter(case__kind=kind)
    if committee is not None:
        qs = qs.filter(case__committee=committee)
    return qs


def _stay_figures(collectivity, start, end, kind, committee) -> tuple[dict, dict]:
    """The on-time share per stage (stays that ended in the period with a deadline) and, per
    committee, its stays in committee (measured, left in time, median days). On PostgreSQL one
    query grouped by stage and committee: the in_committee rows are the committees' figures."""
    stays = _stays(collectivity, start, end, kind, committee)
    deadline = Q(stay_deadline__isnull=False)
    left_on_time = Q(LeftOnTime(F("created_at"), F("stay_deadline")))
    if connection.vendor != "postgresql":
        return _on_time(stays), _committee_timing(stays)
    rows = (
        stays.order_by()
        .values("from_state", "case__committee_id")
        .annotate(
            n=Count("id", filter=deadline),
            ok=Count("id", filter=deadline & left_on_time),
            median=Median(
                DaysBetween(F("stay_started_at"), F("created_at")), filter=Q(from_state=S.IN_COMMITTEE)
            ),
        )
    )
    found: dict = {}
    timing: dict = {}
    for row in rows:
        stage = found.setdefault(row["from_state"], [0, 0])
        stage[0] += row["n"]
        stage[1] += row["ok"]
        if row["from_state"] == S.IN_COMMITTEE:
            timing[row["case__committee_id"]] = {
                "median": _round(row["median"]),
                "n": row["n"],
                "ok": row["ok"],
            }
    return _on_time_rows({k: tuple(v) for k, v in found.items() if v[0]}), timing


def _on_time(stays) -> dict:
    """Per stage: stays that ended in the period with a deadline, and the share left in time."""
    on_time = LeftOnTime(F("created_at"), F("stay_deadline"))
    rows = (
        stays.filter(stay_deadline__isnull=False)
        .order_by()
        .values("from_state")
        .annotate(measured=Count("id"), on_time=Count("id", filter=on_time))
        .values_list("from_state", "measured", "on_time")
    )
    return _on_time_rows({stage: (measured, ok) for stage, measured, ok in rows})


def _on_time_rows(found: dict) -> dict:
    out = {}
    for stage in STAGES:
        measured, ok = found.get(stage, (0, 0))
        out[stage] = {"measured": measured, "on_time": ok, "rate": rate(ok, measured)}
    return out


def _committee_timing(stays) -> dict:
    """Per committee: its stays in committee, the measured ones, those left in time, the median."""
    deadline = Q(stay_deadline__isnull=False)
    return median_by(
        stays.filter(from_state=S.IN_COMMITTEE),
        "case__committee_id",
        DaysBetween(F("stay_started_at"), F("created_at")),
        n=Count("id", filter=deadline),
        ok=Count("id", filter=deadline & Q(LeftOnTime(F("created_at"), F("stay_deadline")))),
    )


def _funnel(rows: list[dict], medians: dict) -> dict:
    """Cases filed in the period and how far they went, per kind, committee and submitter type
    (sums of the grouped counts; a group with no case filed in the period is not listed)."""
    columns = {
        "filed": "filed_p",
        "admissible": "f_admissible",
        "decided": "f_decided",
        "adopted": "f_adopted",
        "implemented": "f_implemented",
    }
    filed = [row for row in rows if row["filed_p"]]
    out: dict = {}
    for dimension, column in (
        ("kind", "kind"),
        ("committee", "committee_id"),
        ("submitter_type", "submitter_type"),
    ):
        sums: dict = {}
        for row in filed:
            target = sums.setdefault(row[column], dict.fromkeys(FUNNEL_STEPS, 0))
            for step in FUNNEL_STEPS:
                target[step] += row[columns[step]]
        ordered = sorted(
            sums.items(), key=lambda kv: (kv[0] is None, str(kv[0]) if kv[0] is not None else "")
        )
        out[dimension] = [{"key": key, **_steps(values)} for key, values in ordered]
    total = dict.fromkeys(FUNNEL_STEPS, 0)
    for row in filed:
        for step in FUNNEL_STEPS:
            total[step] += row[columns[step]]
    out["all"] = _steps(total)
    out["all"]["median_days_to_decision"] = medians["f_decision"]
    out["all"]["median_days_to_implementation"] = medians["f_implementation"]
    return out


def _steps(row: dict) -> dict:
    """Counts and the rate of each step against the one before (adopted against decided)."""
    previous = {
        "admissible": "filed",
        "decided": "admissible",
        "adopted": "decided",
        "implemented": "adopted",
    }
    out = {step: row[step] for step in FUNNEL_STEPS}
    out["rates"] = {step: rate(row[step], row[before]) for step, before in previous.items()}
    return out


def _league(collectivity, rows: list[dict], timing: dict, committee) -> list[dict]:
    """Each committee: cases referred to it and filed in the period, its stays closed in the
    period (on-time share) and their median length."""
    committees = Committee.objects.filter(collectivity=collectivity).order_by("id")
    if committee is not None:
        committees = committees.filter(pk=committee.pk)
    filed: dict = {}
    for row in rows:
        if row["committee_id"] is not None:
            filed[row["committee_id"]] = filed.get(row["committee_id"], 0) + row["f_admissible"]
    out = []
    for c in committees:
        row = timing.get(c.pk, {"median": None, "n": 0, "ok": 0})
        measured, ok = row["n"], row["ok"]
        out.append(
            {
                "id": c.pk,
                "name_ar": c.name_ar,
                "name_fr": c.name_fr,
                "cases": filed.get(c.pk, 0),
                "stays": measured,
                "on_time_rate": rate(ok, measured),
                "median_days": row["median"],
            }
        )
    out.sort(
        key=lambda r: (-(r["on_time_rate"] or 0), r["median_days"] if r["median_days"] is not None else 1e9)
    )
    return out


def _participation(collectivity, cases, rows, start, end, date_from, date_to) -> dict:
    """The figures of docs/domain.md §8 that come from records other than cases: the meetings held
    in the period and their attendance counts and evaluation cards (participation.selectors), the
    associations' adherence, the opinions' outcomes, the digital figures. A share over no
    participants, or an average over no card, is null (unknown), never zero; council membership is
    not recorded yet, so its figures are null."""
    # The opinions' outcomes: the grouped counts of the Commission's and the Council's kinds.
    opinions = {}
    for prefix, kind in (("eq", Case.Kind.ADVISORY_OPINION), ("ch", Case.Kind.CHILDREN_RECOMMENDATION)):
        sums = _sum(rows, lambda row, kind=kind: row["kind"] == kind)
        opinions.update(
            {
                f"{prefix}_filed": sums["filed_p"],
                f"{prefix}_filed_total": sums["filed_t"],
                f"{prefix}_taken": sums["adopted_t"],
                f"{prefix}_not_taken": sums["rejected_t"],
                f"{prefix}_implemented": sums["implemented_t"],
            }
        )
    signatures = Signature.objects.filter(
        case__collectivity=collectivity, channel=Signature.Channel.ONLINE, valid=True
    ).aggregate(period=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)), total=Count("id"))
    followers = Follower.objects.filter(
        subject_type="case",
        subject_id__in=cases.values("pk"),
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
    ).count()

    def outcome(prefix: str) -> dict:
        return {
            "filed_in_period": opinions[f"{prefix}_filed"],
            "filed_total": opinions[f"{prefix}_filed_total"],
            "taken_into_account": opinions[f"{prefix}_taken"],
            "not_taken_into_account": opinions[f"{prefix}_not_taken"],
            "implemented": opinions[f"{prefix}_implemented"],
        }

    p = participation_figures(collectivity, date_from, date_to)
    assoc = p["adherence"]
    children, commission = p["children_council"], p["equality_commission"]
    return {
        "participation": _meetings(p),
        # One definition with the bodies' pages (participation.selectors.adherence_figures, charter
        # 7.3): the registry's validated associations, signed by the period's end.
        "adherence": {
            "associations_registered": assoc["associations_registered"],
            "associations_signed": assoc["associations_signed"],
            "associations_signed_in_period": assoc["associations_signed_in_period"],
            "adherence_rate": assoc["adherence_share"],
            "adherence_target": ADHERENCE_TARGET,
            "promoters": assoc["promoters"],
            "promoter_rate": assoc["promoter_share"],
            "promoter_target": PROMOTER_TARGET,
        },
        # The bodies' own records (participation.selectors): members on the period's last day.
        "children_council": {
            "members": children["members"],
            "sessions_held": children["sessions_held"],
            "implementation_rate": children["implementation_rate"],
            "recommendations": outcome("ch"),
        },
        "equality_commission": {
            "members": commission["members"],
            "women_share": commission["women_share"],
            "opinions": outcome("eq"),
        },
        "satisfaction_after_decision": {
            "ratings": p["satisfaction_after_decision"]["ratings"],
            "average": p["satisfaction_after_decision_average"],
        },
        "digital": {
            "online_signatures_in_period": signatures["period"],
            "online_signatures_total": signatures["total"],
            "case_followers": followers,
        },
    }


def _meetings(p: dict) -> dict:
    """The meetings of participation.selectors.participation_figures, in the indicators' names."""
    return {
        "recorded": p["meetings_held"] > 0,
        "meetings_held": p["meetings_held"],
        "meetings_by_kind": p["meetings_by_kind"],
        "trainings_held": p["trainings_held"],
        "participants": p["participants"],
        "women": p["women"],
        "women_share": p["women_share"],
        "youth": p["youth"],
        "youth_share": p["youth_share"],
        "vulnerable_share": p["vulnerable_share"],
        "training_attendees": p["training_attendees"],
        "by_participant_type": p["by_participant_type"],
        "evaluation_cards": p["evaluation_cards"],
        "satisfaction": p["satisfaction_average"],
        "clarity": p["clarity_average"],
        "come_again_share": p["come_again_share"],
    }


def implementation_headline(collectivity) -> dict:
    """ "X of Y adopted cases implemented", as of today (home page and register)."""
    qs = Case.objects.filter(collectivity=collectivity, state__in=ADOPTED_STATES)
    return register_cache.cached(
        collectivity.pk,
        "implementation",
        {},
        lambda: qs.aggregate(adopted=Count("id"), implemented=Count("id", filter=Q(state=S.IMPLEMENTED))),
    )

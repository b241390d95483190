"""Response-time audit for the follow-up team (docs/domain.md §6 and 8), computed in SQL from the audit
chain: each transition closes a stay in a state, opened by the case's previous transition.

Percentiles are linear interpolations between closest ranks (PostgreSQL's percentile_cont),
written with window functions so SQLite and PostgreSQL give the same figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

GROUPS = ("stage", "committee", "service", "kind")
# Stays that belong to a committee or a service (grouping by them looks at those stays only).
COMMITTEE_STAGES = ("in_committee",)
SERVICE_STAGES = ("adopted", "in_implementation")
OPEN_STATES = (
    "submitted",
    "under_review",
    "awaiting_information",
    "in_committee",
    "reported",
    "on_agenda",
    "adopted",
    "in_implementation",
)
FUNNEL = (
    ("filed", ("submit",)),
    ("admissible", ("refer_to_committee",)),
    ("decided", ("adopt", "reject")),
    ("adopted", ("adopt",)),
    ("implemented", ("complete",)),
)


@dataclass
class GroupStats:
    key: str | int | None
    count: int
    median_days: float | None
    p90_days: float | None
    max_days: float | None
    on_time: int
    measured: int
    open_now: int = 0
    overdue_now: int = 0
    label: str = ""

    @property
    def on_time_share(self) -> float | None:
        return round(self.on_time / self.measured, 4) if self.measured else None


@dataclass
class FunnelStep:
    step: str
    count: int
    rate: float | None  # of the previous step
    rate_of_filed: float | None
    median_days: float | None  # from filing to this step


@dataclass
class Report:
    group_by: str
    start: datetime.datetime
    end: datetime.datetime
    groups: list[GroupStats] = field(default_factory=list)
    funnel: list[FunnelStep] = field(default_factory=list)


def _tables() -> tuple[str, str]:
    entry = apps.get_model("audit", "TransitionEntry")._meta.db_table
    case = apps.get_model("cases", "Case")._meta.db_table
    return entry, case


def _dialect():
    """The few expressions SQLite and PostgreSQL write differently."""
    if connection.vendor == "postgresql":
        return {
            "days": "EXTRACT(EPOCH FROM ({b} - {a})) / 86400.0",
            # On time: left before the end of the deadline day, in the commune's time zone.
            "on_time": (
                "CASE WHEN {d} IS NULL THEN NULL "
                "WHEN {b} < (({d} + 1)::timestamp AT TIME ZONE %(tz)s) THEN 1 ELSE 0 END"
            ),
        }
    return {
        "days": "(julianday({b}) - julianday({a}))",
        # SQLite keeps UTC text: Morocco's legal time is UTC+1 (the Ramadan hour is ignored here).
        "on_time": (
            "CASE WHEN {d} IS NULL THEN NULL "
            "WHEN julianday({b}) < julianday({d}, '+1 day', '-1 hour') THEN 1 ELSE 0 END"
        ),
    }


def _percentile_sql(values_sql: str) -> str:
    """count, median, p90, max and on-time counts per group `g` of a (g, days, on_time) relation."""
    if connection.vendor == "postgresql":
        # The native ordered-set aggregate: one sort per group, no window passes.
        # Both percentiles from one sort (the array form of percentile_cont).
        return f"""
            SELECT g, n, p[1] AS median_days, p[2] AS p90_days, max_days, on_time, measured FROM (
                SELECT g, COUNT(*) AS n,
                       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY days) AS p,
                       MAX(days) AS max_days,
                       SUM(CASE WHEN on_time = 1 THEN 1 ELSE 0 END) AS on_time,
                       SUM(CASE WHEN on_time IS NULL THEN 0 ELSE 1 END) AS measured
                FROM ({values_sql}) v GROUP BY g
            ) a ORDER BY g
        """
    # floor(): PostgreSQL rounds when casting to integer, SQLite truncates (positions are > 0).
    floor = "FLOOR({})" if connection.vendor == "postgresql" else "CAST({} AS INTEGER)"
    m = floor.format("1 + 0.5 * (n - 1)")
    p = floor.format("1 + 0.9 * (n - 1)")
    return f"""
        WITH v AS ({values_sql}),
        r AS (
            SELECT g, days, on_time,
                   ROW_NUMBER() OVER (PARTITION BY g ORDER BY days) AS rn,
                   COUNT(*) OVER (PARTITION BY g) AS n
            FROM v
        ),
        agg AS (
            SELECT g, MAX(n) AS n, MAX(days) AS max_days,
                   SUM(CASE WHEN on_time = 1 THEN 1 ELSE 0 END) AS on_time,
                   SUM(CASE WHEN on_time IS NULL THEN 0 ELSE 1 END) AS measured,
                   MAX(CASE WHEN rn = {m} THEN days END) AS m_lo,
                   MAX(CASE WHEN rn = {m} + 1 THEN days END) AS m_hi,
                   MAX(1 + 0.5 * (n - 1) - {m}) AS m_frac,
                   MAX(CASE WHEN rn = {p} THEN days END) AS p_lo,
                   MAX(CASE WHEN rn = {p} + 1 THEN days END) AS p_hi,
                   MAX(1 + 0.9 * (n - 1) - {p}) AS p_frac
            FROM r GROUP BY g
        )
        SELECT g, n,
               m_lo + m_frac * (COALESCE(m_hi, m_lo) - m_lo) AS median_days,
               p_lo + p_frac * (COALESCE(p_hi, p_lo) - p_lo) AS p90_days,
               max_days, on_time, measured
        FROM agg ORDER BY g
    """


def _stays_sql(group_by: str) -> str:
    """Each transition entry closes a stay: it records when the stay began and its deadline, so
    the stays are one indexed scan of the period's entries (no window over the whole chain)."""
    entry, case = _tables()
    d = _dialect()
    group = {
        "stage": "e.from_state",
        "committee": "c.committee_id",
        "service": "c.service_id",
        "kind": "c.kind",
    }[group_by]
    where = ""
    if group_by == "committee":
        where = "AND e.from_state IN ('in_committee')"
    elif group_by == "service":
        where = "AND e.from_state IN ('adopted', 'in_implementation')"
    days = d["days"].format(a="e.stay_started_at", b="e.created_at")
    on_time = d["on_time"].format(d="e.stay_deadline", b="e.created_at")
    sql = f"""
        SELECT {group} AS g, {days} AS days, {on_time} AS on_time
        FROM {entry} e JOIN {case} c ON c.id = e.case_id
        WHERE e.created_at >= %(start)s AND e.created_at < %(end)s
          AND e.from_state <> e.to_state AND e.from_state <> 'draft' AND e.stay_started_at IS NOT NULL {where}
    """
    return sql


def response_times(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    group_by: str = "stage",
    collectivity_id=None,
    with_funnel: bool = True,
    open_rows: list[tuple] | None = None,
) -> Report:
    """Stays closed in [start, end) per group, open and overdue cases now, and (unless
    `with_funnel` is false: the charter report asks for three groupings and shows no funnel of
    its own) the funnel of the cases filed in the period, which does not depend on the grouping.
    `open_rows`: open_now_rows() already read for the same collectivity."""
    if group_by not in GROUPS:
        raise ValueError(group_by)
    report = Report(group_by=group_by, start=start, end=end)
    params = {"start": start, "end": end, "tz": timezone.get_current_timezone_name()}
    stays = _stays_sql(group_by)
    if collectivity_id is not None:
        stays += " AND c.collectivity_id = %(collectivity)s"
        params["collectivity"] = collectivity_id
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The percentiles sort every stay of the period: let them sort in memory.
            cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(_percentile_sql(stays), params)
        for g, n, median, p90, max_days, on_time, measured in cursor.fetchall():
            report.groups.append(
                GroupStats(
                    key=g,
                    count=int(n),
                    median_days=_round(median),
                    p90_days=_round(p90),
                    max_days=_round(max_days),
                    on_time=int(on_time or 0),
                    measured=int(measured or 0),
                )
            )
    _open_now(report, collectivity_id, open_rows)
    if with_funnel:
        report.funnel = funnel(start=start, end=end, collectivity_id=collectivity_id)
    return report


def open_now_rows(collectivity_id) -> list[tuple]:
    """(state, committee, service, open, overdue) of the open cases now, in one grouped query:
    each grouping of `_open_now` sums its own states of these rows, so the charter report reads
    them once for its three groupings."""
    return _open_counts(("state", "committee_id", "service_id"), collectivity_id)


def _open_counts(columns: tuple[str, ...], collectivity_id) -> list[tuple]:
    """(*columns, open, overdue) of the open cases now, grouped by `columns` (the module's own
    column names, never input)."""
    _entry, case = _tables()
    placeholders = ", ".join(["%s"] * len(OPEN_STATES))
    names = ", ".join(columns)
    sql = f"""
        SELECT {names}, COUNT(*), SUM(CASE WHEN deadline_on < %s THEN 1 ELSE 0 END)
        FROM {case} WHERE state IN ({placeholders})
    """
    params: list = [timezone.localdate(), *OPEN_STATES]
    if collectivity_id is not None:
        sql += " AND collectivity_id = %s"
        params.append(collectivity_id)
    sql += f" GROUP BY {names}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _open_now(report: Report, collectivity_id, rows: list[tuple] | None = None) -> None:
    """Open and overdue cases now, in the same groups (from the cases' current clocks)."""
    index = {"stage": 0, "committee": 1, "service": 2, "kind": None}[report.group_by]
    states = {"committee": COMMITTEE_STAGES, "service": SERVICE_STAGES}.get(report.group_by, OPEN_STATES)
    if index is None:
        totals = _open_by_kind(collectivity_id)
    else:
        totals = {}
        for row in open_now_rows(collectivity_id) if rows is None else rows:
            if row[0] in states:
                n, overdue = totals.get(row[index], (0, 0))
                totals[row[index]] = (n + int(row[3]), overdue + int(row[4] or 0))
    by_key = {g.key: g for g in report.groups}
    for key, (n, overdue) in totals.items():
        group = by_key.get(key)
        if group is None:
            group = GroupStats(key, 0, None, None, None, 0, 0)
            report.groups.append(group)
            by_key[key] = group
        group.open_now = n
        group.overdue_now = overdue
    report.groups.sort(key=lambda g: str(g.key) if g.key is not None else "")


def _open_by_kind(collectivity_id) -> dict:
    return {key: (int(n), int(overdue or 0)) for key, n, overdue in _open_counts(("kind",), collectivity_id)}


def _funnel_stats_postgresql(start, end, collectivity_id) -> dict[str, tuple[int, float | None]]:
    """One pass over the entries: the first time each filed case reached each step."""
    entry, case = _tables()
    coll = "AND c.collectivity_id = %(collectivity)s" if collectivity_id is not None else ""
    firsts = ", ".join(
        f"MIN(CASE WHEN e.transition IN ({', '.join(repr(t) for t in names)}) THEN e.created_at END) AS "
        f"{step}"
        for step, names in FUNNEL
    )
    all_names = ", ".join(repr(t) for _s, names in FUNNEL for t in names)
    columns = []
    for step, _names in FUNNEL:
        d = f"EXTRACT(EPOCH FROM (f.{step} - f.filed)) / 86400.0"
        columns.append(f"COUNT(f.{step}) AS {step}_n")
        columns.append(
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {d}) FILTER (WHERE f.{step} IS NOT NULL) AS "
            f"{step}_m"
        )
    sql = f"""
        SELECT {", ".join(columns)} FROM (
            SELECT e.case_id, {firsts}
            FROM {entry} e JOIN {case} c ON c.id = e.case_id
            WHERE e.transition IN ({all_names}) {coll}
            GROUP BY e.case_id
        ) f
        WHERE f.filed >= %(start)s AND f.filed < %(end)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": start, "end": end, "collectivity": collectivity_id})
        row = cursor.fetchone()
    return {step: (int(row[2 * i] or 0), _round(row[2 * i + 1])) for i, (step, _n) in enumerate(FUNNEL)}


def funnel(*, start, end, collectivity_id=None) -> list[FunnelStep]:
    """Cases filed in the period, and how many of them reached each later step (and how fast)."""
    if connection.vendor == "postgresql":
        return _funnel_steps(_funnel_stats_postgresql(start, end, collectivity_id))
    entry, case = _tables()
    d = _dialect()
    days = d["days"].format(a="f.at", b="x.at")
    coll = "AND c.collectivity_id = %(collectivity)s" if collectivity_id is not None else ""
    params = {"start": start, "end": end, "collectivity": collectivity_id}
    parts = []
    for step, transitions in FUNNEL:
        names = ", ".join(f"'{t}'" for t in transitions)
        parts.append(
            f"""SELECT '{step}' AS g, {days} AS days, CAST(NULL AS INTEGER) AS on_time
                FROM filed f JOIN (
                    SELECT case_id, MIN(created_at) AS at FROM {entry} WHERE transition IN ({names}) GROUP BY
                    case_id
                ) x ON x.case_id = f.case_id"""
        )
    values = f"""
        WITH filed AS (
            SELECT e.case_id, MIN(e.created_at) AS at FROM {entry} e JOIN {case} c ON c.id = e.case_id
            WHERE e.transition = 'submit' AND e.created_at >= %(start)s AND e.created_at < %(end)s {coll}
            GROUP BY e.case_id
        )
        {" UNION ALL ".join(parts)}
    """
    # The CTE must lead the statement: inline it into the percentile query's first CTE.
    sql = _percentile_sql("SELECT * FROM (" + values + ") steps")
    stats = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for g, n, median, _p90, _max, _on, _measured in cursor.fetchall():
            stats[g] = (int(n), _round(median))
    return _funnel_steps(stats)


def _funnel_steps(stats: dict[str, tuple[int, float | None]]) -> list[FunnelStep]:
    out = []
    filed = stats.get("filed", (0, None))[0]
    previous = None
    for step, _t in FUNNEL:
        n, median = stats.get(step, (0, None))
        out.append(
            FunnelStep(
                step=step,
                count=n,
                rate=round(n / previous, 4) if previous else (1.0 if step == "filed" and n else None),
                rate_of_filed=round(n / filed, 4) if filed else None,
                median_days=median if step != "filed" else 0.0 if n else None,
            )
        )
        previous = n if step in ("filed", "admissible", "decided") else previous
    # adopted and implemented are rates of decided and adopted respectively.
    for i, step in enumerate(out):
        if step.step == "adopted":
            decided = out[2].count
            step.rate = round(step.count / decided, 4) if decided else None
        if step.step == "implemented":
            adopted = out[i - 1].count
            step.rate = round(step.count / adopted, 4) if adopted else None
    return out


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)


# Each committee's work (docs/domain.md §3.6): the lead committee's reports and the opinions asked
# of further committees, from the referrals (asked on, due on, reported on).
REFERRAL_ROLES = ("lead", "opinion")
# While a committee's work can still come in: the lead's in committee, an opinion until the decision.
REFERRAL_OPEN_STATES = {"lead": ("in_committee",), "opinion": ("in_committee", "reported", "on_agenda")}


@dataclass
class CommitteeWork:
    committee_id: int
    lead: GroupStats
    opinion: GroupStats
    label: str = ""


def _referral_stays_sql() -> str:
    referral = apps.get_model("cases", "CommitteeReferral")._meta.db_table
    _entry, case = _tables()
    d = _dialect()
    days = d["days"].format(a="r.requested_at", b="r.reported_at")
    on_time = d["on_time"].format(d="r.due_on", b="r.reported_at")
    return f"""
        SELECT r.committee_id AS g, {days} AS days, {on_time} AS on_time
        FROM {referral} r JOIN {case} c ON c.id = r.case_id
        WHERE r.role = %(role)s AND r.reported_at >= %(start)s AND r.reported_at < %(end)s
    """


def committee_work(
    *, start: datetime.datetime, end: datetime.datetime, collectivity_id=None
) -> list[CommitteeWork]:
    """Per committee: the lead reports and the opinions filed in [start, end) (count, median, 90th
    percentile and longest days from the request, share within the due date), and the work still
    open and overdue now."""
    stats: dict[tuple[str, int], GroupStats] = {}
    base = _referral_stays_sql()
    if collectivity_id is not None:
        base += " AND c.collectivity_id = %(collectivity)s"
    with transaction.atomic(), connection.cursor() as cursor:
        for role in REFERRAL_ROLES:
            params = {
                "start": start,
                "end": end,
                "role": role,
                "tz": timezone.get_current_timezone_name(),
                "collectivity": collectivity_id,
            }
            cursor.execute(_percentile_sql(base), params)
            for g, n, median, p90, max_days, on_time, measured in cursor.fetchall():
                stats[(role, g)] = GroupStats(
                    key=g,
                    count=int(n),
                    median_days=_round(median),
                    p90_days=_round(p90),
                    max_days=_round(max_days),
                    on_time=int(on_time or 0),
                    measured=int(measured or 0),
                )
        _referrals_open_now(cursor, stats, collectivity_id)
    committees = sorted({g for _role, g in stats})
    # Names in the reader's language (one query).
    model = apps.get_model("organisation", "Committee")
    names = {o.pk: o.name for o in model.objects.filter(pk__in=committees)}
    return [
        CommitteeWork(
            committee_id=g,
            lead=stats.get(("lead", g)) or GroupStats(g, 0, None, None, None, 0, 0),
            opinion=stats.get(("opinion", g)) or GroupStats(g, 0, None, None, None, 0, 0),
            label=names.get(g, ""),
        )
        for g in committees
    ]


def _referrals_open_now(cursor, stats: dict, collectivity_id) -> None:
    referral = apps.get_model("cases", "CommitteeReferral")._meta.db_table
    _entry, case = _tables()
    for role in REFERRAL_ROLES:
        states = REFERRAL_OPEN_STATES[role]
        placeholders = ", ".join(["%s"] * len(states))
        sql = f"""
            SELECT r.committee_id, COUNT(*), SUM(CASE WHEN r.due_on < %s THEN 1 ELSE 0 END)
            FROM {referral} r JOIN {case} c ON c.id = r.case_id
            WHERE r.role = %s AND r.reported_at IS NULL AND r.lapsed_at IS NULL
              AND c.state IN ({placeholders})
        """
        params: list = [timezone.localdate(), role, *states]
        if collectivity_id is not None:
            sql += " AND c.collectivity_id = %s"
            params.append(collectivity_id)
        sql += " GROUP BY r.committee_id"
        cursor.execute(sql, params)
        for g, n, overdue in cursor.fetchall():
            group = stats.setdefault((role, g), GroupStats(g, 0, None, None, None, 0, 0))
            group.open_now = int(n)
            group.overdue_now = int(overdue or 0)

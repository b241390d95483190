"""The few SQL expressions SQLite and PostgreSQL write differently, as ORM expressions, and medians.

A median is PostgreSQL's `percentile_cont(0.5)` (one query). SQLite has no ordered-set aggregate:
the median is read from the one or two middle rows ranked by a window function, so the database
sorts and Python never holds the rows.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Aggregate, BooleanField, Count, F, FloatField, Func, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone


class DaysBetween(Func):
    """(b - a) in days, fractional."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, conn, **extra):
        (a_sql, a_params), (b_sql, b_params) = (compiler.compile(e) for e in self.source_expressions)
        if conn.vendor == "postgresql":
            return f"(EXTRACT(EPOCH FROM ({b_sql} - {a_sql})) / 86400.0)", [*b_params, *a_params]
        return f"(julianday({b_sql}) - julianday({a_sql}))", [*b_params, *a_params]


class LeftOnTime(Func):
    """A stay ended (b) before the end of its deadline day (d), in the commune's time zone: the
    rule of the response-time audit (docs/domain.md §6)."""

    output_field = BooleanField()
    arity = 2

    def as_sql(self, compiler, conn, **extra):
        (b_sql, b_params), (d_sql, d_params) = (compiler.compile(e) for e in self.source_expressions)
        if conn.vendor == "postgresql":
            tz = timezone.get_current_timezone_name()
            return f"({b_sql} < (({d_sql} + 1)::timestamp AT TIME ZONE %s))", [*b_params, *d_params, tz]
        # SQLite keeps UTC text; Morocco's legal time is UTC+1 (as audit.response_times assumes).
        return f"(julianday({b_sql}) < julianday({d_sql}, '+1 day', '-1 hour'))", [*b_params, *d_params]


class Median(Aggregate):
    """PostgreSQL only: the ordered-set aggregate (linear interpolation between closest ranks)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def median(qs: QuerySet, expression) -> float | None:
    """Median of `expression` over the rows of `qs` (rows where it is NULL are left out)."""
    qs = qs.annotate(_value=expression).filter(_value__isnull=False)
    if connection.vendor == "postgresql":
        return _round(qs.aggregate(m=Median(F("_value")))["m"])
    # The one or two middle rows by rank (window functions), in one query whatever the data.
    ranked = (
        qs.order_by()
        .annotate(_rank=Window(RowNumber(), order_by=F("_value").asc()), _n=Window(Count("*")))
        .filter(_rank__gte=(F("_n") + 1) / 2, _rank__lte=(F("_n") + 2) / 2)
    )
    middle = list(ranked.values_list("_value", flat=True))
    return _round(sum(middle) / len(middle)) if middle else None


def median_by(qs: QuerySet, group: str, expression, **aggregates) -> dict:
    """Per value of the column `group`: {"median": ..., **aggregates}. On PostgreSQL in one query;
    on SQLite the aggregates in one and the values, sorted by the database, read in another."""
    qs = qs.annotate(_value=expression).filter(_value__isnull=False).order_by()
    if connection.vendor == "postgresql":
        rows = qs.values(group).annotate(_median=Median(F("_value")), **aggregates)
        return {
            row[group]: {"median": _round(row["_median"]), **{k: row[k] for k in aggregates}} for row in rows
        }
    out = {
        row[group]: {"median": None, **{k: row[k] for k in aggregates}}
        for row in qs.values(group).annotate(**aggregates)
    }
    # SQLite (the demo): fine at demo sizes.
    values: dict = {}
    for key, value in qs.order_by(group, "_value").values_list(group, "_value"):
        values.setdefault(key, []).append(value)
    for key, vs in values.items():
        n = len(vs)
        middle = vs[(n - 1) // 2 : n // 2 + 1]
        out.setdefault(key, {k: 0 for k in aggregates})["median"] = _round(sum(middle) / len(middle))
    return out


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)

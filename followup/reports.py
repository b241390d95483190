"""Period parsing, labels and exports of the response-time audit (shared by the page and the API)."""

from __future__ import annotations

import csv
import datetime
import io

from django.apps import apps
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from cases import states as S
from cases.models import Case
from followup.response_times import GROUPS, Report

GROUP_LABELS = {
    "stage": gettext_lazy("Stage"),
    "committee": gettext_lazy("Committee"),
    "service": gettext_lazy("Service"),
    "kind": gettext_lazy("Kind"),
}
STEP_LABELS = {
    "filed": gettext_lazy("Filed"),
    "admissible": gettext_lazy("Admissible (referred to a committee)"),
    "decided": gettext_lazy("Decided"),
    "adopted": gettext_lazy("Adopted"),
    "implemented": gettext_lazy("Implemented"),
}
AUDIT_ROLES = frozenset({"followup", "president"})
FIRST_YEAR = 1900
LAST_YEAR = 9998


class BadPeriod(ValueError):
    pass


def can_audit(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user.group_names() & AUDIT_ROLES))


def _parse_day(text: str) -> datetime.date:
    """A YYYY-MM-DD day of the query string; anything else (letters, 2026-13-40) is the period
    error, never a 500. Years are bounded so that a year back or a day ahead stays a date."""
    try:
        day = parse_date(text.strip())
    except ValueError:
        day = None
    if day is None:
        raise BadPeriod(_("Give the dates as YYYY-MM-DD."))
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadPeriod(
            _("Give dates between the years %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return day


def parse_period(start: str | None, end: str | None, group_by: str | None):
    """[from, to) as aware datetimes at local midnight; default: the last twelve months."""
    today = timezone.localdate()
    d_end = _parse_day(end) if end else today + datetime.timedelta(days=1)
    d_start = _parse_day(start) if start else d_end - datetime.timedelta(days=365)
    if d_start >= d_end:
        raise BadPeriod(_("The start of the period must come before its end."))
    if (d_end - d_start).days > 3660:
        raise BadPeriod(_("The period cannot be longer than ten years."))
    group_by = group_by or "stage"
    if group_by not in GROUPS:
        raise BadPeriod(_("Group by one of: %(choices)s.") % {"choices": ", ".join(GROUPS)})

    def aware(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return aware(d_start), aware(d_end), group_by, d_start, d_end


def label_groups(report: Report) -> None:
    """Readable labels in the reader's language (two queries at most)."""
    if report.group_by == "stage":
        for g in report.groups:
            g.label = S.state_label(str(g.key)) if g.key else "—"
    elif report.group_by == "kind":
        kinds = dict(Case.Kind.choices)
        for g in report.groups:
            g.label = str(kinds.get(g.key, g.key))
    else:
        model = apps.get_model("organisation", "Committee" if report.group_by == "committee" else "Service")
        names = {o.pk: o.name for o in model.objects.filter(pk__in=[g.key for g in report.groups if g.key])}
        for g in report.groups:
            g.label = names.get(g.key, _("(none named)"))


def as_rows(report: Report) -> tuple[list[str], list[list], list[str], list[list]]:
    head = [
        str(GROUP_LABELS[report.group_by]),
        _("Stays closed"),
        _("Median days"),
        _("90th percentile (days)"),
        _("Longest (days)"),
        _("Share within deadline"),
        _("Open now"),
        _("Overdue now"),
    ]
    rows = [
        [g.label, g.count, g.median_days, g.p90_days, g.max_days, g.on_time_share, g.open_now, g.overdue_now]
        for g in report.groups
    ]
    funnel_head = [
        _("Step"),
        _("Cases"),
        _("Rate of the previous step"),
        _("Rate of filed"),
        _("Median days from filing"),
    ]
    funnel_rows = [
        [str(STEP_LABELS[f.step]), f.count, f.rate, f.rate_of_filed, f.median_days] for f in report.funnel
    ]
    return head, rows, funnel_head, funnel_rows


def to_csv(report: Report) -> str:
    head, rows, funnel_head, funnel_rows = as_rows(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Response times"), report.start.date().isoformat(), report.end.date().isoformat()])
    writer.writerow(head)
    writer.writerows(rows)
    writer.writerow([])
    writer.writerow(funnel_head)
    writer.writerows(funnel_rows)
    return "\ufeff" + out.getvalue()  # BOM: spreadsheet programs then read the Arabic correctly


def to_xlsx(report: Report) -> bytes:

    head, rows, funnel_head, funnel_rows = as_rows(report)
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Response times"))[:31]
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    funnel_sheet = book.create_sheet(str(_("Funnel"))[:31])
    funnel_sheet.append(funnel_head)
    for row in funnel_rows:
        funnel_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""The follow-up team's response-time audit page (/staff/audit/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from followup import reports
from followup.response_times import GROUPS, response_times


@login_required
def response_times_page(request):
    if not reports.can_audit(request.user):
        raise PermissionDenied
    error = None
    try:
        start, end, group_by, d_start, d_end = reports.parse_period(
            request.GET.get("from"), request.GET.get("to"), request.GET.get("group_by")
        )
    except reports.BadPeriod as exc:
        error = str(exc)
        start, end, group_by, d_start, d_end = reports.parse_period(None, None, None)
    collectivity_id = request.user.collectivity_id
    report = response_times(start=start, end=end, group_by=group_by, collectivity_id=collectivity_id)
    reports.label_groups(report)
    fmt = request.GET.get("format")
    stem = f"mithaq-response-times-{group_by}-{d_start.isoformat()}-{d_end.isoformat()}"
    if fmt == "csv" and not error:
        response = HttpResponse(reports.to_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    if fmt == "xlsx" and not error:
        response = HttpResponse(
            reports.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    head, rows, funnel_head, funnel_rows = reports.as_rows(report)
    chart = {
        "labels": [g.label for g in report.groups],
        "median": [g.median_days for g in report.groups],
        "p90": [g.p90_days for g in report.groups],
        "on_time": [round(100 * g.on_time_share, 1) if g.on_time_share is not None else None for g in report.groups],
        "funnel_labels": [row[0] for row in funnel_rows],
        "funnel": [row[1] for row in funnel_rows],
        "legend": {
            "median": _("Median days"),
            "p90": _("90th percentile (days)"),
            "on_time": _("Share within deadline (%)"),
            "funnel": _("Cases"),
        },
    }
    return render(
        request,
        "followup/response_times.html",
        {
            "report": report,
            "head": head,
            "rows": rows,
            "funnel_head": funnel_head,
            "funnel_rows": funnel_rows,
            "chart": chart,
            "groups": [(g, reports.GROUP_LABELS[g]) for g in GROUPS],
            "selected": {"from": d_start.isoformat(), "to": d_end.isoformat(), "group_by": group_by},
            "error": error,
        },
        status=400 if error else 200,
    )

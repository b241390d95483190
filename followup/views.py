"""Public pages: the charter's indicators with charts, and the open-data downloads (docs/domain.md §9).

Also: The follow-up team's response-time audit page (/staff/audit/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import states as S
from cases.models import Case
from followup import opendata, query, reports
from followup.indicators import SUBMITTER_TYPES, compute_indicators
from followup.response_times import GROUPS, committee_work, response_times
from notices import selectors as notice_selectors
from organisation import selectors as org_selectors
from participation import selectors as participation_selectors

SUBMITTER_LABELS = {
    "citizen": gettext_lazy("Citizens"),
    "association": gettext_lazy("Associations"),
    "equality_commission": gettext_lazy("Equality Commission"),
    "children_council": gettext_lazy("Children's Council"),
    "desk": gettext_lazy("Reception desk, for a person"),
}
# One plain sentence per figure (charter 7.3: results explained in plain language).
EXPLAIN = {
    "cases_filed": gettext_lazy("How many petitions, proposals, opinions and recommendations were filed."),
    "decided": gettext_lazy("How many cases the council or the president decided, adopted or rejected."),
    "adoption_rate": gettext_lazy("Out of every decision, the share that adopted the request."),
    "implementation_rate": gettext_lazy(
        "Out of the adopted cases, the share already carried out; a case given up counts as not carried out."
    ),
    "explained_rate": gettext_lazy(
        "Out of every decision, the share published with a written explanation: it must be all of them."
    ),
    "median_days_to_decision": gettext_lazy(
        "Half of the decided cases waited fewer days than this between filing and decision."
    ),
    "median_days_to_implementation": gettext_lazy(
        "Half of the implemented cases took fewer days than this from filing to completion."
    ),
    "overdue_now": gettext_lazy("Open cases that are past their deadline today."),
    "on_time": gettext_lazy("For each step, the share of cases that left it within its deadline."),
    "funnel": gettext_lazy(
        "Of the cases filed in the period, how many were admitted, decided, adopted and implemented."
    ),
    "committees": gettext_lazy(
        "Each standing committee: cases referred to it, share studied within the deadline and usual time."
    ),
    "adherence": gettext_lazy(
        "Share of the registered local associations that signed the charter (target 30 %)."
    ),
    "opinions": gettext_lazy(
        "Opinions of the Equality Commission and recommendations of the Children's Council, and what became "
        "of them."
    ),
}


def _chart_data(figures: dict) -> dict:
    period = figures["period"]
    funnel = figures["funnel"]["all"]
    return {
        "kinds": {
            "labels": [str(label) for _v, label in Case.Kind.choices],
            "period": [period["cases_filed"]["by_kind"][v] for v in Case.Kind.values],
            "today": [figures["today"]["cases_filed"]["by_kind"][v] for v in Case.Kind.values],
        },
        "funnel": {
            "labels": [_("Filed"), _("Admissible"), _("Decided"), _("Adopted"), _("Implemented")],
            "values": [funnel[s] for s in ("filed", "admissible", "decided", "adopted", "implemented")],
        },
        "implementation": {
            "labels": [
                S.state_label(S.ADOPTED),
                S.state_label(S.IN_IMPLEMENTATION),
                S.state_label(S.IMPLEMENTED),
                S.state_label(S.NOT_IMPLEMENTED),
            ],
            "values": [
                figures["today"][k]
                for k in ("awaiting_implementation", "in_implementation", "implemented", "not_implemented")
            ],
        },
        "on_time": {
            "labels": [S.state_label(stage) for stage in figures["on_time_rate"]],
            "values": [
                None if row["rate"] is None else round(100 * row["rate"], 1)
                for row in figures["on_time_rate"].values()
            ],
        },
        "legend": {
            "period": _("In the period"),
            "today": _("Since the start"),
            "cases": _("Cases"),
            "share": _("Share within deadline (%)"),
        },
    }


def indicators_page(request):
    error = None
    try:
        q = query.parse(request.GET, request=request)
    except query.BadQuery as exc:
        error = str(exc)
        q = query.parse({}, request=request)
    if q.collectivity is None:
        raise Http404
    figures = compute_indicators(q.collectivity, q.date_from, q.date_to, kind=q.kind, committee=q.committee)
    committees = org_selectors.committee_list(collectivity=q.collectivity)
    by_type = [
        (
            SUBMITTER_LABELS[t],
            figures["period"]["cases_filed"]["by_submitter_type"][t],
            figures["today"]["cases_filed"]["by_submitter_type"][t],
        )
        for t in SUBMITTER_TYPES
    ]
    names = {c.pk: c.name for c in committees}
    league = [{**row, "name": names.get(row["id"], "")} for row in figures["committees"]]
    kind_labels = dict(Case.Kind.choices)
    labels = {
        "kind": lambda key: kind_labels.get(key, key),
        "committee": lambda key: names.get(key, "") if key is not None else _("No committee"),
        "submitter_type": lambda key: SUBMITTER_LABELS.get(key, key),
    }
    funnels = [
        (title, [(labels[dim](row["key"]), row) for row in figures["funnel"][dim]])
        for dim, title in (
            ("kind", _("Kind")),
            ("committee", _("Committee")),
            ("submitter_type", _("Filed by")),
        )
    ]
    return render(
        request,
        "followup/indicators.html",
        {
            "figures": figures,
            "explain": EXPLAIN,
            "by_type": by_type,
            "league": league,
            "funnels": funnels,
            "chart": _chart_data(figures),
            "kinds": Case.Kind.choices,
            "committees": committees,
            "selected": {
                "from": q.date_from.isoformat(),
                "to": q.date_to.isoformat(),
                "kind": q.kind or "",
                "committee": q.committee.pk if q.committee else "",
            },
            "error": error,
        },
        status=400 if error else 200,
    )


def open_data_page(request):
    files = [
        (
            name,
            {
                "cases.csv": _(
                    "Every filed case: reference, kind, title, state, dates, committee and service."
                ),
                "cases.json": _("The same cases as JSON."),
                "decisions.csv": _(
                    "Every decision with its date, votes, members present, convocation and published "
                    "justification."
                ),
                "timeline.csv": _("The public history of every case, from the audit chain."),
                "indicators.json": _(
                    "The charter's indicators for the last twelve months (as the API gives them)."
                ),
                "datapackage.json": _(
                    "The description of these files: columns, types and licence (Frictionless Data Package)."
                ),
            }[name],
        )
        for name in opendata.FILES
    ]
    return render(
        request, "followup/open_data.html", {"files": files, "licence": opendata.datapackage_licence()}
    )


def open_data_file(request, name: str):
    """Generated from the database as it is streamed: always current, never all rows in memory."""
    if name not in opendata.FILES:
        raise Http404
    # The request's collectivity: /c/<slug>/open-data/... serves that collectivity's files.
    collectivity = org_selectors.portal_collectivity(request)
    if collectivity is None:
        raise Http404
    response = StreamingHttpResponse(
        opendata.stream(name, collectivity), content_type=opendata.media_type(name)
    )
    if name != "datapackage.json":
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _satisfaction(request, d_start, d_end) -> dict | None:
    collectivity = org_selectors.staff_collectivity(request, request.user)
    if collectivity is None:
        return None
    figures = participation_selectors.satisfaction_after_decision(collectivity, d_start, d_end)
    kinds = dict(Case.Kind.choices)
    names = {c.pk: c.name for c in org_selectors.committee_list(collectivity=collectivity)}
    for row in figures["by_kind"]:
        row["label"] = kinds.get(row["kind"], row["kind"])
    for row in figures["by_committee"]:
        row["label"] = names.get(row["committee"], row["committee"])
    figures["min_group"] = participation_selectors.RATING_MIN_GROUP
    return figures


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
    collectivity_id = org_selectors.staff_collectivity_id(request, request.user)
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
        "on_time": [
            round(100 * g.on_time_share, 1) if g.on_time_share is not None else None for g in report.groups
        ],
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
            # Each committee's work, the lead reports and the opinions asked of it (docs/domain.md §3.6).
            "committee_work": committee_work(start=start, end=end, collectivity_id=collectivity_id),
            "selected": {"from": d_start.isoformat(), "to": d_end.isoformat(), "group_by": group_by},
            "error": error,
            # OL 113-14 art. 125 §4 and art. 273: both dates of each rejection (decided, notified),
            # and the decisions' postings, late ones flagged.
            "legal_notices": notice_selectors.rejection_notices_for_audit(
                collectivity_id=collectivity_id, start=start, end=end
            ),
            "postings": notice_selectors.board_postings_for_audit(
                collectivity_id=collectivity_id, start=d_start, end=d_end
            ),
            # OL 113-14 art. 120: opinions asked of the Equality Commission and not given in time.
            "late_opinion_requests": participation_selectors.late_opinion_requests(
                collectivity=org_selectors.collectivity_by_id(collectivity_id) if collectivity_id else None
            ),
            # How submitters rated the handling of their decided cases: per kind and committee only.
            "satisfaction": _satisfaction(request, d_start, d_end),
        },
        status=400 if error else 200,
    )

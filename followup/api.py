"""GET /api/v1/indicators/ (docs/domain.md §8 and §10): public, JSON, the same figures as /indicators/
and the open-data file indicators.json.

Also: GET /api/v1/audit/response-times/ for the follow-up team and the president (docs/domain.md §10)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ErrorSerializer, InvalidInput, TransitionNotAllowed
from followup import query, reports
from followup.indicators import compute_indicators
from followup.response_times import GroupStats, committee_work, response_times
from notices import selectors as notice_selectors
from organisation import selectors as org_selectors

PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day of the period (YYYY-MM-DD, included)."
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Day after the period (YYYY-MM-DD, excluded)."),
    OpenApiParameter("kind", str, enum=list(query.KINDS), description="Only cases of this kind."),
    OpenApiParameter("committee", int, description="Only cases referred to this committee (id)."),
    OpenApiParameter("collectivity", str, description="Collectivity slug (default: the portal's)."),
]


class IndicatorsView(APIView):
    """The charter's indicators for a period [from, to) (default: the last twelve months)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="indicators_retrieve",
        parameters=PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer, 404: ErrorSerializer},
        description=(
            "Every figure twice: `period` (what happened in [from, to)) and `today` (everything so far). "
            "implementation_rate = implemented / adopted (not_implemented counts against it); "
            "explained_rate = decisions with a published justification / decisions; on_time_rate per "
            "stage; the funnel per kind, committee and submitter type; the committee league table; "
            "charter adherence, Equality Commission, Children's Council and digital figures. "
            "Figures without records yet are null. Errors: 400 `invalid` for a bad date, an unknown "
            "parameter, kind or committee."
        ),
    )
    def get(self, request):
        try:
            q = query.parse(request.query_params, request=request)
        except query.BadQuery as exc:
            raise InvalidInput(str(exc)) from None
        if q.collectivity is None:
            raise InvalidInput(_("No collectivity is configured."))
        return Response(
            compute_indicators(q.collectivity, q.date_from, q.date_to, kind=q.kind, committee=q.committee)
        )


class ResponseTimesView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD, inclusive"),
            OpenApiParameter("to", str, description="YYYY-MM-DD, exclusive"),
            OpenApiParameter("group_by", str, enum=["stage", "committee", "service", "kind"]),
        ],
        responses={200: dict},
    )
    def get(self, request):
        if not reports.can_audit(request.user):
            raise TransitionNotAllowed()
        try:
            start, end, group_by, d_start, d_end = reports.parse_period(
                request.query_params.get("from"),
                request.query_params.get("to"),
                request.query_params.get("group_by"),
            )
        except reports.BadPeriod as exc:
            raise InvalidInput(str(exc)) from None
        # The request's collectivity (prefix or host name) when the user acts in it, else theirs.
        collectivity_id = org_selectors.staff_collectivity_id(request, request.user)
        report = response_times(start=start, end=end, group_by=group_by, collectivity_id=collectivity_id)
        reports.label_groups(report)
        return Response(
            {
                "from": d_start.isoformat(),
                "to": d_end.isoformat(),
                "group_by": group_by,
                "groups": [
                    {
                        "key": g.key,
                        "label": g.label,
                        "count": g.count,
                        "median_days": g.median_days,
                        "p90_days": g.p90_days,
                        "max_days": g.max_days,
                        "on_time_share": g.on_time_share,
                        "open_now": g.open_now,
                        "overdue_now": g.overdue_now,
                    }
                    for g in report.groups
                ],
                "committee_work": [
                    {
                        "committee": w.committee_id,
                        "label": w.label,
                        "lead": _stats(w.lead),
                        "opinion": _stats(w.opinion),
                    }
                    for w in committee_work(start=start, end=end, collectivity_id=collectivity_id)
                ],
                "funnel": [
                    {
                        "step": f.step,
                        "count": f.count,
                        "rate": f.rate,
                        "rate_of_filed": f.rate_of_filed,
                        "median_days": f.median_days,
                    }
                    for f in report.funnel
                ],
                # OL 113-14 art. 125 §4: each rejection decided in the period, decided and notified.
                "legal_notices": [
                    {
                        "reference": row["reference"],
                        "decided_at": row["decided_at"],
                        "notified_at": row["notified_at"],
                        "legal_deadline": row["legal_deadline"],
                        "status": row["status"],
                        "late": row["late"],
                    }
                    for row in notice_selectors.rejection_notices_for_audit(
                        collectivity_id=collectivity_id, start=start, end=end
                    )
                ],
                # Art. 273: decisions whose posting was due in the period.
                "postings": notice_selectors.board_postings_for_audit(
                    collectivity_id=collectivity_id, start=d_start, end=d_end
                ),
            }
        )


def _stats(g: GroupStats) -> dict:
    return {
        "count": g.count,
        "median_days": g.median_days,
        "p90_days": g.p90_days,
        "max_days": g.max_days,
        "on_time_share": g.on_time_share,
        "open_now": g.open_now,
        "overdue_now": g.overdue_now,
    }

"""GET /api/v1/audit/response-times/ for the follow-up team and the president (docs/domain.md §10)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidInput, TransitionNotAllowed
from followup import reports
from followup.response_times import response_times


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
                request.query_params.get("from"), request.query_params.get("to"), request.query_params.get("group_by")
            )
        except reports.BadPeriod as exc:
            raise InvalidInput(str(exc)) from None
        report = response_times(start=start, end=end, group_by=group_by, collectivity_id=request.user.collectivity_id)
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
            }
        )

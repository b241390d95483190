"""GET /api/v1/national/comparison/ (followup/national.py): public, JSON, the comparison table of the
national page and its aggregate, for every collectivity or a region's or a province's."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ErrorSerializer, InvalidInput
from followup import national
from organisation import selectors as org_selectors


class ComparisonView(APIView):
    """The collectivities compared over a period [from, to) (default: the last twelve months)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="national_comparison_retrieve",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First day of the period (YYYY-MM-DD, included)."
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="Day after the period (YYYY-MM-DD, excluded)."
            ),
            OpenApiParameter(
                "parent",
                str,
                description="Slug of a region or a province: its collectivities and itself (default: all).",
            ),
            OpenApiParameter(
                "sort",
                str,
                enum=[*national.COLUMNS, *(f"-{c}" for c in national.COLUMNS)],
                description="Column to sort the rows by; `-` first for descending. Missing rates come last.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer, 404: ErrorSerializer},
        description=(
            "`collectivities`: one row per collectivity (slug, names, type, cases_filed, decided, explained, "
            "explained_rate, adopted, implemented, implementation_rate, stays, on_time, on_time_rate, "
            "overdue_petitions); `total`: the same figures summed over them, the rates recomputed. Cases "
            "filed and decisions in [from, to); implementation_rate = implemented / adopted in the period; "
            "on_time_rate = stays ended in the period within their deadline / stays with a deadline; "
            "overdue_petitions as of today. A rate over nothing is null. Errors: 400 `invalid` for a bad "
            "date, an unknown parameter, parent or sort."
        ),
    )
    def get(self, request):
        # The installation's site only: a collectivity's site never shows another's figures.
        if org_selectors.routed_collectivity_id(request) is not None:
            raise NotFound()
        try:
            q = national.parse(request.query_params, allowed=national.ALLOWED - {"page"})
        except national.BadNationalQuery as exc:
            raise InvalidInput(str(exc), field_errors=exc.field_errors) from None
        return Response(national.comparison(q.scope, q.date_from, q.date_to, sort=q.sort))

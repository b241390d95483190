"""The committees of a case over the API (docs/domain.md §3.6 and §10):

- `GET /api/v1/cases/{reference}/committees/`: every committee's work on the case (public, like
  the reports themselves);
- `POST /api/v1/cases/{reference}/committees/` `{"committee": id}`: the bureau or the president asks
  a further committee for its opinion;
- `POST /api/v1/cases/{reference}/committees/{committee_id}/opinion/` `{"report": text}`: a member
  of that committee files its opinion.

Errors are the API's shape, `{"error": code, "detail": message}` (core/errors.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases import committee_selectors, selectors, services
from cases.api import ERRORS, ApiView, well_formed_reference
from cases.serializers import OrgRefSerializer
from core.errors import InvalidInput, NotFound


def _body(request) -> Mapping:
    if not isinstance(request.data, Mapping):
        raise InvalidInput(gettext_now("The request body must be a JSON object."))
    return request.data


def _case(request, reference: str):
    """A case the requester may read (someone else's draft is "not found", as on its detail)."""
    case = selectors.case_get(reference=reference) if well_formed_reference(reference) else None
    if case is None or not selectors.case_visible_to(user=request.user, case=case):
        raise NotFound(gettext_now("No such case."))
    return case


class CommitteeReferralSerializer(serializers.Serializer):
    """One committee's work on a case. No personal data: who asked and who filed are not given."""

    committee = OrgRefSerializer()
    role = serializers.CharField(
        help_text=_("`lead` (its report is the one the council votes on) or `opinion`.")
    )
    role_label = serializers.CharField(source="get_role_display")
    requested_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    reported_at = serializers.DateTimeField(allow_null=True)
    report = serializers.CharField(help_text=_("The committee's report or opinion, once filed."))
    lapsed_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("When an opinion still unfiled lapsed: the case was decided or withdrawn before it."),
    )
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, referral) -> bool:
        return committee_selectors.opinion_is_overdue(referral)


class AskOpinionBodySerializer(serializers.Serializer):
    committee = serializers.IntegerField(
        help_text=_("Id of a standing committee of the case's collectivity.")
    )


class FileOpinionBodySerializer(serializers.Serializer):
    report = serializers.CharField(help_text=_("The committee's opinion (public, like the lead report)."))


class CaseCommitteeListView(ApiView):
    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    @extend_schema(
        operation_id="cases_committees_list",
        responses={200: CommitteeReferralSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, reference: str):
        """Every committee's work on the case: the lead committee first, then the committees asked for
        an opinion, with the due date and, once filed, the report."""
        case = _case(request, reference)
        rows = committee_selectors.case_committee_referrals(case)
        return Response(CommitteeReferralSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="cases_committees_ask",
        request=AskOpinionBodySerializer,
        responses={201: CommitteeReferralSerializer, **ERRORS},
    )
    def post(self, request, reference: str):
        """Ask a further committee for its opinion (the bureau or the president, while the case is with
        the committee). 400 `guard_failed`: unknown committee, the lead committee, or a committee already
        asked that has not reported; 403: not your role; 409 `invalid_transition`: not in committee."""
        data = _body(request)
        case = _case(request, reference)
        referral = services.case_request_committee_opinion(
            actor=request.user, case=case.reference, committee=data.get("committee")
        )
        return Response(CommitteeReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class CaseCommitteeOpinionView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_committees_opinion",
        request=FileOpinionBodySerializer,
        responses={200: CommitteeReferralSerializer, **ERRORS},
    )
    def post(self, request, reference: str, committee_id: int):
        """File the opinion of a committee asked about the case (a member of that committee). 400
        `guard_failed`: no text; 403: not a member of that committee; 409 `invalid_transition`: that
        committee has no opinion pending; 409 `opinion_lapsed`: the case was decided or withdrawn
        before the opinion was filed."""
        data = _body(request)
        case = _case(request, reference)
        referral = services.case_file_committee_opinion(
            actor=request.user, case=case.reference, committee=committee_id, report=data.get("report")
        )
        return Response(CommitteeReferralSerializer(referral).data)

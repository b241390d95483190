"""The petitions' JSON API: POST /api/v1/cases/{reference}/signatures/ (signatories added by the agent
or the desk) and GET/PUT /api/v1/cases/{reference}/admissibility/ (the bureau's checklist)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases import selectors
from cases.api import ERRORS, ApiView, _visible_case, well_formed_reference
from cases.models import Case
from core.errors import ErrorSerializer, InvalidInput, NotFound, TransitionNotAllowed
from petitions import admissibility, signatures
from petitions import serializers as petition_ser


class CaseSignaturesView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_signatures_add",
        request=petition_ser.SignatureRowSerializer(many=True),
        responses={
            200: petition_ser.SignatureImportSerializer,
            201: petition_ser.SignatureImportSerializer,
            **ERRORS,
        },
    )
    def post(self, request, reference: str):
        """Add signatories to a petition (its agent, or the reception desk typing paper lists):
        each row is accepted or rejected with its reason; a CNIE number already on the petition
        counts once and is reported. 201 when at least one row was accepted, 200 otherwise."""
        rows = request.data
        if not isinstance(rows, list):
            raise InvalidInput(_("Send a JSON list of signatures: [{full_name, cnie, address, link}, ...]."))
        if not well_formed_reference(reference):
            raise NotFound(_("No such case."))
        result = signatures.signatures_import(actor=request.user, case=reference, rows=rows)
        code = status.HTTP_201_CREATED if result.accepted else status.HTTP_200_OK
        return Response(petition_ser.SignatureImportSerializer(result.as_dict()).data, status=code)


class CaseAdmissibilityView(ApiView):
    """GET and PUT /api/v1/cases/{reference}/admissibility/: the bureau's checklist (OL 113-14 art.
    123-125), one item per condition."""

    permission_classes = [IsAuthenticated]

    def _petition(self, request, reference: str):
        case = _visible_case(request, reference)
        if case.kind != Case.Kind.PETITION:
            raise NotFound(_("Only a petition has an admissibility checklist."))
        if not admissibility.may_read_checklist(request.user, case):
            raise TransitionNotAllowed(_("Only the council's staff read the admissibility checklist."))
        return case

    def _answer(self, request, case) -> Response:
        data = admissibility.checklist_summary(case, user=request.user)
        return Response(petition_ser.AdmissibilitySerializer(data).data)

    @extend_schema(
        operation_id="cases_admissibility_retrieve",
        responses={200: petition_ser.AdmissibilitySerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request, reference: str):
        """The admissibility checklist of a petition: each condition of art. 123 (citizens) or 124
        (associations), with `met` (null while not checked) and the bureau's note. The bureau, the
        president, the secretariat and the follow-up team of the collectivity."""
        return self._answer(request, self._petition(request, reference))

    @extend_schema(
        operation_id="cases_admissibility_update",
        request=petition_ser.AdmissibilityUpdateSerializer,
        responses={200: petition_ser.AdmissibilitySerializer, **ERRORS},
    )
    def put(self, request, reference: str):
        """The bureau records conditions: `{"items": [{"code", "met", "note"}]}`; a condition not met
        needs a note; conditions left out keep what was recorded. While the petition is filed and under
        review only (409 otherwise). Any invalid item refuses the whole request (400), nothing changed."""
        data = request.data
        case = self._petition(request, reference)
        results = admissibility.parse_checklist_items(data)
        admissibility.admissibility_record(actor=request.user, case=case.reference, results=results)
        return self._answer(request, selectors.case_get(reference=case.reference))

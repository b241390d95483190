"""POST /api/v1/cases/{reference}/signatures/: signatories added by the agent or the desk."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases.api import ERRORS, ApiView, well_formed_reference
from core.errors import InvalidInput, NotFound
from petitions import serializers as petition_ser
from petitions import signatures


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

"""POST /api/v1/cases/{reference}/notifications/: the desk records a paper notification."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases import selectors as case_selectors
from cases.api import ERRORS, ApiView, well_formed_reference
from core.errors import InvalidInput, NotFound, TransitionNotAllowed
from notices import selectors, services
from notices import serializers as ser


class CaseNotificationsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_notifications_record",
        request=ser.NotificationRecordSerializer,
        responses={201: ser.NotificationSerializer, **ERRORS},
    )
    def post(self, request, reference: str):
        """Record a paper notification (hand delivery against signature, registered mail with its
        number) of the case's last decision that must be notified (OL 113-14 art. 125). The legal
        clock of a petition's rejection stops at it. Reception desk, bureau, secretariat."""
        case = case_selectors.case_get(reference=reference) if well_formed_reference(reference) else None
        if case is None or not case_selectors.case_visible_to(user=request.user, case=case):
            raise NotFound(_("No such case."))
        if not services.may_record(request.user, case):
            raise TransitionNotAllowed(
                _("Only the desk, the bureau or the secretariat record notifications.")
            )
        if not isinstance(request.data, dict):
            raise InvalidInput(_("The request body must be a JSON object."))
        body = ser.NotificationRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = services.case_notification_record(actor=request.user, case=case.pk, **body.validated_data)
        item = selectors.notification_item(
            notice, case=case, show_number=bool(selectors.may_see_registered_number(request.user, case))
        )
        return Response(ser.NotificationSerializer(item).data, status=status.HTTP_201_CREATED)

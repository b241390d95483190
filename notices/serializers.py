"""The JSON shapes of the notices (docs/domain.md §10)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.serializers import CaseNotificationSerializer
from notices.models import CaseNotification
from notices.services import PAPER_CHANNELS, REGISTERED_NUMBER_MAX


class NotificationRecordSerializer(serializers.Serializer):
    """POST /api/v1/cases/{reference}/notifications/: a paper notification recorded by the desk."""

    recipient_role = serializers.ChoiceField(choices=CaseNotification.RecipientRole.choices)
    channel = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in CaseNotification.Channel if c in PAPER_CHANNELS],
        help_text=_("hand (against signature) or registered_mail (with its number)."),
    )
    registered_number = serializers.CharField(
        max_length=REGISTERED_NUMBER_MAX, required=False, allow_blank=True, default=""
    )
    sent_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


# The shape the case detail carries too (declared in cases, where the detail is).
NotificationSerializer = CaseNotificationSerializer

"""API shapes of petition signatures (OL 113-14 art. 123)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.errors import ErrorSerializer  # noqa: F401  (re-exported for the API's schema)
from petitions.models import Signature

# Organisation ---------------------------------------------------------------------------------


class SignatureRowSerializer(serializers.Serializer):
    """One signatory of a petition (OL 113-14 art. 123); the service checks every row."""

    full_name = serializers.CharField(max_length=Signature._meta.get_field("full_name").max_length)
    cnie = serializers.CharField(help_text=_("CNIE number: one or two letters, then digits (e.g. AB123456)."))
    address = serializers.CharField(max_length=Signature._meta.get_field("address").max_length)
    link = serializers.ChoiceField(
        choices=["resident", "activity"],
        help_text=_("Link to the territory: resident, or an activity there."),
    )
    province = serializers.CharField(
        required=False, help_text=_("Regions: the prefecture or province of residence (OL 111-14 art. 120).")
    )


class SignatureRejectionSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("Position of the row in the list, from 1."))
    code = serializers.CharField(help_text=_("Stable reason code: duplicate, cnie_invalid, blank, ..."))
    reason = serializers.CharField(help_text=_("The reason, in the request's language."))


class SignatureImportSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    rejected = SignatureRejectionSerializer(many=True)
    signature_count = serializers.IntegerField(help_text=_("Valid, distinct signatures of the petition now."))


# The admissibility checklist (OL 113-14 art. 123-125) ---------------------------------------------


class AdmissibilityItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Stable code of the legal condition, e.g. direct_interest."))
    label = serializers.CharField(help_text=_("The condition, in the request's language."))
    met = serializers.BooleanField(
        allow_null=True, help_text=_("true met, false not met, null not yet checked by the bureau.")
    )
    note = serializers.CharField(allow_blank=True, help_text=_("The bureau's note; required when not met."))
    checked_at = serializers.DateTimeField(allow_null=True)


class AdmissibilitySerializer(serializers.Serializer):
    reference = serializers.CharField()
    state = serializers.CharField()
    editable = serializers.BooleanField(help_text=_("Whether the requester may record the checklist now."))
    complete = serializers.BooleanField(help_text=_("Every applicable condition checked."))
    admissible = serializers.BooleanField(
        help_text=_("Every applicable condition checked and met: the petition may be referred.")
    )
    items = AdmissibilityItemSerializer(many=True)


class AdmissibilityItemUpdateSerializer(serializers.Serializer):
    code = serializers.CharField()
    met = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AdmissibilityUpdateSerializer(serializers.Serializer):
    """The conditions to record; conditions left out keep what was recorded."""

    items = AdmissibilityItemUpdateSerializer(many=True)

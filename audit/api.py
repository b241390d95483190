"""GET /api/v1/audit/digests/: the public list of signed daily digests (README: audit integrity)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from audit import digest, signing
from audit.models import AuditDigest
from core.errors import ErrorSerializer


class PublicKeySerializer(serializers.Serializer):
    key_id = serializers.CharField(help_text="First 16 hex digits of the sha256 of the raw public key.")
    algorithm = serializers.CharField(help_text="Always ed25519.")
    public_key = serializers.CharField(help_text="Base64 of the raw 32-byte Ed25519 public key.")
    pem = serializers.CharField(help_text="The same key as a PEM SubjectPublicKeyInfo block.")
    current = serializers.BooleanField(help_text="True for the key that signs new digests.")
    first_used_at = serializers.DateTimeField(allow_null=True)


class DigestSerializer(serializers.Serializer):
    day = serializers.DateField()
    digest = serializers.CharField(
        help_text='sha256 over "case id:head hash" lines of every chain at the end of the day.'
    )
    chains = serializers.IntegerField()
    entries = serializers.IntegerField()
    anchors = serializers.CharField(
        help_text="sha256 over the heads of the chains that moved since the digest before."
    )
    prev_hash = serializers.CharField(
        help_text="sha256 of the previous digest's signed message; empty for the first."
    )
    hash = serializers.CharField(
        help_text="sha256 of this digest's signed message (the next digest's prev_hash)."
    )
    key_id = serializers.CharField(help_text="The key that signed it (see public_keys).")
    signature = serializers.CharField(help_text="Base64 Ed25519 signature of signed_message.")
    signed_message = serializers.CharField(
        help_text="The exact UTF-8 bytes that were signed (canonical JSON)."
    )
    computed_at = serializers.DateTimeField()


class DigestPagination(PageNumberPagination):
    page_size = 100

    def get_paginated_response(self, data):
        keys = PublicKeySerializer(
            [{"algorithm": signing.ALGORITHM, **vars(k)} for k in digest.public_keys()], many=True
        ).data
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "format": digest.FORMAT,
                "public_keys": keys,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        base["properties"]["format"] = {"type": "string", "example": digest.FORMAT}
        base["properties"]["public_keys"] = {
            "type": "array",
            "description": "Every key that signed a digest here, the current one first.",
            "items": {
                "type": "object",
                "properties": {
                    "key_id": {"type": "string"},
                    "algorithm": {"type": "string", "enum": [signing.ALGORITHM]},
                    "public_key": {"type": "string", "description": "base64 of the raw 32 bytes"},
                    "pem": {"type": "string"},
                    "current": {"type": "boolean"},
                    "first_used_at": {"type": "string", "format": "date-time", "nullable": True},
                },
                "required": ["key_id", "algorithm", "public_key", "pem", "current", "first_used_at"],
            },
        }
        base["required"] = ["count", "results", "public_keys", "format"]
        return base


class DigestListView(GenericAPIView):
    """Public: every signed daily digest, oldest first, with the public keys that verify them."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    pagination_class = DigestPagination
    serializer_class = DigestSerializer

    def get_queryset(self):
        return AuditDigest.objects.order_by("day")

    @extend_schema(
        operation_id="audit_digests_list",
        parameters=[OpenApiParameter("page", int, description="Page number (100 digests per page).")],
        responses={200: DigestSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        rows = [
            {
                "day": d.day,
                "digest": d.digest,
                "chains": d.chains,
                "entries": d.entries,
                "anchors": d.anchors,
                "prev_hash": d.prev_hash,
                "hash": digest.digest_hash(d),
                "key_id": d.key_id,
                "signature": d.signature,
                "signed_message": digest.message(d).decode("utf-8"),
                "computed_at": d.created_at,
            }
            for d in page
        ]
        return self.get_paginated_response(DigestSerializer(rows, many=True).data)

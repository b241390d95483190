"""The public list of daily digests and what a citizen can do with them."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from audit import digest, signing
from audit.models import AuditDigest


def digests_page(request):
    """Public: every daily digest and the keys that signed them, so anyone can keep a copy and
    check later that history was not rewritten (README: audit integrity)."""
    page = Paginator(AuditDigest.objects.order_by("-day"), 60).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/digests.html",
        {
            "page": page,
            "keys": digest.public_keys(),
            "development_key": signing.is_development_key(),
            "api_url": reverse("audit-digests"),
        },
    )

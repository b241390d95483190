"""Helpers of the petition tests: signatory rows, collectivities of each type, uploaded files."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from core import roles
from organisation.models import Collectivity
from petitions import signatures


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Online signing and tracking count attempts in the cache: tests must not share counts.
    cache.clear()
    yield
    cache.clear()


def signatory_rows(n: int, *, start: int = 0, prefix: str = "QA", province: str | None = None) -> list[dict]:
    """n distinct, valid signatories; `prefix` keeps the CNIE numbers of two batches apart."""
    rows = []
    for i in range(start, start + n):
        row = {
            "full_name": f"Signataire {prefix} {i}",
            "cnie": f"{prefix}{700000 + i}",
            "address": f"Derb {i}, Demnate",
            "link": "resident",
        }
        if province:
            row["province"] = province
        rows.append(row)
    return rows


def add_signatures(world, case, n: int, **kwargs):
    """Paper signatures typed in at the desk, through the service."""
    return signatures.signatures_import(
        actor=world[roles.INTAKE], case=case, rows=signatory_rows(n, **kwargs)
    )


def make_collectivity(**fields) -> Collectivity:
    """Another collectivity with the legal defaults of its type (docs/legal.md §5)."""
    type_ = fields.get("type", Collectivity.Type.COMMUNE)
    values = {
        "slug": fields.get("code", "OTH").lower(),
        "name_ar": "جماعة أخرى",
        "name_fr": "Autre collectivité",
        **Collectivity.legal_defaults(type_),
        **fields,
    }
    return Collectivity.objects.create(**values)


def upload(name: str = "scan.pdf", content: bytes = b"%PDF-1.4 scanned list") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def verified(world):
    """The citizen of the world, with a verified e-mail address."""
    user = world[roles.CITIZEN]
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    return user


@pytest.fixture
def client_as(db):
    """An API client authenticated with a token, as a real client is."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make

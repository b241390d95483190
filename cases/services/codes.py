"""Tracking codes (given once to a filer without an account) and gapless references."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cases.models import Case, ReferenceCounter
from organisation.models import Collectivity

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the desk


TRACKING_LENGTH = 12


def tracking_code_new() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def tracking_code_normalize(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def tracking_code_hash(code: str, *, salt: str | None = None) -> str:
    """Stored as salt$hex: the code is shown once and never kept in clear."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{tracking_code_normalize(code)}".encode()).hexdigest()
    return f"{salt}${digest}"


def tracking_code_matches(case: Case, code: str) -> bool:
    salt, _sep, _digest = case.tracking_code_hash.partition("$")
    if not salt:
        return False
    return hmac.compare_digest(tracking_code_hash(code, salt=salt), case.tracking_code_hash)


def reference_next(*, collectivity: Collectivity, kind: str, year: int) -> tuple[str, int]:
    """Next gapless sequence; the counter row lock serialises concurrent submissions."""
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(collectivity=collectivity, kind=kind, year=year, last=0)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(
        collectivity=collectivity, kind=kind, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    code = Case.KIND_CODES[kind]
    return f"{collectivity.code}-{code}-{year}-{counter.last:04d}", counter.last

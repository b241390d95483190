"""The daily digest: sha256 over "case id:head hash" of every chain as it stood at the end of a
day. Chains are append-only, so the digest of any past day can be recomputed from the entries
and compared with the published one."""

from __future__ import annotations

import datetime
import hashlib

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .models import AuditDigest, TransitionEntry


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def compute(day: datetime.date) -> tuple[str, int, int]:
    """(digest, chains, entries) of the chains as they stood at the end of `day` (local time)."""
    end = _end_of(day)
    last_seq = (
        TransitionEntry.objects.filter(case_id=OuterRef("case_id"), created_at__lt=end)
        .order_by("-seq")
        .values("seq")[:1]
    )
    heads = (
        TransitionEntry.objects.filter(created_at__lt=end, seq=Subquery(last_seq))
        .order_by("case_id")
        .values_list("case_id", "seq", "hash")
    )
    digest = hashlib.sha256()
    chains = entries = 0
    for case_id, seq, head in heads.iterator(chunk_size=5000):
        digest.update(f"{case_id}:{head}\n".encode())
        chains += 1
        entries += seq
    return digest.hexdigest(), chains, entries


def audit_digest_record(*, day: datetime.date | None = None) -> AuditDigest:
    """Compute and publish the digest of a day (yesterday by default); never rewritten."""
    day = day or (timezone.localdate() - datetime.timedelta(days=1))
    existing = AuditDigest.objects.filter(day=day).first()
    if existing is not None:
        return existing
    digest, chains, entries = compute(day)
    return AuditDigest.objects.create(day=day, digest=digest, chains=chains, entries=entries)


def audit_digest_verify(day: datetime.date) -> bool | None:
    """True if the published digest of `day` still matches the chains; None if none was published."""
    published = AuditDigest.objects.filter(day=day).first()
    if published is None:
        return None
    return compute(day)[0] == published.digest

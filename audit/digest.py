"""The daily digest (README: audit integrity).

`digest` is sha256 over "case id:head hash" of every chain as it stood at the end of a day; chains
are append-only, so it can be recomputed from the entries at any later time. Each digest also
anchors the head of every chain that moved since the digest before (so a rewritten chain is
named), chains to the previous digest through its hash, and is signed with Ed25519."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from audit import signing
from audit.models import AuditAnchor, AuditDigest, AuditSigningKey, TransitionEntry

log = logging.getLogger(__name__)

FORMAT = "mithaq-audit-digest/1"
# A transition stamped just before midnight may commit a moment after it: the day is digested
# only once this much of the next day has passed.
GRACE = datetime.timedelta(minutes=10)


class DigestOutOfOrder(ValueError):
    """Digests chain in day order: a day before the last published one cannot be added."""


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _heads(day: datetime.date, *, since: datetime.date | None = None):
    """(case id, seq, hash) of each chain's last entry at the end of `day`, ordered by case; only
    the chains with an entry after the end of `since` when it is given."""
    end = _end_of(day)
    last_seq = (
        TransitionEntry.objects.filter(case_id=OuterRef("case_id"), created_at__lt=end)
        .order_by("-seq")
        .values("seq")[:1]
    )
    heads = TransitionEntry.objects.filter(created_at__lt=end, seq=Subquery(last_seq))
    if since is not None:
        moved = TransitionEntry.objects.filter(created_at__gte=_end_of(since), created_at__lt=end).values(
            "case_id"
        )
        heads = heads.filter(case_id__in=moved)
    return heads.order_by("case_id").values_list("case_id", "seq", "hash")


def compute(day: datetime.date) -> tuple[str, int, int]:
    """(digest, chains, entries) of the chains as they stood at the end of `day` (local time)."""
    digest = hashlib.sha256()
    chains = entries = 0
    for case_id, seq, head in _heads(day).iterator(chunk_size=5000):
        digest.update(f"{case_id}:{head}\n".encode())
        chains += 1
        entries += seq
    return digest.hexdigest(), chains, entries


def anchors_hash(rows) -> str:
    """sha256 over "case id:seq:hash" lines of anchors ordered by case."""
    digest = hashlib.sha256()
    for case_id, seq, head in rows:
        digest.update(f"{case_id}:{seq}:{head}\n".encode())
    return digest.hexdigest()


def message(d: AuditDigest) -> bytes:
    """The canonical bytes that are signed: anyone can rebuild them from the published fields."""
    document = {
        "format": FORMAT,
        "day": d.day.isoformat(),
        "digest": d.digest,
        "chains": d.chains,
        "entries": d.entries,
        "anchors": d.anchors,
        "prev": d.prev_hash,
        "key_id": d.key_id,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest_hash(d: AuditDigest) -> str:
    """What the next digest's `prev_hash` carries."""
    return hashlib.sha256(message(d)).hexdigest()


def audit_digest_record(*, day: datetime.date | None = None) -> AuditDigest:
    """Compute, sign and publish the digest of a day (yesterday by default); never rewritten.
    Two processes racing for the same day: the unique day keeps one, both return it."""
    day = day or (timezone.localdate() - datetime.timedelta(days=1))
    existing = AuditDigest.objects.filter(day=day).first()
    if existing is not None:
        return existing
    previous = AuditDigest.objects.order_by("-day").first()
    if previous is not None and previous.day > day:
        raise DigestOutOfOrder(f"The digest of {previous.day} is already published; {day} comes before it.")
    digest, chains, entries = compute(day)
    anchors = list(_heads(day, since=previous.day if previous else None))
    public = signing.current_key()
    record = AuditDigest(
        day=day,
        digest=digest,
        chains=chains,
        entries=entries,
        anchors=anchors_hash(anchors),
        prev_hash=digest_hash(previous) if previous else "",
        key_id=public.key_id,
    )
    record.signature = signing.sign(message(record))[1]
    try:
        with transaction.atomic():
            if not AuditSigningKey.objects.filter(key_id=public.key_id).exists():
                AuditSigningKey.objects.create(key_id=public.key_id, public_key=public.public_key)
            record.save()
            AuditAnchor.objects.bulk_create(
                [AuditAnchor(day=day, case_id=case_id, seq=seq, hash=head) for case_id, seq, head in anchors],
                batch_size=2000,
            )
    except IntegrityError:
        found = AuditDigest.objects.filter(day=day).first()
        if found is None:
            raise
        return found
    return record


def publish_recent(days: int = 7) -> list[AuditDigest]:
    """Publish the digests of the last `days` days that come after the last published one (the
    demo seeding shows a chain of signed digests)."""
    today = timezone.localdate()
    last = AuditDigest.objects.order_by("-day").values_list("day", flat=True).first()
    published = []
    for back in range(days, 0, -1):
        day = today - datetime.timedelta(days=back)
        if last is None or day > last:
            published.append(audit_digest_record(day=day))
    return published


def audit_digest_verify(day: datetime.date) -> bool | None:
    """True if the published digest of `day` still matches the chains; None if none was published."""
    published = AuditDigest.objects.filter(day=day).first()
    if published is None:
        return None
    return compute(day)[0] == published.digest


# Publication without Celery beat ------------------------------------------------------------------

_published_day: datetime.date | None = None


def publish_due(now: datetime.datetime | None = None) -> AuditDigest | None:
    """Publish yesterday's digest if nobody has yet. Called on every request: in the steady state
    it compares two dates in memory; once a day per process it reads the cache, and the first
    process of the day reads (and writes) the digest table."""
    global _published_day
    now = timezone.localtime(now)
    day = now.date() - datetime.timedelta(days=1)
    if _published_day == day:
        return None
    if now - _end_of(day) < GRACE:
        return None
    key = f"mithaq:audit-digest:{day.isoformat()}"
    record = None
    if not cache.get(key):
        if not AuditDigest.objects.filter(day__gte=day).exists():
            record = audit_digest_record(day=day)
        cache.set(key, True, 2 * 24 * 3600)
    _published_day = day
    return record


def publish_on_request(sender, **kwargs) -> None:
    """request_started receiver: a failure is logged and never breaks the page."""
    if not getattr(settings, "MITHAQ_AUDIT_AUTO_PUBLISH", True):
        return
    try:
        publish_due()
    except Exception:
        log.exception("The daily audit digest could not be published")


def reset_memo() -> None:
    """Forget which day this process published (tests)."""
    global _published_day
    _published_day = None


# Verification -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestProblem:
    day: datetime.date | None
    message: str
    case_label: str = ""

    def __str__(self) -> str:
        where = self.case_label or (f"digest of {self.day}" if self.day else "digests")
        return f"{where}: {self.message}"


def verify_digests() -> tuple[list[DigestProblem], int]:
    """Check every published digest: its signature and key, its link to the digest before, its
    anchors, and its value recomputed from today's chains. Returns (problems, digests checked)."""
    trusted = signing.trusted_keys()
    stored_keys = dict(AuditSigningKey.objects.values_list("key_id", "public_key"))
    problems: list[DigestProblem] = []
    previous = None
    signed_seen = False
    count = 0
    for d in AuditDigest.objects.order_by("day").iterator(chunk_size=500):
        count += 1
        expected_prev = digest_hash(previous) if previous else ""
        # Digests published before signing began carry no link; every signed one does.
        if d.signature and previous is not None and d.prev_hash != expected_prev:
            problems.append(
                DigestProblem(
                    d.day, "does not follow the digest before it (a digest was altered, removed or inserted)"
                )
            )
        if d.signature:
            signed_seen = True
            key = trusted.get(d.key_id)
            if key is None:
                problems.append(
                    DigestProblem(d.day, f"signed with key {d.key_id or '?'}, which is not a trusted key")
                )
            elif stored_keys.get(d.key_id) not in (None, key.public_key):
                problems.append(
                    DigestProblem(d.day, f"the stored public key {d.key_id} is not the trusted one")
                )
            elif not signing.verify(key.public_key, message(d), d.signature):
                problems.append(DigestProblem(d.day, "signature does not match (the digest row was altered)"))
        elif signed_seen or d.key_id:
            problems.append(DigestProblem(d.day, "its signature was removed"))
        rows = AuditAnchor.objects.filter(day=d.day).order_by("case_id").values_list("case_id", "seq", "hash")
        if d.anchors and anchors_hash(rows.iterator(chunk_size=5000)) != d.anchors:
            problems.append(DigestProblem(d.day, "its anchors were altered"))
        if compute(d.day) != (d.digest, d.chains, d.entries):
            problems.append(
                DigestProblem(
                    d.day, "the chains no longer match it: history was rewritten after it was published"
                )
            )
        previous = d
    # The rewritten cases first: they say where to look.
    return _anchor_problems() + problems, count


def _anchor_problems() -> list[DigestProblem]:
    """Each anchored head must still be the entry at that position of the case's chain."""
    current = TransitionEntry.objects.filter(case_id=OuterRef("case_id"), seq=OuterRef("seq")).values("hash")[
        :1
    ]
    broken = (
        AuditAnchor.objects.annotate(current=Subquery(current))
        .filter(Q(current__isnull=True) | ~Q(current=F("hash")))
        .order_by("case_id", "day")
        .values_list("day", "case_id", "seq")
    )
    first: dict[int, tuple[datetime.date, int]] = {}
    for day, case_id, seq in broken.iterator(chunk_size=2000):
        first.setdefault(case_id, (day, seq))
    labels = dict(apps.get_model("cases", "Case").objects.filter(pk__in=first).values_list("pk", "reference"))
    return [
        DigestProblem(
            day,
            f"entry #{seq} is no longer the one the digest of {day} published: its chain was rewritten",
            case_label=labels.get(case_id, f"case id={case_id}"),
        )
        for case_id, (day, seq) in first.items()
    ]


# Publication ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedKey:
    key_id: str
    public_key: str
    pem: str
    current: bool
    first_used_at: datetime.datetime | None


def public_keys() -> list[PublishedKey]:
    """Every key that signed a digest, plus the current and retired keys the settings name: what
    anyone needs to check every signature, the current one first."""
    try:
        current = signing.current_key()
    except ImproperlyConfigured:
        current = None
    keys: dict[str, PublishedKey] = {}
    stored = AuditSigningKey.objects.order_by("-first_used_at").values_list(
        "key_id", "public_key", "first_used_at"
    )
    for key_id, public_key, first_used_at in stored:
        pem = signing.PublicKey(key_id, public_key).pem
        keys[key_id] = PublishedKey(
            key_id, public_key, pem, current is not None and key_id == current.key_id, first_used_at
        )
    configured = [current] if current else []
    try:
        configured += [
            signing.parse_public_key(t) for t in settings.MITHAQ_AUDIT_PREVIOUS_PUBLIC_KEYS if t.strip()
        ]
    except ImproperlyConfigured:
        log.warning("MITHAQ_AUDIT_PREVIOUS_PUBLIC_KEYS holds a key that cannot be read")
    for key in configured:
        if key.key_id not in keys:
            keys[key.key_id] = PublishedKey(key.key_id, key.public_key, key.pem, key is current, None)
    return sorted(keys.values(), key=lambda k: not k.current)

"""The hash chain: canonical JSON of an entry, hashed after the previous entry's hash."""

from __future__ import annotations

import datetime
import hashlib
import json

GENESIS = ""

# The case's decision columns an entry records when it changes them (OL 113-14 art. 125: the
# decision and its reasons are published; verify_audit compares them with the chain).
DECISION_FIELDS = (
    "decision_justification",
    "deliberation_number",
    "votes_for",
    "votes_against",
    "votes_abstain",
    "decision_reason_code",
)


def decision_of(case) -> dict:
    """The decision fields of a case (or of any object with those attributes) as plain values."""
    return {name: getattr(case, name) for name in DECISION_FIELDS}


def canonical(
    *,
    case_id: int,
    seq: int,
    transition: str,
    from_state: str,
    to_state: str,
    actor_id: int | None,
    role: str,
    created_at: datetime.datetime,
    justification: str,
    payload: dict,
    stay_started_at: datetime.datetime | None = None,
    stay_deadline: datetime.date | None = None,
    decision: dict | None = None,
) -> str:
    at = created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    document = {
        "actor": actor_id,
        "at": at,
        "case": case_id,
        "from": from_state,
        "justification": justification,
        "payload": payload,
        "role": role,
        "seq": seq,
        "to": to_state,
        "transition": transition,
    }
    # Hashed when present, so entries written before these fields existed keep their hash.
    if stay_started_at is not None:
        document["stay_started"] = stay_started_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if stay_deadline is not None:
        document["stay_deadline"] = stay_deadline.isoformat()
    if decision is not None:
        document["decision"] = decision
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link_hash(prev_hash: str, canonical_json: str) -> str:
    return hashlib.sha256((prev_hash + canonical_json).encode("utf-8")).hexdigest()


def entry_hash(entry, prev_hash: str) -> str:
    return link_hash(
        prev_hash,
        canonical(
            case_id=entry.case_id,
            seq=entry.seq,
            transition=entry.transition,
            from_state=entry.from_state,
            to_state=entry.to_state,
            actor_id=entry.actor_id,
            role=entry.role,
            created_at=entry.created_at,
            justification=entry.justification,
            payload=entry.payload,
            stay_started_at=entry.stay_started_at,
            stay_deadline=entry.stay_deadline,
            decision=entry.decision,
        ),
    )

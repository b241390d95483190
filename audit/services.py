"""Writes to the audit chain. Called by cases.services inside the case's transaction."""

from __future__ import annotations

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder

from audit.chain import entry_hash
from audit.models import TransitionEntry
from core.prepared import insert_row


def _plain(payload: dict) -> dict:
    """Round-trip through JSON so the hashed document equals what the JSONField stores."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def audit_entry_append(
    *,
    case_id: int,
    prev_hash: str,
    prev_count: int,
    transition: str,
    from_state: str,
    to_state: str,
    actor_id: int | None,
    role: str,
    at: datetime.datetime,
    justification: str = "",
    payload: dict | None = None,
    stay_started_at: datetime.datetime | None = None,
    stay_deadline: datetime.date | None = None,
    decision: dict | None = None,
) -> TransitionEntry:
    """Append one entry after the case's current head; the caller holds the case row lock."""
    entry = TransitionEntry(
        case_id=case_id,
        seq=prev_count + 1,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor_id,
        role=role,
        created_at=at,
        justification=justification,
        payload=_plain(payload or {}),
        prev_hash=prev_hash,
        stay_started_at=stay_started_at,
        stay_deadline=stay_deadline,
        decision=_plain(decision) if decision is not None else None,
    )
    entry.hash = entry_hash(entry, prev_hash)
    # One prepared INSERT (core/prepared.py): what TransitionEntry.save() writes for a new entry.
    insert_row(entry, returning=True)
    return entry

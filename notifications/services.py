"""Outbox writes. Delivery reads the rows later; nothing leaves the process inside a transaction."""

from __future__ import annotations

import datetime

from django.core.serializers.json import DjangoJSONEncoder

from .models import OutboxEvent


def outbox_enqueue(
    *, event: str, subject_id: int, payload: dict, at: datetime.datetime, subject_type: str = "case"
) -> OutboxEvent:
    """Write one outbox row in the caller's transaction (DOMAIN 7: never lost if the broker is down)."""
    import json

    return OutboxEvent.objects.create(
        event=event,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        created_at=at,
        next_attempt_at=at,
    )

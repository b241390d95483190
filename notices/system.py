"""E-mail and in-app notifications of decisions, recorded by the system itself: the message of a
notifiable decision, delivered to the case's addressee, is its notification; reading it in the
application is its receipt. Registered with notifications.registry by NoticesConfig.ready()."""

from __future__ import annotations

from django.db.models import Q

from cases.models import Case
from notices import rules, services

TRANSITION_EVENT = "case.transition"


def on_delivery(kind: str, delivery) -> None:
    event = delivery.outbox_event
    if event.subject_type != "case" or event.event != TRANSITION_EVENT or delivery.user_id is None:
        return
    if delivery.channel not in ("email", "inapp"):
        return  # an SMS is a courtesy copy: the e-mail or in-app message is the recorded notification
    payload = event.payload or {}
    if payload.get("transition") not in rules.NOTIFIABLE or not isinstance(payload.get("entry"), int):
        return
    if kind == "sent" and delivery.sent_at is not None:
        if not _may_be_addressee(event.subject_id, delivery.user_id):
            return  # the acting group's new-task message, an association member's copy
        services.system_notification_record(
            case_id=event.subject_id,
            delivery_id=delivery.pk,
            user_id=delivery.user_id,
            channel=delivery.channel,
            entry_seq=payload["entry"],
            sent_at=delivery.sent_at,
        )
    elif kind == "read" and delivery.read_at is not None:
        services.system_notification_received(delivery_id=delivery.pk, received_at=delivery.read_at)


def _may_be_addressee(case_id: int, user_id: int) -> bool:
    """A cheap look before the service takes the case's lock: the submitter or the association's
    representative (the service decides the role)."""
    return Case.objects.filter(
        Q(submitter_id=user_id) | Q(association__representative_id=user_id), pk=case_id
    ).exists()

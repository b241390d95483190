"""Thin Celery tasks: the work is in notifications.services (docs/architecture.md, house rules)."""

from celery import shared_task

from notifications import services


@shared_task(name="notifications.deliver_event", ignore_result=True)
def deliver_event(event_id: int) -> str:
    """Deliver one outbox event; idempotent, so a redelivered message sends nothing twice."""
    return services.notification_deliver(event_id=event_id)


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    """Re-queue pending events whose next attempt is due (run by beat every minute)."""
    return services.outbox_sweep()

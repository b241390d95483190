"""A real Celery worker (a thread of celery.contrib.pytest) delivers an outbox row.

The broker is memory:// locally and Redis in CI (MITHAQ_TEST_BROKER_URL, tests/conftest.py)."""

import datetime
import time

import pytest
from django.utils import timezone

from cases import services as case_services
from notifications.models import Delivery, OutboxEvent
from notifications.services import dispatch_paused
from notifications.tasks import deliver_event, sweep_outbox

# The worker thread has its own database connection: the rows must be committed for it to see
# them. The flush after a transactional test removes the role groups: World() restores them (a
# serialized rollback would collide with the content types an earlier test's flush recreated).
# The worker fixture's start-up ping waits for a result, which task_ignore_result would swallow.
pytestmark = [
    pytest.mark.celery(task_ignore_result=False),
    pytest.mark.django_db(transaction=True),
]


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_delivers_each_message_once(celery_app, celery_worker, world, mailoutbox, settings):
    assert "notifications.deliver_event" in celery_app.tasks
    # No dispatch while preparing: the rows are written and committed, then handed to the worker.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    case = world.case_in("submitted", "proposal")
    event = OutboxEvent.objects.get(subject_id=case.pk, payload__transition="submit")
    assert event.status == OutboxEvent.Status.PENDING

    deliver_event.delay(event.pk)
    deliver_event.delay(event.pk)  # a duplicate message, as a sweep racing the on-commit task

    def settled():
        event.refresh_from_db()
        return event.status == OutboxEvent.Status.SENT

    assert wait_for(settled), f"outbox event still {event.status}: {event.last_error}"
    # Let the duplicate message run too before counting.
    time.sleep(1.0)
    deliveries = Delivery.objects.filter(outbox_event=event)
    assert sorted(deliveries.values_list("channel", flat=True)) == ["email", "inapp"]
    assert set(deliveries.values_list("status", "attempts")) == {(Delivery.Status.SENT, 1)}
    assert [m.to for m in mailoutbox] == [[world["citizen"].email]]


def test_transition_on_commit_reaches_the_worker(celery_app, celery_worker, world, mailoutbox, settings):
    """With a broker configured, the commit of a transition hands the event to the worker."""
    # dispatch() opens its own connection to the broker the settings name: the worker's one here
    # (the in-memory transport is shared within the process, Redis in CI).
    settings.CELERY_BROKER_URL = celery_app.conf.broker_url
    case = world.case_in("submitted", "proposal")
    case = case_services.case_transition(actor=world["bureau"], case=case, name="start_review")
    event = OutboxEvent.objects.get(subject_id=case.pk, payload__transition="start_review")

    def settled():
        event.refresh_from_db()
        return event.status == OutboxEvent.Status.SENT

    assert wait_for(settled), f"outbox event still {event.status}: {event.last_error}"
    assert event.deliveries.filter(status=Delivery.Status.SENT).count() == 2


def test_the_sweep_task_requeues_what_the_broker_missed(
    celery_app, celery_worker, world, mailoutbox, settings
):
    settings.CELERY_BROKER_URL = celery_app.conf.broker_url
    with dispatch_paused():  # as if the broker had been down when these were committed
        case = world.case_in("under_review", "proposal")
    events = OutboxEvent.objects.filter(subject_id=case.pk)
    assert events.count() == 2 and not Delivery.objects.filter(outbox_event__in=events).exists()
    # A minute later: past the sweep's grace period.
    events.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=1))

    sweep_outbox.delay()

    assert wait_for(lambda: not events.exclude(status=OutboxEvent.Status.SENT).exists())
    assert len(mailoutbox) == 2  # the receipt and the review, once each

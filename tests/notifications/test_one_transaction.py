"""An event's delivery (issue 14): its case read once whatever the languages, its messages written in
one transaction, each recipient and channel once; the broker's connection reused across events."""

import re
from unittest import mock

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from kombu import Connection

from cases import services as case_services
from notifications import services
from notifications.models import Delivery, OutboxEvent
from tests.factories import UserFactory, World

pytestmark = pytest.mark.django_db


def _event(world, *, languages=("ar", "fr")):
    """A filed proposal of the association, its start_review event written and not yet delivered."""
    for i, language in enumerate(languages):
        world.association.members.add(UserFactory(username=f"member{i}", language=language))
    case = world.case_in("submitted", "proposal", actor=world["association"])
    with services.dispatch_paused():
        case_services.case_transition(actor=world["bureau"], case=case.reference, name="start_review")
    return case, OutboxEvent.objects.get(subject_id=case.pk, payload__transition="start_review")


def test_the_case_is_read_once_per_event_in_every_language(world, mailoutbox):
    case, event = _event(world)
    with CaptureQueriesContext(connection) as ctx:
        assert services.notification_deliver(event_id=event.pk) == OutboxEvent.Status.SENT
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if re.search(rf'FROM "cases_case" .*"id" = {case.pk}\b', q["sql"])
    ]
    assert len(reads) == 1, reads
    languages = set(event.deliveries.values_list("language", flat=True))
    assert languages == {"ar", "fr"}
    # Written together, in one statement, with their outcome.
    inserts = [
        q
        for q in ctx.captured_queries
        if re.match(r'INSERT (OR IGNORE )?INTO "notifications_delivery"', q["sql"])
    ]
    assert len(inserts) == 1
    assert set(event.deliveries.values_list("status", "attempts")) == {(Delivery.Status.SENT, 1)}


def test_delivering_again_sends_nothing_twice(world, mailoutbox):
    _case, event = _event(world)
    services.notification_deliver(event_id=event.pk)
    sent, rows = len(mailoutbox), event.deliveries.count()
    assert sent and rows
    services.notification_deliver(event_id=event.pk)
    assert (len(mailoutbox), event.deliveries.count()) == (sent, rows)


@pytest.mark.django_db(transaction=True)
def test_one_transaction_per_event(mailoutbox):
    world = World()
    _case, event = _event(world)
    mailoutbox.clear()  # the filing's own messages, delivered on its commit
    wrapper = type(connections["default"])
    commits = mock.patch.object(wrapper, "commit", autospec=True, side_effect=wrapper.commit)
    with commits as commit:
        services.notification_deliver(event_id=event.pk)
    assert commit.call_count == 1
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.SENT
    keys = list(event.deliveries.values_list("recipient_key", "channel"))
    assert len(keys) == len(set(keys)) > 0
    assert len(mailoutbox) == event.deliveries.filter(channel=Delivery.Channel.EMAIL).count()


def test_a_failed_email_is_retried_alone(world, settings, mailoutbox):
    _case, event = _event(world)
    settings.EMAIL_BACKEND = "tests.notifications.backends.SMTPDownBackend"
    services.notification_deliver(event_id=event.pk)
    emails = event.deliveries.filter(channel=Delivery.Channel.EMAIL)
    assert {(d.status, d.attempts) for d in emails} == {(Delivery.Status.PENDING, 1)}
    assert set(event.deliveries.filter(channel="inapp").values_list("status", flat=True)) == {"sent"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.notification_deliver(event_id=event.pk) == OutboxEvent.Status.SENT
    assert len(mailoutbox) == emails.count()
    assert set(event.deliveries.filter(channel="inapp").values_list("attempts", flat=True)) == {1}


def test_the_broker_connection_is_opened_once_for_many_events(settings):
    settings.CELERY_BROKER_URL = "memory://"
    services._forget_broker("memory://")
    opened = mock.patch.object(
        Connection, "_establish_connection", autospec=True, side_effect=Connection._establish_connection
    )
    with opened as establish:
        for event_id in (101, 102, 103):
            assert services._publish([event_id])
    assert establish.call_count == 1


def test_a_broker_failure_drops_the_pooled_connection(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert services._publish([1]) is False
    assert "redis://127.0.0.1:1/0" not in services._broker_keys

"""Outbox delivery (docs/domain.md §7): one message per event, recipient and channel, in the recipient's
language; retries with backoff; nothing lost when the broker is down, nothing sent twice."""

import datetime
import logging
from collections import Counter

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from cases import services as case_services
from notifications import services
from notifications.models import Delivery, OutboxEvent
from notifications.tasks import deliver_event, sweep_outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=2)  # past any backoff and the sweep's grace period


def month_name(value, language):
    with translation.override(language):
        return date_format(timezone.localtime(value), "F")


@pytest.fixture
def amina(world):
    """A second member of the association, who reads French."""
    user = UserFactory(username="amina", language="fr", groups=["association"])
    world.association.members.add(user)
    return user


@pytest.fixture
def assoc_case(world, amina, delivered):
    """A proposal filed in the association's name, with every earlier event already delivered."""
    return delivered(world.case_in, "submitted", "proposal", actor=world["association"])


def transition(world, case, name):
    return case_services.case_transition(
        actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
    )


def event_of(case, name):
    return OutboxEvent.objects.get(subject_id=case.pk, event="case.transition", payload__transition=name)


def test_transition_gives_one_delivery_per_recipient_and_channel(
    world, amina, assoc_case, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(world, assoc_case, "start_review")

    event = event_of(assoc_case, "start_review")
    assert event.status == OutboxEvent.Status.SENT
    deliveries = list(event.deliveries.all())
    assert Counter((d.recipient_key, d.channel) for d in deliveries) == {
        (f"user:{world['association'].pk}", "email"): 1,
        (f"user:{world['association'].pk}", "inapp"): 1,
        (f"user:{amina.pk}", "email"): 1,
        (f"user:{amina.pk}", "inapp"): 1,
    }
    assert all(d.status == Delivery.Status.SENT for d in deliveries)
    # The submitter is also a member of the association: one message, not two.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world["association"].email, amina.email])


def test_each_email_is_in_its_recipients_language(
    world, amina, assoc_case, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(world, assoc_case, "start_review")

    event = event_of(assoc_case, "start_review")
    by_address = {m.to[0]: m for m in mailoutbox}
    french, arabic = by_address[amina.email], by_address[world["association"].email]

    assert french.extra_headers["Content-Language"] == "fr"
    assert arabic.extra_headers["Content-Language"] == "ar"
    french_html, arabic_html = french.alternatives[0][0], arabic.alternatives[0][0]
    assert 'dir="ltr"' in french_html and 'lang="fr"' in french_html
    assert 'dir="rtl"' in arabic_html and 'lang="ar"' in arabic_html
    # Dates are written in each reader's language (Django's own catalogues translate month names).
    assert month_name(event.created_at, "fr") in french.body
    assert month_name(event.created_at, "ar") in arabic.body
    for language, message in (("fr", french), ("ar", arabic)):
        with translation.override(language):
            line = translation.gettext("See the case in the public register:")
        assert line != "See the case in the public register:"  # a catalogue translates it...
        assert line in message.body  # ...and the message uses it
    for message in (french, arabic):
        assert assoc_case.reference in message.subject
        assert assoc_case.reference in message.body
        assert f"/register/{assoc_case.reference}/" in message.body
        assert "\n" not in message.subject


def test_filing_receipt_names_the_reference_but_never_the_tracking_code(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    citizen = world["citizen"]
    with django_capture_on_commit_callbacks(execute=True):
        case, code = case_services.case_create(
            actor=citizen,
            kind="proposal",
            title="Benches in the park",
            description="The park has no benches at all.",
        )

    assert [m.to for m in mailoutbox] == [[citizen.email]]
    receipt = mailoutbox[0]
    assert case.reference in receipt.subject and case.reference in receipt.body
    assert "/track/" in receipt.body
    assert code not in receipt.body and code not in receipt.alternatives[0][0]
    inapp = Delivery.objects.get(user=citizen, channel=Delivery.Channel.INAPP)
    assert inapp.status == Delivery.Status.SENT and case.reference in inapp.subject


def test_delivering_twice_and_sweeping_sends_nothing_twice(
    world, assoc_case, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(world, assoc_case, "start_review")
    event = event_of(assoc_case, "start_review")
    sent = len(mailoutbox)
    rows = Delivery.objects.filter(outbox_event=event).count()

    deliver_event(event.pk)
    deliver_event(event.pk)
    assert services.outbox_sweep(now=timezone.now() + LATER) == 0
    sweep_outbox()

    assert len(mailoutbox) == sent == 2
    assert Delivery.objects.filter(outbox_event=event).count() == rows == 4
    assert set(Delivery.objects.filter(outbox_event=event).values_list("attempts", flat=True)) == {1}


def test_fan_out_is_idempotent_even_if_raced(world, assoc_case, mailoutbox):
    # No on-commit dispatch here: two deliveries of the same pending row, as a sweep racing the task.
    transition(world, assoc_case, "start_review")
    event = event_of(assoc_case, "start_review")
    assert event.deliveries.count() == 0

    services.notification_deliver(event_id=event.pk)
    services.notification_deliver(event_id=event.pk)

    assert event.deliveries.count() == 4
    assert len(mailoutbox) == 2


def test_smtp_failure_backs_off_then_a_later_sweep_delivers_once(
    world, assoc_case, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.notifications.backends.SMTPDownBackend"
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        transition(world, assoc_case, "start_review")

    event = event_of(assoc_case, "start_review")
    assert event.status == OutboxEvent.Status.PENDING
    assert event.attempts == 1
    assert event.next_attempt_at >= before + services.backoff(1)
    assert event.last_error == "SMTPServerDisconnected"
    emails = event.deliveries.filter(channel=Delivery.Channel.EMAIL)
    assert {(d.status, d.attempts) for d in emails} == {(Delivery.Status.PENDING, 1)}
    # No personal data in the error: the SMTP message quoted an address, the row does not.
    assert all("@" not in d.last_error for d in emails)
    # In-app notifications do not depend on the mail server.
    assert set(event.deliveries.filter(channel=Delivery.Channel.INAPP).values_list("status", flat=True)) == {
        "sent"
    }

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.outbox_sweep() == 0  # not due yet: the backoff holds
    assert mailoutbox == []

    assert services.outbox_sweep(now=event.next_attempt_at + services.SWEEP_GRACE) == 1
    assert services.outbox_sweep(now=timezone.now() + LATER) == 0

    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.SENT
    assert sorted(m.to[0] for m in mailoutbox) == sorted(emails.values_list("email", flat=True))
    assert {(d.status, d.attempts) for d in emails.all()} == {(Delivery.Status.SENT, 2)}


def test_backoff_doubles_and_the_event_fails_after_the_last_attempt(world, assoc_case, settings):
    assert [services.backoff(n) for n in (1, 2, 3, 4)] == [
        datetime.timedelta(minutes=m) for m in (1, 2, 4, 8)
    ]
    assert services.backoff(30) == datetime.timedelta(days=1)

    settings.EMAIL_BACKEND = "tests.notifications.backends.SMTPDownBackend"
    transition(world, assoc_case, "start_review")
    event = event_of(assoc_case, "start_review")
    for _ in range(services.MAX_ATTEMPTS):
        services.notification_deliver(event_id=event.pk)
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.FAILED
    assert event.attempts == services.MAX_ATTEMPTS
    assert set(event.deliveries.filter(channel="email").values_list("status", flat=True)) == {"failed"}
    assert services.outbox_sweep(now=timezone.now() + LATER) == 0

    # After the mail server is fixed, staff may retry from the admin.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.outbox_retry(event_ids=[event.pk]) == 1
    services.notification_deliver(event_id=event.pk)
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.SENT


def test_broker_down_the_transition_succeeds_and_the_sweep_delivers_later(
    world, assoc_case, settings, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    with (
        caplog.at_level(logging.WARNING, logger="notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = transition(world, assoc_case, "start_review")
        case = transition(world, case, "request_information")

    assert case.state == "awaiting_information"
    events = [event_of(case, "start_review"), event_of(case, "request_information")]
    assert [e.status for e in events] == ["pending", "pending"]
    assert Delivery.objects.filter(outbox_event__in=events).count() == 0
    assert mailoutbox == []
    assert "broker unavailable" in caplog.text

    settings.CELERY_BROKER_URL = ""  # the broker is back (here: in-process delivery)
    assert services.outbox_sweep(now=timezone.now() + LATER) == 2
    assert services.outbox_sweep(now=timezone.now() + 2 * LATER) == 0

    for event in events:
        event.refresh_from_db()
        assert event.status == OutboxEvent.Status.SENT
        assert Counter(event.deliveries.values_list("recipient_key", "channel")).most_common(1)[0][1] == 1
    assert len(mailoutbox) == 2 * 2  # two events, two e-mail recipients each


def test_send_pending_notifications_command(world, assoc_case, mailoutbox):
    from django.core.management import call_command

    transition(world, assoc_case, "start_review")
    event = event_of(assoc_case, "start_review")

    call_command("send_pending_notifications", "--all")

    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.SENT
    assert len(mailoutbox) == 2


def test_a_rolled_back_transition_notifies_nobody(
    world, assoc_case, django_capture_on_commit_callbacks, mailoutbox
):
    from core.errors import TransitionNotAllowed

    # Only the bureau starts the review: the citizen is refused (forbidden) and the rollback sends nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(TransitionNotAllowed):
        case_services.case_transition(actor=world["citizen"], case=assoc_case, name="start_review")
    assert callbacks == []
    assert mailoutbox == []


def test_audited_actions_notify_with_their_own_message(
    world, delivered, django_capture_on_commit_callbacks, mailoutbox
):
    case = delivered(world.case_in, "in_implementation", "proposal")
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_progress_add(
            actor=world["service"], case=case, percent=40, note="Poles are in place."
        )

    assert [m.to for m in mailoutbox] == [[world["citizen"].email]]
    assert "40%" in mailoutbox[0].body
    event = OutboxEvent.objects.get(subject_id=case.pk, event="case.progress")
    assert event.status == OutboxEvent.Status.SENT


def test_an_unknown_subject_type_backs_off_instead_of_crashing(db):
    event = services.outbox_enqueue(
        event="x.y", subject_type="nothing", subject_id=1, payload={}, at=timezone.now()
    )
    assert services.notification_deliver(event_id=event.pk) == "pending"
    event.refresh_from_db()
    assert event.attempts == 1 and event.last_error == "UnknownSubjectType"

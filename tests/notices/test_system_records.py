"""E-mail and in-app notifications of a decision are recorded by the system itself, from the
messages actually delivered (notifications.Delivery) and, in the application, read."""

from __future__ import annotations

import pytest

from audit.models import TransitionEntry
from cases import services as case_services
from cases.models import Case
from core import roles
from notices import rules
from notices.models import CaseNotification
from notifications import services as notification_services
from notifications.models import Delivery

pytestmark = pytest.mark.django_db


def _declare_inadmissible(world, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return case_services.case_transition(
            actor=world[roles.BUREAU],
            case=case,
            name="declare_inadmissible",
            data=world.payload_for("declare_inadmissible"),
        )


def test_email_and_inapp_messages_of_a_rejection_are_recorded(world, django_capture_on_commit_callbacks):
    case = world.case_in("under_review", kind="petition")
    agent = case.submitter
    case = _declare_inadmissible(world, case, django_capture_on_commit_callbacks)
    records = CaseNotification.objects.filter(case=case).order_by("channel")
    assert [(n.channel, n.recipient_role, n.source) for n in records] == [
        ("email", "agent", "system"),
        ("inapp", "agent", "system"),
    ]
    delivered = Delivery.objects.filter(user=agent, outbox_event__payload__transition="declare_inadmissible")
    assert {d.pk for d in delivered} == {n.delivery_id for n in records}
    assert all(n.decision == "declare_inadmissible" and n.sent_at is not None for n in records)
    assert all(n.received_at is None for n in records)
    # Audited: one entry per notification, after the decision's own.
    assert TransitionEntry.objects.filter(case=case, transition="notification_record").count() == 2
    [clock] = rules.notice_clocks(Case.objects.get(pk=case.pk))
    assert clock.status == "on_time"
    case.refresh_from_db()
    assert case.deadline_on is None


def test_reading_the_inapp_message_records_its_receipt(world, django_capture_on_commit_callbacks):
    case = world.case_in("under_review", kind="petition")
    case = _declare_inadmissible(world, case, django_capture_on_commit_callbacks)
    inapp = Delivery.objects.get(
        user=case.submitter, channel="inapp", outbox_event__payload__transition="declare_inadmissible"
    )
    assert notification_services.notification_mark_read(user=case.submitter, delivery_id=inapp.pk)
    notice = CaseNotification.objects.get(delivery_id=inapp.pk)
    inapp.refresh_from_db()
    assert notice.received_at == inapp.read_at
    assert TransitionEntry.objects.filter(case=case, transition="notification_received").count() == 1
    # Reading again records nothing more.
    notification_services.notification_mark_all_read(user=case.submitter)
    assert TransitionEntry.objects.filter(case=case, transition="notification_received").count() == 1


def test_messages_that_are_not_notifications_are_not_recorded(world, django_capture_on_commit_callbacks):
    # start_review is no decision; other members of an association are no addressees.
    case = world.case_in("submitted", kind="petition")
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(actor=world[roles.BUREAU], case=case, name="start_review")
    assert Delivery.objects.filter(outbox_event__payload__transition="start_review").exists()
    assert not CaseNotification.objects.filter(case=case).exists()


def test_council_decision_is_notified_to_the_submitter(world, django_capture_on_commit_callbacks):
    case = world.case_in("on_agenda", kind="proposal")
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(
            actor=world[roles.SECRETARIAT], case=case, name="reject", data=world.payload_for("reject")
        )
    roles_seen = set(CaseNotification.objects.filter(case=case).values_list("recipient_role", "decision"))
    assert roles_seen == {("submitter", "reject")}


def test_delivery_retried_is_recorded_once(world, django_capture_on_commit_callbacks):
    case = world.case_in("under_review", kind="petition")
    case = _declare_inadmissible(world, case, django_capture_on_commit_callbacks)
    from notices import system

    for delivery in Delivery.objects.filter(
        user=case.submitter, outbox_event__payload__transition="declare_inadmissible"
    ):
        system.on_delivery("sent", delivery)
    assert CaseNotification.objects.filter(case=case).count() == 2

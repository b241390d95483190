"""docs/domain.md §7: a new inbox task is announced to the group that must act; deadline reminders and
escalations reach the right people."""

import datetime

from django.utils import timezone

from cases import services
from clocks.reminders import check_deadlines
from notifications.models import Delivery


def test_the_acting_group_hears_of_its_new_task(world, settings, django_capture_on_commit_callbacks):
    settings.MITHAQ_NOTIFY_NEW_TASKS = True
    case = world.case_in("under_review")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            actor=world["bureau"],
            case=case,
            name="refer_to_committee",
            data=world.payload_for("refer_to_committee"),
        )
    keys = set(
        Delivery.objects.filter(
            outbox_event__subject_id=case.pk, outbox_event__payload__transition="refer_to_committee"
        ).values_list("recipient_key", flat=True)
    )
    assert f"user:{world['committee'].pk}" in keys
    assert f"user:{world.outsider_committee_member.pk}" not in keys  # another committee


def test_reminder_and_escalations_reach_the_right_people(world, django_capture_on_commit_callbacks):
    case = world.case_in("in_committee")
    world.committee.chair = world["committee"]
    world.committee.save()
    deadline = case.deadline_on

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            check_deadlines(now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))))

    def keys(level):
        return set(
            Delivery.objects.filter(
                outbox_event__subject_id=case.pk, outbox_event__payload__level=level
            ).values_list("recipient_key", flat=True)
        )

    run(deadline - datetime.timedelta(days=1))
    assert keys(0) == {f"user:{world['committee'].pk}"}
    run(deadline + datetime.timedelta(days=1))
    assert keys(1) == {f"user:{world['committee'].pk}"}  # the chair
    run(deadline + datetime.timedelta(days=30))
    assert keys(2) == {f"user:{world['bureau'].pk}", f"user:{world['followup'].pk}"}

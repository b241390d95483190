"""OL 113-14 art. 38-39: the committee's deadline for an admissible petition is the day its mandatory
session's agenda goes to the governor (`agenda_to_governor_days_before`, 20 by default), and the
reminders and escalations follow it through check_deadlines."""

import datetime

import pytest
from django.utils import timezone

from clocks import deadlines
from clocks.reminders import check_deadlines
from notifications.models import OutboxEvent
from organisation.models import CouncilSession

pytestmark = pytest.mark.django_db


def _petition_with_session(world, days_ahead: int):
    CouncilSession.objects.filter(pk=world.session.pk).update(
        date=timezone.localdate() + datetime.timedelta(days=days_ahead)
    )
    return world.case_in("in_committee", "petition")


def test_the_committee_deadline_is_the_agenda_day(world):
    case = _petition_with_session(world, 25)
    session_day = timezone.localdate() + datetime.timedelta(days=25)
    assert case.mandatory_session_id == world.session.pk
    assert case.deadline_on == session_day - datetime.timedelta(days=20)


def test_the_setting_moves_it(world):
    world.collectivity.agenda_to_governor_days_before = 22
    world.collectivity.save()
    case = _petition_with_session(world, 40)
    assert case.deadline_on == timezone.localdate() + datetime.timedelta(days=18)


def test_after_the_agenda_day_the_report_is_due_on_the_eve_of_the_session(world):
    case = _petition_with_session(world, 10)
    assert case.deadline_on == timezone.localdate() + datetime.timedelta(days=9)


def test_the_stage_target_stays_when_sooner(world):
    case = _petition_with_session(world, 200)
    assert case.deadline_on == timezone.localdate() + datetime.timedelta(days=30)
    assert deadlines.agenda_deadline(case) == timezone.localdate() + datetime.timedelta(days=180)


def test_a_proposal_keeps_its_stage_target(world):
    CouncilSession.objects.filter(pk=world.session.pk).update(
        date=timezone.localdate() + datetime.timedelta(days=25)
    )
    case = world.case_in("in_committee", "proposal")
    assert case.deadline_on == timezone.localdate() + datetime.timedelta(days=30)


def test_reminders_and_escalation_follow_the_agenda_day(world):
    case = _petition_with_session(world, 21)  # the agenda day is tomorrow
    summary = check_deadlines()
    assert summary.reminders >= 1
    assert OutboxEvent.objects.filter(event="deadline.reminder", subject_id=case.pk).exists()
    later = timezone.now() + datetime.timedelta(days=3)
    assert check_deadlines(now=later).escalations >= 1
    assert OutboxEvent.objects.filter(event="deadline.escalation", subject_id=case.pk).exists()

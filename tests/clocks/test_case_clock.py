"""A case's current deadline: stage rules, the petition's legal deadline, pauses, the boundary."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import services
from cases.selectors import case_is_overdue
from clocks.deadlines import current_deadline
from clocks.models import DeadlineNotice, DeadlineRule
from notifications.models import OutboxEvent

TZ = timezone.get_default_timezone()


def at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def test_stage_deadline_in_working_days(world):
    case = world.new_case("proposal")
    # Filed Wednesday 29 July 2026, the eve of Throne Day: 5 working days = Thursday 6 August.
    case = services.case_transition(actor=world["citizen"], case=case, name="submit", at=at(2026, 7, 29))
    assert case.deadline_on == datetime.date(2026, 8, 6)


def test_calendar_rule_from_the_collectivity(world):
    DeadlineRule.objects.create(
        collectivity=world.collectivity, state="in_committee", days=12, unit="calendar"
    )
    case = world.case_in("under_review")
    case = services.case_transition(
        actor=world["bureau"],
        case=case,
        name="refer_to_committee",
        data=world.payload_for("refer_to_committee"),
        at=at(2026, 12, 1),
    )
    assert case.deadline_on == datetime.date(2026, 12, 13)


def test_petition_legal_deadline_wins_when_sooner(world):
    case = world.new_case("petition")
    world.sign(case, 100)
    case = services.case_transition(actor=world["citizen"], case=case, name="submit", at=at(2026, 1, 10))
    case = services.case_transition(actor=world["bureau"], case=case, name="start_review", at=at(2026, 4, 1))
    # Stage: 30 days from 1 April; legal: 3 months from 10 January (OL 113-14 art. 125).
    assert case.legal_deadline == datetime.date(2026, 4, 10)
    assert case.deadline_on == datetime.date(2026, 4, 10)


def test_awaiting_information_pauses_the_stage_but_not_the_legal_deadline(world):
    case = world.new_case("petition")
    world.sign(case, 100)
    case = services.case_transition(actor=world["citizen"], case=case, name="submit", at=at(2026, 1, 5))
    case = services.case_transition(actor=world["bureau"], case=case, name="start_review", at=at(2026, 1, 6))
    assert case.deadline_on == datetime.date(2026, 2, 5)  # 30 days
    case = services.case_transition(
        actor=world["bureau"],
        case=case,
        name="request_information",
        data=world.payload_for("request_information"),
        at=at(2026, 1, 16),
    )
    case = services.case_transition(
        actor=world["citizen"],
        case=case,
        name="provide_information",
        data=world.payload_for("provide_information"),
        at=at(2026, 2, 5),
    )
    # Twenty days paused: the review stage now ends on 25 February; the legal deadline did not move.
    assert case.deadline_on == datetime.date(2026, 2, 25)
    assert case.legal_deadline == datetime.date(2026, 4, 5)


def test_overdue_exactly_at_the_boundary(world):
    case = world.case_in("submitted")
    deadline = case.deadline_on
    assert not case_is_overdue(case, today=deadline)
    assert case_is_overdue(case, today=deadline + datetime.timedelta(days=1))


def test_closed_case_has_no_deadline(world):
    case = world.case_in("rejected")
    assert case.deadline_on is None and current_deadline(case) is None


def test_implementation_deadline_is_the_planned_end(world):
    case = world.case_in("in_implementation")
    assert case.deadline_on == case.planned_end


def test_rule_change_recomputes_open_cases(world):
    from clocks.deadlines import recompute_open_cases

    case = world.case_in("in_committee")
    DeadlineRule.objects.create(
        collectivity=world.collectivity, state="in_committee", days=2, unit="calendar"
    )
    assert recompute_open_cases(world.collectivity) >= 1
    case.refresh_from_db()
    assert case.deadline_on == timezone.localtime(case.clock_started_at).date() + datetime.timedelta(days=2)


@pytest.mark.parametrize("days_before, threshold", [(7, "before:7"), (1, "before:1")])
def test_reminders_are_sent_once(world, days_before, threshold):
    from clocks.reminders import check_deadlines

    case = world.case_in("in_committee")
    now = timezone.make_aware(
        datetime.datetime.combine(case.deadline_on - datetime.timedelta(days=days_before), datetime.time(8))
    )
    before = OutboxEvent.objects.count()
    first = check_deadlines(now=now)
    assert first.reminders == 1
    second = check_deadlines(now=now)
    assert second.reminders == 0 and second.escalations == 0
    assert OutboxEvent.objects.count() == before + 1
    assert DeadlineNotice.objects.get(case=case).threshold == threshold


def test_escalations_first_to_the_chair_then_to_the_bureau(world):
    from clocks.reminders import check_deadlines

    case = world.case_in("in_committee")
    day_after = timezone.make_aware(
        datetime.datetime.combine(case.deadline_on + datetime.timedelta(days=1), datetime.time(8))
    )
    assert check_deadlines(now=day_after).escalations == 1
    assert check_deadlines(now=day_after).escalations == 0
    much_later = day_after + datetime.timedelta(days=10)
    assert check_deadlines(now=much_later).escalations == 1
    levels = sorted(e.payload["level"] for e in OutboxEvent.objects.filter(event="deadline.escalation"))
    assert levels == [1, 2]


def test_check_deadlines_command(world):
    world.case_in("in_committee")
    call_command("check_deadlines")
    call_command("check_deadlines")
    assert DeadlineNotice.objects.count() <= 1

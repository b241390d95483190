"""Evaluation cards and the participation figures, on hand-computed fixtures."""

import datetime

import pytest
from django.utils import timezone

from core import roles
from core.errors import InvalidInput
from participation import services
from participation.selectors import meeting_evaluation, participation_figures
from tests.participation.conftest import at

pytestmark = pytest.mark.django_db


def paper(world, meeting, **counts):
    services.evaluation_paper_set(
        actor=world[roles.FOLLOWUP],
        meeting=meeting,
        counts={tuple(k.rsplit("_", 1)): v for k, v in counts.items()},
    )


def test_paper_and_online_cards_add_up(world, meeting):
    # Paper: satisfaction 5x2, 4x1, 2x1 ; clarity 3x4 ; come again yes 3, no 1
    paper(
        world,
        meeting,
        satisfaction_5=2,
        satisfaction_4=1,
        satisfaction_2=1,
        clarity_3=4,
        come_again_yes=3,
        come_again_no=1,
    )
    services.evaluation_answer_online(
        token=meeting.evaluation_token, answers={"satisfaction": "1", "clarity": "5", "come_again": "no"}
    )
    summary = meeting_evaluation(meeting)
    assert summary.cards == 5
    assert summary.satisfaction_average == round((10 + 4 + 2 + 1) / 5, 2)  # 3.4
    assert summary.clarity_average == round((12 + 5) / 5, 2)  # 3.4
    assert summary.come_again_share == 0.6
    assert summary.counts["satisfaction"] == {"1": 1, "2": 1, "3": 0, "4": 1, "5": 2}


def test_paper_entry_replaces_the_paper_counts_only(world, meeting):
    paper(world, meeting, satisfaction_5=10)
    services.evaluation_answer_online(
        token=meeting.evaluation_token, answers={"satisfaction": "3", "clarity": "3", "come_again": "yes"}
    )
    paper(world, meeting, satisfaction_4=2)
    assert meeting_evaluation(meeting).counts["satisfaction"] == {"1": 0, "2": 0, "3": 1, "4": 2, "5": 0}


@pytest.mark.parametrize(
    "answers",
    [
        {"satisfaction": "6", "clarity": "3", "come_again": "yes"},
        {"satisfaction": "3", "clarity": "", "come_again": "yes"},
        {"satisfaction": "3", "clarity": "3", "come_again": "maybe"},
    ],
)
def test_bad_online_answers_count_nothing(world, meeting, answers):
    with pytest.raises(InvalidInput):
        services.evaluation_answer_online(token=meeting.evaluation_token, answers=answers)
    assert meeting_evaluation(meeting).cards == 0


def test_no_online_card_before_the_meeting_or_once_closed(world, make_meeting):
    future = make_meeting(starts_at=at(5))
    closed = make_meeting(evaluation_open=False)
    answers = {"satisfaction": "4", "clarity": "4", "come_again": "yes"}
    for meeting in (future, closed):
        with pytest.raises(services.EvaluationClosed):
            services.evaluation_answer_online(token=meeting.evaluation_token, answers=answers)
        assert meeting_evaluation(meeting).cards == 0


def test_participation_figures(world, make_meeting):
    """Hand-computed: two meetings held in the period, a training among them; one outside the
    period, one cancelled and one still to come are left out."""
    consultation = make_meeting(starts_at=at(-10))
    training = make_meeting(starts_at=at(-5), kind="training", organiser="followup")
    outside = make_meeting(starts_at=at(-60))
    cancelled = make_meeting(starts_at=at(-4), cancelled=True)
    make_meeting(starts_at=at(3))
    bureau = world[roles.BUREAU]
    # consultation: 6 women 15-34 residents (1 with a disability), 4 men 35-59 residents, 2 men 60+ officials
    services.attendance_set(
        actor=bureau,
        meeting=consultation,
        cells={
            ("female", "15_34", "no", "resident"): 5,
            ("female", "15_34", "yes", "resident"): 1,
            ("male", "35_59", "no", "resident"): 4,
            ("male", "60_plus", "no", "official"): 2,
        },
    )
    # training: 3 women 35-59 association members, 5 men 15-34 unknown disability
    services.attendance_set(
        actor=bureau,
        meeting=training,
        cells={("female", "35_59", "no", "association"): 3, ("male", "15_34", "unknown", "unknown"): 5},
    )
    for left_out in (outside, cancelled):
        services.attendance_set(
            actor=bureau, meeting=left_out, cells={("female", "15_34", "no", "resident"): 100}
        )
        paper(world, left_out, satisfaction_1=50)
    paper(
        world,
        consultation,
        satisfaction_5=3,
        satisfaction_3=1,
        clarity_4=4,
        come_again_yes=3,
        come_again_no=1,
    )
    paper(world, training, satisfaction_4=2, clarity_2=2, come_again_yes=2)

    today = timezone.localdate()
    figures = participation_figures(
        world.collectivity, today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)
    )

    assert figures["meetings_held"] == 2
    assert figures["meetings_by_kind"]["public_consultation"] == 1
    assert figures["trainings_held"] == 1
    assert figures["participants"] == 20  # 12 + 8
    assert figures["women"] == 9
    assert figures["women_share"] == 0.45
    assert figures["youth"] == 11  # 6 + 5
    assert figures["youth_share"] == 0.55
    assert figures["disability"] == 1
    assert figures["vulnerable_share"] == 0.05
    assert figures["training_attendees"] == 8
    assert figures["by_participant_type"] == {"resident": 10, "association": 3, "official": 2, "unknown": 5}
    assert figures["evaluation_cards"] == 6
    assert figures["satisfaction_average"] == round((15 + 3 + 8) / 6, 2)  # 4.33
    assert figures["clarity_average"] == round((16 + 4) / 6, 2)  # 3.33
    assert figures["come_again_share"] == round(5 / 6, 4)


def test_participation_figures_empty_period(world):
    figures = participation_figures(world.collectivity, datetime.date(2020, 1, 1), datetime.date(2020, 2, 1))
    assert figures["meetings_held"] == 0
    assert figures["participants"] == 0
    assert figures["women_share"] is None
    assert figures["satisfaction_average"] is None

"""The participation figures of the indicators come from the recorded meetings (participation.selectors),
checked against counts made by hand."""

import datetime

import pytest
from django.utils import timezone

from core import roles
from followup.indicators import compute_indicators
from participation import services
from participation.models import Meeting

TZ = timezone.get_default_timezone()
FROM = datetime.date(2026, 9, 1)
TO = datetime.date(2026, 10, 1)


def _meeting(world, kind, when, **extra):
    data = {
        "kind": kind,
        "topic": "Lighting of the old medina",
        "description": "",
        "starts_at": when,
        "ends_at": None,
        "place": "Town hall",
        "organiser": Meeting.Organiser.BUREAU,
        "committee": None,
        "service": None,
        "public": True,
        "cancelled": False,
        "evaluation_open": False,
    }
    data.update(extra)
    return services.meeting_create(actor=world[roles.FOLLOWUP], collectivity=world.collectivity, data=data)


@pytest.fixture
def meetings(world):
    actor = world[roles.FOLLOWUP]
    start = datetime.datetime(2026, 9, 1, 0, 0, tzinfo=TZ)
    consult = _meeting(world, Meeting.Kind.PUBLIC_CONSULTATION, start)
    services.attendance_set(
        actor=actor,
        meeting=consult,
        cells={
            ("female", "15_34", "no", "resident"): 6,
            ("male", "35_59", "yes", "resident"): 2,
            ("male", "15_34", "no", "association"): 4,
        },
    )
    services.evaluation_paper_set(
        actor=actor, meeting=consult, counts={("satisfaction", "5"): 3, ("satisfaction", "2"): 1}
    )
    training = _meeting(world, Meeting.Kind.TRAINING, datetime.datetime(2026, 9, 30, 23, 0, tzinfo=TZ))
    services.attendance_set(
        actor=actor, meeting=training, cells={("female", "35_59", "no", "association"): 8}
    )
    # Outside the period (its end is excluded), and a cancelled one inside: neither counts.
    after = _meeting(world, Meeting.Kind.WORKSHOP, datetime.datetime(2026, 10, 1, 0, 0, tzinfo=TZ))
    services.attendance_set(actor=actor, meeting=after, cells={("male", "60_plus", "no", "resident"): 50})
    cancelled = _meeting(
        world, Meeting.Kind.WORKSHOP, datetime.datetime(2026, 9, 10, 10, 0, tzinfo=TZ), cancelled=True
    )
    services.attendance_set(actor=actor, meeting=cancelled, cells={("male", "60_plus", "no", "resident"): 9})
    return consult, training


def test_participation_figures_are_bound(world, meetings):
    p = compute_indicators(world.collectivity, FROM, TO)["participation"]
    # Hand counts: 6 + 2 + 4 at the consultation, 8 at the training = 20; women 6 + 8 = 14;
    # youth (15-34) 6 + 4 = 10; with a disability 2; satisfaction (3 x 5 + 1 x 2) / 4 = 4.25.
    assert p["recorded"] is True
    assert (p["meetings_held"], p["trainings_held"]) == (2, 1)
    assert p["participants"] == 20
    assert (p["women"], p["women_share"]) == (14, 0.7)
    assert (p["youth"], p["youth_share"]) == (10, 0.5)
    assert p["vulnerable_share"] == 0.1
    assert p["training_attendees"] == 8
    assert p["evaluation_cards"] == 4
    assert p["satisfaction"] == 4.25
    assert p["meetings_by_kind"]["public_consultation"] == 1


def test_no_meeting_gives_zero_counts_and_unknown_shares(world, meetings):
    p = compute_indicators(world.collectivity, datetime.date(2026, 1, 1), datetime.date(2026, 2, 1))[
        "participation"
    ]
    assert p["recorded"] is False
    assert (p["meetings_held"], p["participants"]) == (0, 0)
    assert p["women_share"] is None and p["satisfaction"] is None


def test_api_carries_participation(world, meetings, client):
    answer = client.get("/api/v1/indicators/", {"from": FROM.isoformat(), "to": TO.isoformat()})
    assert answer.status_code == 200
    assert answer.json()["participation"]["participants"] == 20


def test_the_bodies_figures_reach_the_indicators(world):
    """Issue 12 item 6: the Commission's members and women's share, the Children's Council's
    members, and the ratings after a decision are the indicators' too."""
    import datetime as _dt

    from participation.models import ChildMember, CommissionMember, Gender

    today = _dt.date.today()
    start = today - _dt.timedelta(days=400)
    for i, gender in enumerate((Gender.FEMALE, Gender.FEMALE, Gender.MALE)):
        CommissionMember.objects.create(
            collectivity=world.collectivity, full_name=f"Membre {i}", gender=gender, mandate_start=start
        )
    figures = compute_indicators(
        world.collectivity, today - _dt.timedelta(days=365), today + _dt.timedelta(days=1)
    )
    assert figures["equality_commission"]["members"] == 3
    assert figures["equality_commission"]["women_share"] == round(2 / 3, 4)
    assert figures["children_council"]["members"] == ChildMember.objects.count() == 0
    assert figures["satisfaction_after_decision"] == {"ratings": 0, "average": None}

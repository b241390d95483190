"""The charter's figures on a fixture whose answers are computed by hand (issue 12): women's, youth
and vulnerable shares, the Commission's women share, charter adherence (30 % / 20 % targets), the
Children's Council's implementation rate, satisfaction after a decision."""

import datetime

import pytest

from core import roles
from organisation.models import Association
from participation import bodies, selectors, services
from participation.models import ChildMember, CommissionMember, Gender, Meeting

from .conftest import at

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
FROM = TODAY - datetime.timedelta(days=365)
TO = TODAY + datetime.timedelta(days=1)


def _attendance(world, meeting, cells):
    services.attendance_set(actor=world[roles.BUREAU], meeting=meeting, cells=cells)


def test_participation_shares(world, make_meeting):
    m1 = make_meeting(starts_at=at(-10))
    m2 = make_meeting(starts_at=at(-5), kind=Meeting.Kind.TRAINING)
    # m1: 6 women aged 15-34 without disability, 4 men aged 35-59 of whom 1 with a disability.
    _attendance(
        world,
        m1,
        {
            ("female", "15_34", "no", "resident"): 6,
            ("male", "35_59", "no", "resident"): 3,
            ("male", "35_59", "yes", "resident"): 1,
        },
    )
    # m2 (training): 2 women 60+, 8 men 15-34 of whom 2 with a disability.
    _attendance(
        world,
        m2,
        {
            ("female", "60_plus", "no", "official"): 2,
            ("male", "15_34", "no", "official"): 6,
            ("male", "15_34", "yes", "official"): 2,
        },
    )
    figures = selectors.participation_figures(world.collectivity, FROM, TO)
    # 20 participants: women 8 -> 0.4; youth 6 + 8 = 14 -> 0.7; disability 1 + 2 = 3 -> 0.15.
    assert figures["participants"] == 20
    assert figures["women_share"] == 0.4
    assert figures["youth_share"] == 0.7
    assert figures["vulnerable_share"] == 0.15
    assert figures["trainings_held"] == 1 and figures["training_attendees"] == 10


def _member(world, name, gender, start, end=None, role=CommissionMember.Role.MEMBER):
    return CommissionMember.objects.create(
        collectivity=world.collectivity,
        full_name=name,
        gender=gender,
        role=role,
        mandate_start=start,
        mandate_end=end,
    )


def test_commission_women_share(world):
    long_ago = TODAY - datetime.timedelta(days=400)
    for i in range(3):
        _member(world, f"Woman {i}", Gender.FEMALE, long_ago)
    for i in range(4):
        _member(world, f"Man {i}", Gender.MALE, long_ago)
    # A mandate that ended before the period's last day does not count.
    _member(world, "Former", Gender.FEMALE, long_ago, end=TODAY - datetime.timedelta(days=30))
    figures = selectors.participation_figures(world.collectivity, FROM, TO)
    # 3 women of 7 members on the last day: 0.4286.
    assert figures["equality_commission"]["members"] == 7
    assert figures["commission_women_share"] == round(3 / 7, 4)


def test_adherence_shares(world):
    Association.objects.filter(collectivity=world.collectivity).delete()
    signed = TODAY - datetime.timedelta(days=10)
    rows = [
        # (signed, promoter, status)
        (signed, True, "registered"),
        (signed, False, "registered"),
        (signed, False, "registered"),
        (None, False, "registered"),
        (None, False, "registered"),
        (None, False, "registered"),
        (None, False, "registered"),
        (None, False, "registered"),
        (None, False, "registered"),
        (None, False, "registered"),
        (signed, True, "pending"),  # not yet in the registry: not counted
    ]
    for i, (day, promoter, status) in enumerate(rows):
        Association.objects.create(
            collectivity=world.collectivity,
            name_ar=f"جمعية {i}",
            founded_on=datetime.date(2010, 1, 1),
            charter_signed_on=day,
            charter_promoter=promoter,
            status=status,
        )
    figures = selectors.participation_figures(world.collectivity, FROM, TO)
    # 3 of 10 registered signed: 0.3 (target met); 1 of 3 signatories promotes: 0.3333 (met).
    assert figures["adherence_share"] == 0.3
    assert figures["promoter_share"] == round(1 / 3, 4)
    assert figures["adherence"]["adherence_target_met"] and figures["adherence"]["promoter_target_met"]
    assert figures["adherence"]["associations_registered"] == 10


def test_children_implementation_rate(world, make_meeting):
    kind = "children_recommendation"
    world.case_in("implemented", kind)
    world.case_in("in_implementation", kind)
    world.case_in("adopted", kind)
    world.case_in("not_implemented", kind)
    world.case_in("rejected", kind)
    world.case_in("in_committee", kind)
    for name, gender in (("Salma", Gender.FEMALE), ("Yassine", Gender.MALE), ("Imane", Gender.FEMALE)):
        bodies.child_member_save(
            actor=world[roles.CHILDREN_COUNCIL],
            collectivity=world.collectivity,
            data={
                "first_name": name,
                "age_band": ChildMember.AgeBand.EARLY_TEEN,
                "gender": gender,
                "school_or_neighbourhood": "Ecole Al Massira",
                "guardian_consent_on": TODAY - datetime.timedelta(days=40),
                "joined_on": TODAY - datetime.timedelta(days=30),
            },
        )
    make_meeting(
        starts_at=at(-3),
        kind=Meeting.Kind.CHILDREN_COUNCIL_SESSION,
        organiser=Meeting.Organiser.CHILDREN_COUNCIL,
        actor=world[roles.CHILDREN_COUNCIL],
    )
    figures = selectors.participation_figures(world.collectivity, FROM, TO)
    children = figures["children_council"]
    # Taken into account: implemented, in implementation, adopted, not implemented = 4; implemented 1.
    assert children["recommendations_taken_into_account"] == 4
    assert children["recommendations_implemented"] == 1
    assert figures["children_implementation_rate"] == 0.25
    assert (children["members"], children["girls"], children["boys"]) == (3, 2, 1)
    assert children["sessions_held"] == 1


def test_satisfaction_after_decision(world):
    ratings = [5, 4, 3, 2]  # average 3.5
    cases = []
    for score in ratings:
        case = world.case_in("rejected", "proposal")
        bodies.decision_rating_add(actor=case.submitter, case=case, score=score, comment="ok")
        cases.append(case)
    # The same citizen filed them all; one rating per case.
    figures = selectors.participation_figures(world.collectivity, FROM, TO)
    block = figures["satisfaction_after_decision"]
    assert block["ratings"] == 4
    assert figures["satisfaction_after_decision_average"] == 3.5
    assert block["by_kind"] == [{"kind": "proposal", "ratings": 4, "average": 3.5}]
    assert "comment" not in str(block) and "rated_by" not in str(block)

"""OL 113-14 art. 42-43: a council decision records the members present; without the quorum (more than
half of the members in office, except at the third meeting) it is refused; the votes cannot outnumber
the members present; a tie is settled by the president's side; the correction is checked the same way."""

import pytest
from django.utils import translation

from cases import services
from cases import states as S
from core import errors
from tests.cases.conftest import counts

pytestmark = pytest.mark.django_db


def _decide(stage, name, **changes):
    case = stage.case("petition", "on_agenda")
    data = dict(stage.world.payload_for(name), **changes)
    return case, lambda: services.case_transition(
        actor=stage.world["secretariat"], case=case, name=name, data=data
    )


def test_the_members_present_are_required(stage):
    case, call = _decide(stage, "adopt", members_present=None)
    before = counts(case)
    with pytest.raises(errors.GuardFailed) as info:
        call()
    assert "members_present" in info.value.field_errors
    assert counts(case) == before


@pytest.mark.parametrize("name", ["adopt", "reject"])
def test_a_decision_without_quorum_is_refused(stage, name):
    case, call = _decide(stage, name, members_present=14, votes_for=8, votes_against=3, votes_abstain=0)
    if name == "reject":
        case, call = _decide(stage, name, members_present=14, votes_for=3, votes_against=8, votes_abstain=0)
    before = counts(case)
    with translation.override("en"), pytest.raises(errors.GuardFailed) as info:
        call()
    assert info.value.field_errors["members_present"][0].startswith("No quorum")
    assert "15" in info.value.field_errors["members_present"][0]
    assert counts(case) == before


def test_the_third_meeting_needs_no_quorum(stage):
    case, call = _decide(
        stage, "adopt", members_present=9, votes_for=6, votes_against=2, votes_abstain=1, convocation="third"
    )
    result = call()
    assert result.state == S.ADOPTED and result.members_present == 9 and result.convocation == "third"


def test_votes_cannot_outnumber_the_members_present(stage):
    case, call = _decide(stage, "adopt", members_present=16, votes_for=15, votes_against=3, votes_abstain=1)
    with translation.override("en"), pytest.raises(errors.GuardFailed) as info:
        call()
    assert "cannot outnumber the members present" in info.value.field_errors["members_present"][0]


def test_a_decision_with_quorum_is_recorded_and_shown(stage, client):
    case, call = _decide(stage, "adopt", members_present=20)
    result = call()
    assert result.state == S.ADOPTED and result.members_present == 20
    page = client.get(f"/register/{result.reference}/").content.decode()
    # Arabic by default: the members present and the quorum of the public decision.
    assert "الأعضاء الحاضرون" in page and "النصاب" in page


@pytest.mark.parametrize(("side", "name", "ok"), [("for", "adopt", True), ("against", "adopt", False)])
def test_a_tie_is_settled_by_the_presidents_side(stage, side, name, ok):
    case, call = _decide(
        stage, name, votes_for=8, votes_against=8, votes_abstain=0, members_present=20, president_vote=side
    )
    if ok:
        assert call().state == S.ADOPTED
    else:
        with pytest.raises(errors.GuardFailed) as info:
            call()
        assert "president_vote" in info.value.field_errors


def test_the_members_in_office_rule(stage):
    collectivity = stage.world.collectivity
    collectivity.decision_majority = "members_in_office"
    collectivity.save()
    case, call = _decide(stage, "adopt", votes_for=12, votes_against=3, votes_abstain=0, members_present=20)
    with translation.override("en"), pytest.raises(errors.GuardFailed) as info:
        call()
    assert "absolute majority of the members in office (15 of 29)" in info.value.field_errors["votes_for"][0]


def test_a_correction_that_breaks_the_quorum_is_refused(stage):
    case, call = _decide(stage, "adopt")
    decided = call()
    with translation.override("en"), pytest.raises(errors.GuardFailed) as info:
        services.case_correct(
            actor=stage.world["president"],
            case=decided,
            changes={"members_present": 10},
            justification="The attendance sheet counted ten members present at the opening.",
        )
    assert "members_present" in info.value.field_errors
    decided.refresh_from_db()
    assert decided.members_present == 22


def test_a_correction_that_reverses_the_votes_is_refused(stage):
    case, call = _decide(stage, "adopt")
    decided = call()
    with pytest.raises(errors.GuardFailed) as info:
        services.case_correct(
            actor=stage.world["president"],
            case=decided,
            changes={"votes_against": 16},
            justification="The minutes show sixteen votes against, not three as typed.",
        )
    assert "votes_against" in info.value.field_errors

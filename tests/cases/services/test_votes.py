"""A council decision recorded with its votes follows them (docs/legal.md, council deliberations):
`adopt` with more votes against, `reject` with more votes for, and a tie are refused and change
nothing; the consistent decisions pass."""

import pytest
from django.utils import translation

from cases import services
from cases import states as S
from core import errors
from tests.cases.conftest import counts

pytestmark = pytest.mark.django_db


def _decide(stage, name, kind, votes_for, votes_against):
    case = stage.case(kind, "on_agenda")
    data = dict(stage.world.payload_for(name), votes_for=votes_for, votes_against=votes_against)
    return case, lambda: services.case_transition(
        actor=stage.world["secretariat"], case=case, name=name, data=data
    )


@pytest.mark.parametrize(
    ("name", "votes_for", "votes_against", "field", "words"),
    [
        ("adopt", 2, 10, "votes_against", "More votes against (10) than for (2)"),
        ("reject", 10, 2, "votes_for", "More votes for (10) than against (2)"),
        ("adopt", 7, 7, "votes_against", "A tie (7 for, 7 against)"),
        ("reject", 0, 0, "votes_against", "A tie (0 for, 0 against)"),
    ],
)
@pytest.mark.parametrize("kind", ["petition", "proposal"])
def test_a_decision_against_its_votes_is_refused(stage, kind, name, votes_for, votes_against, field, words):
    case, call = _decide(stage, name, kind, votes_for, votes_against)
    before = counts(case)
    with translation.override("en"), pytest.raises(errors.GuardFailed) as info:
        call()
    assert type(info.value) is errors.GuardFailed
    assert set(info.value.field_errors) == {field}
    assert info.value.field_errors[field][0].startswith(words)
    assert counts(case) == before
    case.refresh_from_db()
    assert case.state == S.ON_AGENDA and case.votes_for is None and case.decided_at is None


@pytest.mark.parametrize(
    ("name", "votes_for", "votes_against", "state"),
    [("adopt", 11, 10, S.ADOPTED), ("reject", 10, 11, S.REJECTED)],
)
def test_a_decision_that_follows_its_votes_is_recorded(stage, name, votes_for, votes_against, state):
    case, call = _decide(stage, name, "proposal", votes_for, votes_against)
    result = call()
    assert result.state == state
    assert (result.votes_for, result.votes_against) == (votes_for, votes_against)


def test_a_decision_of_the_president_without_votes_is_not_checked(stage):
    """From `reported`, the president decides alone (no session, no votes)."""
    case = stage.case("proposal", "reported")
    data = {"justification": stage.world.payload_for("adopt")["justification"]}
    result = services.case_transition(actor=stage.world["president"], case=case, name="adopt", data=data)
    assert result.state == S.ADOPTED and result.votes_for is None and result.decided_by_president


def test_the_refusal_speaks_arabic_by_default(stage):
    case, call = _decide(stage, "adopt", "proposal", 2, 10)
    with translation.override("ar"), pytest.raises(errors.GuardFailed) as info:
        call()
    message = info.value.field_errors["votes_against"][0]
    assert message.startswith("الأصوات المعارضة (10)") and "(2)" in message

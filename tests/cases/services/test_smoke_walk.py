import pytest

from cases import states as S
from tests.factories import path_to

KINDS = ["petition", "proposal", "advisory_opinion", "children_recommendation"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("state", S.ALL_STATES)
def test_every_state_reachable_with_a_valid_chain(world, kind, state):
    if path_to(kind, state) is None:
        pytest.skip("not reachable for this kind")
    case = world.case_in(state, kind)
    assert case.state == state
    assert case.audit_count == len(path_to(kind, state))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("state", S.ALL_STATES)
def test_desk_invariant_after_walk(world, kind, state):
    from workflows.invariant import violations

    if path_to(kind, state) is None:
        pytest.skip("not reachable for this kind")
    case = world.case_in(state, kind)
    assert list(violations([case.pk])) == []

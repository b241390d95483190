"""Every transition that is not an edge of docs/domain.md §3.2, from every state and for every kind.

The actor always holds the transition's role, so the refusal is about the state or the kind:
a typed error and nothing written (no state change, audit entry, outbox row or history row).
"""

import pytest

from cases import lifecycle, services
from cases import states as S
from core import errors
from tests.cases.conftest import counts
from tests.cases.contract import EDGES, KIND_STATES, STATES, TRANSITION_NAMES, edge_for

pytestmark = pytest.mark.django_db

# Who holds each transition somewhere in the table (docs/domain.md §3.2, "who" column).
HOLDERS = {
    name: sorted({role for e in EDGES if e.name == name for role in e.roles}) for name in TRANSITION_NAMES
}

REFUSED = [
    pytest.param(kind, state, name, role, id=f"{name}-{state}-{kind}-{role}")
    for kind, state in KIND_STATES
    for name in TRANSITION_NAMES
    if edge_for(name, state, kind) is None
    for role in HOLDERS[name]
]


def test_contract_and_code_name_the_same_states_and_transitions():
    assert tuple(S.ALL_STATES) == STATES
    assert set(lifecycle.TRANSITIONS) == set(TRANSITION_NAMES)


def _in_scope(stage, name, case, role):
    """docs/domain.md §1: a committee member sees only cases referred to their committee, a service only the
    cases it implements, the desk only the cases it registered. Out of scope, the refusal is about
    the role (403), not the state."""
    if role == "intake":
        return case.pk in stage.desk_case_ids.values()
    if name == "report":
        return case.committee_id == stage.world.committee.pk
    if name == "complete":
        return case.service_id == stage.world.service.pk
    return True


@pytest.mark.parametrize(("kind", "state", "name", "role"), REFUSED)
def test_refused_edge(stage, kind, state, name, role):
    case = stage.case_for(role, kind, state)
    actor = stage.actor(role, case)
    before = counts(case)

    expected = errors.InvalidTransition if _in_scope(stage, name, case, role) else errors.TransitionNotAllowed
    with pytest.raises(errors.DomainError) as info:
        services.case_transition(actor=actor, case=case, name=name, data=stage.world.payload_for(name))

    assert type(info.value) is expected
    if expected is errors.InvalidTransition:
        assert info.value.code == "invalid_transition"
        assert info.value.http_status == 409
    else:
        assert info.value.code == "forbidden"
    assert counts(case) == before


@pytest.mark.parametrize(
    "name", ["approve", "", "report_", "Submit", "submit ", "__init__", None, 42, ["submit"]]
)
def test_unknown_transition(stage, name):
    case = stage.case("proposal", "submitted")
    before = counts(case)
    with pytest.raises(errors.UnknownTransition) as info:
        services.case_transition(actor=stage.world["bureau"], case=case, name=name, data={})
    assert info.value.code == "unknown_transition"
    assert info.value.http_status == 404
    assert counts(case) == before


@pytest.mark.parametrize("ref", ["DMN-PRO-1999-9999", 10**9, "", None])
def test_unknown_case(stage, ref):
    before = counts(stage.case("proposal", "submitted"))
    with pytest.raises(errors.NotFound) as info:
        services.case_transition(actor=stage.world["bureau"], case=ref, name="start_review", data={})
    assert info.value.code == "not_found"
    assert counts(stage.case("proposal", "submitted")) == before


@pytest.mark.parametrize("by", ["reference", "pk"])
def test_case_found_by_reference_or_pk(stage, by):
    case = stage.case("proposal", "submitted")
    ref = case.reference if by == "reference" else case.pk
    result = services.case_transition(actor=stage.world["bureau"], case=ref, name="start_review", data={})
    assert result.state == "under_review"


def test_stale_instance_is_a_conflict_not_a_lost_update(stage):
    """The caller acts on the state it showed the user: if the case moved meanwhile, 409."""
    shown = stage.case("proposal", "submitted")
    services.case_transition(actor=stage.world["bureau"], case=shown.pk, name="start_review", data={})
    before = counts(shown)
    with pytest.raises(errors.ConcurrentUpdate) as info:
        services.case_transition(
            actor=stage.world["bureau"],
            case=shown,
            name="declare_inadmissible",
            data=stage.world.payload_for("declare_inadmissible"),
        )
    assert info.value.code == "conflict"
    assert info.value.http_status == 409
    assert counts(shown) == before

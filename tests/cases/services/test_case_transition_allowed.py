"""Every edge of docs/domain.md §3.2, performed through cases.services by each role the table names."""

import pytest

from audit.models import TransitionEntry
from cases import services
from notifications.models import OutboxEvent
from tests.cases.conftest import counts, verify_audit
from tests.cases.contract import EDGES, KIND_STATES, SUBMITTER

pytestmark = pytest.mark.django_db

ALLOWED = [
    pytest.param(edge, kind, role, id=f"{edge.name}-{edge.source}-{kind}-{role}")
    for edge in EDGES
    for kind in edge.kinds
    if (kind, edge.source) in KIND_STATES  # opinions never reach under_review or awaiting_information
    for role in sorted(edge.roles)
]


def test_every_transition_of_the_contract_is_exercised():
    names = {edge.name for edge, _kind, _role in (p.values for p in ALLOWED)}
    assert len(names) == 15


@pytest.mark.parametrize(("edge", "kind", "role"), ALLOWED)
def test_allowed_edge(stage, edge, kind, role):
    case = stage.case_for(role, kind, edge.source)
    actor = stage.actor(role, case)
    if edge.name == "refer_to_committee" and kind == "petition":
        # OL 113-14 art. 125 §2-3: the bureau's checklist, complete and met, before the referral.
        stage.world.check_admissible(case)
    before = counts(case)

    result = services.case_transition(
        actor=actor, case=case, name=edge.name, data=stage.world.payload_for(edge.name)
    )

    assert result.state == edge.target
    after = counts(case)
    assert after.state == edge.target
    assert after.case_entries == before.case_entries + 1
    assert after.entries == before.entries + 1
    assert after.case_outbox == before.case_outbox + 1
    assert after.outbox == before.outbox + 1
    assert after.audit_count == before.audit_count + 1 == result.audit_count
    assert after.case_history == before.case_history + 1

    entry = TransitionEntry.objects.get(case_id=case.pk, seq=after.audit_count)
    assert (entry.transition, entry.from_state, entry.to_state) == (edge.name, edge.source, edge.target)
    assert entry.prev_hash == before.audit_head
    assert entry.hash == after.audit_head
    assert entry.actor_id == actor.pk
    expected_role = "submitter" if role == SUBMITTER else role
    assert entry.role == expected_role

    event = OutboxEvent.objects.filter(subject_id=case.pk).latest("id")
    assert event.event == "case.transition"
    assert event.payload["transition"] == edge.name
    assert (event.payload["from"], event.payload["to"]) == (edge.source, edge.target)
    assert event.payload["reference"] == case.reference
    assert event.payload["entry"] == after.audit_count

    verify_audit()


def test_president_ruling_is_recorded_without_a_session(stage):
    """The president's ruling on a reported proposal needs no deliberation number or votes."""
    case = stage.case("proposal", "reported")
    result = services.case_transition(
        actor=stage.world["president"],
        case=case,
        name="adopt",
        data={"justification": stage.world.payload_for("adopt")["justification"]},
    )
    assert result.state == "adopted"
    assert result.decided_by_president is True
    assert result.session_id is None
    assert result.decided_at is not None


def test_council_decision_records_the_deliberation(stage):
    case = stage.case("petition", "on_agenda")
    data = stage.world.payload_for("reject")
    result = services.case_transition(actor=stage.world["secretariat"], case=case, name="reject", data=data)
    assert result.decided_by_president is False
    assert result.deliberation_number == data["deliberation_number"]
    assert (result.votes_for, result.votes_against, result.votes_abstain) == (3, 15, 1)
    assert result.decision_reason_code == "budget"
    assert result.decision_justification == data["justification"]
    assert result.closed_at is not None

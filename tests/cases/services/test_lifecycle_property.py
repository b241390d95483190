"""Property: any sequence of attempted transitions, by anyone, with any payload, keeps the invariants.

- a case only ever takes an edge of docs/domain.md §3.2 (checked against tests/cases/contract.py), by an
  actor the table allows, and so stays in a state reachable for its kind;
- each accepted transition writes exactly one audit entry and one outbox row, a refused one none;
- every hash chain verifies (audit.verify.verify_chain and `manage.py verify_audit`);
- a refusal is always a typed DomainError, and a valid request by an allowed actor always succeeds.
"""

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from audit.models import TransitionEntry
from audit.verify import Subject, verify_chain
from cases import lifecycle, services
from cases import states as S
from cases.models import Case
from core import errors
from notifications.models import OutboxEvent
from tests.cases.conftest import few_signatures, sign_for_filing, verify_audit
from tests.cases.contract import (
    CLOSED_STATES,
    DESK_CHANNELS,
    EDGES,
    KINDS,
    SUBMITTER,
    edge_for,
    reachable_states,
)
from tests.factories import World

ACTORS = (
    "citizen",
    "association",
    "intake",
    "bureau",
    "committee",
    "secretariat",
    "president",
    "service",
    "equality_commission",
    "children_council",
    "followup",
    "anonymous",
    "committee_b",
    "service_b",
)
# Payload keys any transition may carry (only used to build garbage).
FIELD_NAMES = sorted(
    {f.name for spec in lifecycle.TRANSITIONS.values() for f in spec.fields} | {"id", "extra"}
)

# Lone surrogates are left out (they are refused, as test_carried_fields.py's
# test_lone_surrogate_in_text_is_refused checks). NUL characters and infinite floats are in: they
# must be refused.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=50)
GARBAGE_VALUE = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-5, max_value=10**6),
    st.floats(),
    st.booleans(),
    st.lists(TEXT, max_size=3),
    st.dictionaries(st.sampled_from(["id", "x"]), st.integers(min_value=-3, max_value=50), max_size=2),
    st.sampled_from(["adopt", "reject", "competence", "2099-12-31", "2001-01-01", "1", "2", "3"]),
)
GARBAGE = st.dictionaries(st.sampled_from(FIELD_NAMES), GARBAGE_VALUE, max_size=5)


class Actors:
    def __init__(self, world: World):
        from django.contrib.auth.models import AnonymousUser

        self.world = world
        self.users = {
            **world.users,
            "anonymous": AnonymousUser(),
            "committee_b": world.outsider_committee_member,
            "service_b": world.outsider_service_member,
        }
        self.committee_of = {"committee": world.committee.pk, "committee_b": world.other_committee.pk}
        self.service_of = {"service": world.service.pk, "service_b": world.other_service.pk}

    def holds(self, role: str, who: str, name: str, case: Case) -> bool:
        """Does actor `who` hold `role` on this case (docs/domain.md §1 scoping included)?"""
        if role == SUBMITTER:
            return who != "anonymous" and self.users[who].pk == case.submitter_id
        if role == "intake":
            # The desk acts only on what it registered for someone; a draft only its own.
            return (
                who == "intake"
                and case.channel in DESK_CHANNELS
                and case.submitter_id is None
                and case.filed_by_id is not None
                and (case.state != "draft" or case.filed_by_id == self.users[who].pk)
            )
        if role == "committee":
            return who in self.committee_of and self.committee_of[who] == case.committee_id
        if role == "service":
            if who not in self.service_of:
                return False
            if name == "plan_implementation" and case.service_id is None:
                return True
            return self.service_of[who] == case.service_id
        return who == role

    def allowed(self, name: str, who: str, case: Case) -> bool:
        edge = edge_for(name, case.state, case.kind)
        return edge is not None and any(self.holds(role, who, name, case) for role in edge.roles)

    def refusal(self, name: str, who: str, case: Case) -> type[errors.DomainError]:
        """How a transition the actor may not take now is refused (cases.lifecycle.resolve_edge):
        409 when they hold the role of some edge of it, in any state or kind (wrong moment), 403
        when they hold none (wrong person)."""
        roles = {role for edge in EDGES if edge.name == name for role in edge.roles}
        if any(self.holds(role, who, name, case) for role in roles):
            return errors.InvalidTransition
        return errors.TransitionNotAllowed

    def proper(self, role: str, name: str, case: Case) -> str:
        for who in ACTORS:
            if self.holds(role, who, name, case):
                return who
        return "anonymous"


def _footprint(pk):
    """State and counters of the case, and the global audit, outbox and history counts."""
    return (
        *Case.objects.values_list("state", "audit_count").get(pk=pk),
        TransitionEntry.objects.count(),
        OutboxEvent.objects.count(),
        Case.history.model.objects.count(),
    )


# Slow (a hypothesis property): `make test-fast` leaves it out; `make test` and CI run it.
@pytest.mark.slow
class TestLifecycleProperty(TestCase):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def test_random_attempts_keep_the_invariants(self, data):
        world = World()
        few_signatures(world)
        actors = Actors(world)
        kinds = data.draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=2), label="kinds")
        pks = []
        for kind in kinds:
            case = world.new_case(kind)
            sign_for_filing(world, case)
            pks.append(case.pk)
        # Entries written before the walk (a petition's signatures are audited too).
        accepted = {
            pk: list(TransitionEntry.objects.filter(case_id=pk).values_list("transition", flat=True))
            for pk in pks
        }
        outbox_base = {
            pk: OutboxEvent.objects.filter(subject_id=pk).count() - len(accepted[pk]) for pk in pks
        }
        expected_state = {pk: "draft" for pk in pks}

        for _step in range(data.draw(st.integers(min_value=1, max_value=30), label="steps")):
            pk = data.draw(st.sampled_from(pks), label="case")
            case = Case.objects.get(pk=pk)
            possible = [n for n in lifecycle.TRANSITIONS if edge_for(n, case.state, case.kind)]
            if (
                possible
                and data.draw(st.sampled_from(["guided", "guided", "random"]), label="mode") == "guided"
            ):
                # Lean towards edges that keep the case open, so examples reach the deep states.
                onward = [
                    n for n in possible if edge_for(n, case.state, case.kind).target not in CLOSED_STATES
                ]
                name = data.draw(st.sampled_from(possible + onward * 6), label="name")
                role = data.draw(
                    st.sampled_from(sorted(edge_for(name, case.state, case.kind).roles)), label="role"
                )
                who = actors.proper(role, name, case)
                if data.draw(st.integers(0, 4), label="stranger") == 0:
                    who = data.draw(st.sampled_from(ACTORS), label="who")
            else:
                name = data.draw(st.sampled_from(list(lifecycle.TRANSITIONS)), label="name")
                who = data.draw(st.sampled_from(ACTORS), label="who")
            payload_kind = data.draw(
                st.sampled_from(["valid", "valid", "valid", "garbage", "mixed"]), label="payload"
            )
            payload = world.payload_for(name)
            if payload_kind == "garbage":
                payload = data.draw(GARBAGE, label="garbage")
            elif payload_kind == "mixed":
                payload = {**payload, **data.draw(GARBAGE, label="garbage")}

            allowed = actors.allowed(name, who, case)
            if (
                name == "refer_to_committee"
                and case.kind == "petition"
                and case.state == S.UNDER_REVIEW
                and allowed
                and payload_kind == "valid"
            ):
                # OL 113-14 art. 125 §2-3: the bureau's checklist, complete and met, comes first.
                world.check_admissible(case)
            before = _footprint(pk)
            try:
                result = services.case_transition(actor=actors.users[who], case=case, name=name, data=payload)
            except errors.DomainError as exc:
                assert _footprint(pk) == before, (
                    f"{name} by {who} was refused ({exc.code}) but wrote something"
                )
                if not allowed:
                    assert type(exc) is actors.refusal(name, who, case), (name, who, case.state, exc)
                assert payload_kind != "valid" or not allowed, (
                    f"{name} by {who} from {case.state} refused: {exc!r}"
                )
                continue

            assert allowed, (
                f"{name} by {who} from {case.state} ({case.kind}) was accepted against docs/domain.md §3.2"
            )
            target = edge_for(name, case.state, case.kind).target
            assert result.state == target
            state, audit_count, entries, outbox, history = _footprint(pk)
            assert state == target
            assert audit_count == before[1] + 1
            # Exactly one audit entry, one outbox row and one history row, all for this case.
            assert (entries, outbox, history) == (before[2] + 1, before[3] + 1, before[4] + 1)
            assert TransitionEntry.objects.filter(case_id=pk, seq=audit_count, transition=name).exists()
            accepted[pk].append(name)
            expected_state[pk] = target

        for pk in pks:
            case = Case.objects.get(pk=pk)
            assert case.state in S.ALL_STATES
            assert case.state in reachable_states(case.kind)
            assert case.state == expected_state[pk]
            entries = list(TransitionEntry.objects.filter(case_id=pk).order_by("seq"))
            assert [e.transition for e in entries] == accepted[pk]
            assert case.audit_count == len(accepted[pk])
            assert OutboxEvent.objects.filter(subject_id=pk).count() == outbox_base[pk] + len(accepted[pk])
            subject = Subject(
                id=pk,
                label=case.reference,
                head=case.audit_head,
                count=case.audit_count,
                state=case.state,
                initial_state="draft",
            )
            assert verify_chain(subject, entries) is None
            event(f"final state: {case.state}")
        verify_audit()

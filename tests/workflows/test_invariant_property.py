"""After any mix of API transitions and task take / release / completion, the desk invariant holds."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework.test import APIClient

from cases import lifecycle, services
from core import errors
from tests.api.helpers import assert_error
from tests.factories import World
from workflows import services as desk_services
from workflows.desk import active_tasks
from workflows.invariant import violations

# The refusals a transition request can meet, by status (core.errors and workflows.desk).
REFUSALS = {
    400: {"guard_failed", "invalid"},
    403: {"forbidden"},
    404: {"not_found", "unknown_transition"},
    409: {"invalid_transition", "conflict", "task_taken"},  # task_taken: workflows.desk.TaskTaken
}
ROLES = ["citizen", "bureau", "committee", "secretariat", "president", "service", "intake"]
ACTIONS = st.tuples(
    st.sampled_from(["api", "take_then_complete", "take", "release"]),
    st.sampled_from(list(lifecycle.TRANSITIONS)),
    st.sampled_from(ROLES),
)


# Slow (a hypothesis property): `make test-fast` leaves it out; `make test` and CI run it.
@pytest.mark.slow
class DeskInvariantTest(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        kind=st.sampled_from(["petition", "proposal", "advisory_opinion", "children_recommendation"]),
        steps=st.lists(ACTIONS, max_size=14),
    )
    def test_invariant_holds(self, kind, steps):
        world = World()
        case = world.new_case(kind)
        if kind == "petition":
            world.sign(case, case.collectivity.petition_min_signatures)
        case = services.case_transition(actor=world.filer_for(kind), case=case, name="submit")
        api = APIClient()
        for how, name, role in steps:
            user = world[role]
            if how == "api":
                api.force_authenticate(user)
                response = api.post(
                    f"/api/v1/cases/{case.reference}/transitions/{name}/",
                    world.payload_for(name),
                    format="json",
                )
                # Which answer a random step gets depends on the walk so far (state, task holder),
                # which this property does not model (tests/cases/services/test_lifecycle_property.py
                # has the oracle for transitions); what it checks is that a refusal is one of the
                # typed errors, with the status and error code that belong together.
                if response.status_code != 200:
                    assert response.status_code in REFUSALS, response.content
                    error = assert_error(response, response.status_code)
                    assert error["error"] in REFUSALS[response.status_code], error
                api.force_authenticate(None)
            else:
                task = active_tasks(case.pk).first()
                try:
                    if how in ("take", "take_then_complete") and task is not None:
                        desk_services.task_take(user=user, task_id=task.pk)
                    if how == "release" and task is not None:
                        desk_services.task_release(user=user, task_id=task.pk)
                    if how == "take_then_complete":
                        services.case_transition(
                            actor=user, case=case.reference, name=name, data=world.payload_for(name)
                        )
                except errors.DomainError:
                    pass
            assert list(violations([case.pk])) == []

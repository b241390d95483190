"""After any mix of API transitions and task take / release / completion, the desk invariant holds."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework.test import APIClient

from cases import lifecycle, services
from core import errors
from tests.factories import World
from workflows import services as desk_services
from workflows.desk import active_tasks
from workflows.invariant import violations

ROLES = ["citizen", "bureau", "committee", "secretariat", "president", "service", "intake"]
ACTIONS = st.tuples(
    st.sampled_from(["api", "take_then_complete", "take", "release"]),
    st.sampled_from(list(lifecycle.TRANSITIONS)),
    st.sampled_from(ROLES),
)


class DeskInvariantTest(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(kind=st.sampled_from(["petition", "proposal", "advisory_opinion"]), steps=st.lists(ACTIONS, max_size=14))
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
                    f"/api/v1/cases/{case.reference}/transitions/{name}/", world.payload_for(name), format="json"
                )
                assert response.status_code in (200, 400, 403, 404, 409), response.content
                api.force_authenticate(None)
            else:
                task = active_tasks(case.pk).first()
                try:
                    if how in ("take", "take_then_complete") and task is not None:
                        desk_services.task_take(user=user, task_id=task.pk)
                    if how == "release" and task is not None:
                        desk_services.task_release(user=user, task_id=task.pk)
                    if how == "take_then_complete":
                        services.case_transition(actor=user, case=case.reference, name=name, data=world.payload_for(name))
                except errors.DomainError:
                    pass
            assert list(violations([case.pk])) == []

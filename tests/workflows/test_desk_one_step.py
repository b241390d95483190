"""The desk in one step (workflows/desk.py, issue 14): the rows it writes are the rows viewflow's own
activations wrote before (the reference below is the former desk, through `task.activation()` and the
flow's Switch), for every path of every kind and for random walks; and a transition's statements are
pinned so that the desk, the clock, the lock and the history row cannot grow again."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases import hooks, lifecycle, services
from cases import states as S
from cases.committee_selectors import FILE_STATES
from core import errors
from core.prepared import flush_writes
from tests.factories import World
from tests.workflows.test_flow_paths import KINDS, PATHS, _path
from workflows import desk
from workflows import services as desk_services
from workflows.desk import active_tasks
from workflows.flows import flow_for
from workflows.invariant import violations
from workflows.models import CaseProcess


# The former desk, through viewflow's activation machinery: the reference the one step must equal.
def _reference_listener(event) -> None:
    # Viewflow's activations read the case back: the transition's queued writes go first.
    flush_writes()
    case = event.case
    if event.from_state == S.DRAFT:
        flow_for(case.kind).start.run(case=case)
        return
    tasks = list(active_tasks(case.pk))
    if not tasks:
        flow_for(case.kind).start.run(case=case)
        return
    for task in tasks:
        actor, at = event.actor, event.at
        with task.activation() as activation:
            if task.status == STATUS.NEW or (actor is not None and task.owner_id != actor.pk):
                task.owner = actor if getattr(actor, "is_authenticated", False) else None
                task.status = STATUS.ASSIGNED
                task.assigned = at
                task.save(update_fields=["owner", "status", "assigned"])
            if task.status == STATUS.ASSIGNED:
                activation.start(None)
            activation.execute()


_reference_listener.check = desk.check


@pytest.fixture
def reference_desk():
    """Swap the one-step desk for the reference while the block runs."""
    import contextlib

    @contextlib.contextmanager
    def swap():
        saved = list(hooks._listeners)
        hooks._listeners[:] = [
            _reference_listener if fn is desk.desk_after_transition else fn for fn in saved
        ]
        try:
            yield
        finally:
            hooks._listeners[:] = saved

    return swap


def desk_record(case_id: int) -> dict:
    """What the desk wrote for a case, without ids and times: the process's status, then each task
    in order with its node, type, status, group, owner and the nodes it follows."""
    process = CaseProcess.objects.get(
        artifact_object_id=case_id, artifact_content_type=desk.case_content_type()
    )
    tasks = list(Task.objects.filter(process=process).order_by("id").prefetch_related("previous"))
    return {
        "process": process.status,
        "finished": process.finished is not None,
        "tasks": [
            (
                t.flow_task.name,
                t.flow_task_type,
                t.status,
                t.owner_permission,
                t.owner_id,
                sorted(p.flow_task.name for p in t.previous.all()),
                t.finished is not None,
            )
            for t in tasks
        ],
    }


def walk(world, kind, steps):
    case = world.new_case(kind)
    if kind == "petition":
        world.sign(case, case.collectivity.petition_min_signatures)
    for name in steps:
        if name == "refer_to_committee" and kind == "petition":
            world.check_admissible(case)  # the referral guard of OL 113-14 art. 125 §2-3
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
        assert list(violations([case.pk])) == [], (kind, name)
    return case


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path_name", list(PATHS))
def test_one_step_desk_writes_what_viewflow_wrote(world, reference_desk, kind, path_name):
    steps = _path(kind, path_name)
    if steps is None:
        pytest.skip("opinions skip admissibility")
    one_step = walk(world, kind, steps)
    with reference_desk():
        reference = walk(world, kind, steps)
    assert one_step.state == reference.state
    assert desk_record(one_step.pk) == desk_record(reference.pk)


def test_the_submitter_is_assigned_the_file_to_complete(world, reference_desk):
    steps = ["submit", "start_review", "request_information"]
    case = walk(world, "proposal", steps)
    task = active_tasks(case.pk).get()
    assert task.flow_task.name == "complete_file"
    assert (task.status, task.owner_id) == (STATUS.ASSIGNED, case.submitter_id)
    with reference_desk():
        reference = walk(world, "proposal", steps)
    assert desk_record(case.pk) == desk_record(reference.pk)


def test_a_taken_task_completed_by_its_holder_keeps_its_dates(world):
    case = world.case_in("submitted", "proposal")
    task = active_tasks(case.pk).get()
    desk_services.task_take(user=world["bureau"], task_id=task.pk)
    taken = Task.objects.get(pk=task.pk)
    services.case_transition(actor=world["bureau"], case=case.reference, name="start_review")
    done = Task.objects.get(pk=task.pk)
    assert (done.status, done.owner_id) == (STATUS.DONE, world["bureau"].pk)
    assert done.assigned == taken.assigned
    assert done.finished is not None and done.started is not None


def test_a_case_without_a_process_gets_one_at_its_state(world):
    """A case filed before the desk existed: its next transition opens the process at the new state."""
    case = world.case_in("submitted", "proposal")
    CaseProcess.objects.filter(artifact_object_id=case.pk).delete()
    case = services.case_transition(actor=world["bureau"], case=case.reference, name="start_review")
    assert active_tasks(case.pk).get().flow_task.name == "review"
    assert list(violations([case.pk])) == []


# Pinned statements -----------------------------------------------------------------------------

IMPLEMENTED = PATHS["implemented"]
# Every statement of a transition on SQLite and PostgreSQL, savepoints included; the first filing
# also creates the process. Lowering a figure is welcome; raising one needs a reason.
MAX_QUERIES = 16


def _statements(ctx, pattern: str) -> list[str]:
    """Every statement, those sent together in one round trip (core/prepared.py) counted apart."""
    return [
        sql
        for q in ctx.captured_queries
        for sql in q["sql"].split(";\n")
        if re.search(pattern, sql, re.IGNORECASE)
    ]


def _round_trip_of(ctx, pattern: str) -> list[str]:
    """The statements sent in the one round trip holding `pattern`."""
    trips = [
        q["sql"].split(";\n") for q in ctx.captured_queries if re.search(pattern, q["sql"], re.IGNORECASE)
    ]
    assert len(trips) == 1, trips
    return trips[0]


def test_a_transition_costs_a_pinned_number_of_statements(world, django_assert_max_num_queries):
    case = world.new_case("proposal")
    for name in IMPLEMENTED:
        actor, data = world.actor_for(name, case), world.payload_for(name)
        with django_assert_max_num_queries(MAX_QUERIES):
            case = services.case_transition(actor=actor, case=case, name=name, data=data)
    assert case.state == S.IMPLEMENTED


@pytest.mark.parametrize("name", IMPLEMENTED[1:])
def test_the_desk_clock_lock_and_history_cost_one_statement_each_at_most(world, name):
    path = IMPLEMENTED[: IMPLEMENTED.index(name)]
    case = world.new_case("proposal")
    for step in path:
        case = services.case_transition(
            actor=world.actor_for(step, case), case=case, name=step, data=world.payload_for(step)
        )
    from_state = case.state
    with CaptureQueriesContext(connection) as ctx:
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
    # Leaving the committee stages (the decision here) lapses the opinions still asked: one statement
    # in the write round trip on PostgreSQL (the UPDATE and its history rows), two elsewhere; no
    # other transition touches the referrals (docs/domain.md §3.6).
    lapses = from_state in FILE_STATES and case.state not in FILE_STATES
    referral_writes = _statements(
        ctx, r'^(INSERT INTO|UPDATE|WITH \w+ AS \(UPDATE) "cases_(historical)?committeereferral"'
    )
    # The lead committee's referral is opened and closed by its own steps (an INSERT or a save).
    if name not in ("refer_to_committee", "report", "defer"):
        expected = (1 if connection.vendor == "postgresql" else 2) if lapses else 0
        assert len(referral_writes) == expected, referral_writes
    desk_reads = _statements(ctx, r'^SELECT .* FROM "viewflow_')
    desk_writes = _statements(ctx, r'^(INSERT INTO|UPDATE) "viewflow_')
    closing = case.state in S.CLOSED_STATES
    assert len(desk_reads) == 1, desk_reads  # the active task, read once by the check
    # Close the task, write the route and the next task, link them (and end the process): one
    # statement on PostgreSQL, three or four elsewhere.
    if connection.vendor == "postgresql":
        assert len(_statements(ctx, r'^WITH done AS \(UPDATE "viewflow_task"')) == 1
        assert desk_writes == []
    else:
        assert len(desk_writes) == 3 + closing, desk_writes
    # The case is read once, by the lock (FOR UPDATE on PostgreSQL; SQLite queues the writers).
    by_id = r"^SELECT .* FROM \"cases_case\" .*WHERE \"cases_case\".\"id\" = " + str(case.pk) + r"\b"  # noqa: S608
    assert len(_statements(ctx, by_id)) == 1, "the case was read again"
    assert len(_statements(ctx, r"FOR UPDATE")) == (1 if connection.vendor == "postgresql" else 0)
    assert len(_statements(ctx, r'INSERT INTO "cases_historicalcase"')) == 1
    assert len(_statements(ctx, r'"clocks_(deadlinerule|holidayoverride)"')) <= 1
    if connection.vendor == "postgresql":
        # The lock brings the active task in the same round trip; the case's UPDATE and the rows
        # nothing reads back before commit (audit entry, history row, desk, outbox row) travel
        # together at the end.
        lock_trip = _round_trip_of(ctx, r"FOR UPDATE")
        assert [bool(re.search(r'FROM "viewflow_task"', sql)) for sql in lock_trip] == [False, True]
        writes = _round_trip_of(ctx, r'WITH done AS \(UPDATE "viewflow_task"')
        tables = sorted(
            re.match(r'^(?:INSERT INTO|UPDATE|WITH \w+ AS \(UPDATE) "(\w+)"', sql).group(1) for sql in writes
        )
        assert tables == sorted(
            [
                "audit_transitionentry", "cases_case", "cases_historicalcase", "viewflow_task",
                "notifications_outboxevent",
            ]
            + (["cases_committeereferral"] if lapses else [])
        ), tables  # fmt: skip


def test_deadline_rules_are_read_once_then_from_the_cache(world):
    case = world.case_in("under_review", "proposal")
    with CaptureQueriesContext(connection) as ctx:
        services.case_transition(
            actor=world["bureau"], case=case.reference, name="refer_to_committee",
            data=world.payload_for("refer_to_committee"),
        )  # fmt: skip
    assert not _statements(ctx, r'"clocks_deadlinerule"')


# Random walks ----------------------------------------------------------------------------------

ROLES = ["citizen", "bureau", "committee", "secretariat", "president", "service", "intake"]
ACTIONS = st.tuples(
    st.sampled_from(["transition", "take_then_transition", "release"]),
    st.sampled_from(list(lifecycle.TRANSITIONS)),
    st.sampled_from(ROLES),
)


def _play(world, kind, steps) -> int:
    case = world.new_case(kind)
    if kind == "petition":
        world.sign(case, case.collectivity.petition_min_signatures)
    case = services.case_transition(actor=world.filer_for(kind), case=case, name="submit")
    for how, name, role in steps:
        user = world[role]
        task = active_tasks(case.pk).first()
        try:
            if how == "take_then_transition" and task is not None:
                desk_services.task_take(user=user, task_id=task.pk)
            if how == "release" and task is not None:
                desk_services.task_release(user=user, task_id=task.pk)
                continue
            case = services.case_transition(
                actor=user, case=case.reference, name=name, data=world.payload_for(name)
            )
        except errors.DomainError:
            pass
        assert list(violations([case.pk])) == []
    return case.pk


# Slow (a hypothesis property): `make test-fast` leaves it out; `make test` and CI run it.
@pytest.mark.slow
class OneStepDeskPropertyTest(TestCase):
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        kind=st.sampled_from(["petition", "proposal", "advisory_opinion", "children_recommendation"]),
        steps=st.lists(ACTIONS, max_size=12),
    )
    def test_random_walks_hold_the_invariant_and_match_viewflow(self, kind, steps):
        world = World()
        one_step = _play(world, kind, steps)
        saved = list(hooks._listeners)
        hooks._listeners[:] = [
            _reference_listener if fn is desk.desk_after_transition else fn for fn in saved
        ]
        try:
            reference = _play(world, kind, steps)
        finally:
            hooks._listeners[:] = saved
        assert desk_record(one_step) == desk_record(reference)

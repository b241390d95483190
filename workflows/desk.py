"""The desk follows the case: each accepted transition completes the case's active task and opens the
task of the new state, in the transition's own transaction (one path, whatever the entry point).

The flow's graph (workflows/flows.py) says which task stands for which state; the desk writes the
rows the flow would write in one step, from the case it is handed, without re-reading the case
(docs/architecture.md, "The desk in one step"): one UPDATE closes the active task, one INSERT writes
the route's record and the next task (or the end), one INSERT links them (viewflow's `previous`),
and a closing transition marks the process done. The rows are viewflow's own: its inbox, task
views, take and release keep working on them, and workflows/invariant.py checks the result.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import F, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from cases import states as S
from cases.models import Case
from core.errors import ConcurrentUpdate
from core.prepared import PreparedQuery, execute_write
from workflows.flows import STEPS, expected_step, flow_for, owner_permission_for
from workflows.models import CaseProcess

ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# Where check() leaves the case's active tasks for desk_after_transition: both run under the case's
# row lock, inside one transaction, so what check() read is still what is active.
_TASKS_ATTR = "_desk_active_tasks"


class TaskTaken(ConcurrentUpdate):
    code = "task_taken"


def case_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Case)


def active_tasks(case_id: int):
    """The case's active tasks, as a queryset (the inbox, the services, the tests)."""
    return Task.objects.filter(
        process__artifact_content_type=case_content_type(),
        process__artifact_object_id=case_id,
        flow_task_type="HUMAN",
        status__in=ACTIVE,
    ).select_related("process", "owner")


# What check() reads on every transition, compiled once (core/prepared.py): the active tasks with
# their process; a task's owner is read only to name who holds it in a refusal.
_ACTIVE = PreparedQuery(
    lambda content_type_id, case_id: Task.objects.filter(
        process__artifact_content_type_id=content_type_id,
        process__artifact_object_id=case_id,
        flow_task_type="HUMAN",
        status__in=ACTIVE,
    ).select_related("process"),
    arity=2,
)


def _active_task_list(case_id: int) -> list[Task]:
    return _ACTIVE.fetch(case_content_type().pk, case_id)


# A transition's lock reads the active tasks in the same round trip (cases.hooks, lock companions),
# right after the row lock is granted; check() takes them from the case instead of reading again.
_PREFETCHED_ATTR = "_desk_prefetched_tasks"


def _prefetch_keys(case_id: int) -> tuple[int, int]:
    return (case_content_type().pk, case_id)


def _attach_prefetched(case, tasks: list[Task]) -> None:
    setattr(case, _PREFETCHED_ATTR, tasks)


LOCK_COMPANION = (_ACTIVE, _prefetch_keys, _attach_prefetched)


def _eligible(user, task) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(task.owner_permission) and user.has_perm(task.owner_permission)


def check(event) -> None:
    """Refuse a transition whose task a colleague has taken (locked); other roles may still act
    (a submitter withdraws, the president abandons)."""
    prefetched = event.case.__dict__.pop(_PREFETCHED_ATTR, None)
    if event.from_state == S.DRAFT:
        return
    tasks = prefetched if prefetched is not None else _active_task_list(event.case.pk)
    setattr(event.case, _TASKS_ATTR, tasks)
    for task in tasks:
        if (
            task.owner_id
            and task.owner_id != getattr(event.actor, "pk", None)
            and _eligible(event.actor, task)
        ):
            raise TaskTaken(
                _("%(user)s has taken this task; ask them to release it first.")
                % {"user": task.owner.get_full_name() or task.owner.get_username()}
            )


def desk_after_transition(event) -> None:
    case: Case = event.case
    tasks = getattr(case, _TASKS_ATTR, None)
    if hasattr(case, _TASKS_ATTR):
        delattr(case, _TASKS_ATTR)
    case.__dict__.pop(_PREFETCHED_ATTR, None)
    if event.from_state == S.DRAFT:
        _start(case, event.at)
        return
    if tasks is None:
        tasks = _active_task_list(case.pk)
    if not tasks:
        # A case filed before the desk existed: open its process now, at its current state.
        _start(case, event.at)
        return
    _advance(case, tasks, event.actor, event.at)


desk_after_transition.check = check


def _actor_pk(actor) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


def _next_tasks(case: Case, flow, at) -> tuple[list[Task], bool]:
    """The route's record and, after it, the task of the case's state, or the end of the flow for a
    closed case; computed from the state the transition left on the case, never read back."""
    route = Task(flow_task=flow.route, flow_task_type=flow.route.task_type, status=STATUS.DONE)
    route.created = route.finished = at
    step = expected_step(case) if case.state not in S.CLOSED_STATES else None
    if step is None:
        end = Task(flow_task=flow.end, flow_task_type=flow.end.task_type, status=STATUS.DONE)
        end.created = end.started = end.finished = at
        return [route, end], True
    node = getattr(flow, step)
    task = Task(
        flow_task=node,
        flow_task_type=node.task_type,
        status=STATUS.NEW,
        created=at,
        owner_permission=owner_permission_for(step, case),
    )
    if STEPS[step][2] == "submitter":  # the submitter completes their own file (flows.py, Assign)
        task.owner_id = case.submitter_id
        if task.owner_id is not None:
            task.status = STATUS.ASSIGNED
    return [route, task], False


def _write(process_id: int, previous: list[int], new: list[Task]) -> None:
    """One INSERT of the new rows, one of their links: each row follows the one before it."""
    for task in new:
        task.process_id = process_id
    Task.objects.bulk_create(new)
    through = Task.previous.through
    links = [through(from_task_id=new[0].pk, to_task_id=pk) for pk in previous]
    links += [through(from_task_id=b.pk, to_task_id=a.pk) for a, b in zip(new, new[1:], strict=False)]
    through.objects.bulk_create(links)


def _start(case: Case, at) -> None:
    """The flow's start: its process, the start's record, the route and the first task."""
    flow = flow_for(case.kind)
    process = CaseProcess.objects.create(
        flow_class=flow, status=PROCESS.NEW, created=at, artifact_content_type=case_content_type(),
        artifact_object_id=case.pk,
    )  # fmt: skip
    start = Task(flow_task=flow.start, flow_task_type=flow.start.task_type, status=STATUS.DONE)
    start.created = start.started = start.finished = at
    new, ended = _next_tasks(case, flow, at)
    _write(process.pk, [], [start, *new])
    if ended:
        _finish(process.pk, at)


def _advance(case: Case, tasks: list[Task], actor, at) -> None:
    """Complete the active task(s) in the acting user's name, then open what the new state needs."""
    actor_pk = _actor_pk(actor)
    process = tasks[0].process
    new, ended = _next_tasks(case, process.flow_class, at)
    if connection.vendor == "postgresql":
        _advance_in_one_statement(process.pk, [t.pk for t in tasks], actor_pk, new, ended, at)
        return
    if actor_pk is None:
        # No one to record (a system action): a taken task keeps its owner.
        owner, assigned = F("owner_id"), Coalesce(F("assigned"), Value(at))
    else:
        # The acting user becomes the owner of record of the task they completed.
        taken = When(owner_id=actor_pk, status__in=(STATUS.ASSIGNED, STATUS.STARTED), then=F("assigned"))
        owner, assigned = Value(actor_pk), SqlCase(taken, default=Value(at))
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(
        status=STATUS.DONE,
        owner_id=owner,
        assigned=assigned,
        started=Coalesce(F("started"), Value(at)),
        finished=at,
    )
    _write(process.pk, [t.pk for t in tasks], new)
    if ended:
        _finish(process.pk, at)


# The columns of a new task, in INSERT order (every concrete field but the key).
_TASK_FIELDS = [f for f in Task._meta.concrete_fields if not f.primary_key]


def _advance_in_one_statement(process_id: int, done: list[int], actor_pk, new: list[Task], ended, at) -> None:
    """PostgreSQL: the same writes as _advance's, in one statement (data-modifying CTEs), so the desk
    costs one round trip: close the task(s), insert the route's record and the next task (or the
    end), link each to the one before (route after the closed tasks, the next task after the
    route), and finish the process of a closed case."""
    qn = connection.ops.quote_name
    task_table, link_table = qn(Task._meta.db_table), qn(Task.previous.through._meta.db_table)
    params: list = []
    if actor_pk is None:
        owner, assigned = "owner_id", "COALESCE(assigned, %s)"
        params += [at]
    else:
        owner = "%s"
        assigned = "CASE WHEN owner_id = %s AND status IN (%s, %s) THEN assigned ELSE %s END"
        params += [actor_pk, actor_pk, STATUS.ASSIGNED, STATUS.STARTED, at]
    params += [at, at, STATUS.DONE, done]
    rows = []
    for task in new:
        task.process_id = process_id
        rows.append("(" + ", ".join(["%s"] * len(_TASK_FIELDS)) + ")")
        params += [f.get_db_prep_save(getattr(task, f.attname), connection) for f in _TASK_FIELDS]
    route = new[0].flow_task_type
    params += [route, route, route]
    finish = ""
    if ended:
        process_table = qn(CaseProcess._meta.db_table)
        finish = f", finished AS (UPDATE {process_table} SET status = %s, finished = %s WHERE id = %s)"  # noqa: S608
        params += [PROCESS.DONE, at, process_id]
    # Identifiers only come from the models' metadata; every value is a parameter.
    sql = (
        f"WITH done AS (UPDATE {task_table} SET owner_id = {owner}, assigned = {assigned}, "  # noqa: S608
        "started = COALESCE(started, %s), finished = %s, status = %s WHERE id = ANY(%s) RETURNING id), "
        f"new AS (INSERT INTO {task_table} ({', '.join(qn(f.column) for f in _TASK_FIELDS)}) "
        f"VALUES {', '.join(rows)} RETURNING id, flow_task_type), "
        f"links AS (INSERT INTO {link_table} (from_task_id, to_task_id) "
        "SELECT r.id, d.id FROM new r CROSS JOIN done d WHERE r.flow_task_type = %s "
        "UNION ALL SELECT n.id, r.id FROM new n CROSS JOIN new r "
        "WHERE r.flow_task_type = %s AND n.flow_task_type <> %s)"
        f"{finish} SELECT 1"
    )
    # Nothing reads these rows back in the transition: they join its write batch (core/prepared.py).
    execute_write(connection, sql, params)


def _finish(process_id: int, at) -> None:
    CaseProcess.objects.filter(pk=process_id).update(status=PROCESS.DONE, finished=at)

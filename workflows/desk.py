"""The desk follows the case: each accepted transition completes the case's active task and the
flow opens the next one, in the transition's own transaction (one path, whatever the entry point)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases import states as S
from cases.models import Case
from core.errors import ConcurrentUpdate
from workflows.flows import flow_for

ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class TaskTaken(ConcurrentUpdate):
    code = "task_taken"


def case_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Case)


def active_tasks(case_id: int):
    return Task.objects.filter(
        process__artifact_content_type=case_content_type(),
        process__artifact_object_id=case_id,
        flow_task_type="HUMAN",
        status__in=ACTIVE,
    ).select_related("process", "owner")


def _eligible(user, task) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(task.owner_permission) and user.has_perm(task.owner_permission)


def check(event) -> None:
    """Refuse a transition whose task a colleague has taken (locked); other roles may still act
    (a submitter withdraws, the president abandons)."""
    if event.from_state == S.DRAFT:
        return
    for task in active_tasks(event.case.pk):
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
    if event.from_state == S.DRAFT:
        _start(case, event.at)
        return
    tasks = list(active_tasks(case.pk))
    if not tasks:
        # A case filed before the desk existed: open its process now, at its current state.
        _start(case, event.at)
        return
    for task in tasks:
        _complete(task, event.actor, event.at)


desk_after_transition.check = check


def _start(case: Case, at) -> None:
    process = flow_for(case.kind).start.run(case=case)
    _stamp_new_tasks(process.pk, at)


def _complete(task: Task, actor, at) -> None:
    with task.activation() as activation:
        if task.status == STATUS.NEW or (actor is not None and task.owner_id != actor.pk):
            # The acting user becomes the owner of record of the task they completed.
            task.owner = actor if getattr(actor, "is_authenticated", False) else None
            task.status = STATUS.ASSIGNED
            task.assigned = at
            task.save(update_fields=["owner", "status", "assigned"])
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
            task.started = task.started or at
        activation.execute()
    Task.objects.filter(pk=task.pk).update(finished=at, started=task.started or at)
    _stamp_new_tasks(task.process_id, at)


def _stamp_new_tasks(process_id: int, at) -> None:
    """Back-dated histories (seed_demo) keep their dates on the desk too."""
    Task.objects.filter(process_id=process_id, status__in=ACTIVE, created__gt=at).update(created=at)
    Task.objects.filter(process_id=process_id, flow_task_type="START", finished__gt=at).update(
        created=at, started=at, finished=at
    )

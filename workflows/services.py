"""Writes of the desk that are not case transitions: taking and releasing a task."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from cases.models import Case
from core.errors import ConcurrentUpdate, NotFound, TransitionNotAllowed
from workflows import selectors
from workflows.desk import TaskTaken


def task_take(*, user, task_id: int):
    """Lock a task for this user, so colleagues see who works on it."""
    task = selectors.task_for_user(user, task_id)
    if task is None:
        raise NotFound(_("No such task in your inbox."))
    try:
        with transaction.atomic():
            _lock_case(task)
            with task.activation() as activation:
                return _take(activation, task, user)
    except FlowLockFailed:
        raise ConcurrentUpdate() from None


def _lock_case(task) -> None:
    """The case row is the one lock every desk write waits on (transitions take it too), so the
    flow's NOWAIT process lock is never contended."""
    Case.objects.select_for_update().filter(pk=task.process.artifact_object_id).exists()


def _take(activation, task, user):
    task.refresh_from_db()
    if task.status != STATUS.NEW:
        if task.owner_id == user.pk:
            return task
        raise TaskTaken(
            _("%(user)s has already taken this task.")
            % {"user": task.owner.get_full_name() or task.owner.get_username()}
        )
    activation.assign(user)
    task.assigned = timezone.now()
    task.save(update_fields=["assigned"])
    return task


def task_release(*, user, task_id: int):
    """Give a taken task back to the group."""
    task = selectors.task_for_user(user, task_id)
    if task is None:
        raise NotFound(_("No such task in your inbox."))
    if task.owner_id != user.pk:
        raise TransitionNotAllowed(_("Only the person who took a task can release it."))
    if task.owner_permission in ("workflows.desk_submitter",):
        raise TransitionNotAllowed(_("This task is yours alone: it cannot be released."))
    try:
        with transaction.atomic():
            _lock_case(task)
            with task.activation() as activation:
                task.refresh_from_db()
                if task.status != STATUS.ASSIGNED or task.owner_id != user.pk:
                    raise ConcurrentUpdate()
                activation.unassign()
    except FlowLockFailed:
        raise ConcurrentUpdate() from None
    return task

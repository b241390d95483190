"""Reads of the desk: inbox, counts and archive, with a query count independent of the rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases import states as S
from cases.models import Case
from organisation.models import Collectivity
from workflows.desk import ACTIVE, case_content_type
from workflows.flows import STEPS

PERM = "workflows."


def _visible_cases(user, permission: str) -> Q:
    """Cases whose tasks of `permission` this user works, as a condition on the task's case (read
    through the process's case, the join the inbox makes anyway): committees and services are scoped."""
    cases = user.collectivity_q("process__case__collectivity_id")
    if permission == "desk_committee":
        cases &= Q(process__case__committee__in=user.committees.all())
    elif permission == "desk_service":
        # A case adopted without a named service waits for any service to plan it.
        cases &= Q(process__case__service__in=user.services.all()) | Q(
            process__case__state=S.ADOPTED, process__case__service__isnull=True
        )
    elif permission == "desk_submitter":
        cases &= Q(pk__in=[])  # submitters see the tasks assigned to them, below
    return cases


def _desk_permissions(user) -> set[str]:
    return {p.split(".", 1)[1] for p in user.get_all_permissions() if p.startswith(PERM)}


def _scope(user, perms: set[str]) -> Q:
    scope = Q(owner=user)
    if user.is_superuser:
        return Q()
    for permission in sorted(perms):
        scope |= Q(owner_permission=PERM + permission) & _visible_cases(user, permission)
    return scope


def _active_base(user) -> QuerySet[Task]:
    perms = _desk_permissions(user)
    qs = Task.objects.filter(
        process__artifact_content_type=case_content_type(),
        flow_task_type="HUMAN",
        status__in=ACTIVE,
    ).filter(_scope(user, perms))
    # Where the user acts, and on a collectivity's own site that one only (a superuser too).
    ids = user.listed_collectivity_ids()
    if ids is not None and (user.is_superuser or "desk_submitter" not in perms):
        # A commune's desk must not pay for the other collectivities of the installation
        # (docs/architecture.md, "Several collectivities"): the collectivity inside the OR above
        # cannot drive the plan, so PostgreSQL read every open task of the installation. The same
        # restriction as a semi-join on the processes of the collectivity's cases starts from those
        # cases (index) instead. Staff only: a submitter owns the tasks of their own cases, wherever.
        qs = qs.filter(
            process__artifact_object_id__in=Case.objects.filter(collectivity_id__in=sorted(ids)).values("id")
        )
    return qs


def _overdue_q(now: datetime.datetime, prefix: str = "") -> Q:
    """Petitions past their legal deadline while still before a ruling (OL 113-14 art. 125).

    The deadline's months are a per-collectivity setting: one clause per distinct figure among the
    collectivities (a handful), never one per case."""
    months_in_force = (
        Collectivity.objects.order_by().values_list("rejection_notice_months", flat=True).distinct()
    )
    late = Q(pk__in=[])
    for months in sorted(months_in_force):
        late |= Q(
            **{
                f"{prefix}collectivity__rejection_notice_months": months,
                f"{prefix}submitted_at__lt": now - relativedelta(months=months),
            }
        )
    return (
        Q(
            **{
                f"{prefix}kind": Case.Kind.PETITION,
                f"{prefix}state__in": [S.SUBMITTED, S.UNDER_REVIEW, S.AWAITING_INFORMATION],
            }
        )
        & late
    )


def _stage_overdue_q(prefix: str = "") -> Q:
    """Open and past the current deadline stored on the case (cases.selectors.overdue_q, the figure
    the public tracking page shows: docs/domain.md §6), read through the task's case."""
    return Q(
        **{
            f"{prefix}state__in": list(S.OPEN_STATES),
            f"{prefix}deadline_on__lt": timezone.localdate(),
        }
    )


@dataclass
class InboxRow:
    task: Task
    case: Case
    step: str
    step_label: str
    waiting_days: int
    due: datetime.date | None
    overdue: bool
    late_days: int
    taken_by_me: bool
    taken_by_other: bool


# The case columns a row shows, read in the tasks' own query through the process's case (one join).
_CASE_COLUMNS = (
    "id",
    "reference",
    "title",
    "kind",
    "state",
    "submitted_at",
    "legal_deadline_on",
    "deadline_on",
    "collectivity_id",
)


def _with_case(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("process", "owner").annotate(
        **{f"inbox_case_{name}": F(f"process__case__{name}") for name in _CASE_COLUMNS},
        inbox_case_months=F("process__case__collectivity__rejection_notice_months"),
    )


def inbox(
    user,
    *,
    kind: str | None = None,
    committee: int | None = None,
    step: str | None = None,
    overdue: bool = False,
):
    """The active tasks of the user's groups, overdue first, then oldest first."""
    now = timezone.now()
    qs = _active_base(user)
    if kind:
        qs = qs.filter(process__artifact_object_id__in=Case.objects.filter(kind=kind).values("id"))
    if committee:
        qs = qs.filter(
            process__artifact_object_id__in=Case.objects.filter(committee_id=committee).values("id")
        )
    if step:
        qs = qs.filter(flow_task__endswith=f".{step}")
    overdue_only = overdue
    overdue = ExpressionWrapper(
        _overdue_q(now, prefix="process__case__") | _stage_overdue_q(prefix="process__case__"),
        output_field=BooleanField(),
    )
    qs = _with_case(qs).annotate(is_overdue=overdue)
    if overdue_only:
        qs = qs.filter(is_overdue=True)
    return qs.order_by("-is_overdue", "created", "id")


def inbox_late_count(user) -> int:
    """How many of the user's active tasks are on a case past its deadline (one query)."""
    now = timezone.now()
    late = _overdue_q(now, prefix="process__case__") | _stage_overdue_q(prefix="process__case__")
    return _active_base(user).filter(late).count()


def _row_case(task: Task) -> Case | None:
    values = {name: getattr(task, f"inbox_case_{name}", None) for name in _CASE_COLUMNS}
    if values["id"] is None:
        return None
    collectivity = Collectivity(pk=values["collectivity_id"], rejection_notice_months=task.inbox_case_months)
    case = Case(**values)
    case.collectivity = collectivity
    return case


def inbox_rows(tasks) -> list[InboxRow]:
    """Materialise one page of tasks with their cases: the page's own query, whatever its size."""
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for task in tasks:
        case = _row_case(task)
        if case is None:
            continue
        step = task.flow_task.name if task.flow_task else ""
        # The current deadline (the stage's, or the petition's legal one if sooner: docs/domain.md
        # §6), the one the public tracking page shows; the legal deadline when none is stored.
        legal = (
            case.legal_deadline
            if case.state in (S.SUBMITTED, S.UNDER_REVIEW, S.AWAITING_INFORMATION)
            else None
        )
        candidates = [d for d in (case.deadline_on if case.state in S.OPEN_STATES else None, legal) if d]
        due = min(candidates) if candidates else None
        late_days = (today - due).days if due and due < today else 0
        rows.append(
            InboxRow(
                task=task,
                case=case,
                step=step,
                step_label=str(STEPS[step][3]) if step in STEPS else step,
                waiting_days=max(0, (now - task.created).days),
                due=due,
                overdue=bool(getattr(task, "is_overdue", False)) or late_days > 0,
                late_days=late_days,
                taken_by_me=task.owner_id == getattr(task, "_viewer_id", None),
                taken_by_other=False,
            )
        )
    return rows


def inbox_counts(user) -> dict:
    """Active tasks per kind, step and committee for the filter bar, in one grouped query over the
    tasks joined to their cases; `groups` keeps the (kind, committee, step, n) rows so that the
    count of a filtered inbox is read from them (inbox_count) instead of counted again."""
    rows = (
        _active_base(user)
        .values_list("process__case__kind", "process__case__committee_id", "flow_task")
        .annotate(n=Count("id"))
        .order_by()
    )
    groups = [
        (kind, committee, str(flow_task).rsplit(".", 1)[-1], n) for kind, committee, flow_task, n in rows
    ]
    by_kind: dict[str, int] = {}
    by_committee: dict[int, int] = {}
    by_step: dict[str, int] = {}
    for kind, committee, step, n in groups:
        by_kind[kind] = by_kind.get(kind, 0) + n
        if committee is not None:
            by_committee[committee] = by_committee.get(committee, 0) + n
        by_step[step] = by_step.get(step, 0) + n
    return {
        "kind": by_kind,
        "committee": by_committee,
        "step": by_step,
        "total": sum(by_kind.values()),
        "groups": groups,
    }


def inbox_count(
    counts: dict, *, kind: str | None = None, committee: int | None = None, step: str | None = None
) -> int:
    """The number of tasks `inbox(user, kind=..., committee=..., step=...)` lists, from inbox_counts."""
    return sum(
        n
        for k, c, s, n in counts["groups"]
        if (not kind or k == kind) and (not committee or c == committee) and (not step or s == step)
    )


def archive(user) -> QuerySet[Task]:
    """Tasks this user completed, newest first."""
    return (
        _with_case(
            Task.objects.filter(
                process__artifact_content_type=case_content_type(),
                flow_task_type="HUMAN",
                owner=user,
                status=STATUS.DONE,
            )
        )
        .annotate(is_overdue=Value(False, output_field=BooleanField()))
        .order_by("-finished", "-id")
    )


def task_for_user(user, task_id: int) -> Task | None:
    """An active task this user may see (for take and release), else None."""
    return _active_base(user).filter(pk=task_id).select_related("process", "owner").first()


def case_tasks(case: Case) -> QuerySet[Task]:
    """Every human task of a case, for the staff timeline (who took and completed what)."""
    return (
        Task.objects.filter(
            process__artifact_content_type=case_content_type(),
            process__artifact_object_id=case.pk,
            flow_task_type="HUMAN",
        )
        .select_related("owner")
        .order_by("created", "id")
    )

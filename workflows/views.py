"""The inbox (docs/domain.md §4): what waits for the user, how long it has waited, take and release."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import committee_selectors, lifecycle
from cases.models import Case
from cases.register_cache import CountedPaginator
from core import roles
from core.errors import DomainError
from organisation.selectors import committee_list
from workflows import selectors, services
from workflows.flows import STEPS


def _desk_user(request):
    groups = request.user.group_names()
    if not (request.user.is_superuser or groups & (roles.STAFF_GROUPS | {roles.CITIZEN, roles.ASSOCIATION})):
        raise PermissionDenied


# Primary keys are bigint: a larger number would overflow the database parameter (a 500).
_MAX_ID = 2**63 - 1


class BadFilter(ValueError):
    pass


def _id_or_none(value):
    """An id of the query string, or None when absent; anything else is a BadFilter (a 400 page)."""
    if value in (None, ""):
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _MAX_ID:
        raise BadFilter(value)
    return int(text)


def _bad_filter(request):
    return render(
        request,
        "errors/error.html",
        {"title": _("Bad request"), "status": 400, "detail": _("This committee filter is not valid.")},
        status=400,
    )


@login_required
def inbox(request):
    _desk_user(request)
    kind = request.GET.get("kind") or None
    if kind not in Case.Kind.values:
        kind = None
    step = request.GET.get("step") or None
    if step not in STEPS:
        step = None
    try:
        committee = _id_or_none(request.GET.get("committee"))
    except BadFilter:
        return _bad_filter(request)
    overdue = request.GET.get("overdue") in ("1", "on", "true")
    counts = selectors.inbox_counts(request.user)
    tasks = selectors.inbox(request.user, kind=kind, committee=committee, step=step, overdue=overdue)
    total = (
        tasks.count()  # late tasks: counted by the filtered query itself
        if overdue
        else selectors.inbox_count(counts, kind=kind, committee=committee, step=step)
    )
    page = CountedPaginator(tasks, 30, count=total).get_page(request.GET.get("page"))
    rows = selectors.inbox_rows(page.object_list)
    for row in rows:
        row.taken_by_me = row.task.owner_id == request.user.pk
        row.taken_by_other = bool(row.task.owner_id) and not row.taken_by_me

    # The committees of the tasks listed: those of every collectivity the inbox covers (one on a
    # collectivity's own site), not only the user's primary one.
    committees = [
        (c, counts["committee"][c.pk])
        for c in committee_list().filter(pk__in=[pk for pk, n in counts["committee"].items() if n])
    ]
    return render(
        request,
        "workflows/inbox.html",
        {
            "page": page,
            "rows": rows,
            "counts": counts,
            "kinds": [(value, label, counts["kind"].get(value, 0)) for value, label in Case.Kind.choices],
            "steps": [
                (name, spec[3], counts["step"].get(name, 0))
                for name, spec in STEPS.items()
                if counts["step"].get(name)
            ],
            "committees": committees,
            "selected": {"kind": kind, "step": step, "committee": committee, "overdue": overdue},
            # Opinions asked of the user's committees are work beside the desk's one task per case
            # (docs/domain.md §3.6): listed apart, with their due dates.
            "opinion_requests": _opinion_rows(request.user),
        },
    )


def _opinion_rows(user) -> list[dict]:
    today = timezone.localdate()
    return [
        {"referral": r, "case": r.case, "overdue": committee_selectors.opinion_is_overdue(r, today)}
        for r in committee_selectors.pending_opinions_for(user)[:100]
    ]


@login_required
def archive(request):
    _desk_user(request)
    page = Paginator(selectors.archive(request.user), 30).get_page(request.GET.get("page"))
    rows = selectors.inbox_rows(page.object_list)
    return render(request, "workflows/archive.html", {"page": page, "rows": rows})


@login_required
@require_POST
def take(request, task_id: int):
    _desk_user(request)
    try:
        task = services.task_take(user=request.user, task_id=task_id)
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect(_back(request), permanent=False) if _back(request) else redirect("workflows:inbox")
    messages.success(request, _("You took the task: colleagues see that you are working on it."))
    case = Case.objects.filter(pk=task.process.artifact_object_id).values_list("reference", flat=True).first()
    if request.POST.get("open") and case:
        return redirect("staff:case", case)
    return redirect(_back(request) or "workflows:inbox")


@login_required
@require_POST
def release(request, task_id: int):
    _desk_user(request)
    try:
        services.task_release(user=request.user, task_id=task_id)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("You released the task: it is back in the group's inbox."))
    return redirect(_back(request) or "workflows:inbox")


def _back(request) -> str | None:

    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


def case_desk_panel(request, case):
    """The desk on the staff case page: every task of the case, who took and completed it, and
    take / release for the active one."""

    tasks = list(selectors.case_tasks(case))
    if not tasks:
        return None

    # The follow-up team is not told who filed: a task waiting on the submitter names no one.
    show_submitter = bool(lifecycle.P.may_see_submitter_identity(request.user, case))
    rows = []
    for task in tasks:
        step = task.flow_task.name if task.flow_task else ""
        rows.append(
            {
                "task": task,
                "label": STEPS[step][3] if step in STEPS else step,
                "active": task.status in ("NEW", "ASSIGNED", "STARTED"),
                "mine": task.owner_id == request.user.pk,
                "show_owner": show_submitter or task.owner_permission != "workflows.desk_submitter",
                "can_take": task.status == "NEW"
                and selectors.task_for_user(request.user, task.pk) is not None,
            }
        )
    return {"template": "workflows/case_panel.html", "rows": rows, "next": request.get_full_path()}


HOME_ROWS = 5


def staff_home_desk(request):
    """The desk's section of the staff home: how many tasks wait in the user's inbox, how many are
    late, and the first ones (overdue first), in three queries whatever the size of the inbox."""
    user = request.user
    counts = selectors.inbox_counts(user)
    tasks = selectors.inbox(user)
    rows = selectors.inbox_rows(tasks[:HOME_ROWS])
    return {
        "template": "workflows/home_section.html",
        "total": counts["total"],
        "late": selectors.inbox_late_count(user),
        "rows": rows,
    }

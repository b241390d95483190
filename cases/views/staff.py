"""Staff pages: the case list, the case page with its transition forms, and the transition POST.

The transition view also serves filers (/cases/<reference>/transition/<name>/): cases.services
decides who may do what; this module only shows the user what the table allows them.
"""

from __future__ import annotations

from functools import wraps

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import files, hooks, lifecycle, selectors, services
from cases import states as S
from cases.forms import (
    CaseFilterForm,
    CorrectionForm,
    LinkOpinionForm,
    MilestoneForm,
    ProgressForm,
    TransitionForm,
    transition_panels,
)
from cases.views.public import render_my_cases
from core import roles
from core.errors import ConcurrentUpdate, DomainError, add_to_form
from organisation import selectors as org_selectors

PAGE_SIZE = 25


def is_staff_user(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user.group_names() & roles.STAFF_GROUPS))


def staff_required(view):
    """Logged in (else the login page) and in a staff group (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def home(request):
    """Where login lands. Staff: the staff home, per role what waits (the inbox, one click away),
    what is late and what is due this week (README: staff home). Filers go to their cases."""
    user = request.user
    if not is_staff_user(user):
        if user.group_names() & roles.FILING_GROUPS:
            return redirect("public:my_cases")
        return redirect("public:home")
    lists = selectors.staff_home_lists(user=user)
    role_names = sorted(str(roles.ROLE_LABELS[g]) for g in user.group_names() if g in roles.ROLE_LABELS)
    return render(
        request,
        "staff/home.html",
        {
            **lists,
            "roles": role_names,
            "sections": hooks.staff_home_sections(request),
            "today": timezone.localdate(),
        },
    )


@staff_required
def case_list(request):
    user = request.user
    collectivity = org_selectors.staff_collectivity(request, user)
    form = CaseFilterForm(
        request.GET or None,
        committees=org_selectors.committee_list(collectivity=collectivity),
        with_draft=True,
        with_overdue=True,
    )
    sort = request.GET.get("sort")
    if sort not in selectors.STAFF_SORTS:
        sort = selectors.STAFF_DEFAULT_SORT
    cases = selectors.case_list_for_staff(user=user, sort=sort, **form.filters())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/case_list.html",
        {"form": form, "page": page, "sort": sort, "sort_links": _sort_links(request, sort)},
    )


def _sort_links(request, current: str) -> dict:
    """A link per sortable column: the other direction when it is the current sort, else its
    natural first direction (days and deadline: most stuck or soonest first)."""
    links = {}
    for column in ("days", "filed", "deadline", "reference"):
        if current == column:
            target = "-" + column
        elif current == "-" + column:
            target = column
        else:
            target = {"filed": "-filed"}.get(column, column)
        query = request.GET.copy()
        query["sort"] = target
        query.pop("page", None)
        descending = current.startswith("-") != (column == "days")  # "days": the most days first
        links[column] = {
            "url": "?" + query.urlencode(),
            "active": current.lstrip("-") == column,
            "aria_sort": "descending" if descending else "ascending",
        }
    return links


def render_case(request, case, *, bound: TransitionForm | None = None, status: int = 200):
    panels = transition_panels(user=request.user, case=case, url_name="staff:transition", bound=bound)
    orphan_errors = []
    if bound is not None and not any(p.failed for p in panels):
        # The transition is no longer offered (the state moved on): say why at the top.
        orphan_errors = [str(m) for msgs in bound.errors.values() for m in msgs]

    user = request.user
    in_implementation = case.state == S.IN_IMPLEMENTATION
    can_progress = in_implementation and lifecycle.P.is_service_of_case(user, case)
    if in_implementation and (case.progress_percent or 0) < 100:
        # Work under way: confirming the implementation is the last thing to do, not the first.
        panels.sort(key=lambda panel: panel.spec.name == "complete")
    show_submitter = bool(lifecycle.P.may_see_submitter_identity(user, case))
    documents = files.documents_for(user=user, case=case)
    timeline = selectors.case_timeline(case=case, private=True, show_submitter=show_submitter)
    files.attach_to_timeline(timeline, documents=documents)
    context = {
        "case": case,
        "late": in_implementation
        and case.planned_end is not None
        and case.planned_end < timezone.localdate(),
        "progress_updates": list(case.progress_updates.select_related("created_by")),
        "milestones": list(case.milestones.all()),
        "progress_form": ProgressForm(initial={"percent": case.progress_percent}) if can_progress else None,
        "milestone_form": MilestoneForm() if can_progress else None,
        "correction_form": CorrectionForm()
        if case.decided_at is not None and lifecycle.P.is_president(user, case)
        else None,
        "link_form": LinkOpinionForm()
        if case.is_opinion
        and case.decided_at is None
        and case.state not in S.CLOSED_STATES
        and (lifecycle.P.is_bureau_member(user, case) or lifecycle.P.is_secretariat(user, case))
        else None,
        "opinion_outcome": getattr(case, "opinion_outcome", None) if case.is_opinion else None,
        "linked_opinions": list(selectors.case_linked_opinions(case)),
        "extra_panels": hooks.case_page_panels(request, case),
        "decision": selectors.case_decision(case),
        "timeline": timeline,
        "show_submitter": show_submitter,
        "linked_cases": selectors.case_linked_cases_public(case),
        "attachments": documents,
        "days_in_state": selectors.days_in_state(case),
        "panels": panels,
        "orphan_errors": orphan_errors,
    }
    return render(request, "staff/case.html", context, status=status)


@staff_required
def case_detail(request, reference: str):
    # Scoping: a case outside this user's list does not exist for them (a committee member sees
    # only their committees' cases).
    case = selectors.case_get_for_staff(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return render_case(request, case)


@login_required
@require_POST
def transition(request, reference: str, name: str):
    spec = lifecycle.TRANSITIONS.get(name)
    case = selectors.case_get(reference=reference)
    # Someone else's draft does not exist for this user, here as on its page and in the API.
    if spec is None or case is None or not selectors.case_visible_to(user=request.user, case=case):
        raise Http404
    from_staff_page = request.resolver_match.namespace == "staff"
    form = TransitionForm(request.POST, request.FILES, spec=spec, case=case)
    if form.is_valid():
        try:
            case = services.case_transition(
                files={"attachment": form.cleaned_data["attachment"]}
                if form.cleaned_data.get("attachment")
                else None,
                actor=request.user,
                case=case.reference,
                name=spec.name,
                data=form.transition_data(),
                expected_state=form.cleaned_data["expected_state"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request,
                _("“%(transition)s” is recorded. The case is now “%(state)s”.")
                % {"transition": spec.label_for(case.kind), "state": S.state_label(case.state, case.kind)},
            )
            return redirect(_after_success(request, case, from_staff_page))
    else:
        status = 400
        posted_state = request.POST.get("expected_state")
        if posted_state and posted_state != case.state:
            # The page was stale: say so rather than list fields the new state may not even ask for.
            add_to_form(form, ConcurrentUpdate())
            status = 409
    return _render_failure(request, reference, form, status, from_staff_page)


def _after_success(request, case, from_staff_page: bool) -> str:
    user = request.user
    if (
        from_staff_page
        and is_staff_user(user)
        and selectors.case_get_for_staff(user=user, reference=case.reference)
    ):
        return reverse("staff:case", kwargs={"reference": case.reference})
    if selectors.case_list_for_submitter(user=user).filter(pk=case.pk).exists():
        return reverse("public:my_cases") + f"#case-{case.reference}"
    if is_staff_user(user):
        return reverse("staff:cases")
    return reverse("public:home")


def _render_failure(request, reference: str, form: TransitionForm, status: int, from_staff_page: bool):
    """Show the page the form came from again, with the form's errors and the case as it is now."""
    user = request.user
    staff_case = selectors.case_get_for_staff(user=user, reference=reference) if is_staff_user(user) else None
    current = staff_case or selectors.case_get(reference=reference)
    if current is None:
        raise Http404
    form.refresh_expected_state(current.state)
    if staff_case is not None and (from_staff_page or not _is_own_case(user, current)):
        return render_case(request, staff_case, bound=form, status=status)
    if _is_own_case(user, current):
        form.case = current
        return render_my_cases(request, bound=form, status=status)
    message = " ".join(str(m) for msgs in form.errors.values() for m in msgs)
    return render(
        request,
        "errors/error.html",
        {"title": _("The action was refused"), "status": status, "detail": message},
        status=status,
    )


def _is_own_case(user, case) -> bool:
    return selectors.case_list_for_submitter(user=user).filter(pk=case.pk).exists()


# Audited actions that are not transitions ------------------------------------------------------


def _action(request, reference: str, form_class, perform, success_message: str):
    """Parse the form, call one service, come back to the case page (errors shown there)."""
    case = selectors.case_get_for_staff(user=request.user, reference=reference)
    if case is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        try:
            perform(case, form)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, success_message)
    else:
        errors = [
            f"{form.fields[n].label if n in form.fields else ''}: {' '.join(m)}".strip(": ")
            for n, m in form.errors.items()
        ]
        messages.error(request, " ".join(errors))
    return redirect("staff:case", reference=case.reference)


@staff_required
@require_POST
def progress(request, reference: str):
    return _action(
        request,
        reference,
        ProgressForm,
        lambda case, form: services.case_progress_add(actor=request.user, case=case, **form.cleaned_data),
        _("The progress update is recorded."),
    )


@staff_required
@require_POST
def milestone(request, reference: str):
    return _action(
        request,
        reference,
        MilestoneForm,
        lambda case, form: services.case_milestone_add(actor=request.user, case=case, **form.cleaned_data),
        _("The milestone is planned."),
    )


@staff_required
@require_POST
def milestone_reach(request, reference: str, milestone_id: int):
    return _action(
        request,
        reference,
        django_forms.Form,
        lambda case, form: services.case_milestone_reach(actor=request.user, milestone_id=milestone_id),
        _("The milestone is marked as reached."),
    )


@staff_required
@require_POST
def correct(request, reference: str):
    return _action(
        request,
        reference,
        CorrectionForm,
        lambda case, form: services.case_correct(
            actor=request.user,
            case=case,
            changes=form.changes(),
            justification=form.cleaned_data["justification"],
        ),
        _("The correction is recorded; the original stays visible in the history."),
    )


@login_required
@require_POST
def link_opinion(request, reference: str):
    """Link an opinion to the case it is about. Not staff-only: the Equality Commission and the
    Children's Council's facilitator link their own opinions (cases.services.case_link_opinion
    decides); they are sent back to "My cases", staff to the case page."""
    user = request.user
    if is_staff_user(user):
        return _action(
            request,
            reference,
            LinkOpinionForm,
            lambda case, form: services.case_link_opinion(
                actor=user, opinion=case, target=form.cleaned_data["related_case"].strip()
            ),
            _("The opinion is linked: the decision on that case must say whether it was followed."),
        )
    case = selectors.case_list_for_submitter(user=user).filter(reference=reference).first()
    if case is None:
        raise Http404
    form = LinkOpinionForm(request.POST)
    if form.is_valid():
        try:
            services.case_link_opinion(
                actor=user, opinion=case, target=form.cleaned_data["related_case"].strip()
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request,
                _("The opinion is linked: the decision on that case must say whether it was followed."),
            )
    else:
        messages.error(request, " ".join(str(m) for msgs in form.errors.values() for m in msgs))
    return redirect(reverse("public:my_cases") + f"#case-{case.reference}")

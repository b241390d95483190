"""Council sessions: the calendar, the agenda (admissible petitions first, OL 113-14 art. 38), a
printable agenda and the decisions recorded item by item."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cases import committee_selectors, selectors
from cases.forms import transition_panels
from core import roles
from core.errors import DomainError, add_to_form
from organisation import selectors as org_selectors
from organisation import services as org_services
from organisation.models import CouncilSession

SESSION_ROLES = frozenset({roles.SECRETARIAT, roles.PRESIDENT, roles.BUREAU, roles.FOLLOWUP})


def _session_user(request):
    if not (request.user.is_superuser or request.user.group_names() & SESSION_ROLES):
        raise PermissionDenied


def _collectivity(request):
    # The request's collectivity (its prefix or host name) when the user acts in it, else theirs.
    return org_selectors.staff_collectivity(request, request.user) or org_selectors.default_collectivity()


class SessionForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=CouncilSession.Kind.choices, initial="extraordinary"
    )
    title_ar = forms.CharField(label=gettext_lazy("Title (Arabic)"), required=False, max_length=200)
    title_fr = forms.CharField(label=gettext_lazy("Title (French)"), required=False, max_length=200)


@login_required
def session_list(request):
    _session_user(request)
    collectivity = _collectivity(request)
    form = SessionForm()
    status = 200
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                session = org_services.session_create(
                    actor=request.user, collectivity=collectivity, **form.cleaned_data
                )
            except DomainError as error:
                add_to_form(form, error)
                status = error.http_status
            else:
                messages.success(request, _("The session is recorded."))
                return redirect("workflows:session", session.pk)
        else:
            status = 400
    sessions = org_selectors.session_list(collectivity=collectivity)
    today = timezone.localdate()
    return render(
        request,
        "workflows/sessions/list.html",
        {
            "upcoming": [s for s in sessions if s.date >= today],
            "past": [s for s in sessions if s.date < today][::-1][:12],
            "next_ordinary": org_selectors.next_ordinary_session(collectivity=collectivity),
            "candidates": selectors.agenda_candidates(collectivity=collectivity)[:50],
            "form": form,
            "can_create": request.user.group_names() & {roles.SECRETARIAT, roles.PRESIDENT},
        },
        status=status,
    )


@require_POST
@login_required
def generate(request):
    _session_user(request)
    if not request.user.group_names() & {roles.SECRETARIAT, roles.PRESIDENT}:
        raise PermissionDenied
    year = timezone.localdate().year
    created = []
    for y in (year, year + 1):
        created += org_services.session_calendar_generate(collectivity=_collectivity(request), year=y)
    messages.success(
        request,
        ngettext(
            "%(n)d ordinary session added to the calendar.",
            "%(n)d ordinary sessions added to the calendar.",
            len(created),
        )
        % {"n": len(created)},
    )
    return redirect("workflows:sessions")


def _session_or_404(request, pk: int) -> CouncilSession:
    session = org_selectors.session_list(collectivity=_collectivity(request)).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


@login_required
def session_detail(request, pk: int):
    _session_user(request)
    session = _session_or_404(request, pk)
    items = list(selectors.session_agenda(session=session))
    # Opinions asked of further committees and not filed: the council is warned, not blocked
    # (docs/domain.md §3.6).
    pending = committee_selectors.pending_opinions_by_case(case.pk for case in items)
    rows = [
        {
            "case": case,
            "mandatory": case.kind == "petition",
            "panels": transition_panels(user=request.user, case=case, url_name="staff:transition"),
            "pending_opinions": pending.get(case.pk, []),
        }
        for case in items
    ]
    candidates = []
    if session.date >= timezone.localdate():
        for case in selectors.agenda_candidates(collectivity=session.collectivity):
            panels = [
                p
                for p in transition_panels(user=request.user, case=case, url_name="staff:transition")
                if p.spec.name == "schedule"
            ]
            for panel in panels:
                panel.form.initial["session"] = session.pk
                panel.form.fields["session"].initial = session.pk
            candidates.append({"case": case, "mandatory": case.kind == "petition", "panels": panels})
    return render(
        request,
        "workflows/sessions/detail.html",
        {
            "session": session,
            "rows": rows,
            "candidates": candidates,
            "next": request.get_full_path(),
            "pending_opinion_items": sum(1 for row in rows if row["pending_opinions"]),
            # OL 113-14 art. 38: admissible petitions that must be on this agenda and are not yet.
            "mandatory_missing": list(selectors.session_mandatory_missing(session=session)),
            "agenda_due": session.date
            - datetime.timedelta(days=session.collectivity.agenda_to_governor_days_before),
        },
    )


@login_required
def session_print(request, pk: int):
    _session_user(request)
    session = _session_or_404(request, pk)
    items = list(selectors.session_agenda(session=session))
    return render(
        request,
        "workflows/sessions/print.html",
        {"session": session, "items": items, "printed_at": timezone.now()},
    )

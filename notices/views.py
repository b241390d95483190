"""Pages of the notices: the staff panel and its two forms, the public notice board and its A3
print (OL 113-14 art. 273)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.api import well_formed_reference
from cases.labels import entry_label
from core.errors import DomainError
from notices import rules, selectors, services
from notices.forms import NotificationForm, PostingForm
from organisation import selectors as org_selectors


def staff_notices_panel(request, case) -> dict | None:
    """The staff case page's panel: each decision with its decision and notification dates, the
    notifications, the posting on the board, and the desk's forms."""
    clocks = selectors.notice_clock_items(case)
    posting = selectors.posting_status(case)
    if not clocks and posting is None:
        return None
    user = request.user
    can_record = bool(services.may_record(user, case))
    return {
        "template": "notices/staff_panel.html",
        "case": case,
        "clocks": clocks,
        "notifications": selectors.notification_items(case=case, user=user),
        "posting": posting,
        "can_record": can_record,
        "form": NotificationForm(initial={"recipient_role": rules.default_recipient_role(case)})
        if can_record and clocks
        else None,
        "posting_form": PostingForm(initial={"posted_on": timezone.localdate()})
        if can_record and posting is not None and not posting["posted"]
        else None,
    }


def _staff_case(request, reference: str):
    case = case_selectors.case_get_for_staff(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return case


def _form_errors(form) -> str:
    return " ".join(str(m) for msgs in form.errors.values() for m in msgs)


@login_required
@require_POST
def record_notification(request, reference: str):
    case = _staff_case(request, reference)
    form = NotificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("staff:case", reference=case.reference)
    data = form.cleaned_data
    try:
        services.case_notification_record(
            actor=request.user,
            case=case.reference,
            recipient_role=data["recipient_role"],
            channel=data["channel"],
            sent_at=data["sent_at"],
            received_at=data.get("received_at"),
            registered_number=data.get("registered_number", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The notification is recorded."))
    return redirect("staff:case", reference=case.reference)


@login_required
@require_POST
def record_posting(request, reference: str):
    case = _staff_case(request, reference)
    form = PostingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("staff:case", reference=case.reference)
    try:
        services.decision_posting_record(
            actor=request.user, case=case.reference, posted_on=form.cleaned_data["posted_on"]
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The posting on the notice board is recorded."))
    return redirect("staff:case", reference=case.reference)


def _year(request) -> int | None:
    raw = request.GET.get("year", "").strip()
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return None


def notice_board(request):
    """The public notice board of the collectivity's decisions (OL 113-14 art. 273)."""
    collectivity = org_selectors.portal_collectivity(request)
    if collectivity is None:
        raise Http404
    year = _year(request)
    rows = selectors.notice_board(collectivity=collectivity, year=year)
    return render(
        request,
        "notices/board.html",
        {"collectivity": collectivity, "rows": rows, "year": year},
    )


def notice_print(request, reference: str):
    """The A3 notice of one decision, printed for the board at the seat."""
    case = case_selectors.case_get_public(reference=reference) if well_formed_reference(reference) else None
    if case is not None and not org_selectors.shown_here(request, case.collectivity_id):
        case = None  # another collectivity's decision is not on this one's site (organisation.tenancy)
    entry = rules.posted_entry(case) if case is not None else None
    if entry is None:
        raise Http404
    return render(
        request,
        "notices/print_a3.html",
        {
            "case": case,
            "decision": case_selectors.case_decision(case),
            "decision_label": entry_label(entry.transition, case.kind),
            "posting": selectors.posting_status(case),
            "collectivity": case.collectivity,
        },
    )

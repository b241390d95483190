"""The committees' part of the staff case page (docs/domain.md §3.6): which committees work on the
case, the bureau's form to ask a further committee for its opinion, and each asked committee's
form to file it. Errors come back to the case page as messages, like the other audited actions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import committee_selectors, selectors
from cases import services as case_services
from cases.models import CommitteeReferral
from cases.services import committees as committee_services
from cases.views.staff import staff_required
from core.errors import DomainError
from organisation import selectors as org_selectors


class AskOpinionForm(forms.Form):
    committee = forms.TypedChoiceField(label=gettext_lazy("Committee"), coerce=int)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        asked = {
            r.committee_id
            for r in CommitteeReferral.objects.filter(
                case=case,
                role=CommitteeReferral.Role.OPINION,
                reported_at__isnull=True,
                lapsed_at__isnull=True,
            )
        }
        self.fields["committee"].choices = [
            (c.pk, c.name)
            for c in org_selectors.committee_list(collectivity=case.collectivity)
            if c.pk != case.committee_id and c.pk not in asked
        ]


class FileOpinionForm(forms.Form):
    report = forms.CharField(
        label=gettext_lazy("The committee's opinion"),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        max_length=committee_services.REPORT_MAX,
    )


def committees_panel(request, case):
    """The panel cases.hooks adds to the staff case page."""
    referrals = committee_selectors.case_committee_referrals(case)
    user = request.user
    ask_form = None
    if case.state in committee_selectors.ASK_STATES and committee_services.may_ask_opinion(user, case):
        ask_form = AskOpinionForm(case=case)
        if not ask_form.fields["committee"].choices:
            ask_form = None
    file_forms = []
    if case.state in committee_selectors.FILE_STATES:
        for referral in referrals:
            if (
                referral.role == CommitteeReferral.Role.OPINION
                and referral.pending
                and committee_services.may_file_opinion(user, case, referral.committee_id)
            ):
                file_forms.append((referral, FileOpinionForm(prefix=f"opinion-{referral.committee_id}")))
    if not referrals and ask_form is None:
        return None
    return {
        "template": "staff/committees_panel.html",
        "referrals": referrals,
        "ask_form": ask_form,
        "file_forms": file_forms,
        "pending": committee_selectors.case_opinions_pending(case),
    }


def _case_or_404(request, reference: str):
    case = selectors.case_get_for_staff(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return case


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[n].label if n in form.fields else ''}: {' '.join(m)}".strip(": ")
        for n, m in form.errors.items()
    )


@staff_required
@require_POST
def ask_opinion(request, reference: str):
    case = _case_or_404(request, reference)
    form = AskOpinionForm(request.POST, case=case)
    # An unknown or already asked committee is the service's to refuse, with its own message.
    committee = request.POST.get("committee")
    if form.is_valid():
        committee = form.cleaned_data["committee"]
    try:
        case_services.case_request_committee_opinion(actor=request.user, case=case, committee=committee)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, _("The committee is asked for its opinion; its members see it in their inbox.")
        )
    return redirect("staff:case", reference=case.reference)


@staff_required
@require_POST
def file_opinion(request, reference: str, committee_id: int):
    case = _case_or_404(request, reference)
    form = FileOpinionForm(request.POST, prefix=f"opinion-{committee_id}")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("staff:case", reference=case.reference)
    try:
        case_services.case_file_committee_opinion(
            actor=request.user, case=case, committee=committee_id, report=form.cleaned_data["report"]
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The committee's opinion is recorded and published with the case."))
    return redirect("staff:case", reference=case.reference)

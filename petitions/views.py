"""Petition pages (OL 113-14 art. 121-125, Decree 2.16.403): public signing, the agent's tools on
"My cases", the bureau's and the desk's signature pages, the admissibility checklist and the receipt.

Views parse input, call one service or selector of petitions / cases.services and render.
Signatories' personal data are shown whole to the bureau only (petitions.signatures.signatures_for_bureau
logs every view); everyone else sees counts or masked numbers (Law 09-08).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cases import files, lifecycle, selectors, services
from cases import selectors as case_selectors
from cases import states as S
from cases.models import Case, CaseAttachment
from cases.views.public import TRACKED_SESSION_KEY
from cases.views.staff import render_case
from core import ratelimit
from core.errors import DomainError, InvalidInput, add_to_form
from organisation import selectors as org_selectors
from organisation.selectors import portal_collectivity
from petitions import admissibility, signatures
from petitions import selectors as petition_selectors
from petitions.forms import (
    AdmissibilityForm,
    InvalidateSignaturesForm,
    PaperSignatureForm,
    PetitionAttachmentForm,
    SignatureCsvForm,
    SigningToggleForm,
    SignPetitionForm,
)
from petitions.models import AdmissibilityCheck

PAGE_SIZE = 25
SIGNATURES_PAGE_SIZE = 200
ADMISSIBILITY_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.AWAITING_INFORMATION)


def _petition_or_404(reference: str) -> Case:
    case = selectors.case_get(reference=reference)
    if case is None or case.kind != Case.Kind.PETITION:
        raise Http404
    return case


# Public: petitions collecting signatures -------------------------------------------------------


def petition_list(request):
    """Citizens' petitions collecting online signatures: title, text and count only."""
    collectivity = portal_collectivity(request)
    qs = petition_selectors.petitions_collecting(collectivity=collectivity)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "petitions/list.html", {"page": page, "collectivity": collectivity})


@never_cache
@require_http_methods(["GET", "POST"])
def petition_sign(request, reference: str):
    """A logged-in citizen with a verified e-mail signs once (OL 113-14 art. 123); the service
    checks the CNIE, duplicates, the confirmation of the link and the rate limits."""
    case = petition_selectors.petition_open_for_signing(reference=reference)
    if case is None:
        raise Http404
    user = request.user
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = SignPetitionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                signatures.signature_sign_online(
                    user=user,
                    case=case.reference,
                    full_name=data["full_name"],
                    cnie=data["cnie"],
                    address=data["address"],
                    link=data["link"],
                    confirm_link=data["confirm_link"],
                    ip=ratelimit.client_ip(request),
                )
            except DomainError as exc:
                add_to_form(form, exc)
                status = exc.http_status
            else:
                messages.success(request, _("Your signature is recorded. Thank you."))
                return redirect("petitions:sign", reference=case.reference)
    signed = user.is_authenticated and petition_selectors.petition_signed_by(case=case, user=user)
    context = {
        "case": case,
        "form": form,
        "signature_count": case.valid_signatures,
        "minimum": case.collectivity.petition_min_signatures,
        "signed": signed,
        "needs_verification": user.is_authenticated and not user.email_verified,
        "verify_url": "/accounts/verify-email/",
    }
    return render(request, "petitions/sign.html", context, status=status)


# The agent ("My cases") --------------------------------------------------------------------------


def _own_petition_or_404(request, reference: str) -> Case:
    case = _petition_or_404(reference)
    if not signatures.is_agent(request.user, case):
        raise Http404
    return case


def _back_to_my_cases(case: Case):
    return redirect(reverse("public:my_cases") + f"#case-{case.reference}")


@login_required
def my_signatures(request, reference: str):
    """The agent sees how many signed and masked CNIE numbers, never names or addresses."""
    case = _own_petition_or_404(request, reference)
    rows = signatures.signatures_for_agent(user=request.user, case=case)
    page = Paginator(rows, SIGNATURES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/my_signatures.html",
        {
            "case": case,
            "page": page,
            "signature_count": case_selectors.case_signature_count(case),
            "minimum": case.collectivity.petition_min_signatures,
            "mask": "•••••",
        },
    )


@login_required
@require_POST
def my_signing(request, reference: str):
    case = _own_petition_or_404(request, reference)
    form = SigningToggleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request is not valid."))
        return _back_to_my_cases(case)
    opening = form.cleaned_data["open"]
    try:
        signatures.petition_signing_set(actor=request.user, case=case.reference, open_=opening)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("The petition is open for online signatures.") if opening else _("Online signing is closed."),
        )
    return _back_to_my_cases(case)


@login_required
@require_POST
def my_attachment(request, reference: str):
    """Decree 2.16.403 art. 3-4: the documents the filer attaches (an association's final receipt,
    statutes and mandate; a citizens' petition's signed lists and CNIE copies)."""
    case = _own_petition_or_404(request, reference)
    form = PetitionAttachmentForm(request.POST, request.FILES, case=case)
    if form.is_valid():
        try:
            services.case_attachment_add(
                actor=request.user,
                case=case.reference,
                purpose=form.cleaned_data["purpose"],
                file=form.cleaned_data["file"],
                name=form.cleaned_data.get("name", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("The document is attached."))
    else:
        messages.error(request, " ".join(str(m) for msgs in form.errors.values() for m in msgs))
    return _back_to_my_cases(case)


# Staff: the signatures of a petition ---------------------------------------------------------------


def _signatures_context(request, case: Case, **extra) -> dict:
    user = request.user
    is_bureau = signatures.can_see_personal_data(user, case)
    is_intake = bool(lifecycle.P.is_intake(user, case))
    if not (is_bureau or is_intake):
        raise PermissionDenied
    if is_bureau and case.state == S.DRAFT:
        if not is_intake:
            raise DraftSignaturesRefused
        is_bureau = False  # also at the desk: the desk's masked view, as for any draft
    context = {
        "case": case,
        "is_bureau": is_bureau,
        "is_intake": is_intake,
        "signature_count": case_selectors.case_signature_count(case),
        "minimum": case.collectivity.petition_min_signatures,
        "purged": case.personal_data_purged_at is not None,
        "collecting": case.state in signatures.SIGNING_STATES and case.association_id is None,
    }
    if is_bureau:
        # Whole numbers, names and addresses: each view is logged (Law 09-08).
        rows = signatures.signatures_for_bureau(user=user, case=case, what="staff_page")
        page = Paginator(rows, SIGNATURES_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["invalidate_form"] = extra.pop("invalidate_form", None) or InvalidateSignaturesForm(
            signature_ids=[row.pk for row in page.object_list]
        )
        context["can_invalidate"] = case.state not in S.CLOSED_STATES
    else:
        rows = signatures.signatures_for_agent(user=user, case=case)
        context["page"] = Paginator(rows, SIGNATURES_PAGE_SIZE).get_page(request.GET.get("page"))
    if is_intake and context["collecting"]:
        context["paper_form"] = extra.pop("paper_form", None) or PaperSignatureForm(
            collectivity=case.collectivity
        )
        context["csv_form"] = extra.pop("csv_form", None) or SignatureCsvForm()
    context.update(extra)
    return context


class DraftSignaturesRefused(Exception):
    """The bureau opened the signatures of a petition still in draft."""


def _render_signatures(request, case: Case, status: int = 200, **extra):
    try:
        context = _signatures_context(request, case, **extra)
    except DraftSignaturesRefused:
        return render(
            request,
            "errors/error.html",
            {"title": _("Access refused"), "status": 403, "detail": signatures.DRAFT_SIGNATURES_REFUSED},
            status=403,
        )
    return render(request, "petitions/staff_signatures.html", context, status=status)


@login_required
def staff_signatures(request, reference: str):
    """The bureau: the full list with bulk invalidation. The desk: paper entry and CSV import,
    masked numbers only. Anyone else: 403."""
    case = _petition_or_404(reference)
    return _render_signatures(request, case)


@login_required
@require_POST
def staff_signatures_invalidate(request, reference: str):
    case = _petition_or_404(reference)
    if not signatures.can_see_personal_data(request.user, case):
        raise PermissionDenied
    if case.state == S.DRAFT:
        return _render_signatures(request, case, status=403)
    raw_ids = [v for v in request.POST.getlist("signatures") if v.isdigit()]
    form = InvalidateSignaturesForm(request.POST, signature_ids=[int(v) for v in raw_ids])
    status = 400
    if form.is_valid():
        try:
            count = signatures.signatures_invalidate(
                actor=request.user,
                case=case.reference,
                signature_ids=list(form.cleaned_data["signatures"]),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            status = exc.http_status
            for name, msgs in exc.field_errors.items():
                for message in msgs:
                    form.add_error(name if name in form.fields else None, message)
            if not exc.field_errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("%(n)d signature(s) invalidated. The reason is recorded in the audit trail.")
                % {"n": count},
            )
            return redirect("staff:signatures", reference=case.reference)
    case.refresh_from_db()
    return _render_signatures(request, case, status=status, invalidate_form=form)


@login_required
@require_POST
def staff_signatures_add(request, reference: str):
    """One signatory from a paper list, typed in at the desk."""
    case = _petition_or_404(reference)
    if not lifecycle.P.is_intake(request.user, case):
        raise PermissionDenied
    form = PaperSignatureForm(request.POST, collectivity=case.collectivity)
    status = 400
    if form.is_valid():
        try:
            result = signatures.signatures_import(actor=request.user, case=case.reference, rows=[form.row()])
        except DomainError as exc:
            add_to_form(form, exc)
            status = exc.http_status
        else:
            if result.accepted:
                messages.success(
                    request,
                    _("The signature is recorded. The petition has %(n)d valid signatures.")
                    % {"n": result.signature_count},
                )
                return redirect("staff:signatures", reference=case.reference)
            for rejection in result.rejected:
                field = rejection.code if rejection.code in form.fields else None
                if rejection.code.startswith("cnie") or rejection.code == "duplicate":
                    field = "cnie"
                form.add_error(field, rejection.reason)
    return _render_signatures(request, case, status=status, paper_form=form)


@login_required
@require_POST
def staff_signatures_import(request, reference: str):
    """A CSV of paper signatures: every row accepted or rejected with its reason; a wrong header
    imports nothing."""
    case = _petition_or_404(reference)
    if not lifecycle.P.is_intake(request.user, case):
        raise PermissionDenied
    form = SignatureCsvForm(request.POST, request.FILES)
    status = 400
    result = None
    if form.is_valid():
        try:
            result = signatures.signatures_import_csv(
                actor=request.user, case=case.reference, stream=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file" if isinstance(exc, InvalidInput) else None, exc.detail)
            status = exc.http_status
        else:
            status = 200
            case.refresh_from_db()
    return _render_signatures(
        request, case, status=status, csv_form=SignatureCsvForm() if result else form, result=result
    )


# Staff: the admissibility checklist (a panel of the staff case page) ------------------------------


def _recorded_checks(case: Case) -> dict[str, AdmissibilityCheck]:
    return {c.condition: c for c in case.admissibility.select_related("checked_by")}


def staff_petition_panel(request, case: Case) -> dict | None:
    """The petition panel of the staff case page: signatures against the minimum, the
    association's conditions, the checklist (a form for the bureau), the OL 44-14 warnings, the
    legal deadline and the session whose agenda must include it."""
    if case.kind != Case.Kind.PETITION:
        return None
    user = request.user
    recorded = _recorded_checks(case)
    is_bureau = bool(lifecycle.P.is_bureau_member(user, case))
    panel = {
        "template": "petitions/staff_panel.html",
        "case": case,
        "citizens": case.association_id is None,
        "signature_count": case_selectors.case_signature_count(case) if case.association_id is None else None,
        "minimum": case.collectivity.petition_min_signatures,
        "can_see_signatures": is_bureau or bool(lifecycle.P.is_intake(user, case)),
        "checks": [
            (condition, admissibility.CHECKLIST.get(condition, condition), recorded[condition])
            for condition in recorded
        ],
        "warnings": [str(w) for w in admissibility.WARNINGS_44_14],
        "legal_deadline": case.legal_deadline,
        "overdue": selectors.case_is_overdue(case),
        "mandatory_session": case.mandatory_session,
        # OL 113-14 art. 38: admitted now, it would go to this session's agenda.
        "next_session": org_selectors.next_ordinary_session(collectivity=case.collectivity)
        if case.mandatory_session is None and case.state in ADMISSIBILITY_STATES
        else None,
    }
    if case.state in ADMISSIBILITY_STATES:
        # OL 113-14 art. 125 §2-3: what still stands between the petition and its referral.
        missing, unmet = admissibility.referral_problems(case)
        panel["not_checked"] = [str(admissibility.CHECKLIST[c]) for c in missing]
        panel["not_met"] = [str(admissibility.CHECKLIST[c]) for c in unmet]
    if case.association_id is not None:
        at = case.submitted_at or timezone.now()
        panel["association_unmet"] = admissibility.association_unmet(case, at)
    # Decree 2.16.403 art. 3-4: the dossier the bureau checks, each document opened from here.
    panel["documents"] = files.documents_for(
        user=user, case=case, purposes=CaseAttachment.PERSONAL_DATA_PURPOSES
    )
    if is_bureau and case.state in ADMISSIBILITY_STATES:
        panel["admissibility_form"] = getattr(
            request, "mithaq_admissibility_form", None
        ) or AdmissibilityForm(case=case, recorded=recorded)
    return panel


@login_required
@require_POST
def staff_admissibility(request, reference: str):
    """The bureau records the checklist: each condition met, or not met with a note (audited)."""
    case = selectors.case_get_for_staff(user=request.user, reference=reference)
    if case is None or case.kind != Case.Kind.PETITION:
        raise Http404
    if not lifecycle.P.is_bureau_member(request.user, case):
        raise PermissionDenied
    form = AdmissibilityForm(request.POST, case=case, recorded=_recorded_checks(case))
    status = 400
    if form.is_valid():
        results = form.results()
        try:
            admissibility.admissibility_record(actor=request.user, case=case.reference, results=results)
        except DomainError as exc:
            form.add_domain_error(exc)
            status = exc.http_status
        else:
            messages.success(request, _("The admissibility checklist is recorded."))
            return redirect("staff:case", reference=case.reference)
    request.mithaq_admissibility_form = form
    case = selectors.case_get_for_staff(user=request.user, reference=reference)
    return render_case(request, case, status=status)


# The receipt (وصل) ---------------------------------------------------------------------------------


def _may_see_receipt(request, case: Case) -> bool:
    if case.reference in request.session.get(TRACKED_SESSION_KEY, []):
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    return bool(
        user.is_superuser
        or lifecycle.P.is_submitter(user, case)
        or lifecycle.P.is_intake(user, case)
        or lifecycle.P.is_bureau_member(user, case)
    )


@never_cache
def case_receipt(request, reference: str):
    """OL 113-14 art. 125 §1: the receipt delivered on filing, printable on A4 in Arabic or
    French (?lang=ar|fr). For the filer, the desk, the bureau and a session that tracked the case."""
    case = selectors.case_get(reference=reference)
    if (
        case is None
        or case.state == S.DRAFT
        or case.submitted_at is None
        or not _may_see_receipt(request, case)
    ):
        raise Http404
    languages = dict(settings.LANGUAGES)
    lang = request.GET.get("lang")
    if lang not in languages:
        lang = translation.get_language() or settings.LANGUAGE_CODE
    context = {
        "case": case,
        "tracking_url": request.build_absolute_uri(reverse("public:track")),
        "legal_deadline": case.legal_deadline,
        "other_languages": [(code, name) for code, name in settings.LANGUAGES if code != lang],
    }
    with translation.override(lang):
        response = render(request, "petitions/receipt.html", context)
    response["Content-Language"] = lang
    return response

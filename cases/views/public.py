"""The public portal: home, register, case page, tracking, filing and the filer's own cases.

Views parse input, call one selector or service and render; nothing here writes a case.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cases import committee_selectors, files, page_cache, selectors, services
from cases import states as S
from cases.forms import (
    CaseFilingForm,
    CaseFilterForm,
    LinkOpinionForm,
    TrackForm,
    TransitionForm,
    kind_explanations,
    kinds_for,
    transition_panels,
)
from cases.models import Case
from cases.register_cache import CountedPaginator
from core import ratelimit, roles
from core.errors import DomainError, add_to_form
from organisation import selectors as org_selectors
from organisation.selectors import portal_collectivity

PAGE_SIZE = 25
# Tracking codes are 12 characters from 32 symbols; the limit keeps guessing hopeless all the same.
TRACK_ATTEMPTS = 20
TRACK_WINDOW_SECONDS = 10 * 60
FILED_SESSION_KEY = "mithaq_filed_case"
# Cases this browser session tracked with their code: their receipts may be printed again
# without an account (cases.views.petitions.case_receipt reads it).
TRACKED_SESSION_KEY = "mithaq_tracked_cases"
TRACKED_MAX = 20

PARTICIPATION_LEVELS = ("information", "consultation", "concertation", "co_decision")


@page_cache.public_page("home")
def home(request):
    collectivity = portal_collectivity(request)
    counts = selectors.case_counts_public(collectivity=collectivity)
    return render(request, "public/home.html", {"counts": counts, "collectivity": collectivity})


def rules(request):
    """The participation rules written for citizens (the charter's duty to tell participants the rules,
    §6.1): who may petition, the conditions, the stages and how long each may take, with the source of
    every deadline. The same figures as GET /api/v1/rules/."""
    collectivity = portal_collectivity(request)
    data = selectors.collectivity_rules(collectivity)
    months = [str(MONTHS[m]) for m in data["ordinary_session_months"] if m in MONTHS]
    return render(
        request,
        "public/rules.html",
        {"collectivity": collectivity, "rules": data, "session_months": months},
    )


# The register's filters (cases.forms.CaseFilterForm) and its page number.
@page_cache.public_page("register", params=("q", "kind", "state", "committee", "year", "page"))
def register(request):
    collectivity = portal_collectivity(request)
    form = CaseFilterForm(
        request.GET or None,
        committees=org_selectors.committee_list(collectivity=collectivity),
        years=selectors.case_years_public(collectivity=collectivity),
    )
    filters = form.filters()
    cases = selectors.case_list_public(collectivity=collectivity, **filters)
    count = selectors.case_count_public(cases, collectivity=collectivity, filters=filters)
    page = CountedPaginator(cases, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    return render(request, "public/register.html", {"form": form, "page": page})


def _public_case_context(case) -> dict:
    # The public page lists public documents only, whoever reads it (staff open the others from
    # the staff page).
    documents = files.documents_for(user=None, case=case, public_page=True)
    timeline = selectors.case_timeline(case=case, private=False)
    files.attach_to_timeline(timeline, documents=documents)
    return {
        "case": case,
        "decision": selectors.case_decision(case),
        "timeline": timeline,
        "documents": documents,
        "linked_cases": selectors.case_linked_cases_public(case),
        "days_in_state": selectors.days_in_state(case),
        # The opinions of the further committees are public, like the lead committee's report.
        "committee_opinions": committee_selectors.case_opinions_given(case),
    }


@page_cache.public_page("case")
def case_detail(request, reference: str):
    case = selectors.case_get_public(reference=reference)
    # Another collectivity's case is not on this one's site (/c/<slug>/ or its host name).
    if case is None or not org_selectors.shown_here(request, case.collectivity_id):
        raise Http404
    return render(request, "public/case.html", _public_case_context(case))


# Tracking -----------------------------------------------------------------------------------


def _tracking_attempt_allowed(request) -> bool:
    """Count this attempt for the client's address; False once the window's allowance is spent."""
    key = "mithaq:track:" + ratelimit.address_key(ratelimit.client_ip(request))
    return ratelimit.hit(key, limit=TRACK_ATTEMPTS, window=TRACK_WINDOW_SECONDS)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    minutes = TRACK_WINDOW_SECONDS // 60
    limits = {
        "attempts": TRACK_ATTEMPTS,
        "minutes": minutes,
        # Each number with its noun through ngettext (Arabic has six plural forms).
        "text": _(
            "To protect tracking codes, at most %(attempts)s are allowed every %(minutes)s "
            "from one connection."
        )
        % {
            "attempts": ngettext("%(n)d attempt", "%(n)d attempts", TRACK_ATTEMPTS) % {"n": TRACK_ATTEMPTS},
            "minutes": ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes},
        },
    }
    if request.method != "POST":
        return render(request, "public/track.html", {"form": TrackForm(), "limits": limits})
    form = TrackForm(request.POST)
    if not _tracking_attempt_allowed(request):
        form.is_valid()
        form.add_error(
            None,
            ngettext(
                "Too many attempts from your connection. Wait %(minutes)d minute and try again.",
                "Too many attempts from your connection. Wait %(minutes)d minutes and try again.",
                limits["minutes"],
            )
            % {"minutes": limits["minutes"]},
        )
        return render(request, "public/track.html", {"form": form, "limits": limits}, status=429)
    if form.is_valid():
        case = selectors.case_get(reference=form.cleaned_data["reference"])
        if case is not None and not org_selectors.on_site(request, case.collectivity_id):
            case = None
        code = form.cleaned_data["code"]
        if case is not None and services.tracking_code_matches(case, code):
            tracked = [r for r in request.session.get(TRACKED_SESSION_KEY, []) if r != case.reference]
            request.session[TRACKED_SESSION_KEY] = [*tracked, case.reference][-TRACKED_MAX:]
            context = _public_case_context(case)
            context.update({"form": TrackForm(), "limits": limits, "tracked": True})
            return render(request, "public/track.html", context)
        if case is None:
            # Same work whether or not the reference exists: the answer must not reveal which.
            services.tracking_code_hash(code)
        # One message for an unknown reference and a wrong code.
        form.add_error(None, _("No case matches this reference and tracking code. Check both and try again."))
    return render(request, "public/track.html", {"form": form, "limits": limits})


# Filing -------------------------------------------------------------------------------------


def _can_file(user) -> bool:
    return bool(user.group_names() & roles.FILING_GROUPS)


@login_required
# Error reports never carry a desk filer's name or phone (Law 09-08).
@sensitive_post_parameters("submitter_name", "submitter_contact", "submitter_phone")
@require_http_methods(["GET", "POST"])
def file_case(request):
    if not _can_file(request.user):
        raise PermissionDenied
    user = request.user
    collectivity = user.collectivity if user.collectivity_id else portal_collectivity(request)
    # On a collectivity's prefix or host name, a case is filed with that collectivity: by the public
    # (whatever collectivity they signed up on) and by its own staff (organisation.tenancy).
    site = org_selectors.routed_collectivity(request)
    if site is not None and (not user.group_names() & roles.STAFF_GROUPS or user.acts_in(site.pk)):
        collectivity = site
    chosen_collectivity = {"collectivity": site} if collectivity == site else {}
    kinds = kinds_for(user)
    chosen = request.GET.get("kind")
    initial = {}
    if chosen in {k for k, _label in kinds}:
        # The first screen's choice: the form opens on that kind; a petition starts as a draft.
        initial = {"kind": chosen, "draft": chosen == Case.Kind.PETITION}
    form = CaseFilingForm(request.POST or None, user=user, collectivity=collectivity, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case, code = services.case_create(actor=user, **chosen_collectivity, **form.service_kwargs())
            except DomainError as exc:
                add_to_form(form, exc)
                status = exc.http_status
                if form.cleaned_data.get("kind") == Case.Kind.PETITION and not form.cleaned_data.get("draft"):
                    # Not a dead end: a petition collects its signatures as a draft first.
                    form.add_error(
                        "draft",
                        _(
                            "To collect the signatures, tick this box: the petition is saved as a "
                            "draft, and you open signing from “My cases”."
                        ),
                    )
            else:
                # The code is never stored in clear: it crosses the session once and is popped.
                request.session[FILED_SESSION_KEY] = {"reference": case.reference, "tracking_code": code}
                return redirect("public:file_done")
    return render(
        request,
        "public/file.html",
        {
            "form": form,
            # First screen: what does the person want? In plain words, one example each.
            "choose": request.method != "POST" and not initial and len(kinds) > 1,
            "chosen": initial.get("kind") or request.POST.get("kind"),
            "choices": kind_explanations(kinds),
        },
        status=status,
    )


@never_cache
@login_required
def file_done(request):
    filed = request.session.pop(FILED_SESSION_KEY, None)
    case = selectors.case_get(reference=filed["reference"]) if filed else None
    return render(
        request,
        "public/file_done.html",
        {"filed": filed if case else None, "case": case},
    )


# The filer's own cases ------------------------------------------------------------------------


def render_my_cases(request, *, bound: TransitionForm | None = None, status: int = 200):
    """The filer's cases with the transitions they may take; `bound` is a form that just failed."""
    cases = selectors.case_list_for_submitter(user=request.user)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "case": case,
            "panels": transition_panels(
                user=request.user, case=case, url_name="cases:transition", bound=bound
            ),
            # The body that filed an opinion links it to the case it is about (case_link_opinion).
            "link_form": LinkOpinionForm()
            if case.is_opinion
            and case.submitter_id == request.user.pk
            and case.related_case_id is None
            and case.decided_at is None
            and case.state not in S.CLOSED_STATES
            else None,
        }
        for case in page.object_list
    ]
    orphan_errors = []
    if bound is not None and not any(p.failed for row in rows for p in row["panels"]):
        orphan_errors = _all_errors(bound)
    return render(
        request,
        "public/my_cases.html",
        {
            "page": page,
            "rows": rows,
            "orphan_errors": orphan_errors,
            "failed_case": bound.case if bound is not None else None,
            "awaiting_information": S.AWAITING_INFORMATION,
        },
        status=status,
    )


def _all_errors(form) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]


@login_required
def my_cases(request):
    return render_my_cases(request)

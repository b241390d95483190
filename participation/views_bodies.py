"""Pages of the charter's bodies: the Equality Commission, the Children's Council, the registry of
associations (staff, /staff/bodies/...), the associations' public pages and the submitter's rating
after a decision. Thin views over participation.bodies, organisation.associations and the selectors."""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from core import roles
from core.errors import DomainError, add_to_form
from organisation import associations
from organisation.models import Association
from organisation.selectors import committee_list, portal_collectivity, staff_collectivity
from participation import bodies, selectors
from participation import predicates as P
from participation.forms_bodies import (
    AssociationImportForm,
    AssociationRefuseForm,
    AssociationRegistrationForm,
    CharterForm,
    ChildMemberForm,
    CommissionMemberForm,
    OpinionAnswerForm,
    OpinionRequestForm,
    PartnershipForm,
    RatingForm,
)
from participation.models import ChildMember, OpinionRequest

# Children's records: the facilitator, and who oversees (Law 09-08: minors, the fewest readers).
CHILDREN_READERS = frozenset({roles.CHILDREN_COUNCIL, roles.FOLLOWUP, roles.BUREAU, roles.PRESIDENT})


def bodies_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not P.can_read_bodies(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _collectivity(request):
    return staff_collectivity(request, request.user)


def _period():
    """The last twelve months, today included."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=365), today + datetime.timedelta(days=1)


def _int(value) -> int:
    """A posted id; anything else names no row (NotFound from the service, never a 500)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _fail(request, form, exc: DomainError) -> None:
    if form is not None:
        add_to_form(form, exc)
    messages.error(request, " ".join([exc.detail, *(str(m) for v in exc.field_errors.values() for m in v)]))


# The Equality Commission ------------------------------------------------------------------


@bodies_required
def commission(request):
    user = request.user
    collectivity = _collectivity(request)
    can_manage = P.can_manage_commission_members(user, collectivity)
    requesters = P.opinion_requester_roles(user, collectivity)
    member_form = CommissionMemberForm(collectivity=collectivity) if can_manage else None
    request_form = (
        OpinionRequestForm(committees=committee_list(collectivity=collectivity), requesters=requesters)
        if requesters
        else None
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "member" and can_manage:
                member_form = CommissionMemberForm(request.POST, collectivity=collectivity)
                if member_form.is_valid():
                    data = {k: member_form.cleaned_data[k] for k in member_form.Meta.fields}
                    bodies.commission_member_save(actor=user, collectivity=collectivity, data=data)
                    messages.success(request, _("The member is recorded."))
                    return redirect("participation:staff_commission")
            elif action == "request" and requesters:
                request_form = OpinionRequestForm(
                    request.POST, committees=committee_list(collectivity=collectivity), requesters=requesters
                )
                if request_form.is_valid():
                    bodies.opinion_request_create(
                        actor=user, collectivity=collectivity, **request_form.cleaned_data
                    )
                    messages.success(request, _("The Commission is asked for its opinion."))
                    return redirect("participation:staff_commission")
            elif action == "answer" and P.may_answer_opinion_request(user, collectivity):
                form = OpinionAnswerForm(request.POST)
                if form.is_valid():
                    bodies.opinion_request_answer(
                        actor=user,
                        request=_int(request.POST.get("request")),
                        opinion=form.cleaned_data["opinion"].strip(),
                    )
                    messages.success(request, _("The request is answered by the opinion."))
                    return redirect("participation:staff_commission")
            else:
                raise PermissionDenied
        except DomainError as exc:
            _fail(
                request,
                member_form if action == "member" else request_form if action == "request" else None,
                exc,
            )
            status = exc.http_status
        else:
            status = 400
    start, end = _period()
    today = timezone.localdate()
    return render(
        request,
        "staff/bodies/commission.html",
        {
            "members": selectors.commission_members_on(collectivity, today).select_related("association"),
            "figures": selectors.commission_figures(collectivity, start, end),
            "requests": OpinionRequest.objects.filter(collectivity=collectivity)
            .select_related("committee", "case", "opinion")
            .order_by("-due_on", "-id"),
            "today": today,
            "member_form": member_form,
            "request_form": request_form,
            "answer_form": OpinionAnswerForm() if P.may_answer_opinion_request(user, collectivity) else None,
        },
        status=status,
    )


# The Children's Council -------------------------------------------------------------------


@bodies_required
def children(request):
    user = request.user
    if not (
        user.is_superuser or user.group_names() & CHILDREN_READERS or P.can_manage_children_council(user)
    ):
        raise PermissionDenied
    collectivity = _collectivity(request)
    can_manage = P.can_manage_children_council(user, collectivity)
    form = ChildMemberForm() if can_manage else None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = ChildMemberForm(request.POST)
        if form.is_valid():
            try:
                bodies.child_member_save(
                    actor=user,
                    collectivity=collectivity,
                    data={k: form.cleaned_data[k] for k in form.Meta.fields},
                )
            except DomainError as exc:
                _fail(request, form, exc)
                status = exc.http_status
            else:
                messages.success(request, _("The child is recorded, with the guardian's consent."))
                return redirect("participation:staff_children")
        else:
            status = 400
    start, end = _period()
    return render(
        request,
        "staff/bodies/children.html",
        {
            "members": ChildMember.objects.filter(collectivity=collectivity).order_by(
                "left_on", "first_name"
            ),
            "figures": selectors.children_figures(collectivity, start, end),
            "form": form,
        },
        status=status,
    )


# Associations (staff) ---------------------------------------------------------------------


@bodies_required
def association_registry(request):
    user = request.user
    collectivity = _collectivity(request)
    if not P.can_read_registry(user):
        raise PermissionDenied
    can_manage = associations.can_manage_associations(user, collectivity)
    import_form = AssociationImportForm() if can_manage else None
    import_errors: list = []
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        import_form = AssociationImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            try:
                result = associations.associations_import(
                    actor=user, collectivity=collectivity, content=upload.read(), filename=upload.name
                )
            except associations.ImportRejected as exc:
                import_errors = exc.rows
                messages.error(request, exc.detail)
                status = 400
            except DomainError as exc:
                _fail(request, import_form, exc)
                status = exc.http_status
            else:
                messages.success(
                    request,
                    ngettext("%(n)d association added.", "%(n)d associations added.", result.created)
                    % {"n": result.created}
                    + " "
                    + ngettext("%(n)d association updated.", "%(n)d associations updated.", result.updated)
                    % {"n": result.updated},
                )
                return redirect("participation:staff_associations")
        else:
            status = 400
    registry = Association.objects.filter(collectivity=collectivity).prefetch_related("partnerships")
    return render(
        request,
        "staff/bodies/associations.html",
        {
            "pending": registry.filter(status=Association.Status.PENDING),
            "registered": registry.filter(status=Association.Status.REGISTERED).order_by("name_ar"),
            "figures": selectors.adherence_figures(collectivity),
            "import_form": import_form,
            "import_errors": import_errors,
            "can_manage": can_manage,
            "refuse_form": AssociationRefuseForm(),
            "charter_form": CharterForm(),
            "partnership_form": PartnershipForm(),
        },
        status=status,
    )


def _registry_card(request, association_id: int) -> Association:
    association = Association.objects.filter(pk=association_id, collectivity=_collectivity(request)).first()
    if association is None:
        raise Http404
    return association


@login_required
@require_POST
def association_action(request, association_id: int, action: str):
    """Validate or refuse a registration, record the charter signature, add a partnership."""
    association = _registry_card(request, association_id)
    user = request.user
    try:
        if action == "validate":
            associations.association_validate(actor=user, association=association, approve=True)
            messages.success(request, _("The association is registered."))
        elif action == "refuse":
            form = AssociationRefuseForm(request.POST)
            form.is_valid()
            associations.association_validate(
                actor=user, association=association, approve=False, reason=form.cleaned_data.get("reason", "")
            )
            messages.success(request, _("The registration is refused; the association is told why."))
        elif action == "charter":
            form = CharterForm(request.POST, request.FILES, instance=association)
            if not form.is_valid():
                messages.error(request, " ".join(str(m) for v in form.errors.values() for m in v))
            else:
                data = {k: form.cleaned_data[k] for k in ("charter_signed_on", "charter_promoter")}
                if request.FILES.get("charter_document"):
                    data["charter_document"] = form.cleaned_data["charter_document"]
                associations.association_save(
                    actor=user, collectivity=association.collectivity, association=association, data=data
                )
                messages.success(request, _("The charter signature is recorded."))
        elif action == "partnership":
            form = PartnershipForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(str(m) for v in form.errors.values() for m in v))
            else:
                associations.partnership_add(actor=user, association=association, data=form.cleaned_data)
                messages.success(request, _("The partnership is recorded."))
        else:
            raise Http404
    except DomainError as exc:
        _fail(request, None, exc)
    return redirect("participation:staff_associations")


@login_required
def association_register(request):
    """An association account asks to enter the registry (the bureau validates)."""
    if roles.ASSOCIATION not in request.user.group_names():
        raise PermissionDenied
    collectivity = _collectivity(request)
    form = AssociationRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                associations.association_register(
                    actor=request.user,
                    collectivity=collectivity,
                    data={k: form.cleaned_data[k] for k in form.Meta.fields},
                )
            except DomainError as exc:
                _fail(request, form, exc)
                status = exc.http_status
            else:
                messages.success(
                    request, _("Your registration is sent; the council bureau will validate it.")
                )
                return redirect("public:my_cases")
        else:
            status = 400
    return render(request, "public/association_register.html", {"form": form}, status=status)


# Public pages ------------------------------------------------------------------------------


def association_list(request):
    collectivity = portal_collectivity(request)
    return render(
        request,
        "public/associations.html",
        {
            "associations": selectors.association_list_public(collectivity=collectivity),
            "figures": selectors.adherence_figures(collectivity) if collectivity else None,
        },
    )


def association_page(request, association_id: int):
    association = selectors.association_public_get(pk=association_id)
    if association is None:
        raise Http404
    return render(
        request,
        "public/association.html",
        {"association": association, "cases": selectors.association_public_cases(association)},
    )


# Satisfaction after a decision --------------------------------------------------------------


@login_required
def rate_decision(request, reference: str):
    case = case_selectors.case_list_for_submitter(user=request.user).filter(reference=reference).first()
    if case is None or not bodies.may_rate(request.user, case):
        raise Http404
    already = case.decision_ratings.filter(rated_by=request.user).exists()
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and not already:
        if form.is_valid():
            try:
                bodies.decision_rating_add(actor=request.user, case=case, **form.cleaned_data)
            except DomainError as exc:
                _fail(request, form, exc)
                status = exc.http_status
            else:
                messages.success(request, _("Thank you: your rating is counted, never shown with your name."))
                return redirect(reverse("public:my_cases") + f"#case-{case.reference}")
        else:
            status = 400
    return render(
        request, "public/rate.html", {"case": case, "form": form, "already": already}, status=status
    )

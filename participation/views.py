"""Staff pages of the meetings (the back office): thin views over participation.services."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from cases.files import content_disposition, safe_filename, served_content_type
from core.errors import DomainError, NotFound, TransitionNotAllowed, add_to_form
from organisation.selectors import staff_collectivity
from participation import documents, selectors, services
from participation import predicates as P
from participation.forms import (
    AttendanceFormSet,
    AttendanceImportForm,
    CaseLinkForm,
    DocumentForm,
    EvaluationPaperForm,
    MeetingForm,
    attendance_cells,
)

PAGE_SIZE = 25


def meetings_staff_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not P.can_read_meetings(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _collectivity(request):
    return staff_collectivity(request, request.user)


def _meeting(request, meeting_id: int):
    meeting = selectors.meeting_get(pk=meeting_id)
    if meeting is None or not P.in_meeting_collectivity(request.user, meeting):
        raise Http404
    return meeting


def _status(error: DomainError) -> int:
    return 403 if isinstance(error, TransitionNotAllowed) else 404 if isinstance(error, NotFound) else 400


@meetings_staff_required
def meeting_list(request):
    meetings = selectors.meeting_list_for_staff(collectivity=_collectivity(request))
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/meetings/list.html",
        {"page": page, "can_record": P.can_record_meetings(request.user)},
    )


@meetings_staff_required
def meeting_new(request):
    collectivity = _collectivity(request)
    if not P.can_record_meetings(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, collectivity=collectivity)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    actor=request.user, collectivity=collectivity, data=form.cleaned_data
                )
            except DomainError as exc:
                add_to_form(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("The meeting was recorded."))
                return redirect("participation:staff_meeting", meeting_id=meeting.pk)
        else:
            status = 400
    return render(request, "staff/meetings/form.html", {"form": form, "meeting": None}, status=status)


@meetings_staff_required
def meeting_edit(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    if not P.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    if request.method == "POST":
        form = MeetingForm(request.POST, collectivity=meeting.collectivity)
    else:
        form = MeetingForm(initial=MeetingForm.initial_for(meeting), collectivity=meeting.collectivity)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_update(actor=request.user, meeting=meeting, data=form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("The meeting was saved."))
                return redirect("participation:staff_meeting", meeting_id=meeting.pk)
        else:
            status = 400
    return render(request, "staff/meetings/form.html", {"form": form, "meeting": meeting}, status=status)


def _render_detail(request, meeting, *, status: int = 200, **bound):
    evaluation = selectors.meeting_evaluation(meeting)
    can_manage = P.can_manage_meeting(request.user, meeting)
    context = {
        "meeting": meeting,
        "can_manage": can_manage,
        "attendance": selectors.meeting_attendance(meeting),
        "evaluation": evaluation,
        "documents": [
            d
            for d in selectors.meeting_documents(meeting, public_only=False)
            if documents.may_open(request.user, d)
        ],
        "linked_cases": list(meeting.cases.order_by("reference").only("reference", "title", "kind", "state")),
        "evaluation_url": request.build_absolute_uri(
            reverse("participation:evaluate", kwargs={"token": meeting.evaluation_token})
        ),
        "import_form": bound.get("import_form") or AttendanceImportForm(),
        "paper_form": bound.get("paper_form")
        or EvaluationPaperForm(initial=EvaluationPaperForm.initial_from(evaluation.paper)),
        "document_form": bound.get("document_form") or DocumentForm(),
        "link_form": bound.get("link_form") or CaseLinkForm(),
    }
    return render(request, "staff/meetings/detail.html", context, status=status)


@meetings_staff_required
def meeting_detail(request, meeting_id: int):
    return _render_detail(request, _meeting(request, meeting_id))


@meetings_staff_required
def attendance_edit(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    if not P.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        formset = AttendanceFormSet(request.POST)
        if formset.is_valid():
            try:
                services.attendance_set(actor=request.user, meeting=meeting, cells=attendance_cells(formset))
            except DomainError as exc:
                messages.error(request, exc.detail)
                status = _status(exc)
            else:
                messages.success(request, _("The attendance counts were saved."))
                return redirect("participation:staff_meeting", meeting_id=meeting.pk)
        else:
            status = 400
    else:
        initial = [
            {
                "gender": r.gender,
                "age_band": r.age_band,
                "disability": r.disability,
                "participant_type": r.participant_type,
                "count": r.count,
            }
            for r in meeting.attendance.all()
        ]
        formset = AttendanceFormSet(initial=initial)
    return render(
        request, "staff/meetings/attendance.html", {"meeting": meeting, "formset": formset}, status=status
    )


@require_POST
@meetings_staff_required
def attendance_import(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    form = AttendanceImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, import_form=form)
    upload = form.cleaned_data["file"]
    try:
        counted = services.attendance_import(
            actor=request.user, meeting=meeting, content=upload.read(), filename=upload.name
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return _render_detail(request, meeting, status=_status(exc), import_form=form)
    messages.success(
        request,
        ngettext(
            "%(count)s participant counted; the sheet itself was not kept.",
            "%(count)s participants counted; the sheet itself was not kept.",
            counted,
        )
        % {"count": counted},
    )
    return redirect("participation:staff_meeting", meeting_id=meeting.pk)


@require_POST
@meetings_staff_required
def evaluation_paper(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    form = EvaluationPaperForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, paper_form=form)
    try:
        services.evaluation_paper_set(actor=request.user, meeting=meeting, counts=form.counts())
    except DomainError as exc:
        add_to_form(form, exc)
        return _render_detail(request, meeting, status=_status(exc), paper_form=form)
    messages.success(request, _("The paper evaluation cards were counted."))
    return redirect("participation:staff_meeting", meeting_id=meeting.pk)


@require_POST
@meetings_staff_required
def document_upload(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, document_form=form)
    data = form.cleaned_data
    try:
        services.document_add(
            actor=request.user,
            meeting=meeting,
            uploaded=data["file"],
            purpose=data["purpose"],
            public=data["public"],
            name=data["name"],
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return _render_detail(request, meeting, status=_status(exc), document_form=form)
    messages.success(request, _("The document was added."))
    return redirect("participation:staff_meeting", meeting_id=meeting.pk)


@require_POST
@meetings_staff_required
def case_link(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    form = CaseLinkForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, link_form=form)
    try:
        services.meeting_case_link(
            actor=request.user, meeting=meeting, reference=form.cleaned_data["reference"]
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return _render_detail(request, meeting, status=_status(exc), link_form=form)
    messages.success(request, _("The case was linked to the meeting."))
    return redirect("participation:staff_meeting", meeting_id=meeting.pk)


@require_POST
@meetings_staff_required
def case_unlink(request, meeting_id: int, case_id: int):
    meeting = _meeting(request, meeting_id)
    try:
        services.meeting_case_unlink(actor=request.user, meeting=meeting, case_id=case_id)
    except TransitionNotAllowed as exc:
        raise PermissionDenied from exc
    messages.success(request, _("The case was unlinked from the meeting."))
    return redirect("participation:staff_meeting", meeting_id=meeting.pk)


@require_safe
def document_download(request, document_id: int):
    """A meeting's document under participation.documents' rules; never from MEDIA_URL."""
    try:
        document = documents.document_for_download(user=request.user, document_id=document_id)
    except NotFound as exc:
        raise Http404 from exc
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=served_content_type(document))
    response["Content-Disposition"] = content_disposition(safe_filename(document.name, document.file.name))
    response["X-Content-Type-Options"] = "nosniff"
    if documents.is_public(document):
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response

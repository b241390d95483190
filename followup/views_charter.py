"""The charter report and the action plan: the follow-up team's pages (/staff/reports/,
/staff/action-plan/) and the public ones (/reports/, /action-plan/). README: the report."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.files import content_type_for
from core.errors import DomainError, add_to_form
from core.pdf import PdfRenderingError
from followup import action_plan, charter_report, query, report_services
from followup.forms import ActivityForm, IndicatorForm, ReportCommentaryForm, ReportPeriodForm
from followup.models import ActionActivity, ActionAxis, ActionIndicator, CharterReport, Status
from organisation import selectors as org_selectors

logger = logging.getLogger(__name__)

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def _collectivity(request):
    found = org_selectors.portal_collectivity(request) or org_selectors.collectivity_default()
    if found is None:
        raise Http404
    return found


def _staff_collectivity(request):
    # The request's collectivity (prefix or host name) when the user acts in it, else theirs.
    found = org_selectors.staff_collectivity(request, request.user)
    if found is None:
        raise Http404
    return found


def _lang(request) -> str:
    lang = request.GET.get("lang") or (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE[:2]


def _unavailable(request):
    logger.exception("charter report: PDF printing unavailable")
    return render(
        request,
        "errors/error.html",
        {
            "title": _("Service unavailable"),
            "status": 503,
            "detail": _("Reports cannot be printed on this server for now. The commune has been told."),
        },
        status=503,
    )


# The follow-up team ---------------------------------------------------------------------------------


def _require_followup(user):
    if not report_services.can_manage(user):
        raise PermissionDenied


@login_required
def staff_reports(request):
    _require_followup(request.user)
    collectivity = _staff_collectivity(request)
    form = ReportPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_services.report_create(
                actor=request.user,
                collectivity=collectivity,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("followup:staff_report", pk=report.pk)
    reports = CharterReport.objects.filter(collectivity=collectivity).defer("figures", "pdf_ar", "pdf_fr")
    return render(
        request,
        "followup/staff_reports.html",
        {"form": form, "reports": reports},
        status=400 if request.method == "POST" else 200,
    )


def _report_or_404(request, pk: int) -> CharterReport:
    collectivity = _staff_collectivity(request)
    report = (
        CharterReport.objects.filter(pk=pk, collectivity=collectivity)
        .defer("figures", "pdf_ar", "pdf_fr")
        .first()
    )
    if report is None:
        raise Http404
    return report


@login_required
def staff_report(request, pk: int):
    _require_followup(request.user)
    report = _report_or_404(request, pk)
    initial = report_services.commentary(report)
    form = ReportCommentaryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report_services.report_update(actor=request.user, report=report, data=form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
                status = exc.http_status
            else:
                return redirect("followup:staff_report", pk=report.pk)
        else:
            status = 400
    return render(
        request,
        "followup/staff_report.html",
        {"report": report, "form": form, "formats": ("html", "pdf", "xlsx", "csv", "json")},
        status=status,
    )


@login_required
@require_POST
def staff_report_publish(request, pk: int):
    _require_followup(request.user)
    report = _report_or_404(request, pk)
    try:
        report_services.report_publish(actor=request.user, report=report)
    except PdfRenderingError:
        return _unavailable(request)
    except DomainError as exc:
        return render(
            request,
            "errors/error.html",
            {"title": _("Refused"), "status": exc.http_status, "detail": exc.detail},
            status=exc.http_status,
        )
    return redirect("followup:staff_report", pk=report.pk)


@login_required
@require_GET
def staff_report_preview(request, pk: int):
    """The draft in any format, computed now, with the commentary saved so far."""
    _require_followup(request.user)
    report = _report_or_404(request, pk)
    fmt = request.GET.get("format", "html")
    if fmt not in charter_report.FORMATS:
        raise Http404
    if report.is_published:
        return redirect("followup:report_pdf", pk=report.pk, lang=_lang(request))
    figures = charter_report.build_figures(
        report.collectivity,
        report.date_from,
        report.date_to,
        commentary=report_services.commentary(report),
        limit=charter_report.limit_for(fmt),
    )
    try:
        data = charter_report.render(figures, fmt, lang=_lang(request), report=report)
    except PdfRenderingError:
        return _unavailable(request)
    response = HttpResponse(data, content_type=MEDIA_TYPES[fmt])
    # A download, never a page of the site: the HTML document carries its own style (for the PDF).
    response["Content-Disposition"] = f'attachment; filename="charter-report-draft-{report.pk}.{fmt}"'
    return response


# Public archive -------------------------------------------------------------------------------------


def reports_archive(request):
    collectivity = _collectivity(request)
    reports = list(
        CharterReport.objects.published()
        .filter(collectivity=collectivity)
        .defer("figures", "pdf_ar", "pdf_fr")
        .select_related("collectivity")
    )
    keys = {r.key_id: report_services.public_key_of(r) for r in reports if r.key_id}
    rows = [{"report": r, "public_key": keys.get(r.key_id, "")} for r in reports]
    return render(request, "followup/reports.html", {"rows": rows})


def _published(request, pk: int) -> CharterReport:
    report = CharterReport.objects.published().filter(pk=pk).first()
    # Another collectivity's report is not on this one's site (organisation.tenancy).
    if report is None or not org_selectors.on_public_site(request, report.collectivity_id):
        raise Http404
    return report


@require_GET
def report_pdf(request, pk: int, lang: str):
    if lang not in dict(settings.LANGUAGES):
        raise Http404
    report = _published(request, pk)
    response = HttpResponse(report.pdf(lang), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="charter-report-{report.date_from.isoformat()}-'
        f'{report.date_to.isoformat()}-{lang}.pdf"'
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def report_figures(request, pk: int):
    report = _published(request, pk)
    response = HttpResponse(report_services.figures_bytes(report), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="charter-report-{report.pk}-figures.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


# The action plan ------------------------------------------------------------------------------------


def _plan_context(collectivity, date_from, date_to, lang: str) -> dict:
    plan = action_plan.matrix(collectivity, date_from, date_to)
    statuses = dict(Status.choices)

    def pick(row, field):
        preferred = row.get(f"{field}_fr") if lang == "fr" else row.get(f"{field}_ar")
        return preferred or row.get(f"{field}_ar") or ""

    axes = []
    for axis in plan:
        axes.append(
            {
                "number": axis["number"],
                "title": pick(axis, "title"),
                "objectives": [o for o in pick(axis, "objectives").splitlines() if o.strip()],
                "activities": [
                    {
                        **a,
                        "title": pick(a, "title"),
                        "owner": pick(a, "owner"),
                        "status_label": statuses[a["status"]],
                    }
                    for a in axis["activities"]
                ],
                "indicators": [
                    {
                        **i,
                        "title": pick(i, "title"),
                        "target_note": pick(i, "target_note"),
                        "status_label": statuses[i["status"]],
                        "value_text": (
                            charter_report.pct(i["value"]) if i["rate"] else charter_report.num(i["value"])
                        ),
                        "target_text": pick(i, "target_note")
                        or (charter_report.num(i["target"]) if i["target"] is not None else ""),
                    }
                    for i in axis["indicators"]
                ],
            }
        )
    return {"axes": axes}


def action_plan_page(request):
    error = None
    try:
        q = query.parse(request.GET, allowed=frozenset({"from", "to", "collectivity"}), request=request)
    except query.BadQuery as exc:
        error = str(exc)
        q = query.parse({}, request=request)
    if q.collectivity is None:
        raise Http404
    lang = (translation.get_language() or "ar")[:2]
    context = _plan_context(q.collectivity, q.date_from, q.date_to, lang)
    context.update(
        {
            "selected": {"from": q.date_from.isoformat(), "to": q.date_to.isoformat()},
            "error": error,
            "can_edit": action_plan.can_edit(request.user),
        }
    )
    return render(request, "followup/action_plan.html", context, status=400 if error else 200)


@require_GET
def action_plan_evidence(request, pk: int):
    try:
        indicator = action_plan.evidence_for_download(indicator_id=pk)
    except DomainError:
        raise Http404 from None
    response = FileResponse(
        indicator.evidence_file.open("rb"), content_type=content_type_for(indicator.evidence_file.name)
    )
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _require_plan_editor(user):
    if not action_plan.can_edit(user):
        raise PermissionDenied


@login_required
def staff_action_plan(request):
    _require_plan_editor(request.user)
    collectivity = _staff_collectivity(request)
    axes = (
        ActionAxis.objects.filter(collectivity=collectivity)
        .prefetch_related("activities", "indicators")
        .order_by("number")
    )
    return render(request, "followup/staff_action_plan.html", {"axes": axes, "today": timezone.localdate()})


def _edit(request, obj, form_class, update, template: str, *, initial: dict, files: bool = False):
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            evidence = data.pop("evidence_file", None) if files else None
            try:
                update(data, evidence)
            except DomainError as exc:
                add_to_form(form, exc)
                status = exc.http_status
            else:
                return redirect("followup:staff_action_plan")
        else:
            status = 400
    history = list(obj.history.select_related("history_user").order_by("-history_date")[:20])
    return render(request, template, {"form": form, "object": obj, "history": history}, status=status)


def _initial(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


@login_required
def staff_activity_edit(request, pk: int):
    _require_plan_editor(request.user)
    activity = (
        ActionActivity.objects.select_related("axis")
        .filter(pk=pk, axis__collectivity=_staff_collectivity(request))
        .first()
    )
    if activity is None:
        raise Http404
    return _edit(
        request,
        activity,
        ActivityForm,
        lambda data, _f: action_plan.activity_update(actor=request.user, activity_id=activity.pk, data=data),
        "followup/staff_plan_edit.html",
        initial=_initial(activity, action_plan.ACTIVITY_FIELDS),
    )


@login_required
def staff_indicator_edit(request, pk: int):
    _require_plan_editor(request.user)
    indicator = (
        ActionIndicator.objects.select_related("axis")
        .filter(pk=pk, axis__collectivity=_staff_collectivity(request))
        .first()
    )
    if indicator is None:
        raise Http404
    return _edit(
        request,
        indicator,
        IndicatorForm,
        lambda data, evidence: action_plan.indicator_update(
            actor=request.user, indicator_id=indicator.pk, data=data, evidence=evidence
        ),
        "followup/staff_plan_edit.html",
        initial=_initial(indicator, action_plan.INDICATOR_FIELDS),
        files=True,
    )

"""Public pages: the calendar, its iCalendar feed, a meeting's page (aggregates only) and the
online evaluation card."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.signing import BadSignature
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import DomainError, NotFound, add_to_form
from core.ratelimit import address_key, client_ip, hit
from organisation.selectors import portal_collectivity
from participation import selectors, services
from participation.calendar import build_calendar
from participation.forms import OnlineEvaluationForm

# Subscribers keep the recent past; the page itself shows what is to come.
FEED_PAST_DAYS = 90
COOKIE_SALT = "participation.evaluation"
COOKIE_MAX_AGE = 365 * 24 * 3600


@require_safe
def calendar_page(request):
    collectivity = portal_collectivity(request)
    context = {
        "meetings": selectors.upcoming_meetings(collectivity=collectivity),
        "sessions": selectors.upcoming_sessions(collectivity=collectivity),
    }
    return render(request, "public/calendar.html", context)


@require_safe
def calendar_ics(request):
    collectivity = portal_collectivity(request)
    since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
    meetings, sessions = selectors.calendar_items(collectivity=collectivity, since=since)
    body = build_calendar(
        meetings=meetings,
        sessions=sessions,
        host=request.get_host().split(":")[0] or "mithaq",
        name=collectivity.name if collectivity else _("Citizen participation"),
        meeting_url=lambda m: request.build_absolute_uri(
            reverse("participation:meeting", kwargs={"meeting_id": m.pk})
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_safe
def meeting_page(request, meeting_id: int):
    meeting = selectors.meeting_public_get(pk=meeting_id)
    collectivity = portal_collectivity(request)
    if meeting is None or (collectivity is not None and meeting.collectivity_id != collectivity.pk):
        raise Http404
    context = {
        "meeting": meeting,
        "attendance": selectors.meeting_attendance_public(meeting),
        "evaluation": selectors.meeting_evaluation(meeting),
        "cases": selectors.meeting_public_cases(meeting),
        "documents": selectors.meeting_documents(meeting, public_only=True),
    }
    return render(request, "public/meeting.html", context)


def _cookie_name(meeting) -> str:
    return f"mithaq_eval_{meeting.pk}"


def _answered(request, meeting) -> bool:
    try:
        return request.get_signed_cookie(_cookie_name(meeting), salt=COOKIE_SALT) == meeting.evaluation_token
    except (KeyError, BadSignature):
        return False


@require_http_methods(["GET", "HEAD", "POST"])
def evaluate(request, token: str):
    """One card per browser (a signed cookie): enough for a satisfaction survey, and no account
    or identity is asked (Law 09-08); the address limit slows ballot stuffing."""
    try:
        meeting = services.evaluation_link_meeting(token=token)
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "meeting": meeting,
        "accepts": services.evaluation_accepts(meeting),
        "answered": _answered(request, meeting),
    }
    if request.method != "POST" or context["answered"] or not context["accepts"]:
        context["form"] = OnlineEvaluationForm()
        status = 409 if request.method == "POST" else 200
        return render(request, "public/evaluate.html", context, status=status)
    form = OnlineEvaluationForm(request.POST)
    context["form"] = form
    limit = getattr(settings, "MITHAQ_EVALUATION_PER_HOUR", 30)
    if not hit(f"participation:evaluate:{address_key(client_ip(request))}", limit=limit, window=3600):
        context["rate_limited"] = True
        return render(request, "public/evaluate.html", context, status=429)
    if not form.is_valid():
        return render(request, "public/evaluate.html", context, status=400)
    try:
        services.evaluation_answer_online(token=token, answers=form.cleaned_data)
    except DomainError as exc:
        add_to_form(form, exc)
        return render(request, "public/evaluate.html", context, status=exc.http_status)
    response = render(request, "public/evaluate_done.html", {"meeting": meeting})
    response.set_signed_cookie(
        _cookie_name(meeting),
        meeting.evaluation_token,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response

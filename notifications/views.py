"""The in-app notification centre and the follow / unsubscribe pages. Thin: parse, check, call."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import ratelimit, sites
from notifications import selectors, services
from notifications.forms import FollowForm
from notifications.registry import normalize_language, resolver_for

PAGE_SIZE = 20
# Follow requests per client address and window: each one may send an e-mail to a stranger.
FOLLOW_RATE_LIMIT = 10
FOLLOW_RATE_WINDOW = 3600  # seconds


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# In-app centre ------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.inbox_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "unread_total": selectors.unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def mark_read(request, delivery_id: int):
    # Someone else's notification is "not found", never "forbidden": ids reveal nothing.
    get_object_or_404(selectors.inbox_for(user=request.user), pk=delivery_id)
    services.notification_mark_read(user=request.user, delivery_id=delivery_id)
    return redirect(_safe_next(request, "notifications:list"))


@login_required
@require_POST
def mark_all_read(request):
    services.notification_mark_all_read(user=request.user)
    return redirect(_safe_next(request, "notifications:list"))


# Following a case ---------------------------------------------------------------------------


def _rate_limited(request) -> bool:
    key = "notifications:follow:" + ratelimit.address_key(ratelimit.client_ip(request))
    return not ratelimit.hit(key, limit=FOLLOW_RATE_LIMIT, window=FOLLOW_RATE_WINDOW)


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request, reference: str):
    resolver = resolver_for("case")
    subject_id = resolver.find(reference)
    if subject_id is None:
        raise Http404(_("No such case."))
    language = normalize_language(translation.get_language())
    subject = resolver.describe(subject_id, language)
    # Another collectivity's case is not on this site (organisation.tenancy).
    site = sites.public_site_id(request)
    if site is not None and subject.get("collectivity_id", site) != site:
        raise Http404(_("No such case."))
    context = {"subject": subject, "reference": subject.get("reference", reference)}
    if request.method == "POST":
        form = FollowForm(request.POST)
        if _rate_limited(request):
            form.is_valid()
            form.add_error(None, _("Too many requests from your connection. Try again in an hour."))
            return render(request, "notifications/follow.html", {**context, "form": form}, status=429)
        if form.is_valid():
            services.follower_request(
                subject_type="case",
                subject_id=subject_id,
                email=form.cleaned_data["email"],
                language=language,
            )
            # The same answer whether the address is new, pending or already following.
            return render(request, "notifications/follow_sent.html", context)
    else:
        initial = {"email": request.user.email} if request.user.is_authenticated else {}
        form = FollowForm(initial=initial)
    return render(request, "notifications/follow.html", {**context, "form": form})


def _follower_page_context(token: str) -> dict:
    follower = selectors.follower_by_token(token=token)
    if follower is None:
        raise Http404(_("This link is not valid."))
    language = normalize_language(translation.get_language())
    try:
        subject = resolver_for(follower.subject_type).describe(follower.subject_id, language)
    except LookupError:
        subject = {}
    return {"follower": follower, "subject": subject, "token": token}


@never_cache
@require_http_methods(["GET", "POST"])
def follow_confirm(request, token: str):
    """GET shows a button, POST confirms: mail scanners that open links must not subscribe anyone."""
    context = _follower_page_context(token)
    if request.method == "POST":
        services.follower_confirm(token=token)
        return render(request, "notifications/follow_confirm.html", {**context, "done": True})
    return render(
        request, "notifications/follow_confirm.html", {**context, "done": context["follower"].is_active}
    )


@never_cache
# RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no session; the token is the key.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    context = _follower_page_context(token)
    if request.method == "POST":
        services.follower_unsubscribe(token=token)
        return render(request, "notifications/unsubscribe.html", {**context, "done": True})
    return render(
        request,
        "notifications/unsubscribe.html",
        {**context, "done": context["follower"].unsubscribed_at is not None},
    )

"""What a locked-out person sees (django-axes AXES_LOCKOUT_CALLABLE): the login page again with a
translated message and 429, or the API's error shape."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from core.errors import error_body


def lockout_message() -> str:
    minutes = settings.AXES_COOLOFF_MINUTES
    return ngettext(
        "Too many failed attempts to log in to this account or from your network. For your safety, "
        "logging in is blocked for %(minutes)s minute after the last failed attempt. If you forgot "
        "your password, reset it; the commune's administrator can also unlock the account.",
        "Too many failed attempts to log in to this account or from your network. For your safety, "
        "logging in is blocked for %(minutes)s minutes after the last failed attempt. If you forgot "
        "your password, reset it; the commune's administrator can also unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    message = lockout_message()
    retry_after = str(settings.AXES_COOLOFF_MINUTES * 60)
    if request.path_info.startswith("/api/"):  # path_info: without a collectivity's /c/<slug>/
        response = JsonResponse(error_body("locked_out", message), status=429)
    else:
        # The admin's login page too: one page, one message, a fresh form.
        response = render(
            request,
            "registration/login.html",
            {"form": AuthenticationForm(request), "lockout": message, "next": request.POST.get("next", "")},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response

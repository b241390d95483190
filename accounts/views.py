"""Account pages: sign-up, e-mail verification and profile. Views parse, call one service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services, tokens
from accounts.forms import HONEYPOT_FIELD, ProfileForm, SignupForm
from core import roles
from core.errors import DomainError, add_to_form
from core.ratelimit import client_ip
from organisation.selectors import portal_collectivity


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _switch_language(request, response, language: str) -> None:
    """Show the rest of this request and the next ones in `language` (same cookie as set_language)."""
    translation.activate(language)
    request.LANGUAGE_CODE = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _signup_sent(request, *, email: str, next_url: str):
    """The one answer to a sign-up, whether the account was created, the address or the username
    was already taken, or a robot filled the trap: nothing on it tells them apart."""
    return render(request, "accounts/signup_sent.html", {"email": email, "next": next_url})


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    next_url = _safe_next(request)
    status = 200
    if request.method != "POST":
        form = SignupForm()
    else:
        form = SignupForm(request.POST)
        if form.is_bot():
            # Refused silently: the robot sees the answer a person would, and it counts.
            services.signup_attempt_allowed(ip=client_ip(request))
            return _signup_sent(request, email=str(request.POST.get("email", ""))[:254], next_url=next_url)
        if form.is_valid():
            if not services.signup_attempt_allowed(ip=client_ip(request)):
                form.add_error(
                    None,
                    _("Too many accounts were created from your network in the last hour. Try again later."),
                )
                status = 429
            else:
                data = form.cleaned_data
                try:
                    services.user_signup_request(
                        username=data["username"],
                        email=data["email"],
                        password=data["password1"],
                        first_name=data.get("first_name", ""),
                        last_name=data.get("last_name", ""),
                        language=data["language"],
                        base_url=_base_url(request),
                        # The collectivity of the site signed up on: its prefix or host name, else
                        # the default one (organisation.tenancy).
                        collectivity=portal_collectivity(request),
                    )
                except DomainError as exc:
                    add_to_form(form, exc)
                else:
                    return _signup_sent(request, email=data["email"], next_url=next_url)
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": next_url, "honeypot_field": HONEYPOT_FIELD},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify_email(request):
    if request.method == "POST":
        try:
            services.user_email_verification_send(user=request.user, base_url=_base_url(request))
        except services.VerificationNotNeeded as exc:
            messages.info(request, str(exc.message))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                ngettext(
                    "We sent a new link to %(email)s. It is valid for %(days)s day.",
                    "We sent a new link to %(email)s. It is valid for %(days)s days.",
                    tokens.MAX_AGE.days,
                )
                % {"email": request.user.email, "days": tokens.MAX_AGE.days},
            )
        return redirect("accounts:verify_email")
    return render(
        request,
        "accounts/verify_email.html",
        {"days": tokens.MAX_AGE.days, "hourly_limit": services.VERIFICATION_EMAIL_LIMIT},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_email_confirm(request, token: str):
    """GET shows the link's account and a button; it verifies at once only for the account's own
    session, so a mail scanner that follows links cannot verify an address on its own."""
    try:
        target = tokens.user_for_token(token)
        if target.email_verified:
            return _verify_result(request, target, already=True)
        own = request.user.is_authenticated and request.user.pk == target.pk
        if request.method == "POST" or own:
            user = services.user_verify_email(token=token)
            return _verify_result(request, user, already=False)
    except tokens.TokenInvalid as exc:
        return render(
            request,
            "accounts/verify_email_confirm.html",
            {"state": "invalid", "error": exc.message, "error_code": exc.code},
            status=400,
        )
    return render(request, "accounts/verify_email_confirm.html", {"state": "confirm", "target": target})


def _verify_result(request, user, *, already: bool):
    return render(
        request,
        "accounts/verify_email_confirm.html",
        {"state": "done", "already": already, "target": user},
    )


@never_cache
@login_required
# Error reports never carry the phone number (Law 09-08).
@sensitive_post_parameters("phone", "email")
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method != "POST":
        form = ProfileForm(user=request.user)
    else:
        form = ProfileForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                result = services.user_profile_update(
                    user=request.user, base_url=_base_url(request), **form.cleaned_data
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                response = redirect("accounts:profile")
                _switch_language(request, response, result.user.language)
                messages.success(request, _("Your profile was saved."))
                if result.email_changed and result.link_sent:
                    messages.info(
                        request,
                        _("Your new e-mail address must be verified: we sent a link to %(email)s.")
                        % {"email": result.user.email},
                    )
                elif result.email_changed:
                    messages.warning(
                        request,
                        _(
                            "Your new e-mail address must be verified, but too many links were sent in the "
                            "last hour. Ask for a new one later from the verification page."
                        ),
                    )
                return response
    token = selectors.api_token_get(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "role_labels": [roles.ROLE_LABELS.get(g, g) for g in sorted(request.user.group_names())],
            "api_token": token,
            "api_token_expires": selectors.api_token_expires_at(token) if token else None,
            "api_token_expired": selectors.api_token_expired(token) if token else False,
            "api_token_days": settings.MITHAQ_API_TOKEN_DAYS,
        },
    )


@never_cache
@login_required
@require_POST
def api_token_revoke(request):
    if services.api_token_revoke(user=request.user):
        messages.success(request, _("Your API token was revoked. Programs using it are now refused."))
    else:
        messages.info(request, _("Your account had no API token."))
    return redirect("accounts:profile")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset: the same "sent" page whether or not the address has an account, and at most
    MITHAQ_PASSWORD_RESET_PER_HOUR requests an hour from one address."""

    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if not services.password_reset_attempt_allowed(ip=client_ip(request)):
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None,
                _("Too many password reset requests from your network in the last hour. Try again later."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    """Django's login, then the site speaks the language chosen on the login page, else the one
    the user saved in their profile."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # A language chosen on this device (the switch of the login page sets the cookie) is kept;
        # without a choice, the language saved in the profile.
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            return response
        language = getattr(form.get_user(), "language", None)
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

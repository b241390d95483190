"""Account writes: sign-up, e-mail verification and profile changes. Views call these and nothing
else writes a user from the public pages."""

from __future__ import annotations

import datetime
import hashlib
import logging
import smtplib
from dataclasses import dataclass

from axes.utils import reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.authtoken.models import Token

from accounts import selectors, tokens
from accounts.models import User
from core import ratelimit, roles, text
from core.errors import DomainError
from core.phone import phone_normalize
from organisation.models import Collectivity
from organisation.selectors import default_collectivity
from organisation.tenancy import site_reverse

logger = logging.getLogger(__name__)

# Abuse limits (fixed windows in the cache; docs/domain.md §3.3 asks for rate limits on online signing too).
SIGNUP_WINDOW_SECONDS = 60 * 60
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60
VERIFICATION_EMAIL_LIMIT = 3
VERIFICATION_EMAIL_WINDOW_SECONDS = 60 * 60

_PROFILE_FIELDS = ("first_name", "last_name", "email", "language", "phone", "notify_by_sms")


NO_ADDRESS_MESSAGE = _("Give an e-mail address or a mobile phone number: the notices of your cases go there.")
SMS_NEEDS_PHONE_MESSAGE = _("Give a mobile phone number to get the notices by SMS.")


class AccountRefused(DomainError):
    code = "account_refused"
    default_message = _("The account could not be saved.")


class EmailTaken(AccountRefused):
    code = "email_taken"
    default_message = _("An account already uses this e-mail address.")


class UsernameTaken(AccountRefused):
    code = "username_taken"
    default_message = _("A user with that username already exists.")


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = status.HTTP_429_TOO_MANY_REQUESTS
    default_message = _("Too many requests; try again later.")


class VerificationNotNeeded(DomainError):
    code = "verification_not_needed"
    default_message = _("Your e-mail address is already verified.")


class NoEmail(DomainError):
    code = "no_email"
    default_message = _("Your account has no e-mail address. Add one in your profile first.")


# Rate limits --------------------------------------------------------------------------------


def _rate_hit(key: str, *, limit: int, window: int) -> bool:
    return ratelimit.hit(key, limit=limit, window=window)


def signup_attempt_allowed(*, ip: str) -> bool:
    """Count one sign-up attempt from `ip`; at most MITHAQ_SIGNUP_PER_HOUR an hour."""
    return _rate_hit(
        "mithaq:signup:" + ratelimit.address_key(ip),
        limit=settings.MITHAQ_SIGNUP_PER_HOUR,
        window=SIGNUP_WINDOW_SECONDS,
    )


def password_reset_attempt_allowed(*, ip: str) -> bool:
    """Count one password-reset request from `ip`; at most MITHAQ_PASSWORD_RESET_PER_HOUR an hour."""
    return _rate_hit(
        "mithaq:password-reset:" + ratelimit.address_key(ip),
        limit=settings.MITHAQ_PASSWORD_RESET_PER_HOUR,
        window=PASSWORD_RESET_WINDOW_SECONDS,
    )


# Helpers ------------------------------------------------------------------------------------


def _normalize_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip())


def _email_in_use(email: str, *, exclude_pk: int | None = None) -> bool:
    qs = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _lock_names(*names: str) -> None:
    """Serialize writers that claim the same e-mail or username: neither column has a
    case-insensitive unique index. SQLite's IMMEDIATE transactions are serialized already."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        {int.from_bytes(hashlib.sha256(n.lower().encode()).digest()[:8], "big", signed=True) for n in names}
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for m in ValidationError(errors).messages]
            for field, errors in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


def _site_url(base_url: str | None) -> str:
    """Base of the link: MITHAQ_SITE_URL when set (behind a proxy the request host may be internal),
    else the request's own (validated against ALLOWED_HOSTS)."""
    return (getattr(settings, "MITHAQ_SITE_URL", "") or base_url or "http://127.0.0.1:8000").rstrip("/")


def _refuse_bidi_controls(**names: str) -> None:
    """Names are shown to staff beside case references: no text-reordering controls in them."""
    errors = {
        field: [str(text.BIDI_CONTROLS_MESSAGE)]
        for field, value in names.items()
        if text.has_bidi_controls(value)
    }
    if errors:
        raise AccountRefused(field_errors=errors)


# Sign-up ------------------------------------------------------------------------------------


def _default_or_none() -> Collectivity | None:
    try:
        return default_collectivity()
    except DomainError:  # no collectivity configured yet: an installation-wide account
        return None


def _slug(collectivity: Collectivity | None) -> str | None:
    return collectivity.slug if collectivity is not None else None


def user_signup(
    *,
    username: str,
    email: str,
    password: str,
    language: str,
    first_name: str = "",
    last_name: str = "",
    base_url: str | None = None,
    collectivity: Collectivity | None = None,
) -> User:
    """Create a citizen account: unique e-mail (any case), valid password, `citizen` group, the
    collectivity of the site where the person signed up (`collectivity`, else the default one); the
    verification link leaves on commit."""

    username = (username or "").strip()
    password = password or ""
    _refuse_bidi_controls(username=username, first_name=first_name, last_name=last_name)
    email = _normalize_email(email)
    if not email:
        raise AccountRefused(field_errors={"email": [gettext("Enter an e-mail address.")]})
    user = User(
        username=username,
        email=email,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        language=language,
        email_verified=False,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountRefused(field_errors={"password": [str(m) for m in exc.messages]}) from exc
    user.set_password(password)
    user.collectivity = collectivity or _default_or_none()
    try:
        with transaction.atomic():
            _lock_names("email:" + email, "username:" + username)
            if _email_in_use(email):
                raise EmailTaken(field_errors={"email": [str(EmailTaken.default_message)]})
            if User.objects.filter(username__iexact=username).exists():
                raise UsernameTaken(field_errors={"username": [str(UsernameTaken.default_message)]})
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                raise AccountRefused(field_errors=_field_errors(exc)) from exc
            user.save()
            citizen, _created = Group.objects.get_or_create(name=roles.CITIZEN)
            user.groups.add(citizen)
            try:
                user_email_verification_send(user=user, base_url=base_url)
            except RateLimited:  # a reused id inside a stale window: the user can ask again later
                logger.warning("Verification e-mail for new user %s deferred by the rate limit", user.pk)
    except IntegrityError as exc:  # a concurrent sign-up took the username first
        raise UsernameTaken(field_errors={"username": [str(UsernameTaken.default_message)]}) from exc
    user.__dict__.pop("_group_names", None)
    return user


# Sign-up requests: the same answer whatever exists -----------------------------------------

SIGNUP_NOTICE_LIMIT = 3
SIGNUP_NOTICE_WINDOW_SECONDS = 60 * 60


def user_signup_request(
    *,
    username: str,
    email: str,
    password: str,
    language: str,
    first_name: str = "",
    last_name: str = "",
    base_url: str | None = None,
    collectivity: Collectivity | None = None,
) -> None:
    """Sign-up as the public page does it: the caller learns nothing about existing accounts.

    New username and address: the account is created and its verification link sent. Address
    already used: its owner gets an e-mail saying someone tried (with log-in and password-reset
    links). Username taken with a new address: that address is told to choose another username.
    Only invalid input (a weak password, a malformed field) raises AccountRefused. `collectivity`
    is the site's (organisation.tenancy); None: the default one."""
    collectivity = collectivity or _default_or_none()
    email = _normalize_email(email)
    username = (username or "").strip()
    owner = User.objects.filter(email__iexact=email).first() if email else None
    taken = owner is None and User.objects.filter(username__iexact=username).exists()
    if owner is None and not taken:
        try:
            user_signup(
                username=username,
                email=email,
                password=password,
                language=language,
                first_name=first_name,
                last_name=last_name,
                base_url=base_url,
                collectivity=collectivity,
            )
            return
        except EmailTaken:  # a concurrent sign-up took it between the check and the insert
            owner = User.objects.filter(email__iexact=email).first()
        except UsernameTaken:
            taken = True
    else:
        # Hash anyway, so an answer for an existing account takes as long as one for a new account.
        make_password(password)
    if owner is not None:
        _send_signup_notice(
            key=f"user:{owner.pk}",
            to=owner.email,
            language=owner.language,
            reason="email_taken",
            base_url=base_url,
            collectivity=collectivity,
        )
    elif taken:
        _send_signup_notice(
            key="email:" + hashlib.sha256(email.lower().encode()).hexdigest()[:32],
            to=email,
            language=language,
            reason="username_taken",
            base_url=base_url,
            collectivity=collectivity,
        )


def _send_signup_notice(
    *, key: str, to: str, language: str, reason: str, base_url: str | None, collectivity: Collectivity | None
) -> None:
    # A few an hour per address at most, so the form cannot be used to flood someone's mailbox.
    if not _rate_hit(
        "mithaq:signup-notice:" + key, limit=SIGNUP_NOTICE_LIMIT, window=SIGNUP_NOTICE_WINDOW_SECONDS
    ):
        return

    # The links and the name are those of the site where the sign-up was tried (organisation.tenancy).
    site = _site_url(base_url)
    slug = _slug(collectivity)
    with translation.override(language or settings.LANGUAGE_CODE):
        commune = collectivity.name if collectivity is not None else gettext("Citizen participation")
        text = render_to_string(
            "emails/signup_notice.txt",
            {
                "reason": reason,
                "commune": commune,
                "login_link": site + site_reverse(slug, "login"),
                "reset_link": site + site_reverse(slug, "accounts:password_reset"),
                "signup_link": site + site_reverse(slug, "accounts:signup"),
            },
        )
        subject = gettext("Account request on the participation portal") + " · " + commune
        content_language = translation.get_language()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Content-Language": content_language, "Auto-Submitted": "auto-generated"},
    )

    def deliver():
        try:
            message.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Sign-up notice not sent: %s", type(exc).__name__)

    transaction.on_commit(deliver)


# E-mail verification ------------------------------------------------------------------------


def verification_link(*, user: User, base_url: str | None = None) -> str:
    """On the site of the user's collectivity (/c/<slug>/ unless it is the default one), whatever
    site asked for it: the page then names the commune the e-mail names."""
    token = tokens.make_token(user_id=user.pk, email=user.email)
    slug = _slug(user.collectivity) if user.collectivity_id else None
    return _site_url(base_url) + site_reverse(slug, "accounts:verify_email_confirm", args=[token])


def _render_verification_email(*, user: User, link: str) -> tuple[str, str, str]:
    days = int(tokens.MAX_AGE / datetime.timedelta(days=1))
    with translation.override(user.language or settings.LANGUAGE_CODE):
        commune = user.collectivity.name if user.collectivity_id else gettext("Citizen participation")
        context = {
            "user": user,
            "display_name": user.get_full_name() or user.get_username(),
            "commune": commune,
            "link": link,
            "days": days,
            "language": translation.get_language(),
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        subject = gettext("Verify your e-mail address") + " · " + commune
        text = render_to_string("emails/verify_email.txt", context)
        html = render_to_string("emails/verify_email.html", context)
    return " ".join(subject.split()), text, html


def _deliver(*, user_id: int, to: str, language: str, subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        # The account exists already; the user can ask for a new link. No address in the log.
        logger.warning("Verification e-mail for user %s not sent: %s", user_id, type(exc).__name__)


def user_email_verification_send(*, user: User, base_url: str | None = None) -> None:
    """Send a fresh verification link to the user's current address; at most
    VERIFICATION_EMAIL_LIMIT an hour per user, whatever asked for it (sign-up, resend, e-mail change)."""
    if not user.email:
        raise NoEmail()
    if user.email_verified:
        raise VerificationNotNeeded()
    key = f"mithaq:verify-email:{user.pk}"
    if not _rate_hit(key, limit=VERIFICATION_EMAIL_LIMIT, window=VERIFICATION_EMAIL_WINDOW_SECONDS):
        raise RateLimited(
            _(
                "You asked for too many links in the last hour. Use the latest e-mail you received, or try "
                "again later."
            )
        )
    link = verification_link(user=user, base_url=base_url)
    subject, text, html = _render_verification_email(user=user, link=link)
    payload = {
        "user_id": user.pk,
        "to": user.email,
        "language": user.language,
        "subject": subject,
        "text": text,
        "html": html,
    }
    transaction.on_commit(lambda: _deliver(**payload))


def user_verify_email(*, token: str, max_age: datetime.timedelta | float = tokens.MAX_AGE) -> User:
    """Mark the address verified when the link is genuine, younger than max_age and was sent to
    the address the account holds now."""
    claims = tokens.read_token(token, max_age=max_age)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=claims.user_id, is_active=True).first()
        if user is None:
            raise tokens.TokenInvalid()
        if not tokens.matches_email(claims, user.email):
            raise tokens.TokenStale()
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
    return user


# Profile ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileUpdate:
    user: User
    email_changed: bool
    link_sent: bool


def user_profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    phone: str = "",
    notify_by_sms: bool = False,
    base_url: str | None = None,
) -> ProfileUpdate:
    """Change names, language, e-mail and phone; a new address is unverified until its own link is used.

    The e-mail address may be left empty when a mobile phone is given: the notices then go by SMS (for
    people without e-mail, docs/domain.md §7). SMS notices need a phone.
    """
    _refuse_bidi_controls(first_name=first_name, last_name=last_name)
    email = _normalize_email(email)
    try:
        phone = phone_normalize(phone)
    except ValidationError as exc:
        raise AccountRefused(field_errors={"phone": list(exc.messages)}) from None
    if not email and not phone:
        raise AccountRefused(field_errors={"email": [str(NO_ADDRESS_MESSAGE)]})
    if notify_by_sms and not phone:
        raise AccountRefused(field_errors={"phone": [str(SMS_NEEDS_PHONE_MESSAGE)]})
    link_sent = False
    with transaction.atomic():
        if email:
            _lock_names("email:" + email)
        locked = User.objects.select_for_update().get(pk=user.pk)
        email_changed = email.lower() != (locked.email or "").lower()
        if email and email_changed and _email_in_use(email, exclude_pk=locked.pk):
            raise EmailTaken(field_errors={"email": [str(EmailTaken.default_message)]})
        locked.phone = phone
        locked.notify_by_sms = bool(notify_by_sms)
        locked.first_name = (first_name or "").strip()
        locked.last_name = (last_name or "").strip()
        locked.email = email
        locked.language = language
        if email_changed:
            locked.email_verified = False
        try:
            locked.clean_fields(
                exclude=[f.name for f in User._meta.concrete_fields if f.name not in _PROFILE_FIELDS]
            )
        except ValidationError as exc:
            raise AccountRefused(field_errors=_field_errors(exc)) from exc
        locked.save(update_fields=[*_PROFILE_FIELDS, "email_verified"])
        if email_changed and email:
            try:
                user_email_verification_send(user=locked, base_url=base_url)
                link_sent = True
            except RateLimited:
                link_sent = False
    return ProfileUpdate(user=locked, email_changed=bool(email_changed and email), link_sent=link_sent)


# API tokens ---------------------------------------------------------------------------------


def api_token_issue(*, user: User) -> Token:
    """The user's API token; a new one when there is none or it has expired (MITHAQ_API_TOKEN_DAYS)."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and selectors.api_token_expired(token):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user)
    return token


def api_token_revoke(*, user: User) -> bool:
    """Delete the user's API token at once; True when there was one. Programs using it get 403."""
    with transaction.atomic():
        deleted, _by_model = Token.objects.filter(user=user).delete()
    return bool(deleted)


# Login lockouts -----------------------------------------------------------------------------


def user_login_unlock(*, username: str) -> int:
    """Forget the failed login attempts counted for `username` (django-axes), so its owner can log
    in again before the cool-off ends. Attempts counted for an address stay: `manage.py axes_reset_ip`."""

    return reset(username=username)

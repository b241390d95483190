"""Signed, time-limited e-mail verification links.

A token signs the user's id and a keyed digest of the address the link was sent to, so changing
the address invalidates every earlier link, and the address itself never appears in URLs or logs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import DomainError

SALT = "mithaq.accounts.verify-email"
MAX_AGE = datetime.timedelta(days=3)
# A genuine token is well under 200 characters; anything far longer is not worth unsigning.
MAX_TOKEN_LENGTH = 512


class TokenInvalid(DomainError):
    code = "token_invalid"
    default_message = _(
        "This verification link is not valid. Check that you copied it whole, or ask for a new one."
    )


class TokenExpired(TokenInvalid):
    code = "token_expired"
    default_message = _("This verification link has expired (links are valid for 3 days). Ask for a new one.")


class TokenStale(TokenInvalid):
    code = "token_stale"
    default_message = _(
        "This verification link was sent to an address that is no longer the one on the account. "
        "Ask for a new link."
    )


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    email_digest: str


def email_digest(email: str) -> str:
    """Keyed digest of an address; case-insensitive, as addresses are unique case-insensitively."""
    return salted_hmac(SALT + ".email", (email or "").strip().lower(), algorithm="sha256").hexdigest()[:32]


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_token(*, user_id: int, email: str) -> str:
    return _signer().sign_object({"u": user_id, "e": email_digest(email)})


def read_token(token: str, *, max_age: datetime.timedelta | float = MAX_AGE) -> TokenClaims:
    """Check signature and age; raises TokenExpired or TokenInvalid, never anything else."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenInvalid()
    try:
        payload = _signer().unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired() from exc
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as exc:
        raise TokenInvalid() from exc
    if not isinstance(payload, dict):
        raise TokenInvalid()
    user_id, digest = payload.get("u"), payload.get("e")
    if (
        isinstance(user_id, bool)
        or not isinstance(user_id, int)
        or user_id <= 0
        or not isinstance(digest, str)
    ):
        raise TokenInvalid()
    return TokenClaims(user_id=user_id, email_digest=digest)


def matches_email(claims: TokenClaims, email: str) -> bool:
    return bool(email) and constant_time_compare(claims.email_digest, email_digest(email))


def user_for_token(token: str, *, max_age: datetime.timedelta | float = MAX_AGE) -> User:
    """The account a link belongs to, without changing anything (the page before confirming)."""
    claims = read_token(token, max_age=max_age)
    user = User.objects.filter(pk=claims.user_id, is_active=True).first()
    if user is None:
        raise TokenInvalid()
    if not matches_email(claims, user.email):
        raise TokenStale()
    return user

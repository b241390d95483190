"""Account reads."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token


def api_token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.MITHAQ_API_TOKEN_DAYS)


def api_token_expires_at(token: Token) -> datetime.datetime:
    return token.created + api_token_lifetime()


def api_token_expired(token: Token, *, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= api_token_expires_at(token)


def api_token_get(user) -> Token | None:
    """The user's API token (there is at most one), expired or not."""
    if not getattr(user, "pk", None):
        return None
    return Token.objects.filter(user=user).first()

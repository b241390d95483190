"""Who is asking (the client address) and how often: fixed-window counters in the shared cache.

Login attempts are counted by django-axes, the token endpoint by DRF's throttling, sign-up and
password reset by `hit`; all three read the client address from `client_ip`, so one address is one
address everywhere.
"""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """REMOTE_ADDR; behind the project's reverse proxy (MITHAQ_BEHIND_PROXY), the last
    X-Forwarded-For hop, the one the proxy itself appended. Earlier hops are set by the client and
    never trusted: otherwise anyone could pick a fresh address for every attempt."""
    request = getattr(request, "_request", request)  # a DRF request wraps Django's
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    if getattr(settings, "MITHAQ_BEHIND_PROXY", False):
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        forwarded = _valid_ip(hops[-1]) if hops else None
        if forwarded:
            return forwarded
    return remote or "unknown"


def address_key(ip: str) -> str:
    # Hashed: the cache holds no readable address (Law 09-08).
    return hashlib.sha256((ip or "unknown").encode()).hexdigest()[:32]


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit in the window that starts at the first hit; False once over the limit."""
    cache.add(key, 0, window)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        hits = 1
    return hits <= limit


class TokenEndpointThrottle(SimpleRateThrottle):
    """POST /api/v1/auth/token/ per client address, at MITHAQ_API_TOKEN_RATE (read per request, so
    a settings change applies at once). It counts every request, good or bad, so password guessing
    and token farming are both slowed; django-axes locks the account and address on top."""

    scope = "auth_token"

    def get_rate(self) -> str:
        return settings.MITHAQ_API_TOKEN_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": address_key(client_ip(request))}

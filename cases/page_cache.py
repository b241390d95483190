"""Whole public pages (home, register, case page) kept in the shared cache for anonymous visitors.

Rendering a register page or a case page costs tens of milliseconds; under 50 concurrent visitors
that is what keeps answers from staying under 300 ms (README, "Performance at scale"). The page a
visitor without an account sees depends only on the address (path and query string), the language,
the host, the portal's collectivity and the day, so it is rendered once and served from the cache.

Exactness: each stored page carries the register's generation stamp (cases.register_cache), which
cases.services replaces on commit of every filing, transition, correction and audited action; a
page stored under another stamp than the current one is rendered again, so the request after such
a write sees it. The stamp and the page are read in one round trip to the cache. The day is in the key for
what pages date by the
calendar (deadlines, overdue marks). What only time changes otherwise ("for 12 days", counted in
whole days since the state was entered) and what no service writes (an administrator renaming a
committee or the commune) shows after at most MITHAQ_PAGE_CACHE_SECONDS.

What is never cached or replayed:
- logged-in users' pages (their menus, badges and rights differ): they are always rendered;
- a request carrying pending messages ("saved", "logged out"): those are one visitor's;
- anything but a 200 HTML answer to GET (404s, redirects, errors, responses setting cookies);
- the CSRF token of the language switch: the page is rendered with a placeholder in its place, and
  each answer gets the visitor's own token (a token is tied to its visitor's cookie; another's
  would fail, and would disclose their secret). The placeholder is derived from SECRET_KEY so page
  content cannot forge it.
Headers are not cached: the middleware sets Vary, Content-Language, CSP and cookies on every
answer. Templates carry no CSP nonce (config/settings/base.py, no inline script).

Only the allowed query parameters are cached (the register's filters and page); other addresses
are rendered each time, so junk parameters cannot fill the cache. Bodies are stored compressed.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import zlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from cases import register_cache
from organisation import selectors as org_selectors

# Set on the request while a cacheable page renders (read by `csrf_placeholder`).
RENDERING_ATTR = "mithaq_page_cache_rendering"
STAMP_KEY = register_cache.stamp_key(None)
# Longer query strings (a pasted search, a crawler's junk) are rendered, not stored.
MAX_QUERY_LENGTH = 300


def timeout() -> int:
    """Seconds a page is kept; 0 turns the page cache off."""
    return max(0, int(getattr(settings, "MITHAQ_PAGE_CACHE_SECONDS", 0)))


@functools.cache
def _placeholder_for(secret: str) -> str:
    # Hex like a real token, so the csrf_token tag renders it unchanged.
    return hmac.new(secret.encode(), b"mithaq-page-cache-csrf", hashlib.sha256).hexdigest()


def placeholder() -> str:
    return _placeholder_for(settings.SECRET_KEY)


def csrf_placeholder(request) -> dict:
    """Context processor: while a page is rendered for the cache, its forms carry the placeholder
    instead of this visitor's CSRF token (each answer puts the right token back)."""
    if getattr(request, RENDERING_ATTR, False):
        return {"csrf_token": placeholder()}
    return {}


def _cacheable_request(request: HttpRequest, params: frozenset[str]) -> bool:
    if request.method != "GET" or timeout() == 0:
        return False
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH or any(name not in params for name in request.GET):
        return False
    if request.user.is_authenticated:
        return False
    # len() reads the pending messages without marking them shown.
    return len(get_messages(request)) == 0


def page_key(request: HttpRequest, name: str) -> str:
    """The cache key of this anonymous page: page, collectivity, language, day, host and address."""
    address = f"{request.get_host()}\n{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return ":".join(
        (
            "mithaq:page",
            name,
            # The request's collectivity (its /c/<slug>/ prefix or host name, organisation.tenancy).
            org_selectors.portal_slug(request),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            digest,
        )
    )


def _with_token(request: HttpRequest, body: bytes) -> bytes:
    mark = placeholder().encode()
    if mark not in body:
        return body
    return body.replace(mark, get_token(request).encode())


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not response.has_header("Cache-Control")
    )


def public_page(name: str, params: Iterable[str] = ()) -> Callable:
    """Decorate a public GET view: anonymous visitors get the cached page (see the module's docstring).
    `params` are the query parameters the page understands; any other one bypasses the cache."""
    allowed = frozenset(params)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request, allowed):
                return view(request, *args, **kwargs)
            key = page_key(request, name)
            # Every write bumps this stamp, whatever its collectivity (register_cache.invalidate).
            found = cache.get_many([STAMP_KEY, key])
            stamp = found.get(STAMP_KEY) or register_cache.stamp(None)
            entry = found.get(key)
            if entry is not None and entry[0] == stamp:
                _, status, content_type, compressed = entry
                body = _with_token(request, zlib.decompress(compressed))
                return HttpResponse(body, status=status, content_type=content_type)
            setattr(request, RENDERING_ATTR, True)
            try:
                response = view(request, *args, **kwargs)
                # A TemplateResponse renders late: render it while the placeholder is in force.
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
            finally:
                setattr(request, RENDERING_ATTR, False)
            if response.streaming:
                return response
            body = response.content
            if _storable(response):
                entry = (stamp, response.status_code, response["Content-Type"], zlib.compress(body, 6))
                cache.set(key, entry, timeout())
            response.content = _with_token(request, body)
            return response

        return wrapper

    return decorator

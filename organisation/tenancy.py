"""One installation, several collectivities: which collectivity a request is about.

A collectivity is reached at `/c/<slug>/` on any host the installation answers, and at the root of
its own host name when `Collectivity.hostname` is set. Anything else serves the default collectivity
(settings.MITHAQ_DEFAULT_COLLECTIVITY) as a one-collectivity installation always did. An unknown
prefix, a prefix naming another collectivity than the host's, or (when settings.MITHAQ_DEFAULT_HOSTS
lists the installation's own hosts) an unknown host is the 404 page: never another collectivity's
site (docs/architecture.md, "Several collectivities").

Under a prefix the middleware moves `/c/<slug>` from the path to the script prefix, so the URL map is
the same for every collectivity and every `reverse()` and `{% url %}` of the request keeps the prefix.
The host and slug map is small; it is kept in the shared cache and dropped whenever a collectivity is
saved or deleted.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponsePermanentRedirect
from django.urls import get_script_prefix, reverse, set_script_prefix

from core import roles, sites
from core import views as error_views
from organisation.models import Collectivity

MAP_KEY = "mithaq:tenancy:map"
MAP_TIMEOUT = 60 * 60
PREFIX = re.compile(r"^/c/(?P<slug>[-a-zA-Z0-9_]+)(?P<rest>/.*)?$")
# Where on a collectivity's site only its own staff may go (the rest is public or the visitor's own).
STAFF_PATHS = ("/staff/", "/admin/")

# Attributes set on the request (organisation.selectors.portal_collectivity reads them).
SLUG_ATTR = "_mithaq_collectivity_slug"
ID_ATTR = sites.ID_ATTR
ROUTED_ATTR = "mithaq_routed"


def _normalise_host(host: str) -> str:
    return host.rsplit(":", 1)[0].strip().lower().rstrip(".") if host else ""


def _build_map() -> dict:
    rows = list(Collectivity.objects.values_list("id", "slug", "hostname"))
    return {
        "hosts": {_normalise_host(h): (pk, slug) for pk, slug, h in rows if h},
        "slugs": {slug: pk for pk, slug, _h in rows},
    }


def collectivity_map() -> dict:
    """{"hosts": {hostname: (id, slug)}, "slugs": {slug: id}}, from the cache or the database."""
    found = cache.get(MAP_KEY)
    if found is None:
        found = _build_map()
        cache.set(MAP_KEY, found, MAP_TIMEOUT)
    return found


@receiver(post_save, sender=Collectivity)
@receiver(post_delete, sender=Collectivity)
def _refresh_map(**kwargs) -> None:
    # Built again at once (not only dropped): the next request finds it, whatever process serves it.
    cache.set(MAP_KEY, _build_map(), MAP_TIMEOUT)


def site_reverse(slug: str | None, viewname: str, args=()) -> str:
    """The address of a page on a collectivity's site, whatever request (or none) is being served,
    for e-mails and tasks: the default collectivity's at the root, any other under /c/<slug>/."""
    current = get_script_prefix()
    set_script_prefix("/")
    try:
        path = reverse(viewname, args=args)
    finally:
        set_script_prefix(current)
    if not slug or slug == settings.MITHAQ_DEFAULT_COLLECTIVITY:
        return path
    return f"/c/{slug}{path}"


def site_collectivity_id(request) -> int | None:
    """The collectivity a prefix or a host name chose for this request; None on the default site."""
    return getattr(request, ID_ATTR, None)


class CollectivityMiddleware:
    """Placed after LocaleMiddleware (the 404 page is translated) and before CommonMiddleware (which
    resolves the path without the prefix)."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Django adds the script prefix to relative STATIC_URL and MEDIA_URL once, on first read:
        # read them now, before any request sets a collectivity's prefix.
        settings.STATIC_URL, settings.MEDIA_URL  # noqa: B018

    def __call__(self, request):
        # The WSGI handler sets the script prefix at each request, the test client does not: put it
        # back after the answer so that no later request or task inherits a collectivity's prefix.
        base = get_script_prefix()
        try:
            refused = self._route(request)
            if refused is not None:
                return refused
            return self.get_response(request)
        finally:
            set_script_prefix(base)

    def _route(self, request):
        mapping = collectivity_map()
        host = _normalise_host(request.get_host())
        by_host = mapping["hosts"].get(host)
        match = PREFIX.match(request.path_info)
        if match:
            slug = match.group("slug")
            pk = mapping["slugs"].get(slug)
            if pk is None or (by_host is not None and by_host[0] != pk):
                return self._not_found(request)
            if match.group("rest") is None:
                return HttpResponsePermanentRedirect(
                    request.get_full_path().replace(f"/c/{slug}", f"/c/{slug}/", 1)
                )
            request.path_info = match.group("rest")
            set_script_prefix(f"{get_script_prefix()}c/{slug}/")
            self._choose(request, pk, slug)
        elif by_host is not None:
            self._choose(request, *by_host)
        else:
            allowed = {_normalise_host(h) for h in getattr(settings, "MITHAQ_DEFAULT_HOSTS", [])}
            if allowed and host not in allowed:
                return self._not_found(request)
            setattr(request, sites.PUBLIC_ATTR, mapping["slugs"].get(settings.MITHAQ_DEFAULT_COLLECTIVITY))
        return None

    @staticmethod
    def _choose(request, pk: int, slug: str) -> None:
        setattr(request, ID_ATTR, pk)
        setattr(request, sites.PUBLIC_ATTR, pk)
        setattr(request, SLUG_ATTR, slug)
        setattr(request, ROUTED_ATTR, True)

    @staticmethod
    def _not_found(request):
        # Nothing chose a collectivity: the page must not show the default one's name either.
        request._mithaq_collectivity = None
        return error_views.not_found(request)

    def process_view(self, request, view, args, kwargs):
        """Staff of other collectivities see nothing of this one's staff pages (403); the others' lists
        keep to this collectivity."""
        pk = site_collectivity_id(request)
        if pk is None:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        # Staff lists, inbox counts and search on this site show its collectivity only, whatever
        # other collectivities the user acts in (accounts.User.listed_collectivity_ids).
        user.limit_lists_to_site(pk)
        if user.is_superuser:
            return None
        staff = bool(user.group_names() & roles.STAFF_GROUPS) or user.is_staff
        if request.path_info.startswith(STAFF_PATHS) and staff and not user.acts_in(pk):
            return error_views.forbidden(request)
        return None

"""One installation, several collectivities: which collectivity a request is about.

A collectivity is reached at `/c/<slug>/` on any host the installation answers, and at the root of
its own host name when `Collectivity.hostname` is set. Anything else serves the default collectivity
(settings.MITHAQ_DEFAULT_COLLECTIVITY) as a one-collectivity installation always did. An unknown
prefix, a prefix naming another collectivity than the host's, or (when settings.MITHAQ_DEFAULT_HOSTS
lists the installation's own hosts) an unknown host is the 404 page: never another collectivity's
site (docs/architecture.md, "Several collectivities").

Under a prefix the middleware moves `/c/<slug>` from the path to the script prefix, so the URL map is
the same for every collectivity and every `reverse()` and `{% url %}` of the request keeps the prefix.
What routing reads is kept in the shared cache, in one read per request: the routes (the host names,
which few collectivities have, and the default collectivity's id) and the id of each slug asked for,
found by the slug's unique index. A slug that names no collectivity is remembered as missing for a
minute, so a scan of made-up prefixes does not reach the database on every request. A collectivity's
save or delete writes what it changed at once (its slug, the old one too when it is renamed, and the
routes when it has or had a host name or is the default one), for a minute only, and drops it again
on commit; a bulk write, which sends no signal, calls forget().
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpResponsePermanentRedirect
from django.urls import get_script_prefix, reverse, set_script_prefix

from core import roles, sites
from core import views as error_views
from organisation.models import Collectivity

ROUTES_KEY = "mithaq:tenancy:routes"
SLUG_KEY = "mithaq:tenancy:slug:{}"
FOUND_TIMEOUT = 60 * 60
BRIEF_TIMEOUT = 60  # a slug no collectivity has; what a write caches before its commit
MISSING = 0  # cached for a slug no collectivity has (ids start at 1)
SLUG_MAX_LENGTH = Collectivity._meta.get_field("slug").max_length
PREFIX = re.compile(r"^/c/(?P<slug>[-a-zA-Z0-9_]+)(?P<rest>/.*)?$")
# Where on a collectivity's site only its own staff may go (the rest is public or the visitor's own).
STAFF_PATHS = ("/staff/", "/admin/")

# Attributes set on the request (organisation.selectors.portal_collectivity reads them).
SLUG_ATTR = "_mithaq_collectivity_slug"
ID_ATTR = sites.ID_ATTR
ROUTED_ATTR = "mithaq_routed"


def _normalise_host(host: str) -> str:
    return host.rsplit(":", 1)[0].strip().lower().rstrip(".") if host else ""


def _slug_key(slug: str) -> str:
    return SLUG_KEY.format(slug)


def _build_routes() -> dict:
    """{"hosts": {hostname: (id, slug)}, "default": (slug, id or None)}: the collectivities with a
    host name (few) and the default one, whose id the unprefixed site needs, in one query."""
    default = settings.MITHAQ_DEFAULT_COLLECTIVITY
    rows = (
        Collectivity.objects.filter(Q(hostname__gt="") | Q(slug=default))  # neither NULL nor blank
        .order_by()
        .values_list("id", "slug", "hostname")
    )
    routes: dict = {"hosts": {}, "default": (default, None)}
    for pk, slug, host in rows:
        if host:
            routes["hosts"][_normalise_host(host)] = (pk, slug)
        if slug == default:
            routes["default"] = (default, pk)
    return routes


def _slug_id(slug: str) -> int:
    """The id of the collectivity with this slug, or MISSING (its unique index: one row at most)."""
    found = Collectivity.objects.filter(slug=slug).order_by().values_list("id", flat=True)[:1]
    return next(iter(found), MISSING)


def lookup(slug: str | None) -> tuple[dict, int | None]:
    """The routes (_build_routes) and the id of `slug`'s collectivity (None: no slug asked, or no
    collectivity has it), from the cache in one read, else from the database."""
    # A slug longer than the column allows names no collectivity: neither the cache nor the database
    # is asked about it (and the cache keys stay short).
    slug_key = _slug_key(slug) if slug and len(slug) <= SLUG_MAX_LENGTH else None
    found = cache.get_many([ROUTES_KEY, slug_key] if slug_key else [ROUTES_KEY])
    routes = found.get(ROUTES_KEY)
    if routes is None or routes["default"][0] != settings.MITHAQ_DEFAULT_COLLECTIVITY:
        routes = _build_routes()
        cache.set(ROUTES_KEY, routes, FOUND_TIMEOUT)
    if slug_key is None:
        return routes, None
    pk = found.get(slug_key)
    if pk is None:
        pk = _slug_id(slug)
        cache.set(slug_key, pk, FOUND_TIMEOUT if pk else BRIEF_TIMEOUT)
    return routes, pk or None


def forget(*, slugs=(), routes: bool = False) -> None:
    """Drop what routing cached for these slugs (and the routes, if `routes`): at once, and again on
    commit so that a request in between does not keep what the transaction is changing. For a
    write that sends no signal (bulk_create, QuerySet.update); a save or delete needs nothing."""
    keys = [_slug_key(s) for s in slugs if s and len(s) <= SLUG_MAX_LENGTH] + ([ROUTES_KEY] if routes else [])
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


ROUTING_FIELDS = {"slug", "hostname"}
_BEFORE = "_mithaq_tenancy_before"


@receiver(pre_save, sender=Collectivity)
def _note_routing(sender, instance: Collectivity, update_fields=None, **kwargs) -> None:
    # A renamed slug or a changed host name must drop the old value's entry too: read it as stored.
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not ROUTING_FIELDS & set(update_fields):
        return
    old = Collectivity.objects.filter(pk=instance.pk).order_by().values_list("slug", "hostname")[:1]
    for row in old:
        setattr(instance, _BEFORE, row)


@receiver(post_save, sender=Collectivity)
@receiver(post_delete, sender=Collectivity)
def _routing_changed(sender, instance: Collectivity, update_fields=None, **kwargs) -> None:
    old_slug, old_host = instance.__dict__.pop(_BEFORE, ("", None))
    if update_fields is not None and not ROUTING_FIELDS & set(update_fields):
        return  # e.g. a counter saved alone: routing did not change
    deleted = kwargs.get("signal") is post_delete
    # Written at once, so that the next request finds them whatever process serves it (and a saved
    # collectivity costs its first visitor nothing), but only briefly and dropped again on commit:
    # a rolled-back or concurrent transaction must not leave them for an hour.
    slugs = {old_slug: MISSING, instance.slug: MISSING if deleted else instance.pk}
    values = {_slug_key(slug): pk for slug, pk in slugs.items() if slug and len(slug) <= SLUG_MAX_LENGTH}
    cache.set_many(values, BRIEF_TIMEOUT)
    keys = list(values)
    if instance.hostname or old_host or settings.MITHAQ_DEFAULT_COLLECTIVITY in slugs:
        cache.set(ROUTES_KEY, _build_routes(), BRIEF_TIMEOUT)
        keys.append(ROUTES_KEY)
    elif cache.get(ROUTES_KEY) is None:
        cache.set(ROUTES_KEY, _build_routes(), FOUND_TIMEOUT)  # unchanged by this write
    transaction.on_commit(lambda: cache.delete_many(keys))


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
        host = _normalise_host(request.get_host())
        match = PREFIX.match(request.path_info)
        routes, pk = lookup(match.group("slug") if match else None)
        by_host = routes["hosts"].get(host)
        if match:
            slug = match.group("slug")
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
            setattr(request, sites.PUBLIC_ATTR, routes["default"][1])
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

"""Reads of the organisation: the collectivity a request is about, its committees, services, sessions
and legal figures."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import sites
from core.errors import NotFound
from organisation.models import Collectivity, Committee, CouncilSession, Service


def committee_list(*, collectivity=None) -> QuerySet[Committee]:
    qs = Committee.objects.select_related("collectivity").order_by("id")
    return qs.filter(collectivity=collectivity) if collectivity else qs


def service_list(*, collectivity=None) -> QuerySet[Service]:
    qs = Service.objects.select_related("collectivity").order_by("id")
    return qs.filter(collectivity=collectivity) if collectivity else qs


def session_list(*, collectivity=None) -> QuerySet[CouncilSession]:
    qs = CouncilSession.objects.select_related("collectivity").order_by("date", "id")
    return qs.filter(collectivity=collectivity) if collectivity else qs


def collectivity_get(*, slug: str) -> Collectivity | None:
    return Collectivity.objects.filter(slug=slug).first()


def collectivity_all() -> QuerySet[Collectivity]:
    return Collectivity.objects.order_by("slug")


def collectivity_by_id(pk: int) -> Collectivity | None:
    return Collectivity.objects.filter(pk=pk).first()


def collectivity_default() -> Collectivity | None:
    """The collectivity the portal serves (settings.MITHAQ_DEFAULT_COLLECTIVITY, else the first)."""
    qs = Collectivity.objects.all()
    return qs.filter(slug=settings.MITHAQ_DEFAULT_COLLECTIVITY).first() or qs.order_by("id").first()


def next_ordinary_session(*, collectivity, after: datetime.date | None = None) -> CouncilSession | None:
    """OL 113-14 art. 38 and 125: an admissible petition goes on the next ordinary session's agenda."""
    after = after or timezone.localdate()
    return (
        CouncilSession.objects.filter(
            collectivity=collectivity, kind=CouncilSession.Kind.ORDINARY, date__gte=after
        )
        .order_by("date")
        .first()
    )


def default_collectivity() -> Collectivity:
    qs = Collectivity.objects.all()
    found = qs.filter(slug=settings.MITHAQ_DEFAULT_COLLECTIVITY).first() or qs.order_by("id").first()
    if found is None:
        raise NotFound(_("No collectivity is configured yet."))
    return found


def portal_slug(request) -> str:
    """The slug of the collectivity the request is about, without a query (the page cache's key)."""
    if request is None:
        return settings.MITHAQ_DEFAULT_COLLECTIVITY
    return getattr(request, "_mithaq_collectivity_slug", None) or settings.MITHAQ_DEFAULT_COLLECTIVITY


def portal_collectivity(request):
    """The collectivity the portal shows, looked up once per request: the one its prefix `/c/<slug>/`
    or its host name chose (organisation.tenancy), else the default one."""
    if request is None:
        return collectivity_default()
    if not hasattr(request, "_mithaq_collectivity"):
        slug = getattr(request, "_mithaq_collectivity_slug", None)
        request._mithaq_collectivity = collectivity_get(slug=slug) if slug else collectivity_default()
    return request._mithaq_collectivity


def routed_collectivity_id(request) -> int | None:
    """The collectivity a prefix `/c/<slug>/` or a host name chose (organisation.tenancy); None on
    the default site, where the installation's lists stay whole as they always were."""
    return sites.routed_collectivity_id(request)


def on_site(request, collectivity_id: int | None) -> bool:
    """Whether something of this collectivity belongs on the request's site: on a collectivity's
    prefix or host name, only its own; on the default site, anything (as a one-collectivity
    installation always served)."""
    site = routed_collectivity_id(request)
    return site is None or collectivity_id == site


def on_public_site(request, collectivity_id: int | None) -> bool:
    """Whether a public page of something of this collectivity belongs on the request's site: the
    routed collectivity's own, and on the default site the default collectivity's (the unprefixed
    site is the default collectivity's site; with one collectivity nothing changes)."""
    site = sites.public_site_id(request)
    return site is None or collectivity_id == site


def shown_here(request, collectivity_id: int | None) -> bool:
    """A public page of this collectivity's thing on this site: on_public_site, or for a user who
    acts in that collectivity (its staff print its notices wherever they are logged in)."""
    if on_public_site(request, collectivity_id):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.acts_in(collectivity_id))


def routed_collectivity(request) -> Collectivity | None:
    return portal_collectivity(request) if routed_collectivity_id(request) is not None else None


def staff_collectivity_id(request, user) -> int | None:
    """The collectivity id a staff report works on: the request's own when the user acts in it,
    else the user's primary one (None: an installation-wide account on the default site, all)."""
    site = sites.routed_collectivity_id(request)
    if site is not None and user.acts_in(site):
        return site
    return user.collectivity_id


def staff_collectivity(request, user) -> Collectivity | None:
    """The collectivity a staff page works on: the request's own (prefix or host name) when the user
    acts in it, else the user's primary one, else the portal's."""
    site = portal_collectivity(request) if getattr(request, "mithaq_routed", False) else None
    if site is not None and user.acts_in(site.pk):
        return site
    return user.collectivity if user.collectivity_id else portal_collectivity(request)

"""Reads of the organisation: the collectivity a request is about, its committees, services, sessions
and legal figures."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

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


def portal_collectivity(request):
    """The collectivity the portal shows, looked up once per request."""
    if request is None:
        return collectivity_default()
    if not hasattr(request, "_mithaq_collectivity"):
        request._mithaq_collectivity = collectivity_default()
    return request._mithaq_collectivity

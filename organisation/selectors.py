"""Reads of the organisation: the collectivity a request is about, its committees, services, sessions
and legal figures."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import lifecycle
from cases import states as S
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


def collectivity_rules(collectivity: Collectivity) -> dict:
    """The participation rules in force, for the charter's duty to tell participants the rules."""
    states = [
        {
            "name": state,
            "label": str(label),
            "opinion_label": str(S.OPINION_STATE_LABELS[state]) if state in S.OPINION_STATE_LABELS else None,
            "open": state in S.OPEN_STATES,
            "help": str(S.STATE_HELP.get(state, "")),
        }
        for state, label in S.STATE_LABELS.items()
    ]
    transitions = [
        {
            "name": spec.name,
            "label": str(spec.label),
            "opinion_label": str(spec.opinion_label) if spec.opinion_label else None,
            "target": spec.target,
            "sources": sorted(spec.sources, key=S.ALL_STATES.index),
            "edges": [
                {"sources": list(edge.sources), "kinds": sorted(edge.kinds), "role": edge.role} for edge in spec.edges
            ],
            "decision": spec.decision,
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "label": str(f.label),
                    "required": f.required if f.required_from is None else False,
                    "required_from": sorted(f.required_from) if f.required_from is not None else None,
                    "public": f.public,
                    "choices": [{"value": k, "label": str(v)} for k, v in f.choices.items()] if f.choices else None,
                }
                for f in spec.fields
            ],
        }
        for spec in lifecycle.TRANSITIONS.values()
    ]
    return {
        "collectivity": {
            "slug": collectivity.slug,
            "name_ar": collectivity.name_ar,
            "name_fr": collectivity.name_fr,
            "name": collectivity.name,
            "type": collectivity.type,
        },
        "petition_min_signatures": collectivity.petition_min_signatures,
        "association_conditions": {
            "min_age_years": collectivity.association_min_age_years,
            "age_strictly_more_than": True,  # OL 113-14 art. 122: founded "more than" 3 years before
            "min_members": collectivity.association_min_members,
            "seat_or_branch_in_collectivity": True,
        },
        "rejection_notice_months": collectivity.rejection_notice_months,
        "ordinary_session_months": list(collectivity.ordinary_session_months or []),
        "decision_posting_days": collectivity.decision_posting_days,
        "info_request_deadline_working_days": collectivity.info_request_deadline_working_days,
        "justification_min_chars": collectivity.justification_min_chars,
        "states": states,
        "transitions": transitions,
    }


def collectivity_default() -> Collectivity | None:
    """The collectivity the portal serves (settings.MITHAQ_DEFAULT_COLLECTIVITY, else the first)."""
    from django.conf import settings

    qs = Collectivity.objects.all()
    return qs.filter(slug=settings.MITHAQ_DEFAULT_COLLECTIVITY).first() or qs.order_by("id").first()


def next_ordinary_session(*, collectivity, after: datetime.date | None = None) -> CouncilSession | None:
    """OL 113-14 art. 38 and 125: an admissible petition goes on the next ordinary session's agenda."""
    after = after or timezone.localdate()
    return (
        CouncilSession.objects.filter(collectivity=collectivity, kind=CouncilSession.Kind.ORDINARY, date__gte=after)
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

"""The query string of the indicators (API and page): period, kind, committee, collectivity.

Anything not understood is refused with a translated message (a 400), never ignored: a misspelt
filter would otherwise silently give the unfiltered figures.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.models import Case
from followup import reports
from organisation import selectors as org_selectors
from organisation.models import Collectivity, Committee

KINDS = tuple(Case.Kind.values)
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")
ALLOWED = frozenset({"from", "to", "kind", "committee", "collectivity"})


class BadQuery(ValueError):
    def __init__(self, message: str, field_errors: dict | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


@dataclass
class Query:
    collectivity: Collectivity | None
    date_from: datetime.date
    date_to: datetime.date
    kind: str | None
    committee: Committee | None


def parse(params, *, allowed=ALLOWED, request=None) -> Query:
    values = {key: (params.get(key) or "").strip() for key in params}
    unknown = sorted(key for key in values if key not in allowed)
    if unknown:
        raise BadQuery(
            _("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)[:200]},
            {name[:50]: [_("Unknown parameter.")] for name in unknown[:10]},
        )
    try:
        _start, _end, _group, date_from, date_to = reports.parse_period(
            values.get("from"), values.get("to"), None
        )
    except reports.BadPeriod as exc:
        raise BadQuery(str(exc), {"from": [str(exc)]}) from None
    slug = values.get("collectivity")
    if slug:
        # Checked before the query: PostgreSQL refuses NUL bytes, and no slug is anything else.
        collectivity = org_selectors.collectivity_get(slug=slug) if _SLUG.fullmatch(slug) else None
        # On a collectivity's prefix or host name, only its own figures (organisation.tenancy).
        if collectivity is None or not org_selectors.on_site(request, collectivity.pk):
            raise BadQuery(_("No such collectivity."), {"collectivity": [_("No such collectivity.")]})
    else:
        # The request's collectivity (/c/<slug>/ or its host name), else the default one.
        collectivity = org_selectors.portal_collectivity(request)
    kind = values.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise BadQuery(
            _("Unknown kind of case."),
            {"kind": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(KINDS)}]},
        )
    committee = None
    raw = values.get("committee")
    if raw:
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
            raise BadQuery(_("No such committee."), {"committee": [_("No such committee.")]})
        committee = Committee.objects.filter(pk=int(raw), collectivity=collectivity).first()
        if committee is None:
            raise BadQuery(_("No such committee."), {"committee": [_("No such committee.")]})
    return Query(collectivity, date_from, date_to, kind, committee)

"""Template helpers of the pages: labels for states, kinds, roles and what transitions carried."""

from __future__ import annotations

import datetime

from django import template
from django.db import DatabaseError
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases import labels, lifecycle, selectors
from cases import states as S
from cases.models import Case, CaseAttachment
from core import roles
from core.phone import phone_mask
from core.text import localized
from organisation.models import CouncilSession
from organisation.selectors import portal_collectivity

register = template.Library()


@register.simple_tag(takes_context=True)
def commune_name(context) -> str:
    try:
        collectivity = portal_collectivity(context.get("request"))
    except DatabaseError:  # the 500 page must still render when the database is down
        collectivity = None
    return collectivity.name if collectivity else _("Citizen participation")


@register.filter
def state_label(state: str, kind: str | None = None) -> str:
    return S.state_label(state, kind)


@register.filter
def state_tone(state: str) -> str:
    """CSS tone of a state badge: draft, open, done (implemented) or closed."""
    if state == S.DRAFT:
        return "draft"
    if state == S.IMPLEMENTED:
        return "done"
    if state in S.CLOSED_STATES:
        return "closed"
    return "open"


@register.filter
def phone_masked(phone: str) -> str:
    """A phone for a staff page: enough to check it with the filer, never the whole number."""
    return phone_mask(phone)


@register.filter
def kind_label(kind: str) -> str:
    try:
        return str(Case.Kind(kind).label)
    except ValueError:
        return kind


@register.filter
def role_label(role: str) -> str:
    if role == "submitter":
        return _("Submitter")
    return str(roles.ROLE_LABELS.get(role, role))


@register.filter
def days_in_state(case: Case) -> int:
    return selectors.days_in_state(case)


@register.filter
def late_days(case: Case) -> int:
    """Days past the case's current deadline while open (0 when not late): the figure the public
    tracking page gives as "overdue by N days" (docs/domain.md §6)."""
    if not selectors.case_is_overdue(case):
        return 0
    return (timezone.localdate() - case.deadline_on).days


@register.filter
def reason_labels(code: str, state: str = "") -> str:
    """The structured reason(s) of a decision, as labels."""
    if not code:
        return ""
    table = lifecycle.INADMISSIBILITY_GROUNDS if state == S.INADMISSIBLE else lifecycle.REJECTION_REASONS
    return _list_separator().join(str(table.get(c, c)) for c in code.split(","))


def _list_separator() -> str:
    return "، " if (get_language() or "ar")[:2] == "ar" else ", "


def _show_date(value) -> str:
    day = value if isinstance(value, datetime.date) else parse_date(str(value))
    return formats.date_format(day, "DATE_FORMAT") if day else str(value)


def _show(spec_field: lifecycle.FieldSpec | None, value) -> str:
    kind = spec_field.type if spec_field else ""
    if kind == "session" and isinstance(value, dict):
        label = (
            CouncilSession.Kind(value["kind"]).label
            if value.get("kind") in CouncilSession.Kind.values
            else ""
        )
        return f"{label} {_show_date(value.get('date', ''))}".strip()
    if isinstance(value, dict):
        if "name_ar" in value or "name_fr" in value:
            return localized(value.get("name_ar", ""), value.get("name_fr", ""))
        return str(value.get("name", value.get("id", "")))
    if kind == "choice" and spec_field.choices:
        return str(spec_field.choices.get(value, value))
    if kind == "choices" and spec_field.choices:
        values = value if isinstance(value, list) else [value]
        return _list_separator().join(str(spec_field.choices.get(v, v)) for v in values)
    if kind == "date":
        return _show_date(value)
    if kind == "int":
        return formats.localize(value)
    if isinstance(value, list):
        return _list_separator().join(str(v) for v in value)
    return str(value)


@register.filter
def carried(item) -> list[tuple[str, str]]:
    """What a timeline transition carried (its justification apart), as (label, value) rows.

    Only what the selector put on the item is shown: the public timeline holds the public payload
    alone; the staff timeline adds the private one.
    """
    spec = lifecycle.TRANSITIONS.get(getattr(item, "transition", ""))
    fields = {f.name: f for f in spec.fields} if spec else {}
    rows = []
    for payload in (item.public or {}, item.private or {}):
        for name, value in payload.items():
            if name == "justification" or value in (None, "", []):
                continue
            spec_field = fields.get(name)
            if spec_field is not None:
                rows.append((str(spec_field.label), _show(spec_field, value)))
            else:
                rows.append((str(labels.PAYLOAD_LABELS.get(name, name)), _show_extra(name, value, item)))
    return rows


def _show_extra(name: str, value, item) -> str:
    """Values of audited actions (progress, corrections, opinion outcomes) in the reader's language."""
    arrow = " ← " if translation.get_language_bidi() else " → "
    if name == "changes" and isinstance(value, dict):
        parts = []
        for field, pair in value.items():
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            label = str(labels.CORRECTABLE_LABELS.get(field, field))
            parts.append(f"{label}: {old if old not in (None, '') else '—'}{arrow}{new}")
        return "; ".join(parts)
    if name == "followed":
        return str(_("yes")) if value else str(_("no"))
    if name == "decision":
        return S.state_label(str(value))
    if name in ("planned_on", "reached_on", "posted_on", "due_on"):
        return _show_date(value)
    if name == "notified_decision":
        return labels.entry_label(str(value), "")
    if name in ("recipient_role", "channel"):
        return str(labels.NOTICE_VALUE_LABELS.get(value, value))
    if name in ("sent_at", "received_at"):
        moment = parse_datetime(str(value))
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else str(value)
    if name == "late":
        return str(_("yes")) if value else str(_("no"))
    if name == "mandatory_session" and isinstance(value, dict):
        return _show_date(value.get("date", ""))
    if name == "purpose":
        return str(dict(CaseAttachment.Purpose.choices).get(value, value))
    if name == "percent":
        return f"{formats.localize(value)} %"
    if name == "opinions" and isinstance(value, list):
        rows = []
        for o in value:
            if isinstance(o, dict):
                verdict = _("followed") if o.get("followed") else _("not followed")
                rows.append(f"{o.get('reference', '')}: {verdict} — {o.get('reason', '')}")
        return "\n".join(rows)
    return _show(None, value)


@register.filter
def session_label(session: CouncilSession | None) -> str:
    """A session's title, else its kind and its date in the reader's language."""
    if session is None:
        return ""
    title = localized(session.title_ar, session.title_fr)
    return title or f"{session.get_kind_display()} {_show_date(session.date)}"

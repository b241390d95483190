"""The values a transition carries, one cleaner per type of cases.lifecycle.FieldSpec. Each returns
(value, shown): the value the case takes and what the audit entry shows; or raises ValueError with
the message for the field."""

from __future__ import annotations

import datetime

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import has_content, has_invalid_characters, letter_count


def clean_value(f, raw, *, lookups, min_letters: int):
    """`f` is a lifecycle.FieldSpec; `lookups` resolves committee, session and service ids within the
    case's collectivity; `min_letters` is the collectivity's justification minimum."""
    cleaner = CLEANERS.get(f.type)
    if cleaner is None:
        raise ValueError(f"unknown field type {f.type}")
    return cleaner(f, raw, lookups=lookups, min_letters=min_letters)


def _text(f, raw, *, lookups, min_letters: int):
    if not isinstance(raw, str):
        raise ValueError(_("%(field)s must be text.") % {"field": f.label})
    if has_invalid_characters(raw):
        raise ValueError(_("The text contains invalid characters."))
    if len(raw) > f.max_length:
        raise ValueError(
            ngettext(
                "%(field)s is too long (at most %(n)d character).",
                "%(field)s is too long (at most %(n)d characters).",
                f.max_length,
            )
            % {"field": f.label, "n": f.max_length}
        )
    if f.type == "justification" and f.name != "justification" and letter_count(raw) < min_letters:
        raise ValueError(
            _("%(field)s: explain it in at least %(n)d letters (spaces and punctuation do not count).")
            % {"field": f.label, "n": min_letters}
        )
    if f.type == "justification" and letter_count(raw) < min_letters:
        raise ValueError(
            _(
                "The justification must explain the decision in at least %(n)d letters "
                "(spaces and punctuation do not count)."
            )
            % {"n": min_letters}
        )
    if f.type == "text" and not has_content(raw):
        raise ValueError(_("%(field)s must contain words.") % {"field": f.label})
    return raw, raw


def _choice(f, raw, *, lookups, min_letters: int):
    if not isinstance(raw, str) or raw not in f.choices:
        raise ValueError(
            _("%(field)s must be one of: %(choices)s.") % {"field": f.label, "choices": ", ".join(f.choices)}
        )
    return raw, raw


def _choices(f, raw, *, lookups, min_letters: int):
    values = [raw] if isinstance(raw, str) else raw
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, str) and v in f.choices for v in values)
    ):
        raise ValueError(
            _("%(field)s must be one or more of: %(choices)s.")
            % {"field": f.label, "choices": ", ".join(f.choices)}
        )
    values = sorted(set(values))
    return values, values


def _int(f, raw, *, lookups, min_letters: int):
    if isinstance(raw, bool):
        raise ValueError(_("%(field)s must be a whole number.") % {"field": f.label})
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(_("%(field)s must be a whole number.") % {"field": f.label}) from None
    if isinstance(raw, float) and raw != value:
        raise ValueError(_("%(field)s must be a whole number.") % {"field": f.label})
    if value < 0 or value > 100_000:
        raise ValueError(_("%(field)s must be between 0 and 100000.") % {"field": f.label})
    return value, value


def _date(f, raw, *, lookups, min_letters: int):
    value = raw if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime) else None
    if value is None and isinstance(raw, str):
        try:
            value = parse_date(raw)
        except ValueError:
            value = None
    if value is None:
        raise ValueError(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": f.label})
    return value, value.isoformat()


def _organisation(f, raw, *, lookups, min_letters: int):
    obj = lookups(f.type, raw)
    if obj is None:
        raise ValueError(_("%(field)s: no such item in this collectivity.") % {"field": f.label})
    shown = {"id": obj.pk, "name": str(obj)}
    if hasattr(obj, "name_ar"):
        shown = {"id": obj.pk, "name_ar": obj.name_ar, "name_fr": obj.name_fr}
    if f.type == "session":
        shown = {"id": obj.pk, "date": obj.date.isoformat(), "kind": obj.kind}
    return obj, shown


CLEANERS = {
    "justification": _text,
    "text": _text,
    "choice": _choice,
    "choices": _choices,
    "int": _int,
    "date": _date,
    "committee": _organisation,
    "session": _organisation,
    "service": _organisation,
}

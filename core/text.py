"""Text rules shared by every form, model and service: letters, invisible characters, names."""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import get_language, gettext_lazy

TATWEEL = "\u0640"  # Arabic kashida: stretches a word, adds no letter


def letter_count(text: str) -> int:
    """Letters only: whitespace, punctuation, digits, symbols, diacritics and kashida do not count."""
    return sum(1 for ch in text if ch != TATWEEL and unicodedata.category(ch)[0] == "L")


def has_content(text: str) -> bool:
    """At least one letter or digit (a deliberation number such as 17/2027 has no letter)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") and ch != TATWEEL for ch in text)


_INVALID = re.compile("[\x00\ud800-\udfff]")


def has_invalid_characters(text: str) -> bool:
    """NUL (refused by PostgreSQL) and lone surrogates (not encodable, so not hashable)."""
    return _INVALID.search(text) is not None


# Unicode bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): in a
# title or a name they reorder what is shown ("Trojan Source", CVE-2021-42574), so a reference or a
# name can read differently from what is stored and audited. LRM and RLM (U+200E, U+200F) are kept:
# they reorder nothing beyond themselves and Arabic typists use them to place a Latin word or a
# number next to Arabic; pages show user text inside dir="auto" and <bdi> instead.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_CONTROLS_MESSAGE = gettext_lazy(
    "Remove the invisible direction-control characters (such as U+202E): they would make the text "
    "read differently from what is recorded."
)


def has_bidi_controls(text: str) -> bool:
    return isinstance(text, str) and _BIDI_CONTROLS.search(text) is not None


def validate_no_bidi_controls(value) -> None:
    """Model and form validator for titles and names."""
    if has_bidi_controls(value):
        raise ValidationError(BIDI_CONTROLS_MESSAGE, code="bidi_control")


def localized(ar: str, fr: str) -> str:
    """Pick the Arabic or French name by the active language, falling back on the other."""
    lang = (get_language() or "ar")[:2]
    if lang == "fr":
        return fr or ar
    return ar or fr


def parse_day(value) -> datetime.date | None:
    """A date given as a date or as YYYY-MM-DD text; None for anything else (never an exception)."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return parse_date(value.strip())
    except ValueError:
        return None


# French elision: "de" before a vowel or a mute h becomes "d'" ("Session ordinaire d'octobre").
_FR_ELIDING = tuple("aeiouyhàâäéèêëîïôöùûüœæ")


def fr_de(word: str) -> str:
    """French "de" + `word`, elided before a vowel or a mute h: "de mai", "d'octobre", "d'avril"."""
    word = (word or "").strip()
    if word[:1].lower() in _FR_ELIDING:
        return f"d'{word}"
    return f"de {word}"

"""Moroccan mobile numbers for notices by SMS: one checked, normalised form (E.164) and a masked form for
logs.

A number is personal data (Law 09-08): it is stored for notices only, never shown on a public page, never
written whole to a log or an error message.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_MESSAGE = _("Enter a Moroccan mobile number: 06, 07 or 05 followed by 8 digits, or +212.")

# Spaces, dots, dashes and brackets people write between digit groups ("06 12 34 56 78").
_SEPARATORS = re.compile(r"[\s.\-()/]")
# After the country code (or the leading 0): 5 (fixed lines and some mobiles), 6 or 7, then 8 digits.
_NATIONAL = re.compile(r"[567]\d{8}")
# Eastern Arabic digits (٠-٩) and Persian ones (۰-۹) typed on an Arabic keyboard.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def phone_normalize(value: str | None) -> str:
    """The number in E.164 (e.g. +212612345678), or "" for an empty value; ValidationError otherwise.

    Accepts 06/07/05 + 8 digits, +212 or 00212 + 9 digits, with or without the 0 after the country code.
    """
    raw = _SEPARATORS.sub("", str(value or "").translate(_DIGITS))
    if not raw:
        return ""
    if raw.startswith("+212"):
        national = raw[4:]
    elif raw.startswith("00212"):
        national = raw[5:]
    elif raw.startswith("212") and len(raw) == 12:
        national = raw[3:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        national = ""
    if national.startswith("0") and len(national) == 10:
        national = national[1:]  # "+212 06..." written with the national 0 kept
    if not _NATIONAL.fullmatch(national):
        # The message never repeats what was typed: it may be somebody's number.
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return "+212" + national


def phone_mask(phone: str | None) -> str:
    """A number fit for a log: country code and last two digits only ("+212*******78")."""
    phone = str(phone or "")
    if len(phone) <= 6:
        return "*" * len(phone)
    head = 4 if phone.startswith("+") else 2
    return phone[:head] + "*" * (len(phone) - head - 2) + phone[-2:]

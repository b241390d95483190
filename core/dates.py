"""Dates as Moroccan administration writes them (docs/architecture.md: dates).

Django's month names come from its own catalogue (`django.utils.dates`): in Arabic they are the
Levantine/Egyptian ones (مايو، أغسطس، سبتمبر، نوفمبر). Morocco writes يناير، فبراير، مارس، أبريل، ماي،
يونيو، يوليوز، غشت، شتنبر، أكتوبر، نونبر، دجنبر. The project catalogue (locale/ar) translates the very
same messages, and a project catalogue takes precedence over Django's (LOCALE_PATHS), so every
date the site, its e-mails and its PDFs print through `|date`, `date_format` and the formats of
config/formats/ carries the Moroccan names: nothing in Django is patched.

The markers below exist so that `make messages` keeps those messages in the project catalogue;
`format_date` is the one helper for Python code that prints a date.
"""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext_noop, pgettext_lazy

# The messages of django.utils.dates that a date format can print, kept in locale/{ar,fr}.
MONTH_MESSAGES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
MONTH_3_MESSAGES = (
    gettext_noop("jan"),
    gettext_noop("feb"),
    gettext_noop("mar"),
    gettext_noop("apr"),
    gettext_noop("may"),
    gettext_noop("jun"),
    gettext_noop("jul"),
    gettext_noop("aug"),
    gettext_noop("sep"),
    gettext_noop("oct"),
    gettext_noop("nov"),
    gettext_noop("dec"),
)
MONTH_ALT_MESSAGES = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
MONTH_AP_MESSAGES = (
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
)

# The Moroccan names, January first (what locale/ar gives the messages above).
MOROCCAN_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ماي",
    "يونيو",
    "يوليوز",
    "غشت",
    "شتنبر",
    "أكتوبر",
    "نونبر",
    "دجنبر",
)
# The names Django's own Arabic catalogue gives where Morocco differs: never on a Mithaq page.
NON_MOROCCAN_MONTHS = ("مايو", "يوليو", "أغسطس", "سبتمبر", "نوفمبر", "ديسمبر")


def format_date(value: datetime.date | datetime.datetime | None, fmt: str = "DATE_FORMAT") -> str:
    """A date (or a moment, in local time) in the active language's format of config/formats/:
    Moroccan month names and Western digits in Arabic, "1 octobre 2026" in French."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, fmt)

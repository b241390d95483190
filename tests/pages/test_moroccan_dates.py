"""Issue 13, item 2: dates as Moroccan administration writes them. Moroccan month names (ماي، غشت،
شتنبر، نونبر...) and Western digits on the pages, in the e-mails and in the letters, through the
project catalogue and config/formats/ (core/dates.py), never the Levantine names of Django's own
Arabic catalogue."""

from __future__ import annotations

import datetime
import re
import unicodedata

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from core.dates import MOROCCAN_MONTHS, NON_MOROCCAN_MONTHS, format_date
from tests.letters.conftest import letter_url, pdf_text

MONTHS = {5: "ماي", 8: "غشت", 9: "شتنبر", 11: "نونبر"}
ARABIC_INDIC = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
# Django's own names where Morocco differs ("يوليو" only when not the start of "يوليوز").
LEVANTINE = re.compile("|".join(n + "(?!ز)" for n in NON_MOROCCAN_MONTHS))
LEVANTINE_REVERSED = re.compile("|".join("(?<!ز)" + n[::-1] for n in NON_MOROCCAN_MONTHS))


def _fold(text: str) -> str:
    """PDF text: presentation forms back to letters, and no joiners."""
    return unicodedata.normalize("NFKC", text).replace("\u200d", "").replace("\u200c", "")


def test_every_month_is_moroccan_in_arabic_and_french_in_french():
    for month in range(1, 13):
        day = datetime.date(2026, month, 3)
        with translation.override("ar"):
            text = format_date(day)
        assert text == f"3 {MOROCCAN_MONTHS[month - 1]} 2026"
        assert not LEVANTINE.search(text)
        assert not ARABIC_INDIC.search(text)
    with translation.override("fr"):
        assert format_date(datetime.date(2026, 10, 3)) == "3 octobre 2026"


@pytest.mark.parametrize("fmt", ["F", "E", "N", "b", "M"])
def test_every_month_format_character_is_moroccan(fmt):
    from django.template import Context, Template

    with translation.override("ar"):
        rendered = Template("{% for d in days %}{{ d|date:'" + fmt + "' }} {% endfor %}").render(
            Context({"days": [datetime.date(2026, m, 1) for m in range(1, 13)]})
        )
    assert not LEVANTINE.search(rendered), rendered


@pytest.mark.parametrize("month", sorted(MONTHS))
def test_pages_and_emails_print_moroccan_months(month, client, world, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2026, month, 14, 9, 0, tzinfo=datetime.UTC), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            case = world.case_in("in_committee", "proposal")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
        pages = [
            client.get(reverse("public:case", args=[case.reference])).content.decode(),
        ]
        client.force_login(world["bureau"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
        pages.append(client.get(reverse("staff:case", args=[case.reference])).content.decode())
        pages.append(client.get(reverse("workflows:sessions")).content.decode())
        emails = [m.body for m in mail.outbox] + [
            alt[0] for m in mail.outbox for alt in getattr(m, "alternatives", [])
        ]
    assert emails, "no e-mail was sent"
    assert any(MONTHS[month] in page for page in pages)
    assert any(MONTHS[month] in body for body in emails)
    for text in pages + emails:
        assert not LEVANTINE.search(text)


def test_letter_pdf_prints_moroccan_months(client, world):
    with time_machine.travel(datetime.datetime(2026, 8, 14, 9, 0, tzinfo=datetime.UTC), tick=True):
        case = world.case_in("submitted", "petition")
        client.force_login(world["citizen"])
        text = _fold(pdf_text(client.get(letter_url(case, "receipt", "ar"))))
    name = MONTHS[8]
    assert name in text or name[::-1] in text
    assert not LEVANTINE.search(text) and not LEVANTINE_REVERSED.search(text)
    assert "2026" in text

"""Tamazight (zgh, Tifinagh, left to right) on the public pages and in a citizen's e-mails;
untranslated messages fall back to Arabic (README: languages)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from cases import services as case_services
from notifications.models import OutboxEvent
from tests.pages import tamazight_coverage as cov

pytestmark = pytest.mark.django_db

REGISTER_ZGH = "ⵜⴰⵍⴳⴰⵎⵜ ⵏ ⵉⵙⴷⴰⵡⵏ"


def zgh_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zgh"
    return client


@pytest.mark.parametrize("name", ["public:home", "public:register", "public:track", "petitions:list"])
def test_public_pages_speak_tamazight_left_to_right_with_arabic_fallback(client, world, name):
    html = zgh_client(client).get(reverse(name)).content.decode()
    assert '<html lang="zgh" dir="ltr">' in html
    assert REGISTER_ZGH in html  # a translated message
    with translation.override("ar"):
        fallback = translation.gettext("Citizen participation charter")
    assert fallback in html  # an untranslated one, in Arabic rather than English
    assert "Citizen participation charter" not in html
    assert 'class="translation-note"' in html


def test_the_language_switch_offers_tamazight_and_keeps_it(client, world):
    html = client.get(reverse("public:home")).content.decode()
    assert 'value="zgh" lang="zgh"' in html and "ⵜⴰⵎⴰⵣⵉⵖⵜ" in html
    response = client.post(reverse("set_language"), {"language": "zgh", "next": "/register/"})
    assert response.status_code == 302
    assert REGISTER_ZGH in client.get(reverse("public:register")).content.decode()
    # The Arabic and French pages carry no note about the translation.
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert 'class="translation-note"' not in client.get(reverse("public:home")).content.decode()


def test_dates_use_tifinagh_month_names():
    day = timezone.datetime(2026, 11, 30)
    with translation.override("zgh"):
        text = Template("{{ d|date:'j F Y' }}").render(Context({"d": day}))
    assert text == "30 ⵏⵓⵡⴰⵏⴱⵉⵔ 2026"


def test_the_font_is_served_by_the_project():
    root = Path(settings.BASE_DIR) / "static"
    assert (root / "fonts/noto-tifinagh/NotoSansTifinagh-Regular.ttf").stat().st_size > 10_000
    assert (root / "fonts/noto-tifinagh/OFL.txt").exists()
    css = (root / "css/mithaq.css").read_text()
    assert "fonts/noto-tifinagh/NotoSansTifinagh-Regular.ttf" in css and ":lang(zgh)" in css


def test_a_citizen_reading_tamazight_gets_e_mails_in_tamazight(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    citizen = world["citizen"]
    citizen.language = "zgh"
    citizen.save(update_fields=["language"])
    case = world.new_case("proposal")
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(actor=citizen, case=case, name="submit")
    assert OutboxEvent.objects.filter(subject_id=case.pk).exists()
    message = next(m for m in mailoutbox if m.to == [citizen.email])
    assert message.extra_headers["Content-Language"] == "zgh"
    html = message.alternatives[0][0]
    assert 'lang="zgh"' in html and 'dir="ltr"' in html
    assert case.reference in message.body


def test_letters_stay_in_the_administrations_languages(client, world):
    """A PDF letter asked for in Tamazight is refused with the languages it exists in."""
    case = world.case_in("submitted", "proposal")
    client.force_login(case.submitter)
    response = client.get(f"/cases/{case.reference}/letters/receipt.pdf?lang=zgh")
    assert response.status_code in (400, 404)


# Issue 13 item 3: every public page and a citizen's e-mails, rendered in zgh ---------------------

FONT = "fonts/noto-tifinagh/NotoSansTifinagh-Regular.ttf"
# One translated message each page must show (its own words, beyond the navigation).
KEY_WORDS = {
    "home": "ⵙⵔⵙ ⴰⵙⴷⴰⵡ",  # File a case
    "register": "ⴰⵙⴳⴳⵯⴰⵙ",  # Year (a filter)
    "case": "ⴰⵎⵣⵔⵓⵢ ⴰⴳⴷⵓⴷⴰⵏ",  # Public history
    "track": "ⵜⴰⴳⵓⵔⵉ ⵏ ⵓⴹⴼⴰⵕ",  # Tracking code
    "tracked": "ⴹⴼⵕ ⵢⴰⵏ ⵓⵙⴷⴰⵡ ⵢⴰⴹⵏ",  # Track another case
    "petitions": "ⵜⴰⵍⴳⴰⵎⵜ ⵏ ⵉⵙⴷⴰⵡⵏ",  # Register of cases
    "indicators": "ⴰⵎⴹⴰⵏ",  # Figure
    "file": "ⵎⴰⴷ ⵜⵔⵉⴷ ⴰⴷ ⵜⴳⴷ?",  # What do you want to do?
    "file_form": "ⴰⵏⴰⵡ ⵏ ⵓⵙⴷⴰⵡ",  # Kind of case
    "sign": "ⵜⴰⵏⵙⴰ",  # Address
}


def _english_leaks(html: str, seen: set) -> list[str]:
    """The project's messages met while rendering whose English text shows in the page: a message
    not in the zgh catalogue must fall back to Arabic, never to English. Short words and messages
    with placeholders are left out (they also occur in data and URLs)."""
    text = html.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return sorted(
        msgid
        for _ctx, msgid in seen
        if len(msgid) >= 12 and "%(" not in msgid and "{" not in msgid and msgid in text
    )


def test_every_public_page_in_tamazight(client, world):
    with cov.recording() as seen:
        pages = cov.render_pages(client, world)  # each a 200, never a 500
    rendered, _translated = cov.coverage(seen)
    assert set(KEY_WORDS) <= set(pages)
    for name, html in pages.items():
        assert '<html lang="zgh" dir="ltr">' in html, name
        assert FONT in html, name  # preloaded; mithaq.css declares it for :lang(zgh)
        assert 'class="translation-note"' in html, name
        assert KEY_WORDS[name] in html, name
        assert _english_leaks(html, rendered) == [], name


def test_coverage_of_the_public_pages_and_e_mails(client, world, django_capture_on_commit_callbacks):
    """The share of the messages a Tamazight reader meets that the catalogue translates; it may
    only grow (README: languages)."""
    with cov.recording() as seen:
        cov.render_pages(client, world)
        cov.send_citizen_emails(world, django_capture_on_commit_callbacks)
    rendered, translated = cov.coverage(seen)
    share = len(translated) / len(rendered)
    print(f"\nzgh: {len(translated)} of {len(rendered)} messages translated ({share:.0%})")
    assert len(rendered) >= 250
    assert len(translated) >= 76


def test_a_citizens_receipt_and_state_change_e_mails_in_tamazight(world, django_capture_on_commit_callbacks):
    with cov.recording() as seen:
        receipt, change = cov.send_citizen_emails(world, django_capture_on_commit_callbacks)
    rendered, _translated = cov.coverage(seen)
    reference = receipt.subject.split()[2]
    assert receipt.subject == f"ⴰⵙⴷⴰⵡ ⵏⵏⵓⵏ {reference} ⵉⵜⵜⵓⵙⵔⵙ"
    assert "ⵉⵜⵜⵓⵙⵔⵙ ⵓⵙⴷⴰⵡ ⵏⵏⵓⵏ ⴳ" in receipt.body
    assert "ⵥⵕ ⴰⵙⴷⴰⵡ ⴳ ⵜⵍⴳⴰⵎⵜ ⵜⴰⴳⴷⵓⴷⴰⵏⵜ:" in change.body  # the link to the register
    assert change.subject.startswith(f"{reference}: ")
    assert f"ⵉⵏⴼⵍ ⵓⵙⴷⴰⵡ {reference}" in change.body and "ⵖⵉⵍⴰ" in change.body
    for message in (receipt, change):
        assert message.extra_headers["Content-Language"] == "zgh"
        html = message.alternatives[0][0]
        assert 'lang="zgh"' in html and 'dir="ltr"' in html
        assert _english_leaks(message.body, rendered) == []
        assert _english_leaks(html, rendered) == []

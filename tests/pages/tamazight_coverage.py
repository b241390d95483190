"""Which of Mithaq's messages a Tamazight reader meets on the public pages and in a citizen's
e-mails, and how many of them the zgh catalogue translates (README: languages).

Every gettext call made while the pages and e-mails are rendered in zgh is recorded; only the
project's own messages (those of locale/ar) count. Run it on its own to print the figures:

    .venv/bin/pytest -q -n 0 -s tests/pages/test_tamazight.py -k coverage
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import polib
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cases import services as case_services

# The public pages of docs/domain.md §9 that a Tamazight reader is offered (issue 13).
PAGES = ("home", "register", "case", "track", "tracked", "file", "petitions", "sign", "indicators")


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(Path(settings.BASE_DIR) / "locale" / lang / "LC_MESSAGES" / "django.po"))


def translated_keys(lang: str) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in catalogue(lang) if e.translated() and not e.obsolete}


@contextmanager
def recording():
    """Record (context, msgid) of every gettext call, whatever the language."""
    seen: set[tuple[str | None, str]] = set()
    trans = translation._trans
    originals = {name: getattr(trans, name) for name in ("gettext", "ngettext", "pgettext", "npgettext")}

    def gettext(message):
        seen.add((None, message))
        return originals["gettext"](message)

    def ngettext(singular, plural, number):
        seen.add((None, singular))
        return originals["ngettext"](singular, plural, number)

    def pgettext(context, message):
        seen.add((context, message))
        return originals["pgettext"](context, message)

    def npgettext(context, singular, plural, number):
        seen.add((context, singular))
        return originals["npgettext"](context, singular, plural, number)

    recorders = {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}
    for name, fn in recorders.items():
        setattr(trans, name, fn)
    try:
        yield seen
    finally:
        for name, fn in originals.items():
            setattr(trans, name, fn)


def render_pages(client, world) -> dict[str, str]:
    """Each public page, rendered in zgh: name -> HTML. Raises on anything but a 200."""
    from petitions.signatures import petition_signing_set

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zgh"
    case = world.case_in("in_implementation", title="Street lights")
    waiting = world.case_in("awaiting_information", title="Benches")
    petition = world.new_case("petition", title="A library")
    petition_signing_set(actor=world["citizen"], case=petition, open_=True)
    pages = {}

    def get(name, url, method="get", data=None):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content.decode()

    get("home", reverse("public:home"))
    get("register", reverse("public:register"))
    get("case", reverse("public:case", args=[case.reference]))
    get("track", reverse("public:track"))
    get(
        "tracked",
        reverse("public:track"),
        "post",
        {"reference": waiting.reference, "code": waiting.tracking_code},
    )
    get("petitions", reverse("petitions:list"))
    get("indicators", reverse("followup:indicators"))
    client.force_login(world["citizen"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zgh"
    get("file", reverse("public:file"))
    get("file_form", reverse("public:file") + "?kind=proposal")
    get("sign", reverse("petitions:sign", args=[petition.reference]))
    return pages


def send_citizen_emails(world, capture) -> list:
    """The receipt and a change of state, sent to a citizen who reads Tamazight."""
    citizen = world["citizen"]
    citizen.language = "zgh"
    citizen.save(update_fields=["language"])
    mail.outbox.clear()
    case = world.new_case("proposal", title="Street lights")
    with capture(execute=True):
        case = case_services.case_transition(actor=citizen, case=case, name="submit")
    with capture(execute=True):
        case_services.case_transition(actor=world["bureau"], case=case, name="start_review")
    return [m for m in mail.outbox if m.to == [citizen.email]]


def coverage(seen: set) -> tuple[set, set]:
    """(the project's messages seen, those the zgh catalogue translates)."""
    own = {(e.msgctxt, e.msgid) for e in catalogue("ar") if not e.obsolete}
    rendered = seen & own
    return rendered, rendered & translated_keys("zgh")

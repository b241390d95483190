"""User text is isolated from what surrounds it (dir="auto" on blocks, <bdi> inline), so a French
title beside an Arabic label or a reference reads in order on every page and e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cases import services
from core import roles

TITLE = "Réparer le trottoir de l'école"
ESCAPED = "Réparer le trottoir de l&#x27;école"


def _isolated(html: str, text: str) -> list[str]:
    """Every occurrence of `text` in the page, each with the tag that holds it."""
    holders = []
    for match in re.finditer(re.escape(text), html):
        before = html[: match.start()]
        holders.append(before[before.rfind("<") :])
    return holders


def _assert_isolated(html: str, where: str) -> None:
    holders = _isolated(html, ESCAPED)
    assert holders, f"{where}: the title is not shown"
    for holder in holders:
        assert holder.startswith("<bdi>") or 'dir="auto"' in holder, f"{where}: the title sits in {holder!r}"


@pytest.fixture
def case(world):
    return world.case_in("in_implementation", title=TITLE)


def test_public_pages_isolate_the_title(client, case):
    _assert_isolated(
        client.get(reverse("public:case", args=[case.reference])).content.decode(), "public case page"
    )
    _assert_isolated(client.get(reverse("public:register")).content.decode(), "register")


@pytest.mark.parametrize("role", [roles.BUREAU, roles.FOLLOWUP])
def test_staff_pages_isolate_the_title(client, world, case, role):
    client.force_login(world[role])
    _assert_isolated(
        client.get(reverse("staff:case", args=[case.reference])).content.decode(), "staff case page"
    )
    _assert_isolated(client.get(reverse("staff:cases")).content.decode(), "staff case list")


def test_staff_case_page_isolates_notes_milestones_and_justifications(client, world, case):
    services.case_milestone_add(
        actor=world["service"], case=case, title="Pose des bordures", planned_on="2099-01-01"
    )
    client.force_login(world[roles.SERVICE])
    html = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "<bdi>Pose des bordures</bdi>" in html
    assert re.search(r'<blockquote class="justification" dir="auto">', html)
    assert re.search(r'<p dir="auto">The street has no lights', html)


def test_inbox_isolates_the_title(client, world):
    case = world.case_in("submitted", title=TITLE)
    client.force_login(world[roles.BUREAU])
    html = client.get("/staff/inbox/").content.decode()
    assert case.reference in html
    _assert_isolated(html, "inbox")


def test_emails_isolate_the_title(world, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        world.case_in("submitted", title=TITLE)
    html_parts = [
        alt[0] for m in mail.outbox for alt in getattr(m, "alternatives", []) if alt[1] == "text/html"
    ]
    with_title = [html for html in html_parts if ESCAPED in html]
    assert with_title, "no HTML e-mail shows the title"
    for html in with_title:
        _assert_isolated(html, "e-mail")

"""The receipt (وصل) of OL 113-14 art. 125 §1: printable on A4, in Arabic or French, for the filer,
the desk, the bureau and a browser session that tracked the case; nobody else."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from core import roles
from tests.factories import UserFactory


@pytest.fixture
def petition(world):
    return world.case_in("submitted", "petition", title="Water point in Ait Majden")


def _url(case, lang=None) -> str:
    url = reverse("cases:receipt", args=[case.reference])
    return f"{url}?lang={lang}" if lang else url


def _deadline(case, lang) -> str:
    with translation.override(lang):
        return formats.date_format(case.legal_deadline, "DATE_FORMAT")


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_the_receipt_in_each_language(client, world, petition, lang, direction):
    client.force_login(world[roles.CITIZEN])
    response = client.get(_url(petition, lang))
    assert response.status_code == 200
    assert response["Content-Language"] == lang
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert petition.reference in html
    assert "Water point in Ait Majden" in html
    assert _deadline(petition, lang) in html
    assert petition.legal_deadline.isoformat() in html
    assert "http://testserver" + reverse("public:track") in html
    # The A4 layout is a served stylesheet (the Content-Security-Policy allows no inline style).
    assert "/static/css/receipt.css" in html and "<style" not in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "receipt.css").read_text(encoding="utf-8")
    assert "@page" in css and "A4" in css
    assert world.collectivity.name_ar in html if lang == "ar" else world.collectivity.name_fr in html


def test_the_receipt_follows_the_session_language_by_default(client, world, petition):
    client.force_login(world[roles.CITIZEN])
    assert 'dir="rtl"' in client.get(_url(petition)).content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    html = client.get(_url(petition)).content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert 'dir="ltr"' in client.get(_url(petition, "xx")).content.decode()
    # The override does not leak into the next page.
    assert '<html lang="fr" dir="ltr">' in client.get(reverse("public:home")).content.decode()


def test_a_proposal_receipt_has_no_legal_deadline(client, world):
    proposal = world.case_in("submitted", "proposal")
    client.force_login(world[roles.CITIZEN])
    response = client.get(_url(proposal))
    assert response.status_code == 200
    assert response.context["legal_deadline"] is None


@pytest.mark.parametrize("role", [roles.CITIZEN, roles.INTAKE, roles.BUREAU])
def test_who_may_print_it(client, world, petition, role):
    client.force_login(world[role])
    assert client.get(_url(petition)).status_code == 200


@pytest.mark.parametrize(
    "role", [roles.COMMITTEE, roles.SECRETARIAT, roles.SERVICE, roles.FOLLOWUP, roles.EQUALITY_COMMISSION]
)
def test_others_get_a_404(client, world, petition, role):
    client.force_login(world[role])
    assert client.get(_url(petition)).status_code == 404


def test_another_citizen_and_anonymous_get_a_404(client, world, petition):
    assert client.get(_url(petition)).status_code == 404
    client.force_login(UserFactory(username="neighbour", groups=[roles.CITIZEN]))
    assert client.get(_url(petition)).status_code == 404


def test_association_members_may_print_their_association_s_receipt(client, world):
    from tests.petitions.test_association import _attach

    case = world.new_case("petition", actor=world[roles.ASSOCIATION])
    _attach(world, case)
    from cases import services

    services.case_transition(actor=world[roles.ASSOCIATION], case=case, name="submit")
    member = UserFactory(username="member2", groups=[roles.ASSOCIATION])
    world.association.members.add(member)
    client.force_login(member)
    assert client.get(_url(case)).status_code == 200


def test_a_session_that_tracked_the_case_may_print_it_again(client, world, petition):
    assert client.get(_url(petition)).status_code == 404
    wrong = client.post(reverse("public:track"), {"reference": petition.reference, "code": "WRONGCODE234"})
    assert not wrong.context.get("tracked")
    assert client.get(_url(petition)).status_code == 404
    tracked = client.post(
        reverse("public:track"), {"reference": petition.reference, "code": petition.tracking_code}
    )
    assert tracked.context["tracked"] is True
    assert _url(petition) in tracked.content.decode()
    assert client.get(_url(petition, "fr")).status_code == 200
    # Another case is still closed to this session.
    other = world.case_in("submitted", "proposal")
    assert client.get(_url(other)).status_code == 404


def test_no_receipt_for_a_draft_or_an_unknown_case(client, world):
    draft = world.new_case("petition")
    client.force_login(world[roles.CITIZEN])
    assert client.get(_url(draft)).status_code == 404
    assert client.get(reverse("cases:receipt", args=["DMN-PET-1999-0001"])).status_code == 404


def test_the_receipt_is_linked_from_my_cases_and_the_staff_page(client, world, petition):
    client.force_login(world[roles.CITIZEN])
    assert _url(petition) in client.get(reverse("public:my_cases")).content.decode()
    client.force_login(world[roles.BUREAU])
    assert _url(petition) in client.get(reverse("staff:case", args=[petition.reference])).content.decode()

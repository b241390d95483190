"""Law 09-08 minimisation; charter 7.4 puts association representatives on the follow-up team: it
sees no submitter's name, e-mail, phone or address on any surface (staff case page and list,
inbox, API, the response-time export, notifications), only what the public sees plus the figures
and the internal history. The bureau still sees who filed."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases import services
from core import roles
from tests.factories import UserFactory

NAME = "Karima"
SURNAME = "Oulhajjaoui"
EMAIL = "karima.oulhajjaoui@example.org"
DESK_NAME = "Fatima-Zahra Bennanisse"
PHONE = "0661239874"
ADDRESS = "12 Derb Sidi Bouzekri"
SECRETS = (SURNAME, EMAIL, DESK_NAME, PHONE, ADDRESS)


@pytest.fixture
def seeded(world, django_capture_on_commit_callbacks):
    citizen = UserFactory(
        username="karima_o", email=EMAIL, first_name=NAME, last_name=SURNAME, groups=[roles.CITIZEN]
    )
    with django_capture_on_commit_callbacks(execute=True):
        online = world.case_in("awaiting_information", "proposal", actor=citizen, title="Réparer le trottoir")
        desk = world.case_in(
            "under_review",
            "proposal",
            actor=world["intake"],
            title="إصلاح الإنارة",
            submitter_name=DESK_NAME,
            submitter_contact=f"{PHONE} · {ADDRESS}",
        )
    return {"online": online, "desk": desk}


def _absent(text: str, where: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{where} shows {leaked}"


def test_staff_case_page_hides_the_submitter_from_followup_and_shows_it_to_the_bureau(client, world, seeded):
    for case in seeded.values():
        url = reverse("staff:case", args=[case.reference])
        client.force_login(world[roles.FOLLOWUP])
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        _absent(html, f"the follow-up team's page of {case.reference}")
        assert case.title in html  # what the public sees is there
        assert response.context["timeline"]  # the internal history is there

        client.force_login(world[roles.BUREAU])
        html = client.get(url).content.decode()
        if case == seeded["online"]:
            assert SURNAME in html and EMAIL in html
        else:
            assert DESK_NAME in html and PHONE in html and ADDRESS in html


def test_the_followup_history_names_no_submitter(world, seeded):
    from cases import selectors

    case = seeded["online"]
    hidden = selectors.case_timeline(case=case, private=True, show_submitter=False)
    shown = selectors.case_timeline(case=case, private=True)
    assert any(SURNAME in item.actor for item in shown)
    assert not any(SURNAME in item.actor or "karima_o" in item.actor for item in hidden)
    # The staff steps keep their actor: only the submitter's own steps are anonymous.
    assert any(item.actor for item in hidden)


@pytest.mark.parametrize(
    "url", ["/staff/cases/", "/staff/inbox/", "/staff/inbox/archive/", "/staff/audit/?format=csv"]
)
def test_staff_lists_and_exports_show_followup_no_submitter(client, world, seeded, url):
    client.force_login(world[roles.FOLLOWUP])
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    _absent(body.decode(), url)


def test_the_api_shows_followup_no_submitter(world, seeded):
    api = APIClient()
    api.force_authenticate(world[roles.FOLLOWUP])
    listing = api.get("/api/v1/cases/")
    assert listing.status_code == 200
    _absent(listing.content.decode(), "the API list")
    for case in seeded.values():
        response = api.get(f"/api/v1/cases/{case.reference}/")
        assert response.status_code == 200
        _absent(response.content.decode(), "the API detail")


def test_notifications_show_followup_no_submitter(
    client, world, seeded, django_capture_on_commit_callbacks, mailoutbox
):
    """The follow-up team is told of new cases and deadlines: never who filed them."""
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            actor=seeded["online"].submitter,
            case=seeded["online"],
            name="provide_information",
            data=world.payload_for("provide_information"),
        )
        services.case_transition(
            actor=world[roles.BUREAU],
            case=seeded["desk"],
            name="refer_to_committee",
            data=world.payload_for("refer_to_committee"),
        )
    for message in mailoutbox:
        if world[roles.FOLLOWUP].email in message.to:
            _absent(message.body, "an e-mail to the follow-up team")
    client.force_login(world[roles.FOLLOWUP])
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    _absent(response.content.decode(), "the follow-up team's notifications")

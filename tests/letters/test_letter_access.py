"""Who may print which letter, and the 404 of a letter that does not apply yet (README: letters).
These answers come before any PDF is rendered, so they are fast."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from core.pdf import fonts_only_fetcher
from letters.selectors import letter_visible
from tests.factories import UserFactory
from tests.letters.conftest import letter_url

pytestmark = pytest.mark.django_db


def test_anonymous_cannot_get_a_receipt(client, world):
    case = world.case_in("submitted", kind="petition")
    assert client.get(letter_url(case, "receipt", "ar")).status_code == 404


def test_another_citizen_cannot_get_a_receipt_or_a_form(client, world):
    case = world.case_in("submitted", kind="petition")
    client.force_login(UserFactory(username="neighbour", groups=["citizen"]))
    assert client.get(letter_url(case, "receipt", "fr")).status_code == 404
    assert client.get(letter_url(case, "petition-form", "fr")).status_code == 404


def test_anonymous_cannot_get_the_form_of_a_draft(client, world):
    case = world.new_case("petition")
    response = client.get(letter_url(case, "petition-form", "fr"))
    assert response.status_code == 404
    # The project's error page, not a bare answer.
    assert "error-page" in response.content.decode()


def test_public_letters_of_a_draft_do_not_exist(client, world):
    case = world.new_case("petition")
    client.force_login(world["citizen"])
    for kind in ("receipt", "acceptance", "rejection", "decision"):
        assert client.get(letter_url(case, kind, "fr")).status_code == 404, kind


def test_unknown_kind_and_unknown_case_are_404(client, world):
    case = world.case_in("rejected", kind="petition")
    assert client.get(letter_url(case, "summons", "fr")).status_code == 404
    url = reverse("letters:pdf", kwargs={"reference": "DMN-PET-2099-9999", "kind": "decision"})
    assert client.get(url).status_code == 404


def test_decision_letter_before_a_decision_is_404(client, world):
    case = world.case_in("in_committee", kind="petition")
    assert client.get(letter_url(case, "decision", "fr")).status_code == 404
    assert client.get(letter_url(case, "rejection", "fr")).status_code == 404


def test_rejection_letter_of_an_adopted_case_is_404(client, world):
    case = world.case_in("adopted", kind="petition")
    assert client.get(letter_url(case, "rejection", "fr")).status_code == 404


def test_opinions_have_no_acceptance_letter_and_proposals_no_form(client, world):
    opinion = world.case_in("in_committee", kind="advisory_opinion")
    assert client.get(letter_url(opinion, "acceptance", "fr")).status_code == 404
    proposal = world.case_in("submitted", kind="proposal")
    client.force_login(world["intake"])
    assert client.get(letter_url(proposal, "petition-form", "fr")).status_code == 404


def test_post_is_refused(client, world):
    case = world.case_in("rejected", kind="petition")
    assert client.post(letter_url(case, "decision", "fr")).status_code == 405


def test_the_fetcher_loads_only_the_projects_fonts():
    fetcher = fonts_only_fetcher()
    for url in ("http://example.org/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_letter_links_on_the_staff_and_filer_pages(client, world):
    case = world.case_in("submitted", kind="petition")
    receipt = reverse("letters:pdf", kwargs={"reference": case.reference, "kind": "receipt"})
    form = reverse("letters:pdf", kwargs={"reference": case.reference, "kind": "petition-form"})
    client.force_login(world["intake"])
    staff_page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert receipt in staff_page and form in staff_page
    client.force_login(world["citizen"])
    my_page = client.get(reverse("public:my_cases")).content.decode()
    assert receipt in my_page


def test_a_session_that_tracked_the_case_holds_its_receipt_only(world):
    case = world.case_in("submitted", kind="petition")
    anonymous = AnonymousUser()
    assert letter_visible(user=anonymous, case=case, kind="receipt", tracked=True)
    assert not letter_visible(user=anonymous, case=case, kind="receipt", tracked=False)
    assert not letter_visible(user=anonymous, case=case, kind="petition-form", tracked=True)

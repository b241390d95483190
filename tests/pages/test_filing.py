"""Filing a case from the portal: the reference and the tracking code, shown once."""

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("public:file"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_without_a_filing_role_gets_403(client, world):
    client.force_login(world["bureau"])
    assert client.get(reverse("public:file")).status_code == 403


def test_kind_choices_follow_the_role(client, world):
    client.force_login(world["equality_commission"])
    form = client.get(reverse("public:file")).context["form"]
    assert [value for value, _label in form.fields["kind"].choices] == ["advisory_opinion"]
    assert "related_case" in form.fields
    client.force_login(world["citizen"])
    form = client.get(reverse("public:file")).context["form"]
    assert {value for value, _label in form.fields["kind"].choices} == {"", "petition", "proposal"}
    assert "related_case" not in form.fields and "channel" not in form.fields
    client.force_login(world["intake"])
    form = client.get(reverse("public:file")).context["form"]
    assert {"channel", "submitter_name", "submitter_contact", "association"} <= set(form.fields)


def test_filing_creates_a_case_and_shows_the_tracking_code_once(client, world):
    client.force_login(world["citizen"])
    response = client.post(
        reverse("public:file"),
        {"kind": "proposal", "title": "Benches in the park", "description": "The park has nowhere to sit."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("public:file_done")
    case = Case.objects.get(title="Benches in the park")
    assert case.state == "submitted"
    assert case.submitter == world["citizen"]

    shown = client.get(reverse("public:file_done"))
    html = shown.content.decode()
    assert case.reference in html
    code = shown.context["filed"]["tracking_code"]
    assert code in html
    assert services.tracking_code_matches(case, code)

    again = client.get(reverse("public:file_done"))
    assert again.status_code == 200
    assert code not in again.content.decode()
    assert code not in client.get(reverse("public:my_cases")).content.decode()


def test_saving_as_draft(client, world):
    client.force_login(world["citizen"])
    client.post(
        reverse("public:file"),
        {"kind": "petition", "title": "Clean the river", "description": "The river is dirty.", "draft": "on"},
    )
    assert Case.objects.get(title="Clean the river").state == "draft"


def test_domain_errors_land_on_the_form_and_nothing_is_created(client, world):
    client.force_login(world["citizen"])
    response = client.post(
        reverse("public:file"),
        {"kind": "petition", "title": "Clean the river", "description": "The river is dirty."},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "reasons" in form.errors and "objectives" in form.errors
    assert not Case.objects.filter(title="Clean the river").exists()


def test_intake_registers_a_desk_filing(client, world):
    client.force_login(world["intake"])
    response = client.post(
        reverse("public:file"),
        {
            "kind": "proposal",
            "title": "Ramp at the town hall",
            "description": "Wheelchairs cannot enter.",
            "channel": "paper",
            "submitter_name": "Ahmed Alaoui",
            "submitter_contact": "0600000000",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(title="Ramp at the town hall")
    assert (case.channel, case.submitter, case.filed_by) == ("paper", None, world["intake"])
    assert case.submitter_name == "Ahmed Alaoui"


@pytest.mark.parametrize("role", ["equality_commission"])
def test_opinion_linked_to_a_case(client, world, role):
    target = world.case_in("under_review", "petition")
    client.force_login(world[role])
    response = client.post(
        reverse("public:file"),
        {
            "kind": "advisory_opinion",
            "title": "Opinion on the petition",
            "description": "Women are most affected.",
            "related_case": target.reference.lower(),
        },
    )
    assert response.status_code == 302
    opinion = Case.objects.get(title="Opinion on the petition")
    assert opinion.related_case == target
    html = client.get(reverse("public:case", args=[target.reference])).content.decode()
    assert opinion.reference in html

    response = client.post(
        reverse("public:file"),
        {"kind": "advisory_opinion", "title": "Bad link", "description": "x y", "related_case": "NOPE"},
    )
    assert response.status_code == 400
    assert "related_case" in response.context["form"].errors


def test_my_cases_lists_own_cases_with_their_transitions(client, world):
    draft = world.case_in("draft", "proposal")
    waiting = world.case_in("awaiting_information", "proposal")
    other = world.case_in("submitted", "advisory_opinion")
    client.force_login(world["citizen"])
    html = client.get(reverse("public:my_cases")).content.decode()
    assert draft.reference in html and waiting.reference in html and other.reference not in html
    assert reverse("cases:transition", args=[draft.reference, "submit"]) in html
    assert reverse("cases:transition", args=[draft.reference, "withdraw"]) in html
    assert reverse("cases:transition", args=[waiting.reference, "provide_information"]) in html
    assert "Please add the statutes of the association." in html


def test_submitter_files_a_draft_from_my_cases(client, world):
    draft = world.case_in("draft", "proposal")
    client.force_login(world["citizen"])
    response = client.post(
        reverse("cases:transition", args=[draft.reference, "submit"]), {"expected_state": "draft"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:my_cases"))
    draft.refresh_from_db()
    assert draft.state == "submitted"


def test_submitter_provides_information_and_errors_rerender_my_cases(client, world):
    case = world.case_in("awaiting_information", "proposal")
    client.force_login(world["citizen"])
    url = reverse("cases:transition", args=[case.reference, "provide_information"])
    response = client.post(url, {"expected_state": "awaiting_information", "justification": "   "})
    assert response.status_code == 400
    assert response.templates[0].name == "public/my_cases.html"
    response = client.post(
        url, {"expected_state": "awaiting_information", "justification": "Statutes attached."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "under_review"


def test_someone_else_cannot_act_on_my_case(client, world):
    draft = world.case_in("draft", "proposal")
    client.force_login(world["association"])
    response = client.post(
        reverse("cases:transition", args=[draft.reference, "withdraw"]), {"expected_state": "draft"}
    )
    # Someone else's draft does not exist for this user (cases.views.staff.transition): 404, not 403,
    # which would tell them it is there.
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert not re.search(r"Traceback", response.content.decode())

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case
from core import roles
from tests.api.helpers import assert_error

LIST_URL = "/api/v1/cases/"
PROPOSAL = {
    "kind": "proposal",
    "title": "Benches in the park",
    "description": "Older people need somewhere to sit.",
}


def test_minimal_proposal_is_filed(world, client_as):
    response = client_as(world["citizen"]).post(LIST_URL, PROPOSAL, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"reference", "tracking_code", "state", "url"}
    assert re.fullmatch(r"DMN-PRO-\d{4}-\d{4}", body["reference"])
    assert len(body["tracking_code"]) >= 10
    assert body["state"] == "submitted"
    assert body["url"].endswith(reverse("api:case-detail", kwargs={"reference": body["reference"]}))
    case = Case.objects.get(reference=body["reference"])
    assert case.submitter == world["citizen"]
    assert case.channel == "online"
    assert services.tracking_code_matches(case, body["tracking_code"])


def test_draft_stays_a_draft(world, client_as):
    body = client_as(world["citizen"]).post(LIST_URL, {**PROPOSAL, "draft": True}, format="json").json()
    assert body["state"] == "draft"
    assert Case.objects.get(reference=body["reference"]).submitted_at is None


@pytest.mark.parametrize(
    ("role", "kind", "extra"),
    [
        (
            roles.CITIZEN,
            "petition",
            {"reasons": "Unsafe at night.", "objectives": "Ten street lights.", "draft": True},
        ),
        (roles.ASSOCIATION, "proposal", {}),
        (
            roles.INTAKE,
            "proposal",
            {"channel": "paper", "submitter_name": "Fatima", "submitter_contact": "0600"},
        ),
        (roles.EQUALITY_COMMISSION, "advisory_opinion", {}),
        (roles.CHILDREN_COUNCIL, "children_recommendation", {}),
    ],
)
def test_filing_roles(world, client_as, role, kind, extra):
    response = client_as(world[role]).post(LIST_URL, {**PROPOSAL, "kind": kind, **extra}, format="json")
    assert response.status_code == 201, response.content
    code = Case.KIND_CODES[kind]
    assert re.fullmatch(rf"DMN-{code}-\d{{4}}-\d{{4}}", response.json()["reference"])


def test_citizens_petition_without_signatures_cannot_be_filed_straight(world, client_as):
    # OL 113-14 art. 123: a citizens' petition is filed with its minimum of valid signatures.
    body = {**PROPOSAL, "kind": "petition", "reasons": "Unsafe at night.", "objectives": "Ten street lights."}
    error = assert_error(client_as(world["citizen"]).post(LIST_URL, body, format="json"), 400, "guard_failed")
    assert "signatures" in error["fields"]
    assert Case.objects.count() == 0


def test_association_files_in_its_name(world, client_as):
    body = (
        client_as(world["association"])
        .post(LIST_URL, {**PROPOSAL, "association": world.association.pk}, format="json")
        .json()
    )
    assert Case.objects.get(reference=body["reference"]).association == world.association


def test_intake_registers_a_paper_filing(world, client_as):
    body = (
        client_as(world["intake"])
        .post(
            LIST_URL,
            {**PROPOSAL, "channel": "paper", "submitter_name": "Fatima", "submitter_contact": "0600"},
            format="json",
        )
        .json()
    )
    case = Case.objects.get(reference=body["reference"])
    assert (case.channel, case.submitter_name, case.submitter_contact, case.filed_by) == (
        "paper",
        "Fatima",
        "0600",
        world["intake"],
    )


def test_intake_only_fields_are_ignored_for_others(world, client_as):
    body = (
        client_as(world["citizen"])
        .post(LIST_URL, {**PROPOSAL, "submitter_name": "Someone", "submitter_contact": "0611"}, format="json")
        .json()
    )
    case = Case.objects.get(reference=body["reference"])
    assert case.submitter_name == "" and case.submitter_contact == ""


def test_unknown_keys_and_state_are_ignored(world, client_as):
    response = client_as(world["citizen"]).post(
        LIST_URL,
        {**PROPOSAL, "state": "adopted", "reference": "DMN-PRO-1999-0001", "colour": "blue"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "submitted"
    assert body["reference"] != "DMN-PRO-1999-0001"


def test_opinion_linked_to_a_case(world, client_as):
    petition = world.case_in("submitted", "petition")
    body = (
        client_as(world[roles.EQUALITY_COMMISSION])
        .post(
            LIST_URL,
            {**PROPOSAL, "kind": "advisory_opinion", "related_case": petition.reference},
            format="json",
        )
        .json()
    )
    assert Case.objects.get(reference=body["reference"]).related_case == petition


@pytest.mark.parametrize(
    "role", [roles.BUREAU, roles.COMMITTEE, roles.SECRETARIAT, roles.SERVICE, roles.FOLLOWUP]
)
def test_other_roles_may_not_file(world, client_as, role):
    count = Case.objects.count()
    assert_error(client_as(world[role]).post(LIST_URL, PROPOSAL, format="json"), 403, "forbidden")
    assert Case.objects.count() == count


def test_anonymous_may_not_file(world, api_client):
    assert_error(api_client.post(LIST_URL, PROPOSAL, format="json"), 403)
    assert Case.objects.count() == 0


def test_a_role_may_only_file_its_kinds(world, client_as):
    assert_error(
        client_as(world["citizen"]).post(LIST_URL, {**PROPOSAL, "kind": "advisory_opinion"}, format="json"),
        403,
        "forbidden",
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"kind": "proposal"}, {"title", "description"}),
        ({**PROPOSAL, "title": "   "}, {"title"}),
        ({**PROPOSAL, "kind": "letter"}, {"kind"}),
        ({**PROPOSAL, "title": "x" * 251}, {"title"}),
        ({**PROPOSAL, "channel": "paper"}, {"channel"}),
        ({**PROPOSAL, "association": -1}, {"association"}),
        ({**PROPOSAL, "draft": "yes"}, {"draft"}),
        ({**PROPOSAL, "related_case": "DMN-PET-2026-0001"}, {"related_case"}),
    ],
)
def test_invalid_bodies_are_a_400_with_fields(world, client_as, body, fields):
    response = client_as(world["citizen"]).post(LIST_URL, body, format="json")
    error = assert_error(response, 400, "invalid")
    assert fields <= set(error["fields"]), error
    assert Case.objects.count() == 0


def test_petition_without_reasons_is_refused_and_leaves_nothing(world, client_as):
    response = client_as(world["citizen"]).post(LIST_URL, {**PROPOSAL, "kind": "petition"}, format="json")
    error = assert_error(response, 400, "guard_failed")
    assert {"reasons", "objectives"} <= set(error["fields"])
    assert Case.objects.count() == 0


# Each body is wrong in one field (named beside it): the service refuses it with a 400 naming that
# field, unless the role may not file the kind at all, which it checks first (403).
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": ["proposal"], "title": "T", "description": "D"}, "kind"),
        ({"kind": {"x": 1}, "title": "T", "description": "D"}, "kind"),
        ({**PROPOSAL, "title": 12}, "title"),
        ({**PROPOSAL, "description": ["a", "b"]}, "description"),
        ({**PROPOSAL, "subject": {"x": 1}}, "subject"),
        ({**PROPOSAL, "association": "abc"}, "association"),
        ({**PROPOSAL, "association": {"x": 1}}, "association"),
        ({**PROPOSAL, "association": 10**30}, "association"),
        ({**PROPOSAL, "association": 1.5}, "association"),
        ({**PROPOSAL, "association": True}, "association"),
        ({**PROPOSAL, "related_case": {"x": 1}}, "related_case"),
        ({**PROPOSAL, "kind": "advisory_opinion", "related_case": ["x"]}, "related_case"),
        ({**PROPOSAL, "channel": ["online"]}, "channel"),
        ({**PROPOSAL, "channel": {"x": 1}}, "channel"),
        ({**PROPOSAL, "draft": 1}, "draft"),  # JSON true or false only, as "yes" above
        ({**PROPOSAL, "description": "x" * 30_000}, "description"),  # at most 20,000 characters
    ],
)
@pytest.mark.parametrize("role", [roles.CITIZEN, roles.INTAKE, roles.EQUALITY_COMMISSION])
def test_garbage_bodies_never_500(world, client_as, body, field, role):
    response = client_as(world[role]).post(LIST_URL, body, format="json")
    # Citizens and the desk file proposals and petitions, the Equality Commission advisory opinions
    # (cases.services.KINDS_BY_GROUP); an unreadable kind is an input error whoever sends it.
    may_file = {roles.CITIZEN: {"proposal", "petition"}, roles.INTAKE: {"proposal", "petition"}}.get(
        role, {"advisory_opinion"}
    )
    if field != "kind" and body["kind"] not in may_file:
        assert_error(response, 403, "forbidden")
    else:
        error = assert_error(response, 400, "invalid")
        assert set(error["fields"]) == {field}, error
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        "[1, 2]",
        '"a string"',
        "42",
        "null",
        "true",
        "{",
        '{"kind": "proposal", "association": 1e400}',
        "NaN",
        '{"association": Infinity}',
        "[" * 100_000,
        "\xff\xfe",
    ],
)
def test_malformed_json_is_a_400(world, client_as, raw):
    response = client_as(world["citizen"]).generic(
        "POST", LIST_URL, raw.encode("latin-1"), content_type="application/json"
    )
    assert_error(response, 400)
    assert Case.objects.count() == 0


def test_other_media_types_are_refused_with_the_error_shape(world, client_as):
    response = client_as(world["citizen"]).post(LIST_URL, PROPOSAL)  # multipart
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("field", ["title", "description", "subject"])
def test_nul_characters_are_a_400(world, client_as, field):
    body = {**PROPOSAL, field: "Benches\x00in the park"}
    assert_error(client_as(world["citizen"]).post(LIST_URL, body, format="json"), 400, "invalid")
    assert Case.objects.count() == 0

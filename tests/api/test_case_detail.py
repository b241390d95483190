import json

import pytest
from django.urls import reverse

from cases import selectors, services
from core import roles
from tests.api.helpers import assert_error
from tests.factories import JUSTIFICATION, UserFactory


def detail_url(reference: str) -> str:
    return reverse("api:case-detail", kwargs={"reference": reference})


def test_detail_of_a_decided_case(world, api_client):
    case = world.case_in("adopted")
    response = api_client.get(detail_url(case.reference))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert body["kind"] == "proposal"
    assert body["state"] == "adopted"
    assert body["state_label"]
    assert body["description"] == case.description
    assert body["channel"] == "online"
    assert body["committee"]["id"] == world.committee.pk
    assert body["service"]["id"] == world.service.pk
    assert body["session"]["id"] == world.session.pk
    assert body["decision"] == {
        "justification": JUSTIFICATION,
        "reason_code": "",
        "deliberation_number": "17/2027",
        "votes_for": 15,
        "votes_against": 3,
        "votes_abstain": 1,
        "members_present": 22,
        "council_members": 29,
        "quorum": 15,
        "convocation": "first",
        "president_vote": "",
        "decided_at": body["decision"]["decided_at"],
        "by_president": False,
    }
    assert body["decision"]["decided_at"]
    assert body["legal_deadline"] is None  # only petitions have one
    assert body["signature_count"] is None
    assert body["days_in_state"] == 0
    assert body["progress_percent"] == 0
    assert body["related_case"] is None
    assert body["linked_opinions"] == []

    timeline = body["timeline"]
    assert [t["transition"] for t in timeline] == [
        "submit",
        "start_review",
        "refer_to_committee",
        "report",
        "schedule",
        "adopt",
    ]
    assert [t["seq"] for t in timeline] == [1, 2, 3, 4, 5, 6]
    adopt = timeline[-1]
    assert adopt["from_state"] == "on_agenda" and adopt["to_state"] == "adopted"
    assert adopt["from_label"] and adopt["to_label"] and adopt["label"]
    assert adopt["role"] == roles.SECRETARIAT
    assert adopt["justification"] == JUSTIFICATION
    assert adopt["payload"]["deliberation_number"] == "17/2027"
    assert timeline[2]["payload"]["committee"]["id"] == world.committee.pk
    assert set(adopt) == {
        "seq",
        "at",
        "transition",
        "label",
        "from_state",
        "to_state",
        "from_label",
        "to_label",
        "role",
        "role_label",
        "justification",
        "payload",
    }


def test_undecided_case_has_no_decision(world, api_client):
    case = world.case_in("in_committee")
    assert api_client.get(detail_url(case.reference)).json()["decision"] is None


def test_petition_detail_has_deadline_and_signature_count(world, api_client):
    case = world.case_in("submitted", "petition")
    body = api_client.get(detail_url(case.reference)).json()
    assert body["legal_deadline"] == case.legal_deadline.isoformat()
    assert body["signature_count"] == case.collectivity.petition_min_signatures
    assert body["overdue"] is False
    assert body["reasons"] == "Residents feel unsafe at night."


def test_opinion_reads_taken_into_account(world, api_client):
    opinion = world.case_in("adopted", "advisory_opinion")
    proposal = world.case_in("adopted", "proposal")
    opinion_body = api_client.get(detail_url(opinion.reference)).json()
    proposal_body = api_client.get(detail_url(proposal.reference)).json()
    assert opinion_body["state_label"] != proposal_body["state_label"]
    assert opinion_body["timeline"][-1]["label"] != proposal_body["timeline"][-1]["label"]


def test_linked_opinions_and_related_case(world, api_client):
    petition = world.case_in("in_committee", "petition")
    opinion = world.case_in("submitted", "advisory_opinion", related_case=petition.reference)
    draft_opinion = world.new_case("advisory_opinion", related_case=petition.reference)
    body = api_client.get(detail_url(petition.reference)).json()
    assert body["linked_opinions"] == [opinion.reference]
    assert draft_opinion.reference not in json.dumps(body)
    assert api_client.get(detail_url(opinion.reference)).json()["related_case"] == petition.reference


def test_implementation_fields(world, api_client):
    case = world.case_in("implemented")
    body = api_client.get(detail_url(case.reference)).json()
    assert body["planned_end"] == "2099-12-31"
    assert body["progress_percent"] == 100
    assert body["state"] == "implemented"


def test_detail_never_shows_personal_data(world, api_client, client_as):
    citizen = UserFactory(
        username="amina_private_login",
        email="amina.private@example.org",
        first_name="Amina",
        last_name="Benali",
        groups=[roles.CITIZEN],
    )
    created = (
        client_as(citizen)
        .post(
            "/api/v1/cases/",
            {
                "kind": "proposal",
                "title": "Benches in the park",
                "description": "Older people need somewhere to sit.",
            },
            format="json",
        )
        .json()
    )
    case = services.case_transition(actor=world["bureau"], case=created["reference"], name="start_review")
    services.case_transition(
        actor=world["bureau"],
        case=case,
        name="request_information",
        data={"justification": "Secret note: call Amina on her private number."},
    )
    paper, paper_code = services.case_create(
        actor=world["intake"],
        kind="proposal",
        title="Paper filing",
        description="Filed at the desk on paper.",
        channel="paper",
        submitter_name="Fatima Zahra Privatename",
        submitter_contact="0612345678",
    )
    for reference, tracking_code in (
        (created["reference"], created["tracking_code"]),
        (paper.reference, paper_code),
    ):
        for client in (api_client, client_as(world["bureau"])):
            response = client.get(detail_url(reference))
            assert response.status_code == 200
            text = response.content.decode()
            body = response.json()
            for secret in (
                "amina_private_login",
                "amina.private@example.org",
                "Amina",
                "Benali",
                "Secret note",
                "Fatima",
                "Privatename",
                "0612345678",
                tracking_code,
                selectors.case_get(reference=reference).tracking_code_hash,
            ):
                assert secret not in text, secret
            for key in (
                "submitter",
                "submitter_name",
                "submitter_contact",
                "tracking_code",
                "tracking_code_hash",
                "information_requested",
                "filed_by",
                "association",
                "actor",
            ):
                assert key not in body
            assert all("actor" not in item and "private" not in item for item in body["timeline"])


def test_drafts_are_private(world, api_client, client_as):
    draft = world.new_case("proposal")
    assert_error(api_client.get(detail_url(draft.reference)), 404, "not_found")
    for role in (roles.BUREAU, roles.INTAKE, roles.PRESIDENT, roles.FOLLOWUP, roles.EQUALITY_COMMISSION):
        assert_error(client_as(world[role]).get(detail_url(draft.reference)), 404, "not_found")
    other_citizen = UserFactory(groups=[roles.CITIZEN])
    assert_error(client_as(other_citizen).get(detail_url(draft.reference)), 404, "not_found")
    mine = client_as(world["citizen"]).get(detail_url(draft.reference))
    assert mine.status_code == 200
    assert mine.json()["state"] == "draft"


def test_association_draft_is_visible_to_its_members_only(world, client_as):
    draft = world.new_case("proposal", actor=world["association"], association=world.association.pk)
    assert client_as(world["association"]).get(detail_url(draft.reference)).status_code == 200
    outsider = UserFactory(groups=[roles.ASSOCIATION])
    assert_error(client_as(outsider).get(detail_url(draft.reference)), 404, "not_found")


@pytest.mark.parametrize("reference", ["DMN-PRO-2026-9999", "nothing", "%00", "x" * 300])
def test_unknown_case_is_a_404(world, api_client, reference):
    assert_error(api_client.get(f"/api/v1/cases/{reference}/"), 404, "not_found")


def test_detail_is_read_only(world, api_client, client_as):
    case = world.case_in("submitted")
    for client in (api_client, client_as(world["bureau"])):
        for method in ("put", "patch", "delete"):
            response = getattr(client, method)(
                detail_url(case.reference), {"state": "adopted"}, format="json"
            )
            assert_error(response, 405, "method_not_allowed")
    assert api_client.get(detail_url(case.reference)).json()["state"] == "submitted"

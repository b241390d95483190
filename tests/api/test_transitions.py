import pytest
from django.urls import reverse

from audit.models import TransitionEntry
from cases.models import Case
from core import roles
from notifications.models import OutboxEvent
from tests.api.helpers import assert_error
from tests.factories import JUSTIFICATION, UserFactory


def list_url(reference: str) -> str:
    return reverse("api:case-transitions", kwargs={"reference": reference})


def do_url(reference: str, name: str) -> str:
    return reverse("api:case-transition", kwargs={"reference": reference, "name": name})


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), TransitionEntry.objects.count(), OutboxEvent.objects.count()


# Listing --------------------------------------------------------------------------------------


def test_bureau_sees_start_review_on_a_submitted_case(world, client_as):
    case = world.case_in("submitted")
    response = client_as(world["bureau"]).get(list_url(case.reference))
    assert response.status_code == 200
    items = {t["name"]: t for t in response.json()}
    assert set(items) == {"start_review", "declare_inadmissible"}
    assert items["start_review"]["label"]
    assert items["start_review"]["fields"] == []
    fields = {f["name"]: f for f in items["declare_inadmissible"]["fields"]}
    assert fields["justification"] == {
        "name": "justification",
        "type": "justification",
        "required": True,
        "label": fields["justification"]["label"],
        "choices": None,
    }
    assert {c["value"] for c in fields["reason_code"]["choices"]} >= {"competence", "signatures"}


def test_required_fields_depend_on_the_current_state(world, client_as):
    on_agenda = world.case_in("on_agenda")
    reported = world.case_in("reported")
    secretariat = {
        t["name"]: t for t in client_as(world["secretariat"]).get(list_url(on_agenda.reference)).json()
    }
    president = {t["name"]: t for t in client_as(world["president"]).get(list_url(reported.reference)).json()}
    assert set(secretariat) == {"adopt", "reject", "defer"}
    assert {f["name"]: f["required"] for f in secretariat["adopt"]["fields"]}["votes_for"] is True
    # The president's ruling on a proposal takes no council vote (docs/domain.md §3.2).
    assert {f["name"]: f["required"] for f in president["adopt"]["fields"]}["votes_for"] is False


def test_opinion_labels_in_the_list(world, client_as):
    opinion = world.case_in("on_agenda", "advisory_opinion")
    proposal = world.case_in("on_agenda", "proposal")
    opinion_labels = {
        t["name"]: t["label"] for t in client_as(world["secretariat"]).get(list_url(opinion.reference)).json()
    }
    labels = {
        t["name"]: t["label"]
        for t in client_as(world["secretariat"]).get(list_url(proposal.reference)).json()
    }
    assert opinion_labels["adopt"] != labels["adopt"]


def test_roles_without_a_move_get_an_empty_list(world, client_as):
    case = world.case_in("submitted")
    for role in (roles.SECRETARIAT, roles.COMMITTEE, roles.SERVICE, roles.FOLLOWUP):
        response = client_as(world[role]).get(list_url(case.reference))
        assert response.status_code == 200
        assert response.json() == []
    assert [t["name"] for t in client_as(world["citizen"]).get(list_url(case.reference)).json()] == [
        "withdraw"
    ]


def test_transition_list_needs_authentication(world, api_client):
    case = world.case_in("submitted")
    assert_error(api_client.get(list_url(case.reference)), 403, "not_authenticated")


def test_transition_list_of_someone_elses_draft_is_a_404(world, client_as):
    draft = world.new_case("proposal")
    assert_error(client_as(world["bureau"]).get(list_url(draft.reference)), 404, "not_found")
    assert_error(
        client_as(UserFactory(groups=[roles.CITIZEN])).get(list_url(draft.reference)), 404, "not_found"
    )
    mine = client_as(world["citizen"]).get(list_url(draft.reference)).json()
    assert {t["name"] for t in mine} == {"submit", "withdraw"}


def test_transition_list_of_unknown_case_is_a_404(world, client_as):
    assert_error(client_as(world["bureau"]).get(list_url("DMN-PRO-2026-9999")), 404, "not_found")


# Performing -----------------------------------------------------------------------------------


def test_full_walk_of_a_proposal_through_the_api(world, client_as):
    created = (
        client_as(world["citizen"])
        .post(
            "/api/v1/cases/",
            {
                "kind": "proposal",
                "title": "Street lighting",
                "description": "The street has no lights at night.",
            },
            format="json",
        )
        .json()
    )
    reference = created["reference"]
    votes = {
        "deliberation_number": "21/2027",
        "votes_for": 20,
        "votes_against": 2,
        "votes_abstain": 0,
        "members_present": 24,
    }
    steps = [
        ("bureau", "start_review", {}, "under_review"),
        ("bureau", "refer_to_committee", {"committee": world.committee.pk}, "in_committee"),
        (
            "committee",
            "report",
            {"report": "The committee supports it.", "recommendation": "adopt"},
            "reported",
        ),
        ("secretariat", "schedule", {"session": world.session.pk}, "on_agenda"),
        (
            "secretariat",
            "adopt",
            {**votes, "justification": JUSTIFICATION, "service": world.service.pk},
            "adopted",
        ),
        (
            "service",
            "plan_implementation",
            {"planned_end": "2099-06-30", "budget_line": "B-7"},
            "in_implementation",
        ),
        ("service", "complete", {"evidence": "Twelve lights installed; photos attached."}, "implemented"),
    ]
    for role, name, body, expected in steps:
        client = client_as(world[role])
        assert name in [t["name"] for t in client.get(list_url(reference)).json()]
        response = client.post(do_url(reference, name), body, format="json")
        assert response.status_code == 200, (name, response.content)
        detail = response.json()
        assert detail["reference"] == reference
        assert detail["state"] == expected
        assert detail["timeline"][-1]["transition"] == name

    final = client_as(None).get(reverse("api:case-detail", kwargs={"reference": reference})).json()
    assert final["state"] == "implemented"
    assert final["progress_percent"] == 100
    assert final["decision"]["deliberation_number"] == "21/2027"
    assert final["decision"]["justification"] == JUSTIFICATION
    assert len(final["timeline"]) == 8
    assert TransitionEntry.objects.filter(case__reference=reference).count() == 8


def test_president_rules_on_a_proposal_without_a_session(world, client_as):
    case = world.case_in("reported")
    response = client_as(world["president"]).post(
        do_url(case.reference, "reject"),
        {"justification": JUSTIFICATION, "reason_code": "budget"},
        format="json",
    )
    assert response.status_code == 200, response.content
    decision = response.json()["decision"]
    assert decision["by_president"] is True
    assert decision["reason_code"] == "budget"


def test_guard_failed_is_a_400_and_changes_nothing(world, client_as):
    case = world.case_in("on_agenda")
    before = counts()
    response = client_as(world["secretariat"]).post(
        do_url(case.reference, "adopt"), {"justification": "Too short."}, format="json"
    )
    error = assert_error(response, 400, "guard_failed")
    assert {"justification", "deliberation_number", "votes_for"} <= set(error["fields"])
    assert counts() == before
    assert Case.objects.get(pk=case.pk).state == "on_agenda"


def test_wrong_role_is_a_403(world, client_as):
    case = world.case_in("submitted")
    before = counts()
    for role in (roles.CITIZEN, roles.SECRETARIAT, roles.COMMITTEE, roles.FOLLOWUP):
        assert_error(
            client_as(world[role]).post(do_url(case.reference, "start_review"), {}, format="json"),
            403,
            "forbidden",
        )
    assert counts() == before


def test_committee_member_of_another_committee_is_a_403(world, client_as):
    case = world.case_in("in_committee")
    response = client_as(world.outsider_committee_member).post(
        do_url(case.reference, "report"), world.payload_for("report"), format="json"
    )
    assert_error(response, 403, "forbidden")


def test_anonymous_is_a_403(world, api_client):
    case = world.case_in("submitted")
    before = counts()
    assert_error(
        api_client.post(do_url(case.reference, "start_review"), {}, format="json"), 403, "not_authenticated"
    )
    assert_error(api_client.post(do_url(case.reference, "no_such_thing"), {}, format="json"), 403)
    assert counts() == before


def test_unknown_case_is_a_404(world, client_as):
    assert_error(
        client_as(world["bureau"]).post(do_url("DMN-PRO-2026-9999", "start_review"), {}, format="json"),
        404,
        "not_found",
    )


def test_unknown_transition_is_a_404_even_before_the_case_lookup(world, client_as):
    case = world.case_in("submitted")
    for reference in (case.reference, "DMN-PRO-2026-9999"):
        for name in ("no_such_thing", "report_", "submit_now"):
            response = client_as(world["bureau"]).post(do_url(reference, name), {}, format="json")
            assert_error(response, 404, "unknown_transition")


def test_wrong_state_is_a_409(world, client_as):
    case = world.case_in("under_review")
    closed = world.case_in("rejected")
    before = counts()
    response = client_as(world["bureau"]).post(do_url(case.reference, "start_review"), {}, format="json")
    assert_error(response, 409, "invalid_transition")
    response = client_as(world["secretariat"]).post(
        do_url(closed.reference, "adopt"), world.payload_for("adopt"), format="json"
    )
    assert_error(response, 409, "invalid_transition")
    assert counts() == before


def test_state_cannot_be_written_through_the_body(world, client_as):
    case = world.case_in("submitted")
    response = client_as(world["bureau"]).post(
        do_url(case.reference, "start_review"), {"state": "adopted"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "under_review"


def test_transitions_endpoint_only_accepts_post(world, client_as):
    case = world.case_in("submitted")
    assert_error(
        client_as(world["bureau"]).get(do_url(case.reference, "start_review")), 405, "method_not_allowed"
    )


# Garbage never yields a 500 -------------------------------------------------------------------

GARBAGE = {
    "refer_to_committee": [
        {"committee": "abc"},
        {"committee": {"x": 1}},
        {"committee": {"id": {"id": 1}}},
        {"committee": [1]},
        {"committee": True},
        {"committee": -1},
        {"committee": 0},
        {"committee": 10**30},
        {"committee": -(10**30)},
        {"committee": "9" * 5000},
        {"committee": None},
        {"committee": ""},
    ],
    "adopt": [
        {
            "votes_for": "ten",
            "votes_against": 1,
            "votes_abstain": 0,
            "deliberation_number": "1",
            "justification": JUSTIFICATION,
        },
        {
            "votes_for": 10**30,
            "votes_against": 1,
            "votes_abstain": 0,
            "deliberation_number": "1",
            "justification": JUSTIFICATION,
        },
        {
            "votes_for": -5,
            "votes_against": 1,
            "votes_abstain": 0,
            "deliberation_number": "1",
            "justification": JUSTIFICATION,
        },
        {
            "votes_for": 1.5,
            "votes_against": 1,
            "votes_abstain": 0,
            "deliberation_number": "1",
            "justification": JUSTIFICATION,
        },
        {
            "votes_for": True,
            "votes_against": [1],
            "votes_abstain": {"n": 0},
            "deliberation_number": 7,
            "justification": 12,
        },
        {
            "deliberation_number": "x" * 100,
            "votes_for": 1,
            "votes_against": 1,
            "votes_abstain": 0,
            "justification": ["a"],
        },
        {"justification": {"text": JUSTIFICATION}, "service": "abc"},
        {"justification": "x" * 20_000, "service": {"id": "abc"}},
    ],
    "declare_inadmissible": [
        {"reason_code": {"a": 1}, "justification": JUSTIFICATION},
        {"reason_code": [1, 2], "justification": JUSTIFICATION},
        {"reason_code": [["competence"]], "justification": JUSTIFICATION},
        {"reason_code": "no_such_ground", "justification": JUSTIFICATION},
        {"reason_code": [], "justification": JUSTIFICATION},
        {"reason_code": "competence", "justification": "!!! ... ,,, ???" * 20},
    ],
    "plan_implementation": [
        {"planned_end": "31/12/2026"},
        {"planned_end": "2026-02-30"},
        {"planned_end": "2020-01-01"},
        {"planned_end": 20261231},
        {"planned_end": {"year": 2026}},
        {"planned_end": "99999-01-01"},
        {"planned_end": "2099-12-31", "service": "abc"},
        {"planned_end": "2099-12-31", "service": 10**30},
        {"planned_end": "2099-12-31", "budget_line": "x" * 500},
    ],
}
STATE_FOR = {
    "refer_to_committee": "under_review",
    "adopt": "on_agenda",
    "declare_inadmissible": "under_review",
    "plan_implementation": "adopted",
}
ACTOR_FOR = {
    "refer_to_committee": roles.BUREAU,
    "adopt": roles.SECRETARIAT,
    "declare_inadmissible": roles.BUREAU,
    "plan_implementation": roles.SERVICE,
}


@pytest.mark.parametrize(
    ("name", "body"), [(name, body) for name, bodies in GARBAGE.items() for body in bodies]
)
def test_garbage_fields_are_a_400(world, client_as, name, body):
    case = world.case_in(STATE_FOR[name])
    before = counts()
    response = client_as(world[ACTOR_FOR[name]]).post(do_url(case.reference, name), body, format="json")
    assert_error(response, 400)
    assert counts() == before
    assert Case.objects.get(pk=case.pk).state == case.state


def test_fractional_committee_id_is_refused(world, client_as):
    case = world.case_in("under_review")
    response = client_as(world["bureau"]).post(
        do_url(case.reference, "refer_to_committee"), {"committee": world.committee.pk + 0.5}, format="json"
    )
    assert_error(response, 400, "guard_failed")


@pytest.mark.parametrize(
    "raw",
    [
        "[1, 2]",
        '"start"',
        "42",
        "null",
        "true",
        "{",
        '{"committee": 1e400}',
        '{"committee": -1e400}',
        '{"committee": NaN}',
        '{"votes_for": Infinity}',
        "[" * 100_000,
        '{"a": ' * 100_000,
        "\xff\xfe",
    ],
)
@pytest.mark.parametrize("name", ["refer_to_committee", "start_review", "no_such_transition"])
def test_non_object_or_malformed_bodies_are_a_400(world, client_as, raw, name):
    case = world.case_in("under_review") if name != "start_review" else world.case_in("submitted")
    before = counts()
    response = client_as(world["bureau"]).generic(
        "POST", do_url(case.reference, name), raw.encode("latin-1"), content_type="application/json"
    )
    assert_error(response, 400)
    assert counts() == before


def test_huge_float_for_votes_is_a_400(world, client_as):
    case = world.case_in("on_agenda")
    raw = (
        '{"deliberation_number": "3/2027", "votes_for": 1e400, "votes_against": 0, "votes_abstain": 0, '
        f'"justification": "{JUSTIFICATION}"}}'
    )
    response = client_as(world["secretariat"]).generic(
        "POST", do_url(case.reference, "adopt"), raw.encode(), content_type="application/json"
    )
    assert_error(response, 400)
    assert Case.objects.get(pk=case.pk).state == "on_agenda"


def test_empty_body_is_an_empty_object(world, client_as):
    case = world.case_in("submitted")
    response = client_as(world["bureau"]).generic(
        "POST", do_url(case.reference, "start_review"), b"", content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "under_review"


@pytest.mark.parametrize(
    "body",
    [
        {"justification": JUSTIFICATION + "\x00"},
        {"justification": JUSTIFICATION, "note\x00": 1},
        {"justification": JUSTIFICATION, "nested": [{"deep": ["\x00"]}]},
    ],
)
def test_nul_characters_are_a_400(world, client_as, body):
    case = world.case_in("on_agenda")
    before = counts()
    response = client_as(world["secretariat"]).post(do_url(case.reference, "defer"), body, format="json")
    assert_error(response, 400, "invalid")
    assert counts() == before


@pytest.mark.parametrize("reference", ["DMN\x00PRO", "%00", "x" * 300, "DMN PRO", "réf"])
def test_malformed_references_are_a_404(world, client_as, reference):
    client = client_as(world["bureau"])
    assert_error(client.get(list_url(reference)), 404, "not_found")
    assert_error(client.post(do_url(reference, "start_review"), {}, format="json"), 404, "not_found")
    assert_error(client.post(do_url(reference, "no_such"), {}, format="json"), 404, "unknown_transition")


# The desk acts only on the cases it registered ------------------------------------------------


def test_intake_submitting_a_draft_it_cannot_see_is_a_404(world, client_as):
    """An Equality Commission opinion and another citizen's proposal: hidden as on their detail."""
    for kind in ("advisory_opinion", "proposal"):
        case = world.new_case(kind)
        before = counts()
        response = client_as(world["intake"]).post(do_url(case.reference, "submit"), {}, format="json")
        assert_error(response, 404, "not_found")
        assert counts() == before
        assert Case.objects.get(pk=case.pk).state == "draft"


def test_intake_submits_a_draft_it_registered_through_the_api(world, client_as):
    case = world.new_case("proposal", actor=world["intake"], submitter_name="Fatima Zahra")
    response = client_as(world["intake"]).post(do_url(case.reference, "submit"), {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"


def test_intake_providing_information_for_an_online_case_is_a_403(world, client_as):
    case = world.case_in("awaiting_information")
    before = counts()
    response = client_as(world["intake"]).post(
        do_url(case.reference, "provide_information"), world.payload_for("provide_information"), format="json"
    )
    assert_error(response, 403, "forbidden")
    assert counts() == before

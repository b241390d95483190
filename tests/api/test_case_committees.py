"""The committees of a case over the API (docs/domain.md §3.6 and §10)."""

from django.urls import reverse
from django.utils import translation

from audit.models import TransitionEntry
from cases.models import CommitteeReferral
from tests.api.helpers import assert_error

OPINION = "The finance committee sees no objection: the budget line exists."


def list_url(reference: str) -> str:
    return reverse("api:case-committees", kwargs={"reference": reference})


def opinion_url(reference: str, committee_id: int) -> str:
    return reverse(
        "api:case-committee-opinion", kwargs={"reference": reference, "committee_id": committee_id}
    )


def _state():
    return TransitionEntry.objects.count(), list(
        CommitteeReferral.objects.order_by("id").values_list("id", "reported_at", "report")
    )


def test_the_whole_round_over_the_api(world, client_as, api_client):
    case = world.case_in("in_committee")
    asked = client_as(world["bureau"]).post(
        list_url(case.reference), {"committee": world.other_committee.pk}, format="json"
    )
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert body["role"] == "opinion" and body["committee"]["id"] == world.other_committee.pk
    assert body["due_on"] and body["reported_at"] is None and body["overdue"] is False

    filed = client_as(world.outsider_committee_member).post(
        opinion_url(case.reference, world.other_committee.pk), {"report": OPINION}, format="json"
    )
    assert filed.status_code == 200, filed.content
    assert filed.json()["report"] == OPINION and filed.json()["reported_at"]

    # Public: anyone reads which committees worked on the case and what they said.
    listed = api_client.get(list_url(case.reference))
    assert listed.status_code == 200
    rows = listed.json()
    assert [r["role"] for r in rows] == ["lead", "opinion"]
    assert rows[0]["committee"]["id"] == world.committee.pk and rows[0]["reported_at"] is None
    assert rows[1]["report"] == OPINION
    assert "reported_by" not in rows[1] and "requested_by" not in rows[1]


def test_ask_refusals_have_the_error_shape_and_change_nothing(world, client_as, api_client):
    case = world.case_in("in_committee")
    before = _state()
    anonymous = api_client.post(
        list_url(case.reference), {"committee": world.other_committee.pk}, format="json"
    )
    assert anonymous.status_code in (401, 403)
    assert_error(
        client_as(world["secretariat"]).post(
            list_url(case.reference), {"committee": world.other_committee.pk}, format="json"
        ),
        403,
        "forbidden",
    )
    with translation.override("en"):
        body = assert_error(
            client_as(world["bureau"]).post(
                list_url(case.reference), {"committee": world.committee.pk}, format="json"
            ),
            400,
            "guard_failed",
        )
    assert "committee" in body["fields"]
    assert_error(
        client_as(world["bureau"]).post(list_url(case.reference), {"committee": "finance"}, format="json"),
        400,
        "guard_failed",
    )
    assert_error(client_as(world["bureau"]).post(list_url(case.reference), [1, 2], format="json"), 400)
    assert_error(
        client_as(world["bureau"]).post(list_url("NOPE-PRO-2026-9999"), {"committee": 1}, format="json"),
        404,
        "not_found",
    )
    assert _state() == before
    reported = world.case_in("reported")
    assert_error(
        client_as(world["bureau"]).post(
            list_url(reported.reference), {"committee": world.other_committee.pk}, format="json"
        ),
        409,
        "invalid_transition",
    )


def test_file_refusals_have_the_error_shape_and_change_nothing(world, client_as):
    case = world.case_in("in_committee")
    url = opinion_url(case.reference, world.other_committee.pk)
    # Not asked yet.
    assert_error(
        client_as(world.outsider_committee_member).post(url, {"report": OPINION}, format="json"),
        409,
        "invalid_transition",
    )
    client_as(world["bureau"]).post(
        list_url(case.reference), {"committee": world.other_committee.pk}, format="json"
    )
    before = _state()
    # The lead committee's member does not sit on the committee asked.
    assert_error(
        client_as(world["committee"]).post(url, {"report": OPINION}, format="json"), 403, "forbidden"
    )
    assert_error(
        client_as(world.outsider_committee_member).post(url, {"report": "  "}, format="json"),
        400,
        "guard_failed",
    )
    assert_error(client_as(world.outsider_committee_member).post(url, {}, format="json"), 400, "guard_failed")
    assert_error(
        client_as(world.outsider_committee_member).post(
            opinion_url(case.reference, 2**40), {"report": OPINION}, format="json"
        ),
        400,
        "guard_failed",
    )
    assert _state() == before


def test_a_draft_is_not_found(world, client_as, api_client):
    draft = world.new_case("proposal")
    assert_error(api_client.get(list_url(draft.reference)), 404, "not_found")


def test_schema_documents_the_committee_endpoints(db, api_client):
    text = api_client.get(reverse("api:schema")).content.decode()
    assert "/api/v1/cases/{reference}/committees/" in text
    assert "/api/v1/cases/{reference}/committees/{committee_id}/opinion/" in text
    assert "cases_committees_ask" in text and "cases_committees_opinion" in text

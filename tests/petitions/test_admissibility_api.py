"""GET and PUT /api/v1/cases/{reference}/admissibility/: the bureau's checklist over the API, one item
per condition; who may read and write it; bad input refused with nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import TransitionEntry
from core import roles
from petitions import admissibility
from petitions.models import AdmissibilityCheck


@pytest.fixture
def reviewed(world):
    return world.case_in("under_review", "petition")


def _url(case) -> str:
    return reverse("api:case-admissibility", kwargs={"reference": case.reference})


def _counts(case) -> tuple[int, int]:
    return (
        AdmissibilityCheck.objects.filter(case=case).count(),
        TransitionEntry.objects.filter(case_id=case.pk).count(),
    )


def test_the_bureau_reads_one_item_per_condition(client_as, world, reviewed):
    answer = client_as(world[roles.BUREAU]).get(_url(reviewed), HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 200
    body = answer.json()
    assert body["reference"] == reviewed.reference
    assert body["editable"] is True
    assert body["complete"] is False and body["admissible"] is False
    codes = [item["code"] for item in body["items"]]
    assert codes == admissibility.applicable_conditions(reviewed)
    assert "direct_interest" in codes
    for item in body["items"]:
        assert set(item) >= {"code", "label", "met", "note"}
        assert item["met"] is None and item["label"]


@pytest.mark.parametrize("role", [roles.PRESIDENT, roles.SECRETARIAT, roles.FOLLOWUP])
def test_other_council_staff_read_but_do_not_write(client_as, world, reviewed, role):
    client = client_as(world[role])
    answer = client.get(_url(reviewed))
    assert answer.status_code == 200
    assert answer.json()["editable"] is False
    before = _counts(reviewed)
    refused = client.put(_url(reviewed), {"items": [{"code": "signatures", "met": True}]}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert _counts(reviewed) == before


@pytest.mark.parametrize("role", [roles.CITIZEN, roles.COMMITTEE, roles.INTAKE, roles.SERVICE])
def test_others_may_not_read_the_checklist(client_as, world, reviewed, role):
    answer = client_as(world[role]).get(_url(reviewed))
    assert answer.status_code == 403
    assert set(answer.json()) >= {"error", "detail"}


def test_anonymous_is_refused(api_client, reviewed):
    assert api_client.get(_url(reviewed)).status_code in (401, 403)
    assert api_client.put(_url(reviewed), {"items": []}, format="json").status_code in (401, 403)


def test_not_a_petition_or_no_such_case(client_as, world):
    bureau = client_as(world[roles.BUREAU])
    proposal = world.case_in("under_review", "proposal")
    answer = bureau.get(_url(proposal), HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 404
    assert "Seule une pétition" in answer.json()["detail"]
    missing = bureau.get(reverse("api:case-admissibility", kwargs={"reference": "DMN-PET-2099-9999"}))
    assert missing.status_code == 404


def test_the_bureau_records_items_and_the_answer_shows_them(client_as, world, reviewed):
    client = client_as(world[roles.BUREAU])
    items = [
        {"code": code, "met": True, "note": ""} for code in admissibility.applicable_conditions(reviewed)
    ]
    items[-1] = {"code": items[-1]["code"], "met": False, "note": "Touches the national unity."}
    answer = client.put(_url(reviewed), {"items": items}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["complete"] is True and body["admissible"] is False
    recorded = {c.condition: (c.met, c.note) for c in AdmissibilityCheck.objects.filter(case=reviewed)}
    assert recorded[items[-1]["code"]] == (False, "Touches the national unity.")
    assert recorded["direct_interest"] == (True, "")
    assert TransitionEntry.objects.filter(case_id=reviewed.pk).last().transition == "admissibility_check"
    # The next PUT changes only the item it names.
    again = client.put(
        _url(reviewed), {"items": [{"code": items[-1]["code"], "met": True}]}, format="json"
    ).json()
    assert again["admissible"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"items": [{"code": "signatures", "met": True}, {"code": "nonsense", "met": True}]},
        {"items": [{"code": "signatures", "met": True}, {"code": "documents", "met": False}]},
        {"items": [{"code": "signatures", "met": "perhaps"}]},
        {"items": [{"code": "signatures", "met": True}, {"code": "signatures", "met": False, "note": "x"}]},
        {"items": [{"code": "signatures", "met": True}, {"code": "association_conditions", "met": True}]},
        {"items": [{"code": "signatures", "met": True, "note": "x" * 2001}]},
        {"items": [{"met": True}]},
        {"items": []},
        {"items": "signatures"},
        {"conditions": {"signatures": True}},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client_as, world, reviewed, body):
    client = client_as(world[roles.BUREAU])
    before = _counts(reviewed)
    answer = client.put(_url(reviewed), body, format="json")
    assert answer.status_code == 400, answer.content
    assert set(answer.json()) >= {"error", "detail"}
    assert _counts(reviewed) == before


def test_the_checklist_is_closed_once_the_petition_is_referred(client_as, world):
    referred = world.case_in("in_committee", "petition")
    client = client_as(world[roles.BUREAU])
    before = _counts(referred)
    assert client.get(_url(referred)).json()["admissible"] is True
    answer = client.put(_url(referred), {"items": [{"code": "signatures", "met": True}]}, format="json")
    assert answer.status_code == 409
    assert _counts(referred) == before


def test_the_endpoint_is_in_the_openapi_schema():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    operations = schema["paths"]["/api/v1/cases/{reference}/admissibility/"]
    assert operations["get"]["operationId"] == "cases_admissibility_retrieve"
    assert operations["put"]["operationId"] == "cases_admissibility_update"
    assert "400" in operations["put"]["responses"] and "403" in operations["put"]["responses"]

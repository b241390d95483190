"""POST /api/v1/cases/{reference}/notifications/ and the case detail's `notifications`."""

from __future__ import annotations

import pytest
from django.utils import translation

from audit.models import TransitionEntry
from core import roles
from notices.models import CaseNotification
from tests.api.helpers import assert_error
from tests.notices.conftest import day

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/{}/notifications/"
BODY = {
    "recipient_role": "agent",
    "channel": "registered_mail",
    "registered_number": "RR123456789MA",
    "sent_at": "2026-03-30T10:00:00+01:00",
    "received_at": "2026-04-02T11:00:00+01:00",
}


@pytest.mark.parametrize("role", [roles.INTAKE, roles.BUREAU, roles.SECRETARIAT])
def test_the_desk_records_a_paper_notification(world, client_as, rejected_petition, role):
    case = rejected_petition(decided=80)
    response = client_as(world[role]).post(URL.format(case.reference), BODY, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recipient_role"] == "agent"
    assert body["channel"] == "registered_mail"
    assert body["decision"] == "declare_inadmissible"
    assert body["registered_number"] == "RR123456789MA"
    assert body["received_at"].startswith("2026-04-02")
    notice = CaseNotification.objects.get(case=case)
    assert notice.source == "desk" and notice.recorded_by == world[role]
    assert TransitionEntry.objects.filter(case=case, transition="notification_record").count() == 1


@pytest.mark.parametrize(
    "role",
    [roles.CITIZEN, roles.COMMITTEE, roles.SERVICE, roles.FOLLOWUP, roles.PRESIDENT, roles.ASSOCIATION],
)
def test_others_are_refused(world, client_as, rejected_petition, role):
    case = rejected_petition(decided=80)
    response = client_as(world[role]).post(URL.format(case.reference), BODY, format="json")
    assert_error(response, 403, "forbidden")
    assert not CaseNotification.objects.exists()


def test_anonymous_is_refused(world, client_as, rejected_petition):
    case = rejected_petition(decided=80)
    response = client_as(None).post(URL.format(case.reference), BODY, format="json")
    assert response.status_code in (401, 403)
    assert not CaseNotification.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "email"}, "channel"),
        ({"channel": "pigeon"}, "channel"),
        ({"recipient_role": "mayor"}, "recipient_role"),
        ({"registered_number": ""}, "registered_number"),
        ({"registered_number": "X" * 41}, "registered_number"),
        ({"sent_at": "yesterday"}, "sent_at"),
        ({"sent_at": "2099-01-01T10:00:00+01:00", "received_at": None}, "sent_at"),
        ({"sent_at": "2026-01-10T10:00:00+01:00"}, "sent_at"),  # before the decision
        ({"received_at": "2026-03-01T10:00:00+01:00"}, "received_at"),  # before it was sent
    ],
)
def test_bad_input_is_400_and_changes_nothing(world, client_as, rejected_petition, change, field):
    case = rejected_petition(decided=80)
    entries = TransitionEntry.objects.filter(case=case).count()
    with translation.override("en"):
        response = client_as(world[roles.INTAKE]).post(
            URL.format(case.reference), {**BODY, **change}, format="json"
        )
    body = assert_error(response, 400)
    assert field in body.get("fields", {}), body
    assert not CaseNotification.objects.exists()
    assert TransitionEntry.objects.filter(case=case).count() == entries


def test_not_a_json_object_is_400(world, client_as, rejected_petition):
    case = rejected_petition(decided=80)
    response = client_as(world[roles.INTAKE]).post(URL.format(case.reference), [BODY], format="json")
    assert_error(response, 400)
    assert not CaseNotification.objects.exists()


def test_a_case_without_a_decision_to_notify_is_400(world, client_as):
    case = world.case_in("under_review", kind="petition")
    response = client_as(world[roles.INTAKE]).post(URL.format(case.reference), BODY, format="json")
    assert_error(response, 400)
    assert not CaseNotification.objects.exists()


def test_unknown_case_is_404(world, client_as):
    response = client_as(world[roles.INTAKE]).post(URL.format("DMN-PET-2099-9999"), BODY, format="json")
    assert_error(response, 404)


def _record(world, case):
    from notices import services

    services.case_notification_record(
        actor=world[roles.INTAKE],
        case=case.reference,
        recipient_role="agent",
        channel="registered_mail",
        registered_number="RR123456789MA",
        sent_at=day(85),
        at=day(85, hour=18),
    )


def test_case_detail_carries_notifications_for_those_who_may_see_them(world, client_as, rejected_petition):
    case = rejected_petition(decided=80)
    _record(world, case)
    staff = client_as(world[roles.BUREAU]).get(f"/api/v1/cases/{case.reference}/").json()
    [item] = staff["notifications"]
    assert set(item) >= {"recipient_role", "channel", "sent_at", "received_at"}
    assert item["registered_number"] == "RR123456789MA"
    agent = client_as(case.submitter).get(f"/api/v1/cases/{case.reference}/").json()
    assert agent["notifications"][0]["channel"] == "registered_mail"
    assert agent["notifications"][0]["registered_number"] == ""
    public = client_as(None).get(f"/api/v1/cases/{case.reference}/").json()
    assert public["notifications"] == []
    # Everyone sees that and when the decision was notified, and whether in time.
    [clock] = public["notified"]
    assert clock["decision"] == "declare_inadmissible"
    assert clock["notified_at"].startswith("2026-03-31")
    assert clock["status"] == "on_time"
    assert "RR123456789MA" not in str(public)


def test_schema_documents_the_endpoint(world, client_as):
    schema = client_as(None).get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/cases/{reference}/notifications/" in schema
    assert "cases_notifications_record" in schema

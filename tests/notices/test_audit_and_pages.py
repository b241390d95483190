"""The response-time audit shows both dates of a rejection; public pages carry no personal data;
the desk records a paper notification from the staff case page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from core import roles
from notices import services
from notices.models import CaseNotification
from tests.notices.conftest import day

pytestmark = pytest.mark.django_db


def _notify(world, case, on: int):
    services.case_notification_record(
        actor=world[roles.INTAKE],
        case=case.reference,
        recipient_role="agent",
        channel="registered_mail",
        registered_number="RR987654321MA",
        sent_at=day(on),
        at=day(on, hour=18),
    )


def test_response_time_audit_shows_decided_and_notified(world, client, rejected_petition):
    late = rejected_petition(decided=80)
    _notify(world, late, 95)
    on_time = rejected_petition(decided=80)
    _notify(world, on_time, 85)
    silent = rejected_petition(decided=80)
    client.force_login(world[roles.FOLLOWUP])
    with translation.override("en"):
        page = client.get("/staff/audit/?from=2026-01-01&to=2026-12-31")
    assert page.status_code == 200
    rows = {row["reference"]: row for row in page.context["legal_notices"]}
    assert rows[late.reference]["decided_at"].date() == datetime.date(2026, 3, 26)
    assert rows[late.reference]["notified_at"].date() == datetime.date(2026, 4, 10)
    assert rows[late.reference]["status"] == "late"
    assert rows[on_time.reference]["status"] == "on_time"
    assert rows[silent.reference]["notified_at"] is None
    assert rows[silent.reference]["status"] == "overdue"  # today is past 5 April 2026
    html = page.content.decode()
    from notices.rules import STATUS_LABELS

    with translation.override(page.context["LANGUAGE_CODE"]):
        assert str(STATUS_LABELS["late"]) in html and str(STATUS_LABELS["overdue"]) in html
    api = client.get("/api/v1/audit/response-times/?from=2026-01-01&to=2026-12-31").json()
    by_ref = {row["reference"]: row for row in api["legal_notices"]}
    assert by_ref[late.reference]["decided_at"].startswith("2026-03-26")
    assert by_ref[late.reference]["notified_at"].startswith("2026-04-10")
    assert by_ref[late.reference]["late"] is True
    assert by_ref[on_time.reference]["late"] is False


def test_public_pages_carry_no_personal_data(world, client, rejected_petition):
    case = rejected_petition(decided=80)
    agent = case.submitter
    agent.first_name, agent.last_name = "Fatimazahra", "Oubelkacem"
    agent.save()
    _notify(world, case, 85)
    council = world.case_in("adopted", kind="proposal")
    council.submitter.first_name = "Brahimsecret"
    council.submitter.save()
    with translation.override("en"):
        pages = [
            client.get(f"/register/{case.reference}/"),
            client.get("/notice-board/"),
            client.get(f"/notice-board/{council.reference}/print/"),
            client.get(f"/api/v1/cases/{case.reference}/"),
        ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        for secret in ("Fatimazahra", "Oubelkacem", "Brahimsecret", agent.email, "RR987654321MA"):
            assert secret not in text, (page.request["PATH_INFO"], secret)
    public_case = pages[0].content.decode()
    assert "notices-title" in public_case and "2026-03-31" in public_case


def test_desk_records_from_the_staff_case_page(world, client, rejected_petition):
    case = rejected_petition(decided=80)
    client.force_login(world[roles.INTAKE])
    page = client.get(f"/staff/cases/{case.reference}/")
    assert f"/staff/cases/{case.reference}/notifications/" in page.content.decode()
    response = client.post(
        f"/staff/cases/{case.reference}/notifications/",
        {"recipient_role": "agent", "channel": "hand", "sent_at": "2026-03-31T10:00"},
    )
    assert response.status_code == 302
    notice = CaseNotification.objects.get(case=case)
    assert notice.channel == "hand" and notice.received_at == notice.sent_at
    # Bad input: a message, nothing recorded.
    client.post(
        f"/staff/cases/{case.reference}/notifications/",
        {"recipient_role": "agent", "channel": "registered_mail", "sent_at": "2026-03-31T10:00"},
    )
    assert CaseNotification.objects.count() == 1


def test_committee_member_cannot_record(world, client, rejected_petition):
    case = rejected_petition(decided=80)
    client.force_login(world[roles.CITIZEN])
    response = client.post(
        f"/staff/cases/{case.reference}/notifications/",
        {"recipient_role": "agent", "channel": "hand", "sent_at": "2026-03-31T10:00"},
    )
    assert response.status_code in (302, 403, 404)
    assert not CaseNotification.objects.exists()


def test_public_history_names_the_notification_in_words(world, client, rejected_petition):
    case = rejected_petition(decided=80)
    _notify(world, case, 85)
    from cases import selectors as case_selectors
    from cases.templatetags.mithaq import carried

    item = [
        i
        for i in case_selectors.case_timeline(case=case, private=False)
        if i.transition == "notification_record"
    ][0]
    with translation.override("en"):
        rows = dict(carried(item))
    assert rows["Decision notified"] == "Declare inadmissible"
    assert rows["Recipient"] == "Agent of the petitioners"
    assert rows["How"] == "Registered mail"
    assert "registered_number" not in item.public and "RR987654321MA" not in str(item.public)

"""The bodies' pages and API: who may open and change what, thin views over the services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import roles
from organisation.models import Association
from participation.models import ChildMember, DecisionRating, OpinionRequest

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (roles.CITIZEN, "/staff/bodies/commission/", 403),
        (roles.EQUALITY_COMMISSION, "/staff/bodies/commission/", 200),
        (roles.FOLLOWUP, "/staff/bodies/commission/", 200),
        (roles.CHILDREN_COUNCIL, "/staff/bodies/children/", 200),
        (roles.FOLLOWUP, "/staff/bodies/children/", 200),
        (roles.SERVICE, "/staff/bodies/children/", 403),
        (roles.EQUALITY_COMMISSION, "/staff/bodies/children/", 403),
        (roles.BUREAU, "/staff/bodies/associations/", 200),
        (roles.FOLLOWUP, "/staff/bodies/associations/", 200),
        (roles.COMMITTEE, "/staff/bodies/associations/", 403),
    ],
)
def test_who_opens_the_bodies_pages(client, world, role, path, status):
    client.force_login(world[role])
    assert client.get(path).status_code == status


def test_facilitator_adds_a_child_through_the_page(client, world):
    client.force_login(world[roles.CHILDREN_COUNCIL])
    data = {
        "first_name": "Salma",
        "age_band": "12_14",
        "gender": "female",
        "school_or_neighbourhood": "Ecole Al Massira",
        "guardian_consent_on": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "joined_on": TODAY.isoformat(),
    }
    assert client.post("/staff/bodies/children/", data).status_code == 302
    assert ChildMember.objects.get().consent_recorded_by == world[roles.CHILDREN_COUNCIL]
    bad = client.post("/staff/bodies/children/", {**data, "first_name": "Salma Bent Ahmed Alaoui"})
    assert bad.status_code == 400 and ChildMember.objects.count() == 1
    client.force_login(world[roles.FOLLOWUP])
    assert client.post("/staff/bodies/children/", data).status_code == 403


def test_bureau_asks_and_commission_answers_through_the_page(client, world):
    client.force_login(world[roles.BUREAU])
    response = client.post(
        "/staff/bodies/commission/",
        {
            "action": "request",
            "requester": "bureau",
            "topic": "budget",
            "title": "Budget and gender",
            "question": "Is the budget fair to women and men?",
            "due_on": (TODAY + datetime.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    request = OpinionRequest.objects.get()
    opinion = world.case_in("submitted", "advisory_opinion")
    client.force_login(world[roles.EQUALITY_COMMISSION])
    response = client.post(
        "/staff/bodies/commission/", {"action": "answer", "request": request.pk, "opinion": opinion.reference}
    )
    assert response.status_code == 302
    assert OpinionRequest.objects.get().opinion == opinion


def test_bureau_imports_and_validates_through_the_page(client, world):
    client.force_login(world[roles.BUREAU])
    sheet = "name_ar,founded_on\nجمعية الأمل,2015-03-01\nجمعية بلا تاريخ,nope\n".encode()
    response = client.post(
        "/staff/bodies/associations/", {"file": SimpleUploadedFile("r.csv", sheet, "text/csv")}
    )
    assert response.status_code == 400 and not Association.objects.filter(name_ar="جمعية الأمل").exists()
    sheet = "name_ar,founded_on\nجمعية الأمل,2015-03-01\n".encode()
    response = client.post(
        "/staff/bodies/associations/", {"file": SimpleUploadedFile("r.csv", sheet, "text/csv")}
    )
    assert response.status_code == 302 and Association.objects.filter(name_ar="جمعية الأمل").exists()
    client.force_login(world[roles.ASSOCIATION])
    response = client.post(
        "/associations/register/",
        {"name_ar": "جمعية الحي", "founded_on": "2019-01-01", "seat_in_collectivity": "on"},
    )
    assert response.status_code == 302
    pending = Association.objects.get(name_ar="جمعية الحي")
    assert pending.status == "pending"
    assert client.get("/api/v1/associations/?status=pending").json()["count"] == 0 or all(
        a["status"] == "registered"
        for a in client.get("/api/v1/associations/?status=pending").json()["results"]
    )
    client.force_login(world[roles.BUREAU])
    assert client.post(f"/staff/bodies/associations/{pending.pk}/validate/").status_code == 302
    assert Association.objects.get(pk=pending.pk).status == "registered"


def test_submitter_rates_through_the_page(client, world):
    case = world.case_in("rejected", "proposal")
    client.force_login(case.submitter)
    assert client.get(f"/my/{case.reference}/rate/").status_code == 200
    assert client.post(f"/my/{case.reference}/rate/", {"score": "4", "comment": "Clear"}).status_code == 302
    assert DecisionRating.objects.get(case=case).score == 4
    client.force_login(world[roles.BUREAU])
    assert client.get(f"/my/{case.reference}/rate/").status_code == 404


def test_api_filters_and_error_shape(client, world):
    Association.objects.create(
        collectivity=world.collectivity,
        name_ar="جمعية موقعة",
        founded_on=datetime.date(2010, 1, 1),
        charter_signed_on=TODAY,
        charter_promoter=True,
        domain="youth",
    )
    signed = client.get("/api/v1/associations/?signed=true").json()
    assert [a["name_ar"] for a in signed["results"]] == ["جمعية موقعة"]
    assert client.get("/api/v1/associations/?domain=yout").json()["count"] == 1
    bad = client.get("/api/v1/associations/?signed=perhaps")
    assert bad.status_code == 400 and set(bad.json()) >= {"error", "detail"}
    assert client.get("/api/v1/meetings/?kind=nonsense").status_code == 400
    missing = client.get("/api/v1/associations/999999/")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert client.get("/api/v1/meetings/?collectivity=nowhere").status_code == 404
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/meetings/" in schema and "/api/v1/associations/" in schema

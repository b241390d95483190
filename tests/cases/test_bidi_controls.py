"""Bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) are refused in
titles and names, through the services, the forms and the API, with a clear message and nothing
changed. LRM and RLM (U+200E, U+200F) stay accepted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from cases import services
from cases.models import Case
from core import errors, text
from organisation.models import Association, Committee
from petitions import signatures
from tests.accounts.conftest import signup_data

RLO = "\u202e"
CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
TITLE = f"Réparer le trottoir {RLO}PRO-2026-0001"


@pytest.mark.parametrize("control", CONTROLS)
def test_every_control_is_detected(control):
    assert text.has_bidi_controls(f"abc{control}def")


def test_lrm_and_rlm_are_allowed():
    assert not text.has_bidi_controls("إصلاح \u200fالرصيف\u200e PRO-2026-0001")


def test_the_service_refuses_a_title_and_a_desk_name_and_creates_nothing(world):
    before = Case.objects.count()
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(
            actor=world["citizen"], kind="proposal", title=TITLE, description="Le trottoir est cassé."
        )
    assert set(info.value.field_errors) == {"title"}
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(
            actor=world["intake"],
            kind="proposal",
            title="Réparer le trottoir",
            description="Le trottoir est cassé.",
            submitter_name=f"Fatima{RLO} Zahra",
        )
    assert set(info.value.field_errors) == {"submitter_name"}
    assert Case.objects.count() == before


def test_the_filing_form_shows_the_error(client, world):
    client.force_login(world["citizen"])
    before = Case.objects.count()
    response = client.post(
        reverse("public:file"), {"kind": "proposal", "title": TITLE, "description": "Le trottoir est cassé."}
    )
    assert response.status_code == 400
    assert str(text.BIDI_CONTROLS_MESSAGE) in response.context["form"].errors["title"]
    assert Case.objects.count() == before


def test_the_api_answers_400_with_the_error_shape(world):
    api = APIClient()
    api.force_authenticate(world["citizen"])
    before = Case.objects.count()
    response = api.post(
        "/api/v1/cases/",
        {"kind": "proposal", "title": TITLE, "description": "Le trottoir est cassé."},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] and body["detail"]
    assert Case.objects.count() == before


def test_a_signatory_name_is_rejected_with_its_reason(world):
    case = world.new_case("petition")
    rows = [
        {
            "full_name": f"Naima{RLO} Secret",
            "cnie": "JK123456",
            "address": "Derb 1, Demnate",
            "link": "resident",
        }
    ]
    result = signatures.signatures_import(actor=world["intake"], case=case, rows=rows)
    assert result.accepted == 0
    assert [(r.code, r.reason) for r in result.rejected] == [("full_name", str(text.BIDI_CONTROLS_MESSAGE))]


def test_a_milestone_title_is_refused(world):
    case = world.case_in("in_implementation")
    with pytest.raises(errors.GuardFailed) as info:
        services.case_milestone_add(
            actor=world["service"], case=case, title=f"Pose{RLO} des bordures", planned_on="2099-01-01"
        )
    assert "title" in info.value.field_errors
    assert not case.milestones.exists()


def test_committee_and_association_names_are_validated(world):
    committee = Committee(collectivity=world.collectivity, name_ar="لجنة", name_fr=f"Commission{RLO}")
    with pytest.raises(ValidationError) as info:
        committee.full_clean()
    assert "name_fr" in info.value.message_dict
    association = Association(collectivity=world.collectivity, name_ar=f"جمعية{RLO}", name_fr="Association")
    with pytest.raises(ValidationError) as info:
        association.full_clean(exclude=["founded_on"])
    assert "name_ar" in info.value.message_dict


def test_signup_refuses_a_name_with_a_control(client, db):
    response = client.post(reverse("accounts:signup"), signup_data(last_name=f"Ait{RLO} Ali"))
    assert response.status_code == 200  # the form again, with its errors
    assert str(text.BIDI_CONTROLS_MESSAGE) in response.context["form"].errors["last_name"]
    assert not User.objects.filter(username="amina").exists()


def test_profile_refuses_a_name_with_a_control(client, world):
    user = world["citizen"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": f"Karim{RLO}", "last_name": "", "email": user.email, "language": user.language},
    )
    assert response.status_code == 200  # the form again, with its errors
    assert str(text.BIDI_CONTROLS_MESSAGE) in response.context["form"].errors["first_name"]
    user.refresh_from_db()
    assert RLO not in user.first_name

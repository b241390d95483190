"""The bureau's admissibility checklist (docs/domain.md §3.3), inadmissibility on unmet legal conditions
only, and the mandatory agenda of an admissible petition (OL 113-14 art. 38, 125)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import TransitionEntry
from cases import services
from cases import states as S
from core import roles
from core.errors import GuardFailed, InvalidTransition, TransitionNotAllowed
from organisation import selectors as org_selectors
from organisation.models import CouncilSession
from petitions import admissibility
from petitions.models import AdmissibilityCheck
from tests.factories import JUSTIFICATION


@pytest.fixture
def reviewed(world):
    return world.case_in("under_review", "petition")


def test_the_checklist_is_recorded_and_audited(world, reviewed):
    results = {
        "signatures": {"met": True},
        "competence": {"met": True, "note": "Public lighting: art. 83."},
        "territorial_link": {"met": False, "note": "Twelve signatories live in another commune."},
    }
    saved = admissibility.admissibility_record(actor=world[roles.BUREAU], case=reviewed, results=results)
    assert len(saved) == 3
    assert {c.condition: c.met for c in AdmissibilityCheck.objects.filter(case=reviewed)} == {
        "signatures": True,
        "competence": True,
        "territorial_link": False,
    }
    entry = TransitionEntry.objects.filter(case_id=reviewed.pk).order_by("-seq").first()
    assert entry.transition == "admissibility_check"
    assert entry.payload["public"]["conditions"] == {
        "signatures": True,
        "competence": True,
        "territorial_link": False,
    }
    assert admissibility.unmet_conditions(reviewed) == ["territorial_link"]
    # A second pass updates the same rows.
    admissibility.admissibility_record(
        actor=world[roles.BUREAU], case=reviewed, results={"territorial_link": {"met": True}}
    )
    assert AdmissibilityCheck.objects.filter(case=reviewed).count() == 3
    assert admissibility.unmet_conditions(reviewed) == []


def test_not_met_needs_a_note_and_only_the_bureau_records(world, reviewed):
    with pytest.raises(GuardFailed) as refused:
        admissibility.admissibility_record(
            actor=world[roles.BUREAU], case=reviewed, results={"documents": {"met": False}}
        )
    assert "documents" in refused.value.field_errors
    with pytest.raises(GuardFailed):
        admissibility.admissibility_record(
            actor=world[roles.BUREAU], case=reviewed, results={"forbidden_subject": True}
        )
    for role in (roles.CITIZEN, roles.INTAKE, roles.COMMITTEE, roles.PRESIDENT):
        with pytest.raises(TransitionNotAllowed):
            admissibility.admissibility_record(actor=world[role], case=reviewed, results={"signatures": True})
    draft = world.new_case("petition")
    with pytest.raises(InvalidTransition):
        admissibility.admissibility_record(
            actor=world[roles.BUREAU], case=draft, results={"signatures": True}
        )
    assert not AdmissibilityCheck.objects.exists()


def test_inadmissible_names_the_unmet_conditions(client, world, reviewed):
    case = services.case_transition(
        actor=world[roles.BUREAU],
        case=reviewed,
        name="declare_inadmissible",
        data={"reason_code": ["documents", "competence"], "justification": JUSTIFICATION},
    )
    assert case.state == S.INADMISSIBLE
    assert case.decision_reason_code == "competence,documents"
    assert sorted(admissibility.unmet_conditions(case)) == ["competence", "documents"]
    client.force_login(world[roles.BUREAU])
    panel = client.get(reverse("staff:case", args=[case.reference]))
    checks = {condition: check.met for condition, _label, check in _panel(panel)["checks"]}
    assert checks == {"documents": False, "competence": False}
    assert escape(str(admissibility.CHECKLIST["competence"])) in panel.content.decode()


def test_a_condition_marked_met_cannot_be_a_ground(world, reviewed):
    admissibility.admissibility_record(
        actor=world[roles.BUREAU], case=reviewed, results={"competence": {"met": True}}
    )
    entries = TransitionEntry.objects.filter(case_id=reviewed.pk).count()
    with pytest.raises(GuardFailed) as refused:
        services.case_transition(
            actor=world[roles.BUREAU],
            case=reviewed,
            name="declare_inadmissible",
            data={"reason_code": ["competence"], "justification": JUSTIFICATION},
        )
    assert "reason_code" in refused.value.field_errors
    reviewed.refresh_from_db()
    assert reviewed.state == S.UNDER_REVIEW
    assert TransitionEntry.objects.filter(case_id=reviewed.pk).count() == entries
    assert AdmissibilityCheck.objects.get(case=reviewed, condition="competence").met is True


def test_refer_to_committee_sets_the_next_ordinary_session(world, reviewed):
    today = timezone.localdate()
    c = world.collectivity
    CouncilSession.objects.create(collectivity=c, kind="ordinary", date=today - datetime.timedelta(days=20))
    CouncilSession.objects.create(
        collectivity=c, kind="extraordinary", date=today + datetime.timedelta(days=3)
    )
    nearest = CouncilSession.objects.create(
        collectivity=c, kind="ordinary", date=today + datetime.timedelta(days=10)
    )
    CouncilSession.objects.create(collectivity=c, kind="ordinary", date=today + datetime.timedelta(days=90))
    world.check_admissible(reviewed)
    case = services.case_transition(
        actor=world[roles.BUREAU],
        case=reviewed,
        name="refer_to_committee",
        data={"committee": world.committee.pk},
    )
    assert case.state == S.IN_COMMITTEE
    assert case.mandatory_session == nearest
    assert org_selectors.next_ordinary_session(collectivity=c, after=today) == nearest


def test_a_proposal_gets_no_mandatory_session(world):
    case = world.case_in("in_committee", "proposal")
    assert case.mandatory_session is None


# The staff case page ---------------------------------------------------------------------------


def _panel(response) -> dict:
    panels = [
        p for p in response.context["extra_panels"] if p.get("template") == "petitions/staff_panel.html"
    ]
    assert len(panels) == 1
    return panels[0]


def test_staff_page_shows_count_deadline_warnings_and_the_checklist_form(client, world, reviewed):
    client.force_login(world[roles.BUREAU])
    response = client.get(reverse("staff:case", args=[reviewed.reference]))
    assert response.status_code == 200
    panel = _panel(response)
    assert (panel["signature_count"], panel["minimum"]) == (100, 100)
    assert panel["legal_deadline"] == reviewed.legal_deadline
    assert panel["admissibility_form"] is not None
    html = response.content.decode()
    assert reverse("staff:signatures", args=[reviewed.reference]) in html
    assert reverse("staff:admissibility", args=[reviewed.reference]) in html
    assert reverse("cases:receipt", args=[reviewed.reference]) in html
    assert escape(str(admissibility.WARNINGS_44_14[0])) in html
    assert reviewed.legal_deadline.isoformat() in html


def test_other_staff_see_the_panel_without_the_form(client, world, reviewed):
    client.force_login(world[roles.SECRETARIAT])
    response = client.get(reverse("staff:case", args=[reviewed.reference]))
    panel = _panel(response)
    assert "admissibility_form" not in panel
    assert not panel["can_see_signatures"]
    assert reverse("staff:signatures", args=[reviewed.reference]) not in response.content.decode()


def test_the_checklist_form_records_and_shows_errors(client, world, reviewed):
    client.force_login(world[roles.BUREAU])
    url = reverse("staff:admissibility", args=[reviewed.reference])
    bad = client.post(url, {"documents__met": "not_met", "documents__note": ""})
    assert bad.status_code == 400
    assert _panel(bad)["admissibility_form"].errors
    assert not AdmissibilityCheck.objects.exists()
    ok = client.post(
        url,
        {
            "signatures__met": "met",
            "documents__met": "not_met",
            "documents__note": "The CNIE copies are missing.",
            "competence__met": "",
        },
    )
    assert ok.status_code == 302
    assert {c.condition: c.met for c in AdmissibilityCheck.objects.filter(case=reviewed)} == {
        "signatures": True,
        "documents": False,
    }
    page = client.get(reverse("staff:case", args=[reviewed.reference])).content.decode()
    assert "The CNIE copies are missing." in page


def test_the_checklist_form_is_for_the_bureau_only(client, world, reviewed):
    client.force_login(world[roles.SECRETARIAT])
    url = reverse("staff:admissibility", args=[reviewed.reference])
    assert client.post(url, {"signatures__met": "met"}).status_code == 403
    client.force_login(world[roles.CITIZEN])
    assert client.post(url, {"signatures__met": "met"}).status_code == 404
    assert not AdmissibilityCheck.objects.exists()


def test_the_panel_shows_the_mandatory_session(client, world):
    case = world.case_in("in_committee", "petition")
    assert case.mandatory_session is not None
    client.force_login(world[roles.BUREAU])
    panel = _panel(client.get(reverse("staff:case", args=[case.reference])))
    assert panel["mandatory_session"] == case.mandatory_session
    assert "admissibility_form" not in panel

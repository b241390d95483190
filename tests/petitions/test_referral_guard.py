"""Admissibility before referral (OL 113-14 art. 123-125): a petition goes to a committee only once the
bureau's checklist is complete with every condition met; the art. 123 direct common interest is one."""

from __future__ import annotations

import pytest
from django.utils import translation

from audit.models import TransitionEntry
from cases import lifecycle, services
from cases import states as S
from core import roles
from core.errors import GuardFailed
from petitions import admissibility
from petitions.models import AdmissibilityCheck
from tests.factories import JUSTIFICATION
from tests.petitions.conftest import upload


@pytest.fixture
def reviewed(world):
    return world.case_in("under_review", "petition")


def _refer(world, case):
    return services.case_transition(
        actor=world[roles.BUREAU],
        case=case.reference,
        name="refer_to_committee",
        data={"committee": world.committee.pk},
    )


def _all_met(**overrides) -> dict:
    results = {c: {"met": True} for c in admissibility.CHECKLIST}
    results.update(overrides)
    return results


def _unchanged(case, entries: int) -> None:
    case.refresh_from_db()
    assert case.state == S.UNDER_REVIEW
    assert case.committee_id is None
    assert case.mandatory_session_id is None
    assert TransitionEntry.objects.filter(case_id=case.pk).count() == entries


def test_the_direct_common_interest_is_a_condition_of_citizens_petitions(world, reviewed):
    assert "direct_interest" in admissibility.applicable_conditions(reviewed)
    assert "direct_interest" in lifecycle.INADMISSIBILITY_GROUNDS
    with translation.override("en"):
        assert "direct common interest" in str(admissibility.CHECKLIST["direct_interest"])
    items = admissibility.checklist_items(reviewed)
    assert [i["code"] for i in items] == admissibility.applicable_conditions(reviewed)
    assert next(i for i in items if i["code"] == "direct_interest")["met"] is None


def test_direct_interest_can_be_the_ground_of_inadmissibility(world, reviewed):
    case = services.case_transition(
        actor=world[roles.BUREAU],
        case=reviewed,
        name="declare_inadmissible",
        data={"reason_code": ["direct_interest"], "justification": JUSTIFICATION},
    )
    assert case.state == S.INADMISSIBLE
    assert admissibility.unmet_conditions(case) == ["direct_interest"]


def test_refer_without_a_checklist_is_refused_and_changes_nothing(world, reviewed):
    entries = TransitionEntry.objects.filter(case_id=reviewed.pk).count()
    with translation.override("en"), pytest.raises(admissibility.AdmissibilityIncomplete) as refused:
        _refer(world, reviewed)
    assert isinstance(refused.value, GuardFailed)
    assert refused.value.code == "guard_failed"
    assert refused.value.http_status == 400
    detail = refused.value.detail
    assert "Not yet checked" in detail
    assert "direct common interest" in detail
    _unchanged(reviewed, entries)


def test_refer_with_an_incomplete_checklist_names_what_is_missing(world, reviewed):
    partial = _all_met()
    partial.pop("direct_interest")
    partial.pop("association_conditions")
    admissibility.admissibility_record(actor=world[roles.BUREAU], case=reviewed, results=partial)
    entries = TransitionEntry.objects.filter(case_id=reviewed.pk).count()
    with translation.override("en"), pytest.raises(admissibility.AdmissibilityIncomplete) as refused:
        _refer(world, reviewed)
    messages = refused.value.field_errors["admissibility"]
    assert len(messages) == 1
    assert "direct common interest" in messages[0]
    assert "Enough valid" not in messages[0]
    _unchanged(reviewed, entries)


def test_refer_with_a_failed_condition_is_refused(world, reviewed):
    results = _all_met(competence={"met": False, "note": "Water supply belongs to the ONEE here."})
    results.pop("association_conditions")
    admissibility.admissibility_record(actor=world[roles.BUREAU], case=reviewed, results=results)
    entries = TransitionEntry.objects.filter(case_id=reviewed.pk).count()
    with translation.override("en"), pytest.raises(admissibility.AdmissibilityIncomplete) as refused:
        _refer(world, reviewed)
    assert "Not met" in refused.value.detail
    assert "competences" in refused.value.detail
    assert "declared inadmissible" in refused.value.detail
    _unchanged(reviewed, entries)


def test_refer_with_every_condition_met_passes(world, reviewed):
    world.check_admissible(reviewed)
    assert AdmissibilityCheck.objects.filter(case=reviewed, met=True).count() == len(
        admissibility.applicable_conditions(reviewed)
    )
    case = _refer(world, reviewed)
    assert case.state == S.IN_COMMITTEE
    assert case.committee_id == world.committee.pk


def _association_petition_under_review(world):
    member = world[roles.ASSOCIATION]
    case = world.new_case("petition", actor=member)
    for purpose in ("final_receipt", "statutes", "mandate"):
        services.case_attachment_add(actor=member, case=case, purpose=purpose, file=upload(f"{purpose}.pdf"))
    for name in ("submit", "start_review"):
        case = services.case_transition(actor=world.actor_for(name, case), case=case.reference, name=name)
    return case


def test_an_association_petition_is_referred_on_its_own_conditions(world):
    case = _association_petition_under_review(world)
    assert "direct_interest" not in admissibility.applicable_conditions(case)
    with pytest.raises(admissibility.AdmissibilityIncomplete):
        _refer(world, case)
    world.check_admissible(case)
    assert _refer(world, case).state == S.IN_COMMITTEE


def test_opinions_are_referred_without_a_checklist(world):
    opinion = world.case_in("submitted", "advisory_opinion")
    assert _refer(world, opinion).state == S.IN_COMMITTEE


def test_a_condition_that_does_not_apply_is_refused(world, reviewed):
    with pytest.raises(GuardFailed) as refused:
        admissibility.admissibility_record(
            actor=world[roles.BUREAU], case=reviewed, results={"association_conditions": {"met": True}}
        )
    assert "association_conditions" in refused.value.field_errors
    assert not AdmissibilityCheck.objects.filter(case=reviewed).exists()


def test_the_data_migration_completes_the_checklists_of_referred_petitions(world, reviewed):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("petitions.migrations.0002_direct_interest_for_referred_petitions")
    referred = world.case_in("in_committee", "petition", title="Another street")
    AdmissibilityCheck.objects.filter(condition="direct_interest").delete()
    migration.add_direct_interest(apps, None)
    added = AdmissibilityCheck.objects.get(case=referred, condition="direct_interest")
    assert added.met is True and "art. 123" in added.note
    assert not AdmissibilityCheck.objects.filter(case=reviewed).exists()
    migration.add_direct_interest(apps, None)  # idempotent
    assert AdmissibilityCheck.objects.filter(condition="direct_interest").count() == 1


def test_the_api_refuses_the_referral_naming_what_is_missing(client_as, world, reviewed):
    from django.urls import reverse

    url = reverse(
        "api:case-transition", kwargs={"reference": reviewed.reference, "name": "refer_to_committee"}
    )
    entries = TransitionEntry.objects.filter(case_id=reviewed.pk).count()
    answer = client_as(world[roles.BUREAU]).post(
        url, {"committee": world.committee.pk}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "guard_failed"
    assert "intérêt commun direct" in " ".join(body["fields"]["admissibility"])
    _unchanged(reviewed, entries)
    world.check_admissible(reviewed)
    assert (
        client_as(world[roles.BUREAU]).post(url, {"committee": world.committee.pk}, format="json").status_code
        == 200
    )

"""Filing conditions of a citizens' petition the collectivity's settings decide: the CNIE copies of
Decree 2.16.403 art. 3, and the legal population on which the threshold of OL 113-14 art. 123 depends
(without it petitions are refused, never held to the lowest threshold)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cases import services
from cases import states as S
from cases.models import Case
from core import roles
from core.errors import GuardFailed, InvalidInput
from tests.petitions.conftest import make_collectivity, upload


def _signed_draft(world):
    case = world.new_case("petition")
    world.sign(case, world.collectivity.petition_min_signatures)
    return case


def _submit(world, case):
    return services.case_transition(actor=case.submitter, case=case.reference, name="submit")


def test_cnie_copies_are_required_where_the_collectivity_says_so(world):
    world.collectivity.cnie_copies_required = True
    world.collectivity.save()
    case = _signed_draft(world)
    with translation.override("en"), pytest.raises(GuardFailed) as refused:
        _submit(world, case)
    assert "documents" in refused.value.field_errors
    assert "Decree 2.16.403 art. 3" in refused.value.detail
    case.refresh_from_db()
    assert case.state == S.DRAFT and case.submitted_at is None
    services.case_attachment_add(
        actor=case.submitter, case=case.reference, purpose="cnie_copies", file=upload("cnie.pdf")
    )
    assert _submit(world, case).state == S.SUBMITTED


def test_cnie_copies_are_not_checked_when_the_setting_is_off(world):
    assert world.collectivity.cnie_copies_required is False
    assert _submit(world, _signed_draft(world)).state == S.SUBMITTED


def test_the_rules_api_says_whether_cnie_copies_are_required(api_client, world):
    assert api_client.get(reverse("api:rules")).json()["cnie_copies_required"] is False
    world.collectivity.cnie_copies_required = True
    world.collectivity.save()
    assert api_client.get(reverse("api:rules")).json()["cnie_copies_required"] is True


@pytest.fixture
def no_population(world):
    world.collectivity.population_legal = None
    world.collectivity.save()
    return world.collectivity


def test_a_petition_is_refused_without_the_legal_population(world, no_population):
    before = Case.objects.count()
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        world.new_case("petition")
    assert "legal population" in refused.value.detail
    assert Case.objects.count() == before
    # A proposal does not depend on the population.
    assert world.new_case("proposal").state == S.DRAFT


def test_a_draft_is_not_filed_once_the_population_is_missing(world):
    case = _signed_draft(world)
    world.collectivity.population_legal = None
    world.collectivity.save()
    with translation.override("en"), pytest.raises(GuardFailed) as refused:
        _submit(world, case)
    assert "legal population" in refused.value.detail
    case.refresh_from_db()
    assert case.state == S.DRAFT


def test_the_api_refuses_the_petition_with_a_clear_message(client_as, world, no_population):
    answer = client_as(world[roles.CITIZEN]).post(
        reverse("api:case-list"),
        {
            "kind": "petition",
            "title": "Street lighting",
            "description": "The street has no lights.",
            "reasons": "Safety at night.",
            "objectives": "Ten street lights.",
            "draft": True,
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert answer.status_code == 400
    assert "population légale" in answer.json()["detail"]
    rules = client_as(None).get(reverse("api:rules")).json()
    assert rules["petition_min_signatures"] is None
    assert rules["petition_population_missing"] is True


def test_thresholds_that_do_not_depend_on_the_population_still_apply(world, no_population):
    assert not make_collectivity(code="PRV", type="province").petition_population_missing
    assert not make_collectivity(code="ARR", has_arrondissements=True).petition_population_missing
    assert not make_collectivity(code="OVR", petition_min_signatures_override=150).petition_population_missing
    assert make_collectivity(code="REG", type="region").petition_population_missing
    assert no_population.petition_population_missing

"""petitions.paper: a past petition's lists checked on paper, counted, never copied in."""

import pytest

from cases import services
from cases.models import Case
from core import roles
from core.errors import GuardFailed, InvalidTransition, TransitionNotAllowed
from petitions.paper import paper_history_record
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def desk_petition(world, **kw):
    case, _code = services.case_create(
        actor=world[roles.INTAKE],
        kind="petition",
        title="Éclairage public",
        description="La rue n'a pas d'éclairage.",
        reasons="Insécurité la nuit.",
        objectives="Dix lampadaires.",
        draft=True,
        submitter_name="Agent",
        collectivity=world.collectivity,
        **kw,
    )
    return case


def test_the_count_stands_in_for_the_lists_at_filing(world):
    case = desk_petition(world)
    with pytest.raises(GuardFailed):
        services.case_transition(actor=world[roles.INTAKE], case=case, name="submit")
    paper_history_record(
        actor=world[roles.INTAKE], case=case, signature_count=world.collectivity.petition_min_signatures
    )
    case = services.case_transition(
        actor=world[roles.INTAKE], case=Case.objects.get(pk=case.pk), name="submit"
    )
    assert (
        case.state == "submitted"
        and case.purged_signature_count == world.collectivity.petition_min_signatures
    )


def test_too_few_paper_signatures_still_fail_the_filing_guard(world):
    case = desk_petition(world)
    paper_history_record(actor=world[roles.INTAKE], case=case, signature_count=3)
    with pytest.raises(GuardFailed):
        services.case_transition(actor=world[roles.INTAKE], case=Case.objects.get(pk=case.pk), name="submit")


@pytest.mark.parametrize("role", [roles.CITIZEN, roles.BUREAU, roles.SECRETARIAT, roles.COMMITTEE])
def test_only_the_desk_records_it(world, role):
    case = desk_petition(world)
    before = case.audit_count
    with pytest.raises(TransitionNotAllowed):
        paper_history_record(actor=world[role], case=case, signature_count=200)
    case.refresh_from_db()
    assert case.personal_data_purged_at is None and case.audit_count == before


def test_refused_on_a_filed_petition_a_proposal_or_without_a_count(world):
    case = desk_petition(world)
    with pytest.raises(GuardFailed):
        paper_history_record(actor=world[roles.INTAKE], case=case, signature_count=0)
    association_case = desk_petition(world, association=world.association)
    with pytest.raises(GuardFailed):
        paper_history_record(actor=world[roles.INTAKE], case=association_case, signature_count=120)
    proposal, _code = services.case_create(
        actor=world[roles.INTAKE],
        kind="proposal",
        title="Un parc",
        description="Un parc pour les enfants.",
        draft=True,
        submitter_name="Agent",
        collectivity=world.collectivity,
    )
    with pytest.raises(InvalidTransition):
        paper_history_record(actor=world[roles.INTAKE], case=proposal, signature_count=120)

"""An association's petition (OL 113-14 art. 124, Decree 2.16.403 art. 4): founded more than 3 years
before filing, seat or branch in the collectivity, its three documents; the refusal names every
unmet condition and changes nothing."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cases import services
from cases import states as S
from cases.models import CaseAttachment
from core import roles
from core.errors import GuardFailed, InvalidTransition
from petitions import signatures
from tests.petitions.conftest import signatory_rows, upload

DOCUMENTS = ("final_receipt", "statutes", "mandate")


def _petition(world):
    case = world.new_case("petition", actor=world[roles.ASSOCIATION])
    assert case.association == world.association
    return case


def _attach(world, case, purposes=DOCUMENTS):
    for purpose in purposes:
        services.case_attachment_add(
            actor=world[roles.ASSOCIATION], case=case, purpose=purpose, file=upload(f"{purpose}.pdf")
        )


def _submit(world, case, at):
    return services.case_transition(actor=world[roles.ASSOCIATION], case=case.reference, name="submit", at=at)


def _refusal(world, case, at) -> dict:
    case.refresh_from_db()
    entries = case.audit_count
    with pytest.raises(GuardFailed) as refused:
        _submit(world, case, at)
    case.refresh_from_db()
    assert case.state == S.DRAFT and case.submitted_at is None
    assert case.audit_count == entries
    return refused.value.field_errors


def _founded(world, on):
    world.association.founded_on = on
    world.association.save()


def test_founded_exactly_three_years_before_the_filing_day_is_refused(world):
    at = timezone.now()
    filing_day = timezone.localtime(at).date()
    case = _petition(world)
    _attach(world, case)
    _founded(world, filing_day - relativedelta(years=3))
    errors = _refusal(world, case, at)
    assert set(errors) == {"association_age"}
    _founded(world, filing_day - relativedelta(years=3) - relativedelta(days=1))
    filed = _submit(world, case, at)
    assert filed.state == S.SUBMITTED
    assert filed.submitted_at == at


def test_each_missing_document_is_named(world):
    case = _petition(world)
    labels = dict(CaseAttachment.Purpose.choices)
    errors = _refusal(world, case, timezone.now())
    assert set(errors) == {"documents"}
    assert len(errors["documents"]) == 3
    for purpose in DOCUMENTS:
        assert any(str(labels[purpose]) in message for message in errors["documents"])
    _attach(world, case, ["final_receipt"])
    errors = _refusal(world, case, timezone.now())
    missing = " ".join(errors["documents"])
    assert str(labels["final_receipt"]) not in missing
    assert str(labels["statutes"]) in missing and str(labels["mandate"]) in missing
    _attach(world, case, ["statutes", "mandate"])
    assert _submit(world, case, timezone.now()).state == S.SUBMITTED


def test_no_seat_nor_branch_is_refused_and_a_branch_is_enough(world):
    case = _petition(world)
    _attach(world, case)
    world.association.seat_in_collectivity = False
    world.association.branch_in_collectivity = False
    world.association.save()
    assert set(_refusal(world, case, timezone.now())) == {"association_seat"}
    world.association.branch_in_collectivity = True
    world.association.save()
    assert _submit(world, case, timezone.now()).state == S.SUBMITTED


def test_the_refusal_names_every_unmet_condition(world):
    at = timezone.now()
    case = _petition(world)
    _founded(world, timezone.localtime(at).date() - relativedelta(years=1))
    world.association.seat_in_collectivity = False
    world.association.save()
    errors = _refusal(world, case, at)
    assert set(errors) == {"association_age", "association_seat", "documents"}
    assert len(errors["documents"]) == 3


def test_provinces_ask_more_than_a_hundred_members(world):
    from tests.petitions.conftest import make_collectivity

    province = make_collectivity(code="PRV", type="province", population_legal=400_000)
    world.association.collectivity = province
    world.association.members_count = 100
    world.association.save()
    case = world.new_case("petition", actor=world[roles.ASSOCIATION], collectivity=province)
    _attach(world, case)
    assert "association_members" in _refusal(world, case, timezone.now())
    world.association.members_count = 101
    world.association.save()
    assert _submit(world, case, timezone.now()).state == S.SUBMITTED


def test_an_association_petition_takes_no_signatures(world):
    case = _petition(world)
    pass  # import removed

    with pytest.raises(InvalidTransition):
        signatures.signatures_import(actor=world[roles.ASSOCIATION], case=case, rows=signatory_rows(1))

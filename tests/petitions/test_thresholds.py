"""The filing guard at the edges of every legal minimum (OL 113-14 art. 123, 112-14 art. 114,
111-14 art. 120): one signature short is refused and changes nothing; the minimum is filed."""

from __future__ import annotations

import pytest

from audit.models import TransitionEntry
from cases import selectors as case_selectors
from cases import services
from cases import states as S
from core import roles
from core.errors import GuardFailed, TransitionNotAllowed
from organisation.models import Collectivity
from petitions import signatures
from tests.petitions.conftest import add_signatures, make_collectivity, signatory_rows


def _petition(world, collectivity=None):
    kwargs = {"collectivity": collectivity} if collectivity is not None else {}
    return world.new_case("petition", **kwargs)


def _submit(world, case):
    return services.case_transition(actor=world[roles.CITIZEN], case=case.reference, name="submit")


def _refused(world, case, field: str = "signatures") -> GuardFailed:
    entries = TransitionEntry.objects.filter(case_id=case.pk).count()
    with pytest.raises(GuardFailed) as refused:
        _submit(world, case)
    assert field in refused.value.field_errors
    case.refresh_from_db()
    assert case.state == S.DRAFT and case.submitted_at is None
    assert TransitionEntry.objects.filter(case_id=case.pk).count() == entries
    return refused.value


@pytest.mark.parametrize(
    ("fields", "minimum"),
    [
        ({"population_legal": 34_999}, 100),
        ({"population_legal": 35_000}, 200),
        ({"population_legal": 120_000, "has_arrondissements": True}, 400),
        ({"type": Collectivity.Type.PROVINCE, "population_legal": 500_000}, 300),
    ],
    ids=["commune-under-35000", "commune-35000-and-more", "commune-with-arrondissements", "province"],
)
def test_minimum_signatures_at_the_edge(world, fields, minimum):
    collectivity = make_collectivity(code="EDG", **fields)
    assert collectivity.petition_min_signatures == minimum
    case = _petition(world, collectivity)
    add_signatures(world, case, minimum - 1)
    error = _refused(world, case)
    assert str(minimum) in " ".join(error.field_errors["signatures"])
    add_signatures(world, case, 1, start=minimum - 1)
    filed = _submit(world, case)
    assert filed.state == S.SUBMITTED
    assert case_selectors.case_signature_count(filed) == minimum


def test_invalidated_and_duplicate_signatures_do_not_count(world):
    case = _petition(world)
    add_signatures(world, case, 100)
    again = add_signatures(world, case, 5)  # the same five card numbers
    assert again.accepted == 0 and {r.code for r in again.rejected} == {"duplicate"}
    add_signatures(world, case, 1, start=100)
    first = case.signatures.order_by("id").first()
    # The bureau examines signatures once the petition is filed, never in the agent's draft.
    with pytest.raises(TransitionNotAllowed):
        signatures.signatures_invalidate(
            actor=world[roles.BUREAU], case=case, signature_ids=[first.pk], reason="Signed twice on paper."
        )
    assert case_selectors.case_signature_count(case) == 101
    filed = _submit(world, case)
    assert filed.state == S.SUBMITTED
    signatures.signatures_invalidate(
        actor=world[roles.BUREAU], case=filed, signature_ids=[first.pk], reason="Signed twice on paper."
    )
    assert case_selectors.case_signature_count(filed) == 100


def test_override_replaces_the_derived_minimum(world):
    collectivity = make_collectivity(code="OVR", population_legal=10_000, petition_min_signatures_override=3)
    case = _petition(world, collectivity)
    add_signatures(world, case, 2)
    _refused(world, case)
    add_signatures(world, case, 1, start=2)
    assert _submit(world, case).state == S.SUBMITTED


def _region():
    region = make_collectivity(
        code="REG", type=Collectivity.Type.REGION, population_legal=900_000, provinces=["A", "B", "C"]
    )
    assert region.petition_min_signatures == 300
    return region


def _sign_spread(world, case, spread: dict[str, int], prefix: str = "RA"):
    start = 0
    for province, n in spread.items():
        signatures.signatures_import(
            actor=world[roles.INTAKE],
            case=case,
            rows=signatory_rows(n, start=start, prefix=prefix, province=province),
        )
        start += n


def test_region_needs_five_percent_from_each_province(world):
    # OL 111-14 art. 120: 5 % of the 300 required, i.e. 15 signatures, from each province.
    case = _petition(world, _region())
    _sign_spread(world, case, {"A": 143, "B": 143, "C": 14})
    assert case_selectors.case_signature_count(case) == 300
    error = _refused(world, case, "signatures_spread")
    assert "signatures" not in error.field_errors
    assert "C" in error.field_errors["signatures_spread"][0]
    _sign_spread(world, case, {"C": 1}, prefix="RB")
    assert _submit(world, case).state == S.SUBMITTED


def test_region_spread_met_with_exactly_fifteen(world):
    case = _petition(world, _region())
    _sign_spread(world, case, {"A": 142, "B": 143, "C": 15})
    assert _submit(world, case).state == S.SUBMITTED


def test_region_rejects_an_unknown_province(world):
    case = _petition(world, _region())
    result = signatures.signatures_import(
        actor=world[roles.INTAKE], case=case, rows=signatory_rows(1, province="Z")
    )
    assert result.accepted == 0 and result.rejected[0].code == "province"

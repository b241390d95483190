"""docs/domain.md §3: references are readable and gapless per collectivity, kind and year; the tracking
code is random, long enough, shown once and never stored in clear."""

import datetime
import re

import pytest
from django.utils import timezone

from audit.models import TransitionEntry
from cases import services
from cases.models import Case, ReferenceCounter
from core import errors
from organisation.models import Collectivity
from tests.cases.conftest import HistoricalCase
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^DMN-(PET|PRO|AVI|ENF)-\d{4}-\d{4}$")
KIND_CODES = {
    "petition": "PET",
    "proposal": "PRO",
    "advisory_opinion": "AVI",
    "children_recommendation": "ENF",
}
TEXTS = {
    "title": "Street lighting in Derb Jdid",
    "description": "The street has no lights and residents feel unsafe at night.",
    "reasons": "Residents feel unsafe at night.",
    "objectives": "Install ten street lights.",
}


def at(year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, 6, 15, 10, 0))


def file(world, kind, *, year=2026, collectivity=None, draft=None, **extra):
    """File a case (citizens' petitions stay drafts: they collect signatures before filing)."""
    if draft is None:
        draft = kind == "petition"
    texts = dict(TEXTS) if kind == "petition" else {k: TEXTS[k] for k in ("title", "description")}
    texts.update(extra)
    return services.case_create(
        actor=world.filer_for(kind), kind=kind, at=at(year), collectivity=collectivity, draft=draft, **texts
    )


@pytest.mark.parametrize("kind", KIND_CODES)
def test_reference_format(world, kind):
    case, _code = file(world, kind)
    assert REFERENCE.match(case.reference)
    assert case.reference == f"DMN-{KIND_CODES[kind]}-2026-0001"
    assert (case.year, case.sequence) == (2026, 1)


def test_sequences_have_no_gaps_per_kind_and_year(world):
    made = {kind: [file(world, kind, draft=(i % 2 == 0) or None)[0] for i in range(4)] for kind in KIND_CODES}
    made_2027 = [file(world, "proposal", year=2027)[0] for _ in range(3)]
    for kind, cases in made.items():
        assert [c.sequence for c in cases] == [1, 2, 3, 4]
        assert [c.reference for c in cases] == [f"DMN-{KIND_CODES[kind]}-2026-{n:04d}" for n in (1, 2, 3, 4)]
    assert [c.sequence for c in made_2027] == [1, 2, 3]
    assert made_2027[-1].reference == "DMN-PRO-2027-0003"
    assert ReferenceCounter.objects.get(collectivity=world.collectivity, kind="proposal", year=2026).last == 4
    assert ReferenceCounter.objects.get(collectivity=world.collectivity, kind="proposal", year=2027).last == 3
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 19


def test_refused_filings_use_no_number(world):
    """A filing refused after its number was drawn (the petition guard runs in the same
    transaction) gives the number back."""
    first, _ = file(world, "petition")
    for bad in ({"reasons": ""}, {"title": "  "}):
        with pytest.raises(errors.GuardFailed):
            file(world, "petition", draft=False, **bad)
    second, _ = file(world, "petition")
    assert (first.sequence, second.sequence) == (1, 2)


def test_sequences_are_independent_per_collectivity(world):
    other = Collectivity.objects.create(slug="azilal", code="AZL", name_ar="أزيلال", name_fr="Azilal")
    here = [file(world, "proposal")[0] for _ in range(3)]
    there = [file(world, "proposal", collectivity=other)[0] for _ in range(2)]
    assert [c.reference for c in here] == ["DMN-PRO-2026-0001", "DMN-PRO-2026-0002", "DMN-PRO-2026-0003"]
    assert [c.reference for c in there] == ["AZL-PRO-2026-0001", "AZL-PRO-2026-0002"]
    assert all(c.collectivity == other for c in there)


def test_staff_of_a_collectivity_files_there_by_default(world):
    other = Collectivity.objects.create(slug="azilal", code="AZL", name_ar="أزيلال", name_fr="Azilal")
    desk = UserFactory(username="intake_azl", groups=["intake"], collectivity=other)
    case, _ = services.case_create(actor=desk, kind="proposal", at=at(2026), title="A", description="B")
    assert case.reference == "AZL-PRO-2026-0001"


# Tracking codes ----------------------------------------------------------------------------


def _all_text_of(case):
    """Every column of the case row, of its history rows and of its audit entries, as text."""
    rows = [Case.objects.filter(pk=case.pk).values().get()]
    rows += list(HistoricalCase.objects.filter(id=case.pk).values())
    rows += list(TransitionEntry.objects.filter(case_id=case.pk).values())
    return " ".join(str(v) for row in rows for v in row.values())


@pytest.mark.parametrize("kind", KIND_CODES)
def test_tracking_code_is_never_stored_in_clear(world, kind):
    case = world.case_in("in_committee", kind)
    code = case.tracking_code
    assert len(code) >= 10
    stored = _all_text_of(case)
    for form in {code, code.lower(), code.upper()}:
        assert form not in stored
    assert HistoricalCase.objects.filter(id=case.pk).count() >= 2


def test_tracking_code_matches_case_insensitively(world):
    case, code = file(world, "proposal")
    case = Case.objects.get(pk=case.pk)
    assert services.tracking_code_matches(case, code)
    assert services.tracking_code_matches(case, code.lower())
    assert services.tracking_code_matches(case, f"  {code[:4]}-{code[4:8]} {code[8:]} ")


def test_tracking_code_rejects_wrong_codes(world):
    case, code = file(world, "proposal")
    other, other_code = file(world, "proposal")
    case = Case.objects.get(pk=case.pk)
    flipped = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert other_code != code
    for wrong in (
        flipped,
        code[:-1],
        code + "A",
        other_code,
        "",
        None,
        case.reference,
        case.tracking_code_hash,
    ):
        assert not services.tracking_code_matches(case, wrong), wrong


def test_tracking_codes_differ_between_cases(world):
    codes = {file(world, "proposal")[1] for _ in range(20)}
    assert len(codes) == 20

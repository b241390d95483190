"""Collectivity legal settings (docs/legal.md sections 5 and 9)."""

import pytest
from django.core.exceptions import ValidationError

from organisation.models import Collectivity


def _collectivity(**kwargs):
    base = {"slug": "demnate-test", "code": "DMT", "name_ar": "دمنات", "name_fr": "Demnate"}
    return Collectivity(**{**base, **kwargs})


@pytest.mark.parametrize(
    ("type_", "population", "arrondissements", "expected"),
    [
        # OL 113-14 art. 123: 100 under 35,000 inhabitants, 200 otherwise, 400 with arrondissements.
        ("commune", None, False, 100),
        ("commune", 0, False, 100),
        ("commune", 23_459, False, 100),
        ("commune", 34_999, False, 100),
        ("commune", 35_000, False, 200),
        ("commune", 35_001, False, 200),
        ("commune", 2_000_000, False, 200),
        ("commune", 20_000, True, 400),
        ("commune", 3_500_000, True, 400),
        # OL 112-14 art. 114: 300 for provinces, whatever the population.
        ("province", 10_000, False, 300),
        ("province", 5_000_000, False, 300),
        # OL 111-14 art. 120: 300 under 1 M, 400 from 1 to 3 M, 500 above 3 M.
        ("region", 999_999, False, 300),
        ("region", 1_000_000, False, 400),
        ("region", 2_500_000, False, 400),
        ("region", 3_000_000, False, 400),
        ("region", 3_000_001, False, 500),
        ("region", 7_000_000, False, 500),
    ],
)
def test_petition_min_signatures(type_, population, arrondissements, expected):
    c = _collectivity(type=type_, population_legal=population, has_arrondissements=arrondissements)
    assert c.petition_min_signatures == expected


def test_override_wins():
    c = _collectivity(population_legal=10_000, petition_min_signatures_override=150)
    assert c.petition_min_signatures == 150


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        (
            "commune",
            {
                "rejection_notice_months": 3,
                "ordinary_session_months": [2, 5, 10],
                "association_min_members": 0,
                "standing_committees_min": 2,
                "standing_committees_max": 5,
            },
        ),
        (
            "province",
            {
                "rejection_notice_months": 2,
                "ordinary_session_months": [1, 6, 9],
                "association_min_members": 101,
                "standing_committees_min": 3,
                "standing_committees_max": None,
            },
        ),
        (
            "region",
            {
                "rejection_notice_months": 2,
                "ordinary_session_months": [3, 7, 10],
                "association_min_members": 0,
                "standing_committees_min": 3,
                "standing_committees_max": 7,
            },
        ),
    ],
)
def test_legal_defaults(type_, expected):
    defaults = Collectivity.legal_defaults(type_)
    assert {k: defaults[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("type_", "required"),
    [
        ("commune", True),
        ("province", True),
        ("region", False),
    ],
)
def test_legal_defaults_electoral_condition(type_, required):
    """docs/legal.md §5: regions (OL 111-14 art. 120) do not list the electoral-registration
    condition for signatories; communes and provinces do."""
    defaults = Collectivity.legal_defaults(type_)
    field = Collectivity._meta.get_field("signatory_electoral_conditions_required")
    assert defaults.get("signatory_electoral_conditions_required", field.default) is required


@pytest.mark.django_db
@pytest.mark.parametrize("type_", ["commune", "province", "region"])
def test_legal_defaults_pass_validation(type_):
    c = _collectivity(type=type_, **Collectivity.legal_defaults(type_))
    c.full_clean()


@pytest.mark.django_db
def test_valid_collectivity_passes_full_clean():
    _collectivity().full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "months",
    [
        pytest.param([13], id="13"),
        pytest.param([0, 5], id="zero"),
        pytest.param([2, 2, 10], id="duplicates"),
        pytest.param([], id="empty"),
        pytest.param(None, id="none"),
        pytest.param("2,5,10", id="string"),
        pytest.param([2.5], id="float"),
        pytest.param(["2", "5"], id="strings"),
        pytest.param({"feb": 2}, id="object"),
        pytest.param([True, 5], id="boolean"),
    ],
)
def test_bad_session_months_are_rejected(months):
    with pytest.raises(ValidationError) as info:
        _collectivity(ordinary_session_months=months).full_clean()
    assert "ordinary_session_months" in info.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["dmn", "Dmn", "DM1", "D-N", "D N", "ÉTÉ", "دمن"])
def test_code_must_be_capital_letters(code):
    with pytest.raises(ValidationError) as info:
        _collectivity(code=code).full_clean()
    assert "code" in info.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["DMN", "A", "RABAT"])
def test_good_codes(code):
    _collectivity(code=code).full_clean()


@pytest.mark.django_db
def test_arrondissements_only_for_communes():
    with pytest.raises(ValidationError) as info:
        _collectivity(type="province", has_arrondissements=True).full_clean()
    assert "has_arrondissements" in info.value.message_dict


@pytest.mark.django_db
def test_committee_bounds_are_consistent():
    with pytest.raises(ValidationError) as info:
        _collectivity(standing_committees_min=4, standing_committees_max=3).full_clean()
    assert "standing_committees_max" in info.value.message_dict

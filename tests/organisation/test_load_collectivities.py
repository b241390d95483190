"""manage.py load_collectivities (organisation/territory.py): the official list, its parents, each
kind's legal defaults (docs/legal.md §5), bad rows named and nothing written, idempotence; then a
province and a region loaded from the list applying their own legal figures end to end."""

from __future__ import annotations

import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from cases import services
from cases import states as S
from core import roles
from core.errors import GuardFailed
from organisation.models import Collectivity
from petitions import signatures
from tests.petitions.conftest import signatory_rows

SAMPLE = settings.BASE_DIR / "demo" / "data" / "collectivities.csv"
HEADER = "slug,name_ar,name_fr,kind,province,region,population,has_arrondissements\n"


def _load(path, *args) -> str:
    out = io.StringIO()
    # The messages are translated; the assertions read their English source.
    with translation.override("en"):
        call_command("load_collectivities", str(path), *args, stdout=out)
    return out.getvalue()


def _file(tmp_path, body: str, name="list.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_sample_list_loads_with_parents_and_legal_defaults():
    assert "12 collectivities were created" in _load(SAMPLE)
    region = Collectivity.objects.get(slug="beni-mellal-khenifra")
    azilal = Collectivity.objects.get(slug="azilal-province")
    demnate = Collectivity.objects.get(slug="demnate")
    bzou = Collectivity.objects.get(slug="bzou")
    assert demnate.province == azilal and demnate.region == region and demnate.code == "DMN"
    # A commune without its region given is in its province's region.
    assert bzou.region == region
    assert azilal.region == region and azilal.province is None
    # OL 112-14 art. 114-116 and 34: the province's figures.
    assert azilal.type == "province" and azilal.rejection_notice_months == 2
    assert azilal.ordinary_session_months == [1, 6, 9] and azilal.association_min_members == 101
    assert azilal.petition_min_signatures == 300
    # OL 111-14 art. 120, 122 and 36: the region's band, limit, months and its provinces for the spread.
    assert region.rejection_notice_months == 2 and region.ordinary_session_months == [3, 7, 10]
    assert region.petition_min_signatures == 400  # 2.52 million inhabitants: 1 to 3 million
    assert len(region.provinces) == 5 and "Province d'Azilal" in region.provinces
    assert demnate.rejection_notice_months == 3 and demnate.ordinary_session_months == [2, 5, 10]


@pytest.mark.django_db
def test_loading_again_updates_and_adds_nothing(tmp_path):
    _load(SAMPLE)
    before = Collectivity.objects.count()
    azilal = Collectivity.objects.get(slug="azilal-province")
    azilal.rejection_notice_months = 1  # a setting the administration changed by hand is kept
    azilal.save()
    assert "0 collectivities were created, 12 updated" in _load(SAMPLE)
    assert Collectivity.objects.count() == before
    azilal.refresh_from_db()
    assert azilal.rejection_notice_months == 1


@pytest.mark.django_db
def test_parents_are_found_in_the_database(tmp_path):
    _load(SAMPLE)
    path = _file(tmp_path, "tanant,جماعة تنانت,Commune de Tanant,commune,Province d'Azilal,,9000,no\n")
    assert "1 collectivities were created" in _load(path)
    tanant = Collectivity.objects.get(slug="tanant")
    assert tanant.province.slug == "azilal-province" and tanant.region.slug == "beni-mellal-khenifra"
    assert tanant.code and tanant.code.isalpha() and tanant.code.isupper()


@pytest.mark.django_db
def test_bad_rows_are_named_and_nothing_is_written(tmp_path):
    path = _file(
        tmp_path,
        "r,جهة,Région,region,,,900000,no\n"
        "a,أ,Commune A,commune,nowhere,r,1000,no\n"  # row 3: unknown province
        "b,ب,Commune B,village,,,1000,no\n"  # row 4: unknown kind
        "c,ج,Commune C,commune,,,many,no\n"  # row 5: population not a number
        "p,إ,Province P,province,,,100,yes\n",  # row 6: arrondissements outside a commune
    )
    with pytest.raises(CommandError) as refused:
        _load(path)
    message = str(refused.value)
    for row in ("Row 3:", "Row 4:", "Row 5:", "Row 6:"):
        assert row in message
    assert "Row 2:" not in message
    assert Collectivity.objects.count() == 0


@pytest.mark.django_db
def test_a_duplicate_and_a_missing_column_are_refused(tmp_path):
    path = _file(tmp_path, "a,أ,Commune A,commune,,,1000,no\na,أ,Commune A,commune,,,1000,no\n")
    with pytest.raises(CommandError, match="Row 3"):
        _load(path)
    bad = tmp_path / "bad.csv"
    bad.write_text("slug,name_fr\nx,X\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Missing columns"):
        _load(bad)
    assert Collectivity.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    assert "dry run" in _load(SAMPLE, "--dry-run")
    assert Collectivity.objects.count() == 0


@pytest.mark.django_db
def test_an_xlsx_list_loads(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["r", "جهة", "Région R", "region", None, None, 3_500_000, None])
    sheet.append(["p", "إقليم", "Province P", "province", None, "r", 400_000, "no"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    _load(path)
    region = Collectivity.objects.get(slug="r")
    assert region.petition_min_signatures == 500 and region.provinces == ["Province P"]


# End to end: a province and a region from the official list, with their own legal figures.


def _petition(world, collectivity):
    return world.new_case("petition", collectivity=collectivity)


def _submit(world, case):
    return services.case_transition(actor=world[roles.CITIZEN], case=case.reference, name="submit")


def test_a_province_petition_counts_against_300_and_has_two_months(world):
    _load(SAMPLE)
    azilal = Collectivity.objects.get(slug="azilal-province")
    case = _petition(world, azilal)
    signatures.signatures_import(actor=world[roles.INTAKE], case=case, rows=signatory_rows(299))
    with pytest.raises(GuardFailed) as refused:
        _submit(world, case)
    assert "300" in " ".join(refused.value.field_errors["signatures"])
    signatures.signatures_import(actor=world[roles.INTAKE], case=case, rows=signatory_rows(1, start=299))
    filed = _submit(world, case)
    assert filed.state == S.SUBMITTED
    # OL 112-14 art. 116: a reasoned rejection is notified within 2 months of receipt.
    received = filed.submitted_at.astimezone(datetime.UTC).date()
    assert filed.legal_deadline_on in {
        received + relativedelta(months=2),
        received + relativedelta(days=1, months=2),
    }


def test_a_region_petition_needs_its_band_and_its_spread(world):
    _load(SAMPLE)
    region = Collectivity.objects.get(slug="beni-mellal-khenifra")
    provinces = region.provinces
    assert region.petition_min_signatures == 400
    # OL 111-14 art. 120: 5 % of 400 = 20 from each of the five provinces; the last one gives 19.
    spread = dict.fromkeys(provinces, 80)
    spread[provinces[0]], spread[provinces[-1]] = 141, 19
    assert sum(spread.values()) == 400
    case = _petition(world, region)
    start = 0
    for province, n in spread.items():
        signatures.signatures_import(
            actor=world[roles.INTAKE], case=case, rows=signatory_rows(n, start=start, province=province)
        )
        start += n
    with pytest.raises(GuardFailed) as refused:
        _submit(world, case)
    assert "signatures" not in refused.value.field_errors
    assert provinces[-1] in refused.value.field_errors["signatures_spread"][0]
    case.refresh_from_db()
    assert case.state == S.DRAFT
    signatures.signatures_import(
        actor=world[roles.INTAKE],
        case=case,
        rows=signatory_rows(1, start=start, province=provinces[-1]),
    )
    filed = _submit(world, case)
    assert filed.state == S.SUBMITTED
    received = filed.submitted_at.astimezone(datetime.UTC).date()
    assert filed.legal_deadline_on - received <= datetime.timedelta(days=63)
    assert filed.legal_deadline_on - received >= datetime.timedelta(days=58)


@pytest.mark.django_db
def test_session_days_of_each_kind():
    """docs/legal.md §5: communes the first working day (OL 113-14 art. 33), provinces the second
    Monday (OL 112-14 art. 34), regions the first Monday (OL 111-14 art. 36)."""
    from organisation.services import ordinary_session_day, session_calendar_generate

    _load(SAMPLE)
    province = Collectivity.objects.get(slug="azilal-province")
    region = Collectivity.objects.get(slug="beni-mellal-khenifra")
    # June 2027 begins on a Tuesday: second Monday the 14th. March 2027 begins on a Monday.
    assert ordinary_session_day(province, 2027, 6) == datetime.date(2027, 6, 14)
    assert ordinary_session_day(region, 2027, 3) == datetime.date(2027, 3, 1)
    days = [s.date for s in session_calendar_generate(collectivity=province, year=2027)]
    assert [d.month for d in days] == [1, 6, 9] and days[1] == datetime.date(2027, 6, 14)
    # 11 January is a public holiday (the Proclamation of Independence): the session opens the next day.
    assert days[0] == datetime.date(2027, 1, 12)

"""The registry of associations: import (counts, a bad sheet rejected with per-row reasons and
nothing half-imported), self-registration validated by the bureau, partnerships."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from core import roles
from core.errors import GuardFailed, TransitionNotAllowed
from organisation import associations
from organisation.associations import ImportRejected
from organisation.models import Association

pytestmark = pytest.mark.django_db

GOOD = (
    "name_ar,name_fr,founded_on,seat_address,domain,charter_signed_on,charter_promoter\n"
    "جمعية الأمل,Association Al Amal,2015-03-01,Derb Jdid,youth,2026-02-10,yes\n"
    "جمعية النور,Association Annour,12/06/2010,Medina,women,,no\n"
    "جمعية الواحة,,2019-09-09,Ait Majden,environment,2026-03-01,no\n"
)


def _import(world, text, filename="registry.csv", actor=None):
    return associations.associations_import(
        actor=actor or world[roles.BUREAU],
        collectivity=world.collectivity,
        content=text.encode() if isinstance(text, str) else text,
        filename=filename,
    )


def test_import_counts_and_fields(world):
    before = Association.objects.filter(collectivity=world.collectivity).count()
    result = _import(world, GOOD)
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    assert Association.objects.filter(collectivity=world.collectivity).count() == before + 3
    amal = Association.objects.get(name_ar="جمعية الأمل")
    assert amal.charter_signed_on == datetime.date(2026, 2, 10) and amal.charter_promoter
    assert amal.status == Association.Status.REGISTERED and amal.registered_on is not None
    assert Association.objects.get(name_ar="جمعية النور").founded_on == datetime.date(2010, 6, 12)
    # The same sheet again updates, creates nothing.
    again = _import(world, GOOD.replace("Medina", "Kasbah"))
    assert (again.created, again.updated) == (0, 3)
    assert Association.objects.get(name_ar="جمعية النور").seat_address == "Kasbah"


def test_bad_sheet_rejected_with_reasons_nothing_imported(world):
    before = set(Association.objects.values_list("pk", "name_ar", "seat_address"))
    bad = (
        "name_ar,founded_on,members_count,charter_promoter,charter_signed_on\n"
        "جمعية صالحة,2015-01-01,20,no,\n"  # row 2: fine
        "جمعية المستقبل,not a date,12,no,\n"  # row 3: bad date
        "جمعية الغد,2014-01-01,-4,maybe,\n"  # row 4: bad number, bad yes/no
        "جمعية صالحة,2015-01-01,20,no,\n"  # row 5: same association as row 2
        "جمعية الشباب,2016-01-01,8,yes,\n"  # row 6: promoter without a signature
    )
    with translation.override("en"), pytest.raises(ImportRejected) as caught:
        _import(world, bad)
    rows = dict(caught.value.rows)
    assert set(rows) == {3, 4, 5, 6}
    with translation.override("en"):
        assert any("founded_on is not a date" in r for r in rows[3])
        assert any("members_count" in r for r in rows[4]) and any("yes or no" in r for r in rows[4])
        assert any("row 2" in r for r in rows[5])
        assert any("signed the charter" in r for r in rows[6])
    assert set(Association.objects.values_list("pk", "name_ar", "seat_address")) == before


def test_missing_column_and_wrong_file(world):
    with pytest.raises(GuardFailed):
        _import(world, "name_fr\nAssociation\n")
    with pytest.raises(GuardFailed):
        _import(world, b"\x00\x01garbage", filename="registry.xlsx")
    with pytest.raises(GuardFailed):
        _import(world, GOOD, filename="registry.pdf")


def test_xlsx_import_and_command(world, tmp_path, settings):
    book = Workbook()
    sheet = book.active
    sheet.append(["الاسم", "تاريخ التأسيس", "مجال العمل"])
    sheet.append(["جمعية الجبل", datetime.datetime(2012, 5, 5), "culture"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = _import(world, buffer.getvalue(), filename="registry.xlsx")
    assert result.created == 1
    assert Association.objects.get(name_ar="جمعية الجبل").domain == "culture"

    path = tmp_path / "registry.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_associations",
        str(path),
        "--collectivity",
        world.collectivity.slug,
        "--as",
        "bureau",
        stdout=out,
    )
    assert "3 associations created" in out.getvalue()
    path.write_text("name_ar,founded_on\nx,nope\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command(
            "import_associations", str(path), "--collectivity", world.collectivity.slug, "--as", "bureau"
        )


def test_only_the_bureau_imports(world):
    with pytest.raises(TransitionNotAllowed):
        _import(world, GOOD, actor=world[roles.CITIZEN])


def test_self_registration_validated_by_the_bureau(world):
    account = world[roles.ASSOCIATION]
    pending = associations.association_register(
        actor=account,
        collectivity=world.collectivity,
        data={"name_ar": "جمعية الحي", "founded_on": datetime.date(2018, 1, 1), "domain": "sport"},
    )
    assert pending.status == Association.Status.PENDING and account in pending.members.all()
    with pytest.raises(TransitionNotAllowed):
        associations.association_validate(actor=account, association=pending, approve=True)
    with pytest.raises(GuardFailed):
        associations.association_validate(actor=world[roles.BUREAU], association=pending, approve=False)
    done = associations.association_validate(actor=world[roles.BUREAU], association=pending, approve=True)
    assert done.status == Association.Status.REGISTERED and done.validated_by == world[roles.BUREAU]
    with pytest.raises(TransitionNotAllowed):
        associations.association_register(
            actor=world[roles.CITIZEN],
            collectivity=world.collectivity,
            data={"name_ar": "x", "founded_on": datetime.date(2018, 1, 1)},
        )


def test_partnership(world):
    p = associations.partnership_add(
        actor=world[roles.BUREAU],
        association=world.association,
        data={
            "title": "Summer camp",
            "starts_on": datetime.date(2026, 7, 1),
            "ends_on": datetime.date(2026, 8, 1),
            "amount": 15000,
        },
    )
    assert p.association == world.association
    with pytest.raises(GuardFailed):
        associations.partnership_add(
            actor=world[roles.BUREAU],
            association=world.association,
            data={"title": "x", "starts_on": datetime.date(2026, 7, 1), "ends_on": datetime.date(2026, 6, 1)},
        )

"""Attendance sheets: counted right, personal columns never stored, a bad sheet changes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core import roles
from core.errors import InvalidInput, TransitionNotAllowed
from participation import services
from participation.models import AttendanceCount

pytestmark = pytest.mark.django_db

NAMES = ["Fatima Zahra Ouali", "Mohamed Aït Lahcen", "Khadija Boutaleb", "Youssef El Idrissi", "Amina Naciri"]
PHONES = ["0611223344", "0622334455", "0633445566", "0644556677", "0655667788"]

# name, phone, gender, age, disability, type: 3 women, 2 men; ages 17, 22, 40, 67, 30
GOOD_ROWS = [
    (NAMES[0], PHONES[0], "F", "22", "non", "habitant"),
    (NAMES[1], PHONES[1], "M", "40", "oui", "élu"),
    (NAMES[2], PHONES[2], "أنثى", "67", "", "جمعية"),
    (NAMES[3], PHONES[3], "homme", "17", "no", ""),
    (NAMES[4], PHONES[4], "femme", "30", "non", "habitant"),
]
HEADER = ("Nom et prénom", "Téléphone", "Sexe", "Age", "Handicap", "Qualité")


def csv_bytes(rows, header=HEADER, sep=",") -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([int(v) if v.isdigit() and len(v) < 4 else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cells(meeting) -> dict:
    return {
        (r.gender, r.age_band, r.disability, r.participant_type): r.count
        for r in AttendanceCount.objects.filter(meeting=meeting)
    }


EXPECTED = {
    ("female", "15_34", "no", "resident"): 2,  # 22 and 30
    ("male", "35_59", "yes", "official"): 1,
    ("female", "60_plus", "unknown", "association"): 1,
    ("male", "15_34", "no", "unknown"): 1,  # 17
}


@pytest.mark.parametrize(("maker", "filename"), [(csv_bytes, "sheet.csv"), (xlsx_bytes, "sheet.xlsx")])
def test_good_sheet_is_counted(world, meeting, maker, filename):
    counted = services.attendance_import(
        actor=world[roles.FOLLOWUP], meeting=meeting, content=maker(GOOD_ROWS), filename=filename
    )
    assert counted == 5
    assert cells(meeting) == EXPECTED
    meeting.refresh_from_db()
    assert meeting.attendance_source == "import"


def test_semicolon_csv_from_french_excel(world, meeting):
    services.attendance_import(
        actor=world[roles.BUREAU], meeting=meeting, content=csv_bytes(GOOD_ROWS, sep=";"), filename="s.CSV"
    )
    assert cells(meeting) == EXPECTED


def test_personal_columns_are_not_stored_anywhere(world, meeting):
    from django.db import connection

    services.attendance_import(
        actor=world[roles.BUREAU], meeting=meeting, content=csv_bytes(GOOD_ROWS), filename="s.csv"
    )
    # Every text column of every table of the database: no name, no telephone number.
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            description = connection.introspection.get_table_description(cursor, table)
            columns = [c.name for c in description]
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the introspection)
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row if isinstance(v, str))
                for secret in NAMES + PHONES:
                    if secret in text:
                        found.append((table, columns, secret))
    assert found == []


@pytest.mark.parametrize(
    ("rows", "reasons"),
    [
        (GOOD_ROWS + [("Someone", "06", "X", "30", "non", "habitant")], ["row 6: unknown gender."]),
        (
            [("A", "1", "F", "old", "non", "habitant"), ("B", "2", "F", "30", "peut-être", "habitant")]
            + GOOD_ROWS,
            ["row 1: the age is not a number.", "row 2: the disability column must be yes or no."],
        ),
        ([("A", "1", "F", "130", "non", "habitant")], ["row 1: the age is out of range."]),
        ([("A", "1", "F", "30", "non", "tourist")], ["row 1: unknown participant type."]),
    ],
)
def test_bad_rows_reject_the_sheet_and_change_nothing(world, meeting, rows, reasons):
    from django.utils import translation

    services.attendance_set(
        actor=world[roles.BUREAU], meeting=meeting, cells={("male", "15_34", "no", "resident"): 9}
    )
    with translation.override("en"), pytest.raises(InvalidInput) as exc:
        services.attendance_import(
            actor=world[roles.BUREAU], meeting=meeting, content=csv_bytes(rows), filename="s.csv"
        )
    assert exc.value.field_errors["file"] == reasons
    assert cells(meeting) == {("male", "15_34", "no", "resident"): 9}
    meeting.refresh_from_db()
    assert meeting.attendance_source == "hand"


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (csv_bytes(GOOD_ROWS, header=("Nom", "Téléphone", "Adresse", "Signature", "x", "y")), "s.csv"),
        (b"", "s.csv"),
        (b"\xff\xfe\x00garbage", "s.csv"),
        (b"PK\x03\x04 not really a workbook", "s.xlsx"),
        (csv_bytes(GOOD_ROWS), "s.pdf"),
        (csv_bytes([]), "s.csv"),
    ],
)
def test_unreadable_or_wrong_sheets_are_refused(world, meeting, content, filename):
    with pytest.raises(InvalidInput):
        services.attendance_import(
            actor=world[roles.BUREAU], meeting=meeting, content=content, filename=filename
        )
    assert not AttendanceCount.objects.exists()


def test_citizen_cannot_import(world, meeting):
    with pytest.raises(TransitionNotAllowed):
        services.attendance_import(
            actor=world[roles.CITIZEN], meeting=meeting, content=csv_bytes(GOOD_ROWS), filename="s.csv"
        )
    assert not AttendanceCount.objects.exists()


def test_management_command(world, meeting, tmp_path):
    good = tmp_path / "sheet.xlsx"
    good.write_bytes(xlsx_bytes(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_attendance", str(meeting.pk), str(good), "--as", "followup", stdout=out)
    assert "Counted 5 participants" in out.getvalue()
    assert cells(meeting) == EXPECTED

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([("A", "1", "F", "old", "non", "habitant")]))
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_attendance", str(meeting.pk), str(bad), "--as", "followup")
    assert cells(meeting) == EXPECTED
    with pytest.raises(CommandError, match="No such meeting"):
        call_command("import_attendance", "999999", str(good), "--as", "followup")


def test_upload_on_the_staff_page(world, meeting, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world[roles.BUREAU])
    url = reverse("participation:staff_attendance_import", args=[meeting.pk])
    bad = SimpleUploadedFile(
        "bad.csv", csv_bytes([("A", "1", "F", "old", "non", "habitant")]), content_type="text/csv"
    )
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert not AttendanceCount.objects.exists()
    good = SimpleUploadedFile("good.csv", csv_bytes(GOOD_ROWS), content_type="text/csv")
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert cells(meeting) == EXPECTED

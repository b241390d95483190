"""Paper signatures (OL 113-14 art. 123; docs/domain.md §3.3): each row accepted or rejected with its
reason, through the service, the CSV reader, `manage.py import_signatures` and the API."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import selectors as case_selectors
from core import roles
from core.errors import InvalidInput, InvalidTransition, TransitionNotAllowed
from petitions import signatures
from petitions.models import Signature
from tests.api.helpers import assert_error
from tests.petitions.conftest import signatory_rows

HEADER = "full_name,cnie,address,link\n"


@pytest.fixture
def petition(world):
    return world.new_case("petition")


def _import(world, case, rows, actor=None):
    return signatures.signatures_import(actor=actor or world[roles.CITIZEN], case=case, rows=rows)


def test_duplicates_are_reported_and_counted_once(world, petition):
    rows = signatory_rows(3)
    result = _import(world, petition, [*rows, dict(rows[0]), {**rows[1], "full_name": "Another name"}])
    assert result.accepted == 3
    assert [(r.row, r.code) for r in result.rejected] == [(4, "duplicate"), (5, "duplicate")]
    assert result.signature_count == 3
    # A later batch with a number already on the petition: reported again, never counted twice.
    again = _import(world, petition, [rows[2], *signatory_rows(1, start=3)])
    assert again.accepted == 1 and [(r.row, r.code) for r in again.rejected] == [(1, "duplicate")]
    assert case_selectors.case_signature_count(petition) == 4


@pytest.mark.parametrize("cnie", ["123456", "ABC123", "A", "AB-", "AB123456789", "١٢٣٤٥٦", "A B C 1"])
def test_malformed_cnie_is_refused_with_a_clear_message(world, petition, cnie):
    result = _import(world, petition, [{**signatory_rows(1)[0], "cnie": cnie}])
    assert result.accepted == 0
    assert result.rejected[0].code == "cnie_invalid"
    assert "AB123456" in result.rejected[0].reason


def test_missing_cnie_is_its_own_reason(world, petition):
    result = _import(world, petition, [{**signatory_rows(1)[0], "cnie": "  "}])
    assert result.rejected[0].code == "cnie_missing"


def test_arabic_indic_digits_are_normalised(world, petition):
    base = signatory_rows(1)[0]
    result = _import(
        world,
        petition,
        [{**base, "cnie": "ab ١٢٣٤٥٦"}, {**base, "cnie": "AB123456"}, {**base, "cnie": "A.B-۱۲۳۴۵۶"}],
    )
    assert result.accepted == 1
    assert [(r.row, r.code) for r in result.rejected] == [(2, "duplicate"), (3, "duplicate")]
    signature = Signature.objects.get(case=petition)
    assert signature.cnie_last3 == "456"
    from petitions import personal_data

    assert personal_data.cnie_decrypt(signature.cnie_encrypted) == "AB123456"


def test_blank_rows_and_bad_values(world, petition):
    good = signatory_rows(2)
    rows = [
        good[0],
        {"full_name": "", "cnie": "", "address": "", "link": ""},
        {"full_name": "  ", "cnie": None, "address": "\t", "link": None},
        {**good[1], "link": "tourist"},
        {**good[1], "address": ""},
        {**good[1], "full_name": "..."},
        {**good[1], "cnie": 123456},
        "not an object",
        good[1],
    ]
    result = _import(world, petition, rows)
    assert result.accepted == 2
    assert [(r.row, r.code) for r in result.rejected] == [
        (2, "blank"),
        (3, "blank"),
        (4, "link"),
        (5, "address"),
        (6, "full_name"),
        (7, "malformed"),
        (8, "malformed"),
    ]
    assert all(r.reason for r in result.rejected)


def _csv(rows: list[dict]) -> bytes:
    lines = [HEADER] + [f'{r["full_name"]},{r["cnie"]},"{r["address"]}",{r["link"]}\n' for r in rows]
    return "".join(lines).encode()


def test_csv_with_a_bom_and_arabic_values(world, petition):
    content = (
        "\ufeff" + HEADER + 'فاطمة أيت علي,ab ١٢٣٤٥٦,"حي الملاح، دمنات",ساكن\nZahra,ZZ1,Derb 1,activité\n'
    )
    result = signatures.signatures_import_csv(
        actor=world[roles.INTAKE], case=petition, stream=content.encode()
    )
    assert result.accepted == 2 and result.rejected == []
    assert set(Signature.objects.filter(case=petition).values_list("link", flat=True)) == {
        "resident",
        "activity",
    }


@pytest.mark.parametrize(
    "header",
    [
        "name,cnie,address,link",
        "full_name,cnie,address",
        "cnie,full_name,address,link",
        "",
        "full_name;cnie;address;link",
    ],
)
def test_a_wrong_header_is_fatal_and_imports_nothing(world, petition, header):
    content = (header + "\n").encode() + _csv(signatory_rows(3)).split(b"\n", 1)[1]
    with pytest.raises(InvalidInput):
        signatures.signatures_import_csv(actor=world[roles.INTAKE], case=petition, stream=content)
    assert Signature.objects.filter(case=petition).count() == 0


def test_not_utf8_is_fatal(world, petition):
    with pytest.raises(InvalidInput):
        signatures.signatures_import_csv(
            actor=world[roles.INTAKE],
            case=petition,
            stream=(HEADER + "Zoé,AB1,Derb,resident\n").encode("latin-1"),
        )
    assert not Signature.objects.filter(case=petition).exists()


def test_too_many_columns_on_a_row(world, petition):
    content = (
        HEADER + "A One,AB1,Derb 1,resident\nB Two,AB2,Derb 2,resident,extra\nC Three,AB3,Derb 3,resident,\n"
    )
    result = signatures.signatures_import_csv(
        actor=world[roles.INTAKE], case=petition, stream=content.encode()
    )
    assert result.accepted == 2  # an empty trailing column is harmless
    assert [(r.row, r.code) for r in result.rejected] == [(2, "malformed")]


@pytest.mark.slow
def test_a_ten_megabyte_csv(world, petition):
    """~120,000 rows (10 MB) in one import: duplicates and malformed rows among them, counts exact.

    Correctness only: its speed is measured by bench/signatures.py (a timed test fails on a busy
    machine and proves nothing)."""
    n = 120_000
    lines = [HEADER]
    for i in range(n):
        if i % 1000 == 999:
            cnie = f"BK{100000 + i - 1}"  # the previous row's number again
        elif i % 1000 == 500:
            cnie = f"{100000 + i}"  # no letters
        else:
            cnie = f"BK{100000 + i}"
        lines.append(
            f"Signataire numéro {i:06d} Ait Benhaddou,{cnie},"
            f'"Derb {i % 500}, Quartier Al Massira, Demnate",resident\n'
        )
    content = "".join(lines).encode()
    assert 9.5 * 2**20 <= len(content) <= 12 * 2**20
    result = signatures.signatures_import_csv(
        actor=world[roles.INTAKE], case=petition, stream=io.BytesIO(content)
    )
    assert result.accepted == n - 240
    assert len(result.rejected) == 240
    assert {r.code for r in result.rejected} == {"duplicate", "cnie_invalid"}
    assert sum(r.code == "duplicate" for r in result.rejected) == 120
    assert result.signature_count == n - 240 == Signature.objects.filter(case=petition).count()


def test_only_the_agent_or_the_desk_adds_signatures(world, petition):
    for role in (roles.BUREAU, roles.COMMITTEE, roles.SECRETARIAT, roles.FOLLOWUP):
        with pytest.raises(TransitionNotAllowed):
            _import(world, petition, signatory_rows(1), actor=world[role])
    assert _import(world, petition, signatory_rows(1), actor=world[roles.INTAKE]).accepted == 1


def test_no_signatures_after_filing(world):
    case = world.case_in("submitted", "petition")
    with pytest.raises(InvalidTransition):
        _import(world, case, signatory_rows(1, prefix="NB"))


# The command ------------------------------------------------------------------------------------


def test_command_prints_accepted_and_rejected_with_reasons(world, petition, tmp_path):
    path = tmp_path / "lists.csv"
    rows = signatory_rows(3)
    path.write_bytes(_csv([*rows, rows[0], {**rows[1], "cnie": "12"}]))
    out = io.StringIO()
    call_command("import_signatures", petition.reference, str(path), "--as", "intake", stdout=out)
    text = out.getvalue()
    assert "Accepted: 3" in text and "Rejected: 2" in text
    assert "row 4 (line 5)" in text and "[duplicate]" in text
    assert "row 5 (line 6)" in text and "[cnie_invalid]" in text
    assert f"Valid signatures of {petition.reference} now: 3" in text


def test_command_defaults_to_the_agent(world, petition, tmp_path):
    path = tmp_path / "lists.csv"
    path.write_bytes(_csv(signatory_rows(2)))
    out = io.StringIO()
    call_command("import_signatures", petition.reference.lower(), str(path), stdout=out)
    assert "Accepted: 2" in out.getvalue()
    assert set(Signature.objects.values_list("created_by__username", flat=True)) == {"citizen"}


def test_command_wrong_header_unreadable_file_unknown_case(world, petition, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"nom,cnie,adresse,lien\nA,AB1,Derb,resident\n")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_signatures", petition.reference, str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "import_signatures", petition.reference, str(tmp_path / "missing.csv"), stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_signatures", petition.reference, str(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such case"):
        call_command("import_signatures", "DMN-PET-1999-0001", str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No active user"):
        call_command(
            "import_signatures", petition.reference, str(bad), "--as", "nobody", stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command(
            "import_signatures", petition.reference, str(bad), "--as", "committee", stdout=io.StringIO()
        )
    assert not Signature.objects.exists()


# The API ----------------------------------------------------------------------------------------


def _url(case) -> str:
    return f"/api/v1/cases/{case.reference}/signatures/"


def test_api_answers_accepted_and_rejected(world, petition, client_as):
    rows = signatory_rows(2)
    response = client_as(world[roles.CITIZEN]).post(
        _url(petition), [*rows, rows[1], {**rows[0], "cnie": "X"}, {}], format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["accepted"] == 2 and body["signature_count"] == 2
    assert [(r["row"], r["code"]) for r in body["rejected"]] == [
        (3, "duplicate"),
        (4, "cnie_invalid"),
        (5, "blank"),
    ]
    assert all(r["reason"] for r in body["rejected"])
    # Nothing new: 200.
    again = client_as(world[roles.INTAKE]).post(_url(petition), rows, format="json")
    assert again.status_code == 200 and again.json()["accepted"] == 0


@pytest.mark.parametrize("body", [{"full_name": "A"}, "text", 12, None, {}])
def test_api_body_must_be_a_list(world, petition, client_as, body):
    response = client_as(world[roles.CITIZEN]).post(_url(petition), body, format="json")
    assert_error(response, 400, "invalid")
    assert not Signature.objects.exists()


def test_api_refusals(world, petition, client_as, api_client):
    rows = signatory_rows(1)
    assert_error(client_as(world[roles.BUREAU]).post(_url(petition), rows, format="json"), 403, "forbidden")
    other = world.new_case("petition", actor=world[roles.INTAKE])
    assert_error(client_as(world[roles.CITIZEN]).post(_url(other), rows, format="json"), 403, "forbidden")
    assert_error(api_client.post(_url(petition), rows, format="json"), 403)
    assert_error(
        client_as(world[roles.CITIZEN]).post(
            "/api/v1/cases/DMN-PET-1999-0001/signatures/", rows, format="json"
        ),
        404,
    )
    assert_error(
        client_as(world[roles.CITIZEN]).post("/api/v1/cases/not%20a%20ref/signatures/", rows, format="json"),
        404,
    )
    filed = world.case_in("submitted", "petition")
    assert_error(
        client_as(world[roles.CITIZEN]).post(_url(filed), rows, format="json"), 409, "invalid_transition"
    )
    proposal = world.new_case("proposal")
    assert_error(client_as(world[roles.CITIZEN]).post(_url(proposal), rows, format="json"), 409)
    response = client_as(world[roles.CITIZEN]).post(_url(petition), "[1,", content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert not Signature.objects.filter(case=petition).exists()


def test_public_detail_shows_the_count_never_the_list(world, api_client):
    case = world.new_case("petition")
    world.sign(case, 100)
    from cases import services

    services.case_transition(actor=world[roles.CITIZEN], case=case, name="submit")
    body = api_client.get(f"/api/v1/cases/{case.reference}/").json()
    assert body["signature_count"] == 100
    assert "signatures" not in body and "Signataire" not in str(body)


def test_each_imported_signature_has_its_history_row_without_personal_data(world, petition):
    result = _import(world, petition, signatory_rows(5), actor=world[roles.INTAKE])
    assert result.accepted == 5
    history = Signature.history.filter(case_id=petition.pk).order_by("id")
    assert history.count() == 5
    assert set(history.values_list("history_type", "history_user__username", "channel", "valid")) == {
        ("+", "intake", "paper", True)
    }
    assert list(history.values_list("id", flat=True)) == list(
        Signature.objects.filter(case=petition).order_by("id").values_list("id", flat=True)
    )
    assert list(history.values_list("cnie_hash", flat=True)) == list(
        Signature.objects.filter(case=petition).order_by("id").values_list("cnie_hash", flat=True)
    )
    fields = {f.name for f in Signature.history.model._meta.get_fields()}
    assert not fields & {"full_name", "cnie_encrypted", "cnie_last3", "address"}


def test_imported_rows_keep_every_field(world, petition):
    import datetime

    from django.utils import timezone

    at = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    rows = signatory_rows(3)
    rows[1]["link"] = "activity"
    signatures.signatures_import(actor=world[roles.INTAKE], case=petition, rows=rows, at=at)
    got = list(
        Signature.objects.filter(case=petition)
        .order_by("id")
        .values_list(
            "full_name",
            "address",
            "link",
            "cnie_last3",
            "channel",
            "valid",
            "invalidated_reason",
            "user",
            "created_by",
            "created_at",
        )
    )
    assert got == [
        (
            r["full_name"],
            r["address"],
            r["link"],
            r["cnie"][-3:],
            "paper",
            True,
            "",
            None,
            world[roles.INTAKE].pk,
            at,
        )
        for r in rows
    ]

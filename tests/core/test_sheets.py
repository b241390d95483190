"""core.sheets: the one reader of the spreadsheets clerks send."""

import io

import openpyxl
import pytest

from core.errors import InvalidInput
from core.sheets import normalise, read_table


def test_csv_with_semicolons_and_a_bom():
    rows = read_table("\ufeffa;b\n1;2\n".encode(), "x.csv", max_rows=10, wrong_type="?")
    assert rows == [["a", "b"], ["1", "2"]]


def test_xlsx_stops_past_the_limit():
    book = openpyxl.Workbook()
    for n in range(50):
        book.active.append([n])
    out = io.BytesIO()
    book.save(out)
    rows = read_table(out.getvalue(), "x.xlsx", max_rows=10, wrong_type="?")
    assert len(rows) == 12  # enough for the caller to say the sheet is too long


@pytest.mark.parametrize(
    "content, name",
    [(b"\xff\xfe\x00bad", "x.csv"), (b"not a zip", "x.xlsx"), (b"a,b", "x.pdf")],
)
def test_unreadable_files_are_a_clear_refusal(content, name):
    with pytest.raises(InvalidInput) as caught:
        read_table(content, name, max_rows=10, wrong_type="Send a CSV or XLSX file.")
    assert caught.value.field_errors["file"]


def test_normalise():
    assert normalise("  Nom   Complet ") == "nom complet" and normalise(None) == ""

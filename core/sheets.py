"""Reading a spreadsheet a clerk sends (CSV in UTF-8 with `,`, `;` or tab, or XLSX): the one reader
of the attendance sheets, the associations' registry and the former register of cases."""

from __future__ import annotations

import csv
import io
import os
import zipfile

from django.utils.translation import gettext as _

from core.errors import InvalidInput


def normalise(text) -> str:
    """A cell as a key: stripped, lower case, inner spaces collapsed; '' for an empty cell."""
    return " ".join(str(text if text is not None else "").strip().lower().split())


def _refuse(message: str):
    return InvalidInput(message, field_errors={"file": [message]})


def read_table(content: bytes, filename: str, *, max_rows: int, wrong_type: str) -> list[list]:
    """The rows of the file's first sheet as lists of cells, header included. Reads at most
    max_rows + 2 rows of a workbook, so the caller can tell a sheet that is too long. A file that
    is neither CSV nor XLSX, or cannot be read, is an InvalidInput with a translated reason."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext == ".csv":
        return _csv_rows(content)
    if ext == ".xlsx":
        return _xlsx_rows(content, max_rows)
    raise _refuse(wrong_type)


def _csv_rows(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_("The file is not UTF-8 text.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    except csv.Error:
        raise _refuse(_("The file is not a valid CSV file.")) from None


def _xlsx_rows(content: bytes, max_rows: int) -> list[list]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            rows = []
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append(list(values))
                if len(rows) > max_rows + 1:
                    break
            return rows
        finally:
            workbook.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError, OSError):
        raise _refuse(_("The file is not a readable XLSX workbook.")) from None

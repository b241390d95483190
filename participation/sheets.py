"""Reading an attendance sheet (CSV or XLSX) into counts.

Law 09-08 (data minimisation): a sheet carries names, phone numbers, signatures. Only the columns
that describe a participant's category are read; every other column is never looked at past the
header, and what comes out is a table of counts. Nothing of the sheet itself is stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import InvalidInput
from core.sheets import read_table
from participation.models import AgeBand, Disability, Gender, ParticipantType

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_REASONS = 50  # per-row reasons shown; the count of bad rows is always given


def _norm(text) -> str:
    return " ".join(str(text if text is not None else "").strip().lower().replace("_", " ").split())


# Header names, in English, French and Arabic, for the columns that are read.
HEADERS = {
    "gender": {"gender", "sex", "sexe", "genre", "الجنس", "النوع"},
    "age": {"age", "âge", "السن", "العمر"},
    "age_band": {"age band", "tranche d'age", "tranche d'âge", "الفئة العمرية"},
    "disability": {"disability", "handicap", "situation de handicap", "إعاقة", "الإعاقة", "في وضعية إعاقة"},
    "participant_type": {
        "participant type",
        "type",
        "type de participant",
        "qualité",
        "qualite",
        "الصفة",
        "صفة المشارك",
    },
}

GENDER_VALUES = {
    Gender.FEMALE: {
        "f",
        "female",
        "woman",
        "w",
        "femme",
        "féminin",
        "feminin",
        "أنثى",
        "انثى",
        "امرأة",
        "إناث",
    },
    Gender.MALE: {"m", "male", "man", "h", "homme", "masculin", "ذكر", "رجل", "ذكور"},
}
AGE_BAND_VALUES = {
    AgeBand.UNDER_15: {"under 15", "<15", "0-14", "moins de 15", "أقل من 15"},
    AgeBand.YOUTH: {"15-34", "15 to 34", "15 à 34", "15 34", "من 15 إلى 34"},
    AgeBand.ADULT: {"35-59", "35 to 59", "35 à 59", "35 59", "من 35 إلى 59"},
    AgeBand.SENIOR: {"60+", "60 plus", "60 and over", "60 et plus", "60 فما فوق"},
}
YES_NO = {
    Disability.YES: {"yes", "y", "1", "oui", "o", "نعم", "x"},
    Disability.NO: {"no", "n", "0", "non", "لا"},
}
TYPE_VALUES = {
    ParticipantType.RESIDENT: {
        "resident",
        "citizen",
        "habitant",
        "citoyen",
        "citoyenne",
        "مواطن",
        "مواطنة",
        "ساكن",
    },
    ParticipantType.ASSOCIATION: {
        "association",
        "association member",
        "membre d'association",
        "جمعية",
        "فاعل جمعوي",
    },
    ParticipantType.OFFICIAL: {
        "official",
        "elected",
        "staff",
        "élu",
        "elu",
        "fonctionnaire",
        "منتخب",
        "موظف",
        "مسؤول",
    },
}


def _lookup(table: dict, value: str):
    for key, names in table.items():
        if value in names or value == str(key):
            return key
    return None


def age_band_for(age: int) -> str:
    if age < 15:
        return AgeBand.UNDER_15
    if age < 35:
        return AgeBand.YOUTH
    if age < 60:
        return AgeBand.ADULT
    return AgeBand.SENIOR


@dataclass
class SheetCounts:
    cells: Counter = field(default_factory=Counter)
    participants: int = 0


def _columns(header: list) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        normalized = _norm(name)
        for key, names in HEADERS.items():
            if normalized in names and key not in columns:
                columns[key] = index
    if "gender" not in columns or not ({"age", "age_band"} & set(columns)):
        raise InvalidInput(
            _(
                "The first line must name at least a gender column and an age (or age band) column; found: "
                "%(found)s."
            )
            % {"found": ", ".join(_norm(h) for h in header if _norm(h))[:200] or "—"},
            field_errors={"file": [_("Unrecognised attendance sheet header.")]},
        )
    return columns


def _row_cell(values: list, columns: dict[str, int], row: int) -> tuple[tuple | None, str]:
    def get(key):
        index = columns.get(key)
        return _norm(values[index]) if index is not None and index < len(values) else ""

    gender_text = get("gender")
    gender = _lookup(GENDER_VALUES, gender_text) if gender_text else Gender.UNKNOWN
    if gender is None:
        return None, _("row %(row)s: unknown gender.") % {"row": row}
    band = AgeBand.UNKNOWN
    if get("age"):
        try:
            age = int(float(get("age")))
        except ValueError:
            return None, _("row %(row)s: the age is not a number.") % {"row": row}
        if not 0 <= age <= 120:
            return None, _("row %(row)s: the age is out of range.") % {"row": row}
        band = age_band_for(age)
    elif get("age_band"):
        band = _lookup(AGE_BAND_VALUES, get("age_band"))
        if band is None:
            return None, _("row %(row)s: unknown age band.") % {"row": row}
    disability_text = get("disability")
    disability = _lookup(YES_NO, disability_text) if disability_text else Disability.UNKNOWN
    if disability is None:
        return None, _("row %(row)s: the disability column must be yes or no.") % {"row": row}
    type_text = get("participant_type")
    participant_type = _lookup(TYPE_VALUES, type_text) if type_text else ParticipantType.UNKNOWN
    if participant_type is None:
        return None, _("row %(row)s: unknown participant type.") % {"row": row}
    return (str(gender), str(band), str(disability), str(participant_type)), ""


def read_sheet(*, content: bytes, filename: str) -> SheetCounts:
    """The counts of an attendance sheet; any bad row rejects the whole sheet, naming each row."""
    if len(content) > MAX_BYTES:
        raise InvalidInput(
            _("The file is larger than 5 MB."), field_errors={"file": [_("The file is larger than 5 MB.")]}
        )
    rows = read_table(
        content, filename, max_rows=MAX_ROWS, wrong_type=_("Send the attendance sheet as a CSV or XLSX file.")
    )
    rows = [r for r in rows if any(_norm(v) for v in r)]
    if not rows:
        raise InvalidInput(_("The file is empty."), field_errors={"file": [_("The file is empty.")]})
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput(_("The sheet has more than %(max)s rows.") % {"max": MAX_ROWS})
    columns = _columns(rows[0])
    result = SheetCounts()
    reasons = []
    for number, values in enumerate(rows[1:], start=1):
        cell, reason = _row_cell(values, columns, number)
        if cell is None:
            reasons.append(reason)
            continue
        result.cells[cell] += 1
        result.participants += 1
    if reasons:
        shown = reasons[:MAX_REASONS]
        raise InvalidInput(
            ngettext(
                "Nothing was imported: %(count)s row is not valid.",
                "Nothing was imported: %(count)s rows are not valid.",
                len(reasons),
            )
            % {"count": len(reasons)},
            field_errors={"file": shown},
        )
    if not result.participants:
        raise InvalidInput(
            _("The sheet lists no participant."),
            field_errors={"file": [_("The sheet lists no participant.")]},
        )
    return result

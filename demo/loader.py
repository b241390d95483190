"""Reads the Demnate demo's data from the JSON files of demo/data/ (docs/domain.md §11).

Each file is UTF-8 JSON; a `"note"` key, wherever it appears, is a comment for the reader and
is ignored. Dates are ISO strings (`"2025-03-08"`). The cases are read kind after kind in
`KIND_ORDER`, each file in its own order: the planner draws its random numbers in that order, so
reordering, adding or removing a case changes the dates of the cases after it.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from demo.definitions import KIND_ORDER, AssociationDef, SeedError, Spec, UserDef

DATA_DIR = Path(__file__).resolve().parent / "data"
DATE_FIELDS = frozenset({"founded_on", "charter_signed_on", "last_on", "date", "end_date"})
TUPLE_FIELDS = frozenset({"reason", "also_committees"})


def read(name: str) -> dict:
    """One data file, its notes removed and its dates and tuples typed."""
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return _typed(json.load(fh))


def _typed(value):
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "note":
            continue
        if key in DATE_FIELDS and isinstance(item, str):
            item = datetime.date.fromisoformat(item)
        elif key in TUPLE_FIELDS:
            item = tuple(item)
        else:
            item = _typed(item)
        out[key] = item
    return out


def _named(rows: list[dict]) -> tuple[tuple[str, str, str], ...]:
    return tuple((row["key"], row["name_ar"], row["name_fr"]) for row in rows)


def read_cases(kinds: tuple[str, ...] = KIND_ORDER) -> tuple[Spec, ...]:
    specs: list[Spec] = []
    for kind in kinds:
        data = read(f"cases/{kind}.json")
        if data["kind"] != kind:
            raise SeedError(f"cases/{kind}.json holds {data['kind']} cases")
        specs += [Spec(kind=kind, **row) for row in data["cases"]]
    keys = [spec.key for spec in specs]
    doubles = sorted({key for key in keys if keys.count(key) > 1})
    if doubles:
        raise SeedError(f"demo case keys used twice: {', '.join(doubles)}")
    return tuple(specs)


# Organisation ----------------------------------------------------------------------------------

COLLECTIVITY: dict = read("collectivity.json")
COMMITTEES = _named(read("committees.json")["committees"])
SERVICES = _named(read("services.json")["services"])
ASSOCIATIONS = tuple(AssociationDef(**row) for row in read("associations.json")["associations"])
SESSIONS: dict = read("sessions.json")
MONTHS_AR = {int(month): name for month, name in SESSIONS["month_names_ar"].items()}
MONTHS_FR = {int(month): name for month, name in SESSIONS["month_names_fr"].items()}

# People ----------------------------------------------------------------------------------------

# `committee` must sit on the lowest-id committee and `service` work in the lowest-id service:
# the first of COMMITTEES and SERVICES (enforced again after creation, see people.memberships).
USERS = tuple(UserDef(**row) for row in read("users.json")["users"])
ROLE_USERNAMES = tuple(u.username for u in USERS if u.username == u.group)
# Who files the committee report and who plans the work, per committee and service key.
COMMITTEE_REPORTER = {u.committee: u.username for u in USERS if u.committee}
SERVICE_WORKER = {u.service: u.username for u in USERS if u.service}

_SIGNATORIES = read("signatories.json")
FIRST_NAMES = tuple(_SIGNATORIES["first_names"])
FAMILY_NAMES = tuple(_SIGNATORIES["family_names"])
QUARTERS = tuple(_SIGNATORIES["quarters"])
ADDRESS: str = _SIGNATORIES["address"]  # str.format: {number}, {quarter}

# Texts the transitions carry ---------------------------------------------------------------------

TEXTS: dict = read("texts.json")
INFO_REQUESTS = tuple(TEXTS["info_requests"])
INFO_PROVIDED = tuple(TEXTS["info_provided"])
INADMISSIBLE: dict[str, str] = TEXTS["inadmissible"]
REPORT = TEXTS["report"]  # str.format: {date} of the meeting, {closing} from REPORT_CLOSING
REPORT_CLOSING: dict[str, str] = TEXTS["report_closing"]
ADOPT = tuple(TEXTS["adopt"])
OPINION_ADOPT = tuple(TEXTS["opinion_adopt"])
CHILDREN_ADOPT = tuple(TEXTS["children_adopt"])
REJECT: dict[str, str] = TEXTS["reject"]
DEFER: str = TEXTS["defer"]
ABANDON = tuple(TEXTS["abandon"])
WITHDRAW = tuple(TEXTS["withdraw"])
OUTCOME_DEFAULT: str = TEXTS["outcome_default"]
EVIDENCE = tuple(TEXTS["evidence"])  # str.format: {date}
BUDGET_LINES = tuple(TEXTS["budget_lines"])  # str.format: {year}
DESK_CONTACT: str = TEXTS["desk_contact"]  # a paper filing's contact
ASSOCIATION_DOCUMENTS = tuple((row["purpose"], row["title"]) for row in TEXTS["association_documents"])

# The cases -------------------------------------------------------------------------------------

CASES: tuple[Spec, ...] = read_cases()

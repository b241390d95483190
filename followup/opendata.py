"""Open data (docs/domain.md §9): the public register as files, streamed row by row.

Each file is a generator of text chunks over `QuerySet.iterator()`, so neither the web view nor
`manage.py export_open_data` holds all rows in memory. The columns are the public register's and
nothing more (Law 09-08): no submitter, paper filer, contact, signatory, account or actor.
Timeline rows are the public part of the audit chain, with the justifications the public case
page shows.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import pathlib
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import timezone

from audit.models import TransitionEntry
from cases import lifecycle
from cases import states as S
from cases.models import Case
from followup.indicators import compute_indicators

CHUNK = 2000
# (name, Frictionless type, description)
CASE_FIELDS = (
    ("reference", "string", "Case reference (collectivity, kind, year, sequence)."),
    ("kind", "string", "petition, proposal, advisory_opinion or children_recommendation."),
    ("title", "string", "Title as filed."),
    ("subject", "string", "Subject domain."),
    ("state", "string", "Current state (docs/domain.md §3.1)."),
    ("submitted_at", "datetime", "When the case was filed."),
    ("year", "integer", "Year of the reference."),
    ("committee_id", "integer", "Standing committee the case was referred to."),
    ("committee", "string", "Its name (Arabic)."),
    ("service_id", "integer", "Responsible service."),
    ("service", "string", "Its name (Arabic)."),
    ("session_date", "date", "Council session whose agenda holds it."),
    ("deadline", "date", "Current deadline of the case's stage."),
    ("overdue", "boolean", "Open and past its deadline today."),
    ("decided_at", "datetime", "When the council (or the president) decided."),
    ("planned_end", "date", "Planned end of the implementation."),
    ("progress_percent", "integer", "Implementation progress."),
    ("closed_at", "datetime", "When the case was closed."),
)
DECISION_FIELDS = (
    ("reference", "string", "Case reference."),
    ("kind", "string", "Kind of case."),
    ("decision", "string", "adopted or rejected (for opinions: taken into account or not)."),
    ("state", "string", "Current state."),
    ("decided_at", "datetime", "Date of the decision."),
    ("by_president", "boolean", "Ruled by the president without a council session."),
    ("deliberation_number", "string", "Deliberation number."),
    ("votes_for", "integer", "Votes for."),
    ("votes_against", "integer", "Votes against."),
    ("votes_abstain", "integer", "Abstentions."),
    ("reason_code", "string", "Structured reason of a rejection."),
    ("justification", "string", "The published justification."),
    # Appended after the first release: new columns go last so readers indexing by position keep
    # working. OL 113-14 art. 42: the quorum is counted on the members present; empty when the
    # president ruled without a session.
    ("members_present", "integer", "Council members present at the deliberation (empty: no session)."),
    (
        "convocation",
        "string",
        "first or second (quorum: more than half of the members in office) or third (no quorum "
        "required), OL 113-14 art. 42; empty without a session.",
    ),
)
TIMELINE_FIELDS = (
    ("reference", "string", "Case reference."),
    ("seq", "integer", "Position in the case's audit chain."),
    ("at", "datetime", "When it happened."),
    ("transition", "string", "Transition, correction or progress update."),
    ("from_state", "string", "State before."),
    ("to_state", "string", "State after."),
    ("role", "string", "Role that acted (never a name)."),
    ("justification", "string", "Published justification, empty when not public."),
    ("hash", "string", "sha256 of the audit entry (docs/domain.md §5)."),
)
RESOURCES = {
    "cases.csv": ("cases", "text/csv", CASE_FIELDS),
    "cases.json": ("cases-json", "application/json", CASE_FIELDS),
    "decisions.csv": ("decisions", "text/csv", DECISION_FIELDS),
    "timeline.csv": ("timeline", "text/csv", TIMELINE_FIELDS),
    "indicators.json": ("indicators", "application/json", None),
}
FILES = (*RESOURCES, "datapackage.json")


def public_cases(collectivity):
    return (
        Case.objects.filter(collectivity=collectivity)
        .exclude(state=S.DRAFT)
        .filter(submitted_at__isnull=False)
        .select_related("committee", "service", "session")
        .order_by("id")
    )


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def case_row(case, today: datetime.date) -> dict:
    return {
        "reference": case.reference,
        "kind": case.kind,
        "title": case.title,
        "subject": case.subject,
        "state": case.state,
        "submitted_at": _iso(case.submitted_at),
        "year": case.year,
        "committee_id": case.committee_id,
        "committee": case.committee.name_ar if case.committee else None,
        "service_id": case.service_id,
        "service": case.service.name_ar if case.service else None,
        "session_date": _iso(case.session.date) if case.session else None,
        "deadline": _iso(case.deadline_on),
        "overdue": case.state in S.OPEN_STATES and case.deadline_on is not None and case.deadline_on < today,
        "decided_at": _iso(case.decided_at) if case.state in S.DECIDED_STATES else None,
        "planned_end": _iso(case.planned_end),
        "progress_percent": case.progress_percent,
        "closed_at": _iso(case.closed_at),
    }


def case_rows(collectivity) -> Iterator[dict]:
    today = timezone.localdate()
    for case in public_cases(collectivity).iterator(chunk_size=CHUNK):
        yield case_row(case, today)


def decision_rows(collectivity) -> Iterator[dict]:
    qs = public_cases(collectivity).filter(state__in=S.DECIDED_STATES).order_by("decided_at", "id")
    for case in qs.iterator(chunk_size=CHUNK):
        adopted = case.state != S.REJECTED
        yield {
            "reference": case.reference,
            "kind": case.kind,
            "decision": S.ADOPTED if adopted else S.REJECTED,
            "state": case.state,
            "decided_at": _iso(case.decided_at),
            "by_president": case.decided_by_president,
            "deliberation_number": case.deliberation_number,
            "votes_for": case.votes_for,
            "votes_against": case.votes_against,
            "votes_abstain": case.votes_abstain,
            "reason_code": case.decision_reason_code,
            "justification": case.decision_justification,
            "members_present": case.members_present,
            # An empty convocation on a session decision means the first (cases.selectors.case_decision).
            "convocation": (case.convocation or "first") if case.members_present is not None else "",
        }


def _public_justification(transition: str) -> bool:
    """The rule of the public case page (cases.selectors.case_timeline)."""
    if transition in ("case_correct", "opinion_outcome"):
        return True
    spec = lifecycle.TRANSITIONS.get(transition)
    return spec is not None and any(f.name == "justification" and f.public for f in spec.fields)


def timeline_rows(collectivity) -> Iterator[dict]:
    qs = (
        TransitionEntry.objects.filter(case__collectivity=collectivity, case__submitted_at__isnull=False)
        .exclude(case__state=S.DRAFT)
        .order_by("case_id", "seq")
        .values_list(
            "case__reference",
            "seq",
            "created_at",
            "transition",
            "from_state",
            "to_state",
            "role",
            "justification",
            "hash",
        )
    )
    for ref, seq, at, transition, from_state, to_state, role, justification, digest in qs.iterator(
        chunk_size=CHUNK
    ):
        yield {
            "reference": ref,
            "seq": seq,
            "at": _iso(at),
            "transition": transition,
            "from_state": from_state,
            "to_state": to_state,
            "role": role,
            "justification": justification if _public_justification(transition) else "",
            "hash": digest,
        }


def _csv(fields, rows: Iterable[dict]) -> Iterator[str]:
    names = [f[0] for f in fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    for i, row in enumerate(rows, 1):
        writer.writerow(
            [
                ""
                if row[n] is None
                else ("true" if row[n] is True else "false" if row[n] is False else row[n])
                for n in names
            ]
        )
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_array(rows: Iterable[dict]) -> Iterator[str]:
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


def default_period() -> tuple[datetime.date, datetime.date]:
    """The API's default period: the twelve months up to today (audit.reports.parse_period)."""
    end = timezone.localdate() + datetime.timedelta(days=1)
    return end - datetime.timedelta(days=365), end


def datapackage(collectivity, base_url: str = "") -> dict:
    """The Frictionless Data Package descriptor of the files."""
    resources = []
    for path, (name, media, fields) in RESOURCES.items():
        resource = {"name": name, "path": base_url + path, "mediatype": media, "encoding": "utf-8"}
        if path.endswith(".csv"):
            resource["format"] = "csv"
            resource["profile"] = "tabular-data-resource"
            resource["schema"] = {"fields": [{"name": n, "type": t, "description": d} for n, t, d in fields]}
            if "reference" in (f[0] for f in fields) and path == "cases.csv":
                resource["schema"]["primaryKey"] = ["reference"]
        else:
            resource["format"] = "json"
            resource["profile"] = "data-resource"
        resources.append(resource)
    licence = settings.MITHAQ_OPEN_DATA_LICENSE
    return {
        "profile": "data-package",
        "name": f"mithaq-{collectivity.slug}",
        "title": f"{collectivity.name_fr} / {collectivity.name_ar}",
        "description": "Citizen participation cases, decisions, public history and charter indicators.",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": [_licence(licence)],
        "resources": resources,
    }


def _licence(spdx: str) -> dict:
    known = {
        "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
        "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        "ODbL-1.0": (
            "Open Data Commons Open Database License 1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
        ),
    }
    title, path = known.get(spdx, (spdx, ""))
    return {"name": spdx, "title": title, **({"path": path} if path else {})}


def stream(name: str, collectivity) -> Iterator[str]:
    """The content of one open-data file, in chunks."""
    if name == "cases.csv":
        return _csv(CASE_FIELDS, case_rows(collectivity))
    if name == "cases.json":
        return _json_array(case_rows(collectivity))
    if name == "decisions.csv":
        return _csv(DECISION_FIELDS, decision_rows(collectivity))
    if name == "timeline.csv":
        return _csv(TIMELINE_FIELDS, timeline_rows(collectivity))
    if name == "indicators.json":
        date_from, date_to = default_period()
        return iter(
            [json.dumps(compute_indicators(collectivity, date_from, date_to), ensure_ascii=False, indent=1)]
        )
    if name == "datapackage.json":
        return iter([json.dumps(datapackage(collectivity), ensure_ascii=False, indent=1)])
    raise KeyError(name)


def media_type(name: str) -> str:
    return "text/csv; charset=utf-8" if name.endswith(".csv") else "application/json; charset=utf-8"


def export(collectivity, directory) -> list[str]:
    """Write every file into `directory` (created if missing); returns the names written."""
    out = pathlib.Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        tmp = out / (name + ".part")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            for chunk in stream(name, collectivity):
                fh.write(chunk)
        tmp.replace(out / name)  # readers never see a half-written file
    return list(FILES)


def datapackage_licence() -> dict:
    return _licence(settings.MITHAQ_OPEN_DATA_LICENSE)

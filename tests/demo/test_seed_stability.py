"""The demo stays the same demo (issue 9: `seed_demo` produces the same cases): everything the
seeding draws from SEED and reads from demo/data/ is pinned by one digest.

No database: the digest covers the organisation, the users, the session calendar and, for every
case, its data, its planned steps (dates, texts, votes, deliberation numbers, committees,
sessions, services) and its signatories, planned as `seed_demo` plans them once HISTORY_END has
passed. The rows written from this plan were compared before and after the move of the data to
JSON with bench/demo_dump.py.

Changing the demo on purpose changes the digest: check the new demo with bench/demo_dump.py, then
paste the digest the failure prints.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json

from demo import data as demo
from demo import loader, people

# Issue 10: the council decisions carry the members present, within a council of 29; issue 13: the
# ordinary sessions' French titles elide ("Session ordinaire d'octobre 2025").
DIGEST = "652933d00af20e7c98acb8a924d8315b7bccec9bce5eeab75a9386c803c4ffe4"
AFTER_HISTORY_END = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)


def _session(key):
    return None if key is None else [key[0].isoformat(), str(key[1])]


def _iso(value):
    return None if value is None else value.isoformat()


def snapshot(cases: tuple[demo.Spec, ...] = demo.CASES) -> dict:
    end = demo.history_end(now=AFTER_HISTORY_END)
    calendar = demo.session_calendar()
    plans = demo.Planner(end=end, sessions=calendar).plan(cases)
    return {
        "end": end.isoformat(),
        "collectivity": loader.COLLECTIVITY,
        "committees": loader.COMMITTEES,
        "services": loader.SERVICES,
        "associations": [dataclasses.asdict(a) for a in loader.ASSOCIATIONS],
        "users": [dataclasses.asdict(u) for u in loader.USERS],
        "sessions": [[str(s.kind), s.date, s.end_date, s.title_ar, s.title_fr] for s in calendar],
        "cases": [
            {
                "spec": dataclasses.asdict(p.spec),
                "created": _iso(p.created),
                "draft_first": p.draft_first,
                "documents_at": _iso(p.documents_at),
                "signatures_at": _iso(p.signatures_at),
                "checklist_at": _iso(p.checklist_at),
                "signatories": people.signatories(p.spec.key, p.signatures) if p.signatures else [],
                "steps": [
                    [s.name, _iso(s.at), s.data, s.committee, _session(s.session), s.service] for s in p.steps
                ],
            }
            for p in plans
        ],
    }


def digest(cases: tuple[demo.Spec, ...] = demo.CASES) -> str:
    text = json.dumps(snapshot(cases), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_demo_is_the_demo_it_was():
    assert digest() == DIGEST


def test_the_digest_sees_a_changed_text():
    first, *others = demo.CASES
    assert digest((dataclasses.replace(first, title=first.title + "!"), *others)) != DIGEST

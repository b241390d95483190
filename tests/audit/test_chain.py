"""audit.chain: the canonical document and the hash that links it (docs/domain.md §5).

The canonical form must never drift: every stored chain was hashed with it. The known-answer
test below pins it byte for byte.
"""

from __future__ import annotations

import datetime
import hashlib

import pytest

from audit.chain import GENESIS, canonical, entry_hash, link_hash
from audit.models import TransitionEntry

PLUS_ONE = datetime.timezone(datetime.timedelta(hours=1))

BASE = {
    "case_id": 7,
    "seq": 2,
    "transition": "adopt",
    "from_state": "on_agenda",
    "to_state": "adopted",
    "actor_id": 3,
    "role": "secretariat",
    "created_at": datetime.datetime(2026, 2, 4, 10, 30, tzinfo=PLUS_ONE),
    "justification": "صادق المجلس على إحداث ملعب القرب بحي السلام",
    "payload": {"public": {"votes_for": 21, "deliberation_number": "12/2026"}, "private": {}},
}

EXPECTED_DOCUMENT = (
    '{"actor":3,"at":"2026-02-04T09:30:00.000000+00:00","case":7,"from":"on_agenda",'
    '"justification":"صادق المجلس على إحداث ملعب القرب بحي السلام",'
    '"payload":{"private":{},"public":{"deliberation_number":"12/2026","votes_for":21}},'
    '"role":"secretariat","seq":2,"to":"adopted","transition":"adopt"}'
)
EXPECTED_HASH = "0255a8d2e9c4362745ad6e832c1cb58be1291a9a7db1446833416448afe6ace3"


def test_canonical_document_is_pinned():
    document = canonical(**BASE)
    assert document == EXPECTED_DOCUMENT
    assert link_hash(GENESIS, document) == EXPECTED_HASH
    assert hashlib.sha256(EXPECTED_DOCUMENT.encode("utf-8")).hexdigest() == EXPECTED_HASH


def test_key_order_does_not_matter():
    shuffled = {"private": {}, "public": {"deliberation_number": "12/2026", "votes_for": 21}}
    assert canonical(**{**BASE, "payload": shuffled}) == canonical(**BASE)
    nested = {"public": {"b": {"y": 1, "x": 2}, "a": [3, 1]}}
    reordered = {"public": {"a": [3, 1], "b": {"x": 2, "y": 1}}}
    assert canonical(**{**BASE, "payload": nested}) == canonical(**{**BASE, "payload": reordered})


def test_arabic_is_kept_not_escaped():
    document = canonical(**BASE)
    assert "صادق المجلس" in document
    assert "\\u" not in document
    assert " " not in document.replace(BASE["justification"], "")  # compact separators


def test_the_same_instant_in_any_timezone_hashes_the_same():
    utc = BASE["created_at"].astimezone(datetime.UTC)
    assert canonical(**{**BASE, "created_at": utc}) == canonical(**BASE)


CHANGES = {
    "case_id": 8,
    "seq": 3,
    "transition": "reject",
    "from_state": "reported",
    "to_state": "rejected",
    "actor_id": 4,
    "role": "president",
    "created_at": BASE["created_at"] + datetime.timedelta(microseconds=1),
    "justification": BASE["justification"] + ".",
    "payload": {"public": {"votes_for": 22, "deliberation_number": "12/2026"}, "private": {}},
}


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_changing_any_single_field_changes_the_hash(field):
    original = link_hash(GENESIS, canonical(**BASE))
    changed = link_hash(GENESIS, canonical(**{**BASE, field: CHANGES[field]}))
    assert changed != original


@pytest.mark.parametrize(
    "payload",
    [
        {"public": {}, "private": {}},
        {"public": {"votes_for": 21}, "private": {}},
        {"public": {"votes_for": "21"}, "private": {}},
        {"public": {"votes_for": 21}, "private": {"note": ""}},
    ],
)
def test_payload_values_and_types_count(payload):
    assert canonical(**{**BASE, "payload": payload}) != canonical(**BASE)


def test_actor_none_differs_from_an_actor():
    assert canonical(**{**BASE, "actor_id": None}) != canonical(**BASE)


def test_the_previous_hash_is_part_of_the_link():
    document = canonical(**BASE)
    assert link_hash(GENESIS, document) != link_hash("a" * 64, document)
    assert link_hash("a" * 64, document) != link_hash("b" * 64, document)


def test_stored_entries_rehash_to_their_hash(world):
    case = world.case_in("implemented", "petition")
    prev = GENESIS
    chain = list(TransitionEntry.objects.filter(case_id=case.pk).order_by("seq"))
    assert len(chain) == case.audit_count
    for entry in chain:
        assert entry.prev_hash == prev
        assert entry_hash(entry, prev) == entry.hash
        prev = entry.hash
    case.refresh_from_db()
    assert case.audit_head == prev

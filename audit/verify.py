"""Recompute every chain (docs/domain.md §5): detects edited, removed, reordered or truncated entries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from audit.chain import DECISION_FIELDS, GENESIS, entry_hash
from audit.models import TransitionEntry


@dataclass(frozen=True)
class Problem:
    case_label: str
    entry_id: int | None
    seq: int | None
    message: str
    where: str = ""

    def __str__(self) -> str:
        if self.where:
            where = self.where
        elif self.entry_id is not None:
            where = f"entry id={self.entry_id} #{self.seq}"
        elif self.seq is not None:
            where = f"entry #{self.seq}"
        else:
            where = "chain head"
        return f"{self.case_label}: {where}: {self.message}"


@dataclass(frozen=True)
class Subject:
    """What the chain is checked against: the head the case keeps, its count and current state."""

    id: int
    label: str
    head: str
    count: int
    state: str
    initial_state: str
    # The case's decision columns (audit.chain.DECISION_FIELDS); None skips the comparison.
    decision: dict | None = None


EMPTY_DECISION = {
    "decision_justification": "",
    "deliberation_number": "",
    "votes_for": None,
    "votes_against": None,
    "votes_abstain": None,
    "decision_reason_code": "",
}


def _replay_legacy(decision: dict, entry: TransitionEntry) -> dict:
    """What an entry written before entries recorded the decision fields did to them, rebuilt
    from its justification and payload (the rules cases.services applied then)."""
    payload = entry.payload or {}
    values = {**(payload.get("private") or {}), **(payload.get("public") or {})}
    name = entry.transition
    if name in ("adopt", "reject", "declare_inadmissible"):
        decision = dict(decision, decision_justification=entry.justification)
        reason = values.get("reason_code") or ""
        reason = ",".join(reason) if isinstance(reason, list) else reason
        decision["decision_reason_code"] = reason or ("other" if name == "reject" else "")
        if name != "declare_inadmissible":
            decision["deliberation_number"] = values.get("deliberation_number", "")
            for field in ("votes_for", "votes_against", "votes_abstain"):
                decision[field] = values.get(field)
    elif name == "abandon":
        decision = dict(decision, decision_justification=entry.justification)
    elif name == "case_correct":
        changes = values.get("changes") or {}
        decision = dict(decision)
        for field, change in changes.items():
            if field in decision and isinstance(change, list) and len(change) == 2:
                decision[field] = change[1]
    return decision


def verify_chain(subject: Subject, entries: Iterable[TransitionEntry]) -> Problem | None:
    prev = GENESIS
    expected_seq = 1
    last_state = subject.initial_state
    n = 0
    decision = dict(EMPTY_DECISION)
    for entry in entries:
        n += 1
        if entry.seq != expected_seq:
            return Problem(
                subject.label,
                entry.pk,
                entry.seq,
                f"out of order or missing entry (expected #{expected_seq})",
            )
        if entry.prev_hash != prev:
            return Problem(subject.label, entry.pk, entry.seq, "previous-hash link broken")
        if entry.from_state != last_state:
            return Problem(
                subject.label,
                entry.pk,
                entry.seq,
                f"starts from {entry.from_state}, chain was in {last_state}",
            )
        computed = entry_hash(entry, prev)
        if computed != entry.hash:
            return Problem(subject.label, entry.pk, entry.seq, "content does not match its hash (edited)")
        decision = dict(entry.decision) if entry.decision is not None else _replay_legacy(decision, entry)
        prev = entry.hash
        last_state = entry.to_state
        expected_seq += 1
    if n < subject.count:
        return Problem(
            subject.label,
            None,
            n + 1,
            f"entry #{n + 1} missing: {n} entries found, the case records {subject.count}",
        )
    if n != subject.count:
        return Problem(subject.label, None, None, f"{n} entries found, the case records {subject.count}")
    if prev != subject.head:
        return Problem(subject.label, None, None, "last entry does not match the recorded chain head")
    if last_state != subject.state:
        return Problem(
            subject.label, None, None, f"case is {subject.state} but its chain ends in {last_state}"
        )
    if subject.decision is not None:
        differ = [f for f in DECISION_FIELDS if subject.decision.get(f) != decision.get(f)]
        if differ:
            return Problem(
                subject.label,
                None,
                None,
                f"{', '.join(differ)} differ(s) from what the chain recorded",
                where="decision",
            )
    return None


def verify_all(subjects: Iterable[Subject], batch: int = 500) -> Iterator[Problem]:
    """Yield the first problem of each broken chain, reading entries in batches of cases."""
    chunk: list[Subject] = []
    for subject in subjects:
        chunk.append(subject)
        if len(chunk) >= batch:
            yield from _verify_chunk(chunk)
            chunk = []
    if chunk:
        yield from _verify_chunk(chunk)


def _verify_chunk(chunk: list[Subject]) -> Iterator[Problem]:
    by_case: dict[int, list[TransitionEntry]] = {s.id: [] for s in chunk}
    entries = TransitionEntry.objects.filter(case_id__in=by_case).order_by("case_id", "seq", "id")
    for entry in entries.iterator(chunk_size=2000):
        by_case[entry.case_id].append(entry)
    for subject in chunk:
        problem = verify_chain(subject, by_case[subject.id])
        if problem:
            yield problem

"""`manage.py verify_audit` (docs/domain.md §5) against every kind of tampering, done in raw SQL.

The ORM refuses to change or remove an audit entry, so an attacker (or a careless DBA) would go
around it; that is what these tests do, through `connection.cursor()`.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.chain import canonical, link_hash
from audit.db import append_only_bypass
from audit.models import TransitionEntry
from cases.models import Case


def verify() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails() -> tuple[str, str]:
    """The CommandError message and what the command wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    return str(excinfo.value), err.getvalue()


def sql(statement: str, params=()) -> None:
    """Tamper as the database's owner would: past the append-only triggers (on PostgreSQL)."""
    with append_only_bypass(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def with_json(statement: str) -> str:
    """`:json` marks the parameter bound to the JSON column: PostgreSQL wants it cast to jsonb."""
    return statement.replace(":json", "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s")


def entries(case: Case) -> list[TransitionEntry]:
    return list(TransitionEntry.objects.filter(case_id=case.pk).order_by("seq"))


def names(message: str, case: Case, entry: TransitionEntry) -> bool:
    return case.reference in message and f"id={entry.pk}" in message and f"#{entry.seq}" in message


@pytest.fixture
def cases(world):
    """A few cases in various states, each with a valid chain."""
    return {
        "implemented": world.case_in("implemented", "proposal"),
        "rejected": world.case_in("rejected", "petition"),
        "on_agenda": world.case_in("on_agenda", "advisory_opinion"),
        "withdrawn": world.case_in("withdrawn", "children_recommendation"),
        "draft": world.case_in("draft", "petition"),
    }


def test_intact_chains_pass(cases):
    out, err = verify()
    assert "intact" in out and f"{Case.objects.count()} case(s)" in out
    assert err == ""


def test_an_empty_database_passes(db):
    out, _err = verify()
    assert "0 case(s)" in out


def test_edited_justification(cases):
    case = cases["implemented"]
    adopt = next(e for e in entries(case) if e.transition == "adopt")
    sql(
        "UPDATE audit_transitionentry SET justification = %s WHERE id = %s",
        [adopt.justification + " (edited later)", adopt.pk],
    )
    message, err = verify_fails()
    assert names(message, case, adopt) and "edited" in message
    assert case.reference in err


def test_edited_payload(cases):
    case = cases["implemented"]
    refer = next(e for e in entries(case) if e.transition == "refer_to_committee")
    payload = dict(refer.payload)
    payload["public"] = {
        **payload["public"],
        "committee": {"id": 999, "name_ar": "لجنة أخرى", "name_fr": "Autre"},
    }
    sql(
        with_json("UPDATE audit_transitionentry SET payload = :json WHERE id = %s"),
        [json.dumps(payload, ensure_ascii=False), refer.pk],
    )
    message, _err = verify_fails()
    assert names(message, case, refer) and "edited" in message


def test_deleted_middle_entry(cases):
    case = cases["implemented"]
    chain = entries(case)
    sql("DELETE FROM audit_transitionentry WHERE id = %s", [chain[2].pk])
    message, _err = verify_fails()
    # The first broken entry is the one after the gap.
    assert names(message, case, chain[3]) and "missing" in message


def test_deleted_last_entry(cases):
    """A truncated chain is still a valid chain: only the head the case keeps reveals it."""
    case = cases["rejected"]
    chain = entries(case)
    sql("DELETE FROM audit_transitionentry WHERE id = %s", [chain[-1].pk])
    message, _err = verify_fails()
    assert case.reference in message
    assert f"{len(chain) - 1} entries found, the case records {len(chain)}" in message


def test_two_entries_swapped_by_seq(cases):
    case = cases["implemented"]
    chain = entries(case)
    second, third = chain[1], chain[2]
    # Through a free position: the (case, seq) pair is unique at every statement on PostgreSQL.
    sql("UPDATE audit_transitionentry SET seq = %s WHERE id = %s", [100_000, second.pk])
    sql("UPDATE audit_transitionentry SET seq = %s WHERE id = %s", [second.seq, third.pk])
    sql("UPDATE audit_transitionentry SET seq = %s WHERE id = %s", [third.seq, second.pk])
    message, _err = verify_fails()
    assert case.reference in message and f"id={third.pk}" in message and f"#{second.seq}" in message


def test_two_entries_swapped_by_content(cases):
    case = cases["implemented"]
    chain = entries(case)
    a, b = chain[3], chain[4]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, transition, from_state, to_state, justification, payload FROM audit_transitionentry "
            "WHERE id IN (%s, %s)",
            [a.pk, b.pk],
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    for target, source in ((a.pk, b.pk), (b.pk, a.pk)):
        transition, from_state, to_state, justification, payload = rows[source]
        if not isinstance(payload, str):
            payload = json.dumps(payload, ensure_ascii=False)
        sql(
            with_json(
                "UPDATE audit_transitionentry SET transition = %s, from_state = %s, to_state = %s, "
                "justification = %s, payload = :json WHERE id = %s"
            ),
            [transition, from_state, to_state, justification, payload, target],
        )
    message, _err = verify_fails()
    assert names(message, case, a)


def test_case_state_changed_behind_the_chain(cases):
    case = cases["on_agenda"]
    sql("UPDATE cases_case SET state = %s WHERE id = %s", ["adopted", case.pk])
    message, _err = verify_fails()
    assert case.reference in message and "adopted" in message and "on_agenda" in message


def _forge(case: Case, *, valid_hash: bool) -> tuple[int, str]:
    """Append a forged `adopt` after the case's head; returns the new row's seq and hash."""
    case.refresh_from_db()
    seq = case.audit_count + 1
    at = datetime.datetime.now(datetime.UTC)
    payload = {"public": {"deliberation_number": "99/2026"}, "private": {}}
    document = canonical(
        case_id=case.pk,
        seq=seq,
        transition="adopt",
        from_state=case.state,
        to_state="adopted",
        actor_id=None,
        role="secretariat",
        created_at=at,
        justification="قرار مزور لم يتخذه المجلس أبدا في أي دورة من دوراته",
        payload=payload,
    )
    digest = link_hash(case.audit_head, document) if valid_hash else "f" * 64
    sql(
        with_json(
            "INSERT INTO audit_transitionentry (case_id, seq, transition, from_state, to_state, actor_id, "
            "role, "
            "created_at, justification, payload, prev_hash, hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, :json, %s, %s)"
        ),
        [
            case.pk,
            seq,
            "adopt",
            case.state,
            "adopted",
            None,
            "secretariat",
            connection.ops.adapt_datetimefield_value(at),
            "قرار مزور لم يتخذه المجلس أبدا في أي دورة من دوراته",
            json.dumps(payload, ensure_ascii=False),
            case.audit_head,
            digest,
        ],
    )
    return seq, digest


def test_forged_entry_appended(cases):
    """Even with a correctly linked hash, the case's count and head give the forgery away."""
    case = cases["on_agenda"]
    _forge(case, valid_hash=True)
    message, _err = verify_fails()
    assert case.reference in message and "entries found" in message


def test_forged_entry_with_head_rewritten(cases):
    """A forger who also rewrites the case's head and count is caught by the state."""
    case = cases["on_agenda"]
    seq, digest = _forge(case, valid_hash=True)
    sql("UPDATE cases_case SET audit_count = %s, audit_head = %s WHERE id = %s", [seq, digest, case.pk])
    message, _err = verify_fails()
    assert case.reference in message and "on_agenda" in message and "adopted" in message


def test_forged_entry_with_a_made_up_hash(cases):
    case = cases["on_agenda"]
    seq, digest = _forge(case, valid_hash=False)
    sql(
        "UPDATE cases_case SET audit_count = %s, audit_head = %s, state = %s WHERE id = %s",
        [seq, digest, "adopted", case.pk],
    )
    forged = TransitionEntry.objects.get(case_id=case.pk, seq=seq)
    message, _err = verify_fails()
    assert names(message, case, forged) and "edited" in message


def test_only_the_broken_case_is_reported(cases):
    case = cases["rejected"]
    first = entries(case)[0]
    sql("UPDATE audit_transitionentry SET role = %s WHERE id = %s", ["president", first.pk])
    message, err = verify_fails()
    assert names(message, case, first) and "1 case(s) affected" in message
    assert [line for line in err.splitlines() if line.strip()] == [err.strip()]
    for other in ("implemented", "on_agenda", "withdrawn", "draft"):
        assert cases[other].reference not in err

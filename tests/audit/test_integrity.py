"""Audit integrity that survives a database writer (README: audit integrity): signed, chained
daily digests with anchors, decision fields carried by the chain, and publication without beat.

Tampering goes past the ORM and the PostgreSQL triggers, as the database's owner could."""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit import digest as digests
from audit import signing
from audit.chain import decision_of, entry_hash
from audit.db import append_only_bypass
from audit.models import AuditAnchor, AuditDigest, AuditSigningKey, TransitionEntry
from cases import services
from cases.models import Case

JUSTIFICATION = "تصحيح خطأ مادي في رقم المداولة كما ورد في محضر الدورة"
KEY_B = base64.b64encode(b"second-audit-key-for-rotation!!!").decode()


def sql(statement: str, params=()) -> None:
    with append_only_bypass(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify_fails() -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    return str(excinfo.value), err.getvalue()


def verify_passes() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rewrite_chain(case: Case, change) -> None:
    """A full rewrite: `change(entry)` edits the entries in memory, then every hash of the chain
    and the head stored on the case are recomputed and written back, so the chain is consistent."""
    chain = list(TransitionEntry.objects.filter(case_id=case.pk).order_by("seq"))
    prev = ""
    with append_only_bypass(), connection.cursor() as cursor:
        for entry in chain:
            change(entry)
            entry.prev_hash = prev
            # A placeholder first: hashes are unique and the new one may not be free yet.
            cursor.execute(
                "UPDATE audit_transitionentry SET hash = %s WHERE id = %s", [f"tmp{entry.pk}", entry.pk]
            )
            entry.hash = entry_hash(entry, prev)
            prev = entry.hash
        for entry in chain:
            cursor.execute(
                "UPDATE audit_transitionentry SET role = %s, justification = %s, decision = %s, prev_hash = "
                "%s, "
                "hash = %s WHERE id = %s",
                [
                    entry.role,
                    entry.justification,
                    None if entry.decision is None else _json(entry.decision),
                    entry.prev_hash,
                    entry.hash,
                    entry.pk,
                ],
            )
        cursor.execute("UPDATE cases_case SET audit_head = %s WHERE id = %s", [prev, case.pk])


def _json(value):
    import json

    text = json.dumps(value, ensure_ascii=False)
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return text


@pytest.fixture
def adopted(world):
    return world.case_in("adopted", "proposal")


@pytest.fixture
def published(adopted, world):
    """Two other cases and today's digest covering all three chains."""
    world.case_in("in_committee", "petition")
    world.case_in("rejected", "proposal")
    return digests.audit_digest_record(day=timezone.localdate())


# Decision fields ----------------------------------------------------------------------------------


def test_the_decision_transition_records_the_decision_fields(adopted):
    adopt = TransitionEntry.objects.get(case=adopted, transition="adopt")
    assert adopt.decision == decision_of(adopted)
    assert adopt.decision["decision_justification"] and adopt.decision["votes_for"] is not None
    # Transitions that leave the decision alone record nothing.
    assert TransitionEntry.objects.get(case=adopted, transition="submit").decision is None


def test_a_correction_records_the_corrected_fields(adopted, world):
    services.case_correct(
        actor=world["president"],
        case=adopted.reference,
        changes={"votes_for": 18},
        justification=JUSTIFICATION,
    )
    adopted.refresh_from_db()
    entry = TransitionEntry.objects.filter(case=adopted).last()
    assert entry.decision["votes_for"] == 18 == adopted.votes_for
    assert "intact" in verify_passes()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("decision_justification", "قرار معدل في قاعدة البيانات دون أي أثر في السجل"),
        ("deliberation_number", "99/2099"),
        ("votes_for", 0),
        ("decision_reason_code", "budget"),
    ],
)
def test_an_edit_of_a_decision_column_alone_is_caught(adopted, column, value):
    sql(f"UPDATE cases_case SET {column} = %s WHERE id = %s", [value, adopted.pk])  # noqa: S608 (column from the parametrize list)
    message, err = verify_fails()
    assert adopted.reference in message and column in message
    assert adopted.reference in err


def test_a_decision_written_on_an_undecided_case_is_caught(world):
    case = world.case_in("on_agenda", "proposal")
    sql("UPDATE cases_case SET decision_justification = %s WHERE id = %s", ["قرار لم يتخذ", case.pk])
    message, _err = verify_fails()
    assert case.reference in message and "decision_justification" in message


def test_chains_written_before_entries_recorded_the_decision_still_verify(adopted, world):
    # As if written by the previous version: no decision snapshot in any entry, hashes consistent.
    services.case_correct(
        actor=world["president"],
        case=adopted.reference,
        changes={"deliberation_number": "18/2027"},
        justification=JUSTIFICATION,
    )

    def forget(entry):
        entry.decision = None

    rewrite_chain(adopted, forget)
    assert not TransitionEntry.objects.filter(case=adopted, decision__isnull=False).exists()
    assert "intact" in verify_passes()
    sql("UPDATE cases_case SET deliberation_number = %s WHERE id = %s", ["17/2027", adopted.pk])
    message, _err = verify_fails()
    assert adopted.reference in message and "deliberation_number" in message


# Digests ---------------------------------------------------------------------------------------------


def test_a_published_digest_is_signed_chained_and_verifies(published):
    assert published.signature and published.key_id == signing.current_key().key_id
    assert published.prev_hash == ""
    assert AuditAnchor.objects.filter(day=published.day).count() == 3
    assert AuditSigningKey.objects.filter(key_id=published.key_id).exists()
    assert signing.verify(signing.current_key().public_key, digests.message(published), published.signature)
    assert "1 published digest(s)" in verify_passes()


def test_a_full_rewrite_of_one_chain_is_caught_by_the_digest(published, adopted):
    def rewrite(entry):
        if entry.transition == "refer_to_committee":
            entry.justification = "إحالة أعيدت كتابتها بعد النشر"

    rewrite_chain(adopted, rewrite)
    message, err = verify_fails()
    assert adopted.reference in message and "rewritten" in message
    assert f"digest of {published.day}" in err


def test_without_a_digest_a_full_rewrite_goes_unnoticed(adopted):
    """Why digests exist: a consistent rewrite passes every check made inside the database."""

    def rewrite(entry):
        if entry.transition == "refer_to_committee":
            entry.role = "president"

    rewrite_chain(adopted, rewrite)
    assert "intact" in verify_passes()


def test_a_tampered_signature_is_caught(published):
    forged = base64.b64encode(b"\0" * 64).decode()
    sql("UPDATE audit_auditdigest SET signature = %s WHERE id = %s", [forged, published.pk])
    message, _err = verify_fails()
    assert str(published.day) in message and "signature" in message


@pytest.mark.parametrize(
    ("column", "value"),
    [("digest", "0" * 64), ("chains", 99), ("prev_hash", "a" * 64), ("anchors", "b" * 64)],
)
def test_an_altered_digest_row_is_caught(published, column, value):
    sql(f"UPDATE audit_auditdigest SET {column} = %s WHERE id = %s", [value, published.pk])  # noqa: S608 (column from the parametrize list)
    message, _err = verify_fails()
    assert str(published.day) in message


def test_altered_anchors_are_caught(published, adopted):
    sql("UPDATE audit_auditanchor SET hash = %s WHERE case_id = %s", ["c" * 64, adopted.pk])
    message, err = verify_fails()
    assert "anchors were altered" in err and adopted.reference in err


def test_a_removed_digest_breaks_the_chain_of_digests(adopted):
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in (2, 1, 0)]
    for day in days:
        digests.audit_digest_record(day=day)
    records = list(AuditDigest.objects.order_by("day"))
    assert records[1].prev_hash == digests.digest_hash(records[0])
    assert "3 published digest(s)" in verify_passes()
    sql("DELETE FROM audit_auditdigest WHERE day = %s", [days[1]])
    message, _err = verify_fails()
    assert str(days[2]) in message and "does not follow" in message


def test_digests_published_before_signing_still_verify(adopted):
    today = timezone.localdate()
    for back in (3, 2):
        day = today - datetime.timedelta(days=back)
        value, chains, entries = digests.compute(day)
        AuditDigest.objects.create(day=day, digest=value, chains=chains, entries=entries)
    signed = digests.audit_digest_record(day=today)
    assert signed.prev_hash == digests.digest_hash(
        AuditDigest.objects.get(day=today - datetime.timedelta(days=2))
    )
    assert "3 published digest(s)" in verify_passes()
    sql("UPDATE audit_auditdigest SET signature = '' WHERE id = %s", [signed.pk])
    message, _err = verify_fails()
    assert str(today) in message and "signature was removed" in message


def test_a_day_before_the_last_digest_is_refused(adopted):
    today = timezone.localdate()
    digests.audit_digest_record(day=today)
    with pytest.raises(digests.DigestOutOfOrder):
        digests.audit_digest_record(day=today - datetime.timedelta(days=3))


def test_key_rotation_keeps_old_digests_verifiable(adopted, world, settings):
    today = timezone.localdate()
    old_key = signing.current_key()
    first = digests.audit_digest_record(day=today - datetime.timedelta(days=1))
    settings.MITHAQ_AUDIT_SIGNING_KEY = KEY_B
    settings.MITHAQ_AUDIT_PREVIOUS_PUBLIC_KEYS = [old_key.public_key]
    second = digests.audit_digest_record(day=today)
    assert second.key_id != first.key_id == old_key.key_id
    assert "2 published digest(s)" in verify_passes()
    listed = {k.key_id: k.current for k in digests.public_keys()}
    assert listed == {first.key_id: False, second.key_id: True}
    # Forgetting the retired key makes its digests unverifiable: they are reported.
    settings.MITHAQ_AUDIT_PREVIOUS_PUBLIC_KEYS = []
    message, _err = verify_fails()
    assert str(first.day) in message and "not a trusted key" in message


def test_a_digest_signed_by_a_foreign_key_is_caught(adopted, settings):
    settings.MITHAQ_AUDIT_SIGNING_KEY = KEY_B
    record = digests.audit_digest_record(day=timezone.localdate())
    settings.MITHAQ_AUDIT_SIGNING_KEY = settings.DEV_AUDIT_SIGNING_KEY
    message, _err = verify_fails()
    assert str(record.day) in message and record.key_id in message


def test_racing_publications_keep_one_digest(adopted):
    day = timezone.localdate()
    assert digests.audit_digest_record(day=day).pk == digests.audit_digest_record(day=day).pk
    assert AuditDigest.objects.count() == 1


# Publication without Celery beat ------------------------------------------------------------------


@pytest.fixture
def auto(settings):
    settings.MITHAQ_AUDIT_AUTO_PUBLISH = True
    digests.reset_memo()
    cache.clear()
    yield
    digests.reset_memo()
    cache.clear()


def test_the_first_request_of_the_day_publishes_yesterday(adopted, auto, client, django_assert_num_queries):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.get(reverse("audit:digests"))
    assert AuditDigest.objects.filter(day=yesterday).count() == 1
    # Afterwards the check costs no query at all.
    with django_assert_num_queries(0):
        assert digests.publish_due() is None


def test_nothing_is_published_just_after_midnight(adopted, auto):
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    assert digests.publish_due(now=midnight + datetime.timedelta(minutes=2)) is None
    assert not AuditDigest.objects.exists()
    assert digests.publish_due(now=midnight + datetime.timedelta(minutes=30)) is not None


def test_a_failed_publication_does_not_break_the_page(adopted, auto, client, settings):
    settings.MITHAQ_AUDIT_SIGNING_KEY = ""
    # The public register, the page a citizen opens first (it was looked up as "cases:register",
    # which does not exist, so the test silently fell back to "/").
    assert client.get(reverse("public:register")).status_code == 200
    assert not AuditDigest.objects.exists()


def test_recent_digests_are_published_in_order(adopted):
    published = digests.publish_recent(days=3)
    assert [d.day for d in published] == sorted(d.day for d in published)
    assert len(published) == 3 and digests.publish_recent(days=3) == []
    assert "3 published digest(s)" in verify_passes()


# Public page and API --------------------------------------------------------------------------


def test_the_public_page_explains_without_shell_commands(published, client):
    body = client.get(reverse("audit:digests")).content.decode()
    assert published.digest in body and published.key_id in body
    assert signing.current_key().public_key in body
    assert "manage.py" not in body and "audit_digest" not in body
    assert reverse("audit-digests") in body


def test_the_api_lists_signed_digests_and_keys(published, client):
    data = client.get(reverse("audit-digests")).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["digest"] == published.digest and row["key_id"] == published.key_id
    key = next(k for k in data["public_keys"] if k["key_id"] == row["key_id"])
    # Anyone can check the signature with nothing but the published fields.
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    public.verify(base64.b64decode(row["signature"]), row["signed_message"].encode("utf-8"))
    assert row["hash"] == digests.digest_hash(published)


def test_the_api_answers_an_unknown_page_with_the_error_shape(published, client):
    response = client.get(reverse("audit-digests"), {"page": 99})
    assert response.status_code == 404
    assert set(response.json()) >= {"error", "detail"}


def test_a_generated_key_signs_and_names_itself(settings):
    out = io.StringIO()
    call_command("audit_signing_key", stdout=out, stderr=io.StringIO())
    line = next(x for x in out.getvalue().splitlines() if x.startswith("MITHAQ_AUDIT_SIGNING_KEY="))
    settings.MITHAQ_AUDIT_SIGNING_KEY = line.split("=", 1)[1]
    key_id, signature = signing.sign(b"message")
    assert key_id == signing.current_key().key_id and len(key_id) == 16
    assert key_id != signing.parse_public_key(base64.b64encode(b"\1" * 32).decode()).key_id
    assert signing.verify(signing.current_key().public_key, b"message", signature)
    assert not signing.verify(signing.current_key().public_key, b"other", signature)


def test_production_refuses_a_missing_or_development_key(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org")
    monkeypatch.setenv("MITHAQ_PERSONAL_DATA_KEY", "k")
    for value in ("", "bWl0aGFxLWRldi1hdWRpdC1rZXktTk9ULVNFQ1JFVCE="):
        monkeypatch.setenv("MITHAQ_AUDIT_SIGNING_KEY", value)
        sys.modules.pop("config.settings.production", None)
        with pytest.raises(ImproperlyConfigured, match="MITHAQ_AUDIT_SIGNING_KEY"):
            importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)

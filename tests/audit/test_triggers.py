"""PostgreSQL refuses to change or remove audit rows whoever asks (README: audit integrity)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.db import append_only_bypass
from audit.digest import audit_digest_record
from audit.models import AuditDigest, TransitionEntry

pytestmark = pytest.mark.postgres

REFUSED = "audit records are append-only"


@pytest.fixture
def case(world):
    return world.case_in("adopted", "proposal")


def refused(statement: str, params) -> str:
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(excinfo.value)


def test_raw_update_of_an_entry_is_refused(case):
    entry = TransitionEntry.objects.filter(case=case).first()
    message = refused(
        "UPDATE audit_transitionentry SET justification = %s WHERE id = %s", ["rewritten", entry.pk]
    )
    assert REFUSED in message and "UPDATE" in message
    assert TransitionEntry.objects.get(pk=entry.pk).justification == entry.justification


def test_raw_delete_of_an_entry_is_refused(case):
    entry = TransitionEntry.objects.filter(case=case).last()
    message = refused("DELETE FROM audit_transitionentry WHERE id = %s", [entry.pk])
    assert REFUSED in message and "DELETE" in message
    assert TransitionEntry.objects.filter(pk=entry.pk).exists()


def test_the_base_manager_cannot_update_or_delete(case):
    entries = TransitionEntry._base_manager.filter(case=case)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        entries.update(justification="rewritten")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        entries.all()._raw_delete(entries.db)
    assert TransitionEntry.objects.filter(case=case).count() == case.audit_count


def test_digest_rows_cannot_be_changed_or_removed(case):
    record = audit_digest_record(day=timezone.localdate())
    assert REFUSED in refused("UPDATE audit_auditdigest SET digest = %s WHERE id = %s", ["0" * 64, record.pk])
    assert REFUSED in refused("DELETE FROM audit_auditdigest WHERE id = %s", [record.pk])
    assert REFUSED in refused("UPDATE audit_auditanchor SET hash = %s", ["0" * 64])
    assert REFUSED in refused("DELETE FROM audit_auditsigningkey", [])
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditDigest._base_manager.filter(pk=record.pk).update(chains=0)
    assert AuditDigest.objects.get(pk=record.pk).digest == record.digest


def test_the_documented_bypass_passes_and_ends_with_its_block(case):
    entry = TransitionEntry.objects.filter(case=case).first()
    with transaction.atomic():
        with append_only_bypass(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_transitionentry SET role = %s WHERE id = %s", ["rewritten", entry.pk]
            )
        assert TransitionEntry.objects.get(pk=entry.pk).role == "rewritten"
        # Still inside the same transaction: the bypass is over.
        assert REFUSED in refused(
            "UPDATE audit_transitionentry SET role = %s WHERE id = %s", ["again", entry.pk]
        )

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.db import append_only_bypass
from audit.digest import audit_digest_record, audit_digest_verify, compute
from audit.models import AuditDigest


def test_digest_is_published_and_detects_a_rewrite(world, client):
    case = world.case_in("in_committee")
    today = timezone.localdate()
    record = audit_digest_record(day=today)
    assert record.chains == 1 and record.entries == case.audit_count
    assert audit_digest_record(day=today).pk == record.pk  # published once, never rewritten
    assert audit_digest_verify(today) is True
    call_command("audit_digest", "--verify", today.isoformat())
    page = client.get(reverse("audit:digests"))
    assert page.status_code == 200 and record.digest in page.content.decode()
    with append_only_bypass(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_transitionentry SET hash = %s WHERE case_id = %s AND seq = %s",
            ["f" * 64, case.pk, case.audit_count],
        )
    assert audit_digest_verify(today) is False
    with pytest.raises(CommandError, match="rewritten"):
        call_command("audit_digest", "--verify", today.isoformat())


def test_a_past_day_ignores_later_entries(world):
    world.case_in("submitted")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    digest, chains, entries = compute(yesterday)
    assert chains == 0 and entries == 0
    call_command("audit_digest")  # yesterday by default
    assert AuditDigest.objects.get(day=yesterday).chains == 0

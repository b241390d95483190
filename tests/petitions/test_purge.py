"""Law 09-08 (docs/domain.md §12): a configurable time after the petition closes, the signatories' personal
data and the scanned lists go; the count of signatures stays and the audit chain still verifies."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from cases import selectors as case_selectors
from cases import services
from cases.models import Case, CaseAttachment
from core import roles
from petitions import signatures
from petitions.models import Signature
from tests.factories import JUSTIFICATION
from tests.petitions.conftest import upload


@pytest.fixture
def closed(world):
    world.collectivity.personal_data_retention_days = 0
    world.collectivity.save()
    case = world.new_case("petition")
    world.sign(case, 120)
    services.case_attachment_add(
        actor=world[roles.CITIZEN], case=case, purpose="signed_lists", file=upload("lists.pdf")
    )
    services.case_attachment_add(
        actor=world[roles.CITIZEN], case=case, purpose="cnie_copies", file=upload("cnie.pdf")
    )
    services.case_attachment_add(
        actor=world[roles.CITIZEN], case=case, purpose="submission", file=upload("letter.pdf")
    )
    services.case_transition(actor=world[roles.CITIZEN], case=case, name="submit")
    ids = list(Signature.objects.filter(case=case).values_list("id", flat=True)[:4])
    signatures.signatures_invalidate(
        actor=world[roles.BUREAU], case=case, signature_ids=ids, reason="Not residents of the commune."
    )
    return services.case_transition(
        actor=world[roles.BUREAU],
        case=case.reference,
        name="declare_inadmissible",
        data={"reason_code": ["competence"], "justification": JUSTIFICATION},
    )


def test_purge_removes_signatures_and_scans_and_keeps_the_count(world, closed, api_client):
    assert closed.closed_at is not None
    assert case_selectors.case_signature_count(closed) == 116
    dry = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=dry)
    assert f"{closed.reference}: would remove 120" in dry.getvalue()
    assert Signature.objects.filter(case=closed).count() == 120

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert f"{closed.reference}: removed 120" in out.getvalue()
    case = Case.objects.get(pk=closed.pk)
    assert case.personal_data_purged_at is not None
    assert case.purged_signature_count == 116
    assert not Signature.objects.filter(case=case).exists()
    # History rows never held the personal fields (excluded from Signature's history).
    assert not Signature.history.filter(case_id=case.pk).exclude(history_type="-").exists()
    assert list(CaseAttachment.objects.filter(case=case).values_list("purpose", flat=True)) == ["submission"]
    # The count stays, everywhere it is shown.
    assert case_selectors.case_signature_count(case) == 116
    assert api_client.get(f"/api/v1/cases/{case.reference}/").json()["signature_count"] == 116
    entry = case.audit_entries.order_by("-seq").first()
    assert entry.transition == "personal_data_purged"
    assert entry.payload["public"] == {"signatures_removed": 120, "valid_kept_as_count": 116}
    call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    # A second run has nothing left to do.
    again = io.StringIO()
    call_command("purge_personal_data", stdout=again)
    assert closed.reference not in again.getvalue()


def test_nothing_is_purged_before_the_retention_period(world, closed):
    world.collectivity.personal_data_retention_days = 30
    world.collectivity.save()
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "0 petition(s)" in out.getvalue()
    assert Signature.objects.filter(case=closed).count() == 120


def test_open_petitions_are_never_purged(world):
    world.collectivity.personal_data_retention_days = 0
    world.collectivity.save()
    case = world.case_in("in_committee", "petition")
    call_command("purge_personal_data", stdout=io.StringIO())
    assert Signature.objects.filter(case=case).count() == 100


def test_the_bureau_page_after_the_purge(client, world, closed):
    call_command("purge_personal_data", stdout=io.StringIO())
    client.force_login(world[roles.BUREAU])
    response = client.get(f"/staff/cases/{closed.reference}/signatures/")
    assert response.status_code == 200
    assert response.context["purged"] is True and response.context["signature_count"] == 116


def test_purge_leaves_no_history_of_the_signatures_nor_of_the_scans(world, closed):
    call_command("purge_personal_data", stdout=io.StringIO())
    assert not Signature.history.filter(case_id=closed.pk).exists()
    assert not CaseAttachment.history.filter(
        case_id=closed.pk, purpose__in=["signed_lists", "cnie_copies"]
    ).exists()

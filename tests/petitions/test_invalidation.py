"""Bulk invalidation by the bureau (docs/domain.md §3.3): with a reason, audited, lowering the count;
nobody else may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import TransitionEntry
from cases import selectors as case_selectors
from core import roles
from core.errors import GuardFailed, TransitionNotAllowed
from petitions import signatures
from petitions.models import Signature

REASON = "Same handwriting on these lines of the paper list."


@pytest.fixture
def filed(world):
    return world.case_in("under_review", "petition")


def _ids(case, n):
    return list(Signature.objects.filter(case=case).order_by("id").values_list("id", flat=True)[:n])


def test_the_bureau_invalidates_in_bulk_with_a_reason(client, world, filed):
    client.force_login(world[roles.BUREAU])
    ids = _ids(filed, 3)
    entries = TransitionEntry.objects.filter(case_id=filed.pk).count()
    response = client.post(
        reverse("staff:signatures_invalidate", args=[filed.reference]), {"signatures": ids, "reason": REASON}
    )
    assert response.status_code == 302
    assert case_selectors.case_signature_count(filed) == 97
    for signature in Signature.objects.filter(pk__in=ids):
        assert not signature.valid
        assert signature.invalidated_reason == REASON
        assert signature.invalidated_by == world[roles.BUREAU]
    entry = TransitionEntry.objects.filter(case_id=filed.pk).order_by("-seq").first()
    assert TransitionEntry.objects.filter(case_id=filed.pk).count() == entries + 1
    assert entry.transition == "signatures_invalidated"
    assert entry.justification == REASON
    assert entry.payload["public"] == {"count": 3}
    assert entry.actor == world[roles.BUREAU]
    # The public count follows; the list shows why.
    assert client.get(f"/api/v1/cases/{filed.reference}/").json()["signature_count"] == 97
    html = client.get(reverse("staff:signatures", args=[filed.reference])).content.decode()
    assert REASON in html
    # Invalidating again the same ones changes nothing.
    assert (
        signatures.signatures_invalidate(
            actor=world[roles.BUREAU], case=filed, signature_ids=ids, reason=REASON
        )
        == 0
    )


def test_a_reason_and_a_choice_are_required(client, world, filed):
    client.force_login(world[roles.BUREAU])
    url = reverse("staff:signatures_invalidate", args=[filed.reference])
    assert client.post(url, {"signatures": _ids(filed, 2), "reason": ""}).status_code == 400
    assert client.post(url, {"signatures": [], "reason": REASON}).status_code == 400
    assert case_selectors.case_signature_count(filed) == 100
    with pytest.raises(GuardFailed):
        signatures.signatures_invalidate(
            actor=world[roles.BUREAU], case=filed, signature_ids=_ids(filed, 1), reason="no"
        )


def test_signatures_of_another_petition_are_untouched(world, filed):
    other = world.case_in("submitted", "petition")
    count = signatures.signatures_invalidate(
        actor=world[roles.BUREAU], case=filed, signature_ids=_ids(other, 2), reason=REASON
    )
    assert count == 0 and case_selectors.case_signature_count(other) == 100


@pytest.mark.parametrize(
    "role", [roles.CITIZEN, roles.INTAKE, roles.COMMITTEE, roles.SECRETARIAT, roles.PRESIDENT, roles.FOLLOWUP]
)
def test_others_are_refused(client, world, filed, role):
    client.force_login(world[role])
    response = client.post(
        reverse("staff:signatures_invalidate", args=[filed.reference]),
        {"signatures": _ids(filed, 2), "reason": REASON},
    )
    assert response.status_code == 403
    with pytest.raises(TransitionNotAllowed):
        signatures.signatures_invalidate(
            actor=world[role], case=filed, signature_ids=_ids(filed, 2), reason=REASON
        )
    assert case_selectors.case_signature_count(filed) == 100

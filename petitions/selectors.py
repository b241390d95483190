"""Reads about petitions: signature counts and the petitions open for signing."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases import states as S
from cases.models import Case
from petitions.models import Signature


def petition_signature_counts(cases) -> dict[int, int]:
    """Valid signatures of several petitions in one query (a list page's rows), by case id;
    purged petitions give the count kept at the purge."""

    petitions = [c for c in cases if c.kind == Case.Kind.PETITION]
    counts = {
        c.pk: (c.purged_signature_count or 0) for c in petitions if c.personal_data_purged_at is not None
    }
    live = [c.pk for c in petitions if c.personal_data_purged_at is None]
    if live:
        rows = (
            Signature.objects.filter(case_id__in=live, valid=True)
            .values("case_id")
            .annotate(n=Count("id"))
            .values_list("case_id", "n")
        )
        counts.update({pk: 0 for pk in live})
        counts.update(dict(rows))
    return counts


def petitions_collecting(*, collectivity=None) -> QuerySet[Case]:
    """Citizens' petitions whose agent opened online signing: public while they collect (title,
    text and count only, never a signatory)."""

    qs = Case.objects.filter(
        kind=Case.Kind.PETITION, state=S.DRAFT, signing_open=True, association__isnull=True
    ).select_related("collectivity")
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return qs.annotate(valid_signatures=Count("signatures", filter=Q(signatures__valid=True))).order_by(
        "-created_at", "-id"
    )


def petition_signed_by(*, case: Case, user) -> bool:
    """Whether this account already signed the petition online (one signature per account)."""
    return Signature.objects.filter(case=case, user=user).exists()


def petition_open_for_signing(*, reference: str) -> Case | None:
    """A draft citizens' petition open for online signatures (anything else is private or filed)."""
    return petitions_collecting().filter(reference=reference).first()

"""Reads of the committees' work on cases (docs/domain.md §3.6): a case's referrals, the opinions
a committee member must file, the opinions still pending on a session's items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases import states as S
from cases.models import Case, CommitteeReferral

# Committees are asked for an opinion while the lead committee studies the case.
ASK_STATES = frozenset({S.IN_COMMITTEE})
# An opinion may still come in after the lead report, until the council decides: the council is
# warned of opinions still pending, never blocked (docs/domain.md §3.6). A step out of these states
# (a decision, a withdrawal) lapses the opinions still asked (services.committees).
FILE_STATES = frozenset({S.IN_COMMITTEE, S.REPORTED, S.ON_AGENDA})


def case_committee_referrals(case: Case) -> list[CommitteeReferral]:
    """Every committee's work on the case, lead first, then in the order they were asked."""
    rows = CommitteeReferral.objects.filter(case=case).select_related(
        "committee", "requested_by", "reported_by"
    )
    return sorted(rows, key=lambda r: (r.role != CommitteeReferral.Role.LEAD, r.requested_at, r.pk))


def case_opinions_given(case: Case) -> list[CommitteeReferral]:
    """The opinions the committees asked have filed: public, like the lead report."""
    return list(
        CommitteeReferral.objects.filter(
            case=case, role=CommitteeReferral.Role.OPINION, reported_at__isnull=False
        )
        .select_related("committee")
        .order_by("reported_at", "id")
    )


def case_opinions_pending(case: Case) -> list[CommitteeReferral]:
    """Opinions asked and not filed, while the council may still hear them."""
    if case.state not in FILE_STATES:
        return []
    return list(
        CommitteeReferral.objects.filter(
            case=case, role=CommitteeReferral.Role.OPINION, reported_at__isnull=True, lapsed_at__isnull=True
        )
        .select_related("committee")
        .order_by("requested_at", "id")
    )


def pending_opinions_for(user) -> QuerySet[CommitteeReferral]:
    """The opinions the user's committees must file (the committee inbox), oldest due first."""
    if not getattr(user, "is_authenticated", False):
        return CommitteeReferral.objects.none()
    qs = CommitteeReferral.objects.filter(
        role=CommitteeReferral.Role.OPINION,
        reported_at__isnull=True,
        lapsed_at__isnull=True,
        case__state__in=list(FILE_STATES),
        committee__in=user.committees.all(),
    )
    qs = qs.filter(user.collectivity_q("case__collectivity_id"))
    return qs.select_related("case", "committee").order_by("due_on", "requested_at", "id")


def opinion_is_overdue(referral: CommitteeReferral, today=None) -> bool:
    today = today or timezone.localdate()
    return referral.pending and referral.due_on is not None and referral.due_on < today


def pending_opinions_by_case(case_ids: Iterable[int]) -> dict[int, list[CommitteeReferral]]:
    """For a session's items: the opinions still pending on each (one query)."""
    out: dict[int, list[CommitteeReferral]] = defaultdict(list)
    rows = (
        CommitteeReferral.objects.filter(
            case_id__in=list(case_ids),
            role=CommitteeReferral.Role.OPINION,
            reported_at__isnull=True,
            lapsed_at__isnull=True,
            case__state__in=list(FILE_STATES),
        )
        .select_related("committee")
        .order_by("requested_at", "id")
    )
    for row in rows:
        out[row.case_id].append(row)
    return dict(out)


def referred_cases_q(user) -> Q:
    """Cases one of the user's committees was asked about, as lead or for an opinion (what a
    committee member sees, cases.selectors.case_list_for_staff)."""
    return Q(pk__in=CommitteeReferral.objects.filter(committee__in=user.committees.all()).values("case_id"))

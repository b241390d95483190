"""Opinions of further committees in the demo (docs/domain.md §3.6): the `committee` user finds one
in its inbox, and one case shows a filed opinion on its public page."""

from __future__ import annotations

import datetime

from django.utils import timezone

from audit.models import TransitionEntry
from cases import services
from cases import states as S
from core import roles

# Demo content, like the texts of demo/data: the commune's staff write in Arabic.
OPINION_TEXT = (
    "ترى اللجنة أن المقترح يدخل في اختصاصات الجماعة، وتوصي بإدراج كلفته في ميزانية السنة المقبلة "
    "بعد دراسة تقنية من المصالح المختصة."
)


def committee_opinions(ctx, plans) -> int:
    """After the histories are played: ask a second committee for its opinion on two cases still with
    their lead committee, and file one of the two. Returns the number of opinions asked."""
    now = timezone.now()
    committees = sorted(ctx.committees.values(), key=lambda c: c.pk)
    if len(committees) < 2:
        return 0
    lowest = committees[0]
    studying = [
        ctx.cases[p.spec.key]
        for p in sorted(plans, key=lambda p: p.spec.key)
        if p.spec.state == S.IN_COMMITTEE
    ]
    asked = 0
    # The `committee` user sits on the lowest-id committee: one opinion waits in its inbox.
    pending = next((c for c in studying if c.committee_id != lowest.pk), None)
    if pending is not None:
        services.case_request_committee_opinion(
            actor=ctx.users["bureau"], case=pending, committee=lowest.pk, at=_after(pending, 1, now)
        )
        asked += 1
    for case in studying:
        if case is pending:
            continue
        other = next(c for c in committees if c.pk != case.committee_id)
        member = other.members.filter(groups__name=roles.COMMITTEE).order_by("id").first()
        if member is None:
            continue
        at = _after(case, 1, now)
        services.case_request_committee_opinion(
            actor=ctx.users["bureau"], case=case, committee=other.pk, at=at
        )
        services.case_file_committee_opinion(
            actor=member,
            case=case,
            committee=other.pk,
            report=OPINION_TEXT,
            at=min(at + datetime.timedelta(days=5), now),
        )
        asked += 1
        break
    return asked


def _after(case, days: int, now: datetime.datetime) -> datetime.datetime:
    """`days` after the case's last audit entry (its chain stays in time order), never in the future."""
    last = (
        TransitionEntry.objects.filter(case_id=case.pk).order_by("-seq").values_list("created_at", flat=True)
    )
    return min((last.first() or case.state_entered_at) + datetime.timedelta(days=days), now)

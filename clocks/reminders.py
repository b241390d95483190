"""Reminders before a deadline and escalations after it (docs/domain.md §6), each sent once per case,
state (stay) and threshold; run daily by `manage.py check_deadlines` and the Celery beat task."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import states as S
from cases.models import Case
from clocks.models import DeadlineNotice
from core import roles
from notifications.services import outbox_enqueue

# Who must act in each state (the reminder goes to them).
ACTING_ROLE = {
    S.SUBMITTED: roles.BUREAU,
    S.UNDER_REVIEW: roles.BUREAU,
    S.AWAITING_INFORMATION: "submitter",
    S.IN_COMMITTEE: roles.COMMITTEE,
    S.REPORTED: roles.SECRETARIAT,
    S.ON_AGENDA: roles.SECRETARIAT,
    S.ADOPTED: roles.SERVICE,
    S.IN_IMPLEMENTATION: roles.SERVICE,
    # A rejected petition whose rejection is not yet notified (OL 113-14 art. 125 §4).
    S.INADMISSIBLE: roles.BUREAU,
}
# Closed states a deadline may still run in: the rejection's notification (notices.rules).
NOTICE_STATES = (S.INADMISSIBLE,)


@dataclass
class Summary:
    reminders: int = 0
    escalations: int = 0

    def __str__(self) -> str:
        return f"{self.reminders} reminder(s), {self.escalations} escalation(s)"


def _thresholds(case: Case, today: datetime.date) -> list[tuple[str, str]]:
    """(threshold, event) pairs due today for this case; earlier missed ones are due too."""
    due = []
    days_left = (case.deadline_on - today).days
    thresholds = sorted(
        b for b in set(case.collectivity.reminder_days_before or []) if isinstance(b, int) and b > 0
    )
    # Only the tightest threshold reached: a case first seen one day before its deadline gets the
    # one-day reminder, not the seven-day one as well.
    tightest = next((b for b in thresholds if 0 <= days_left <= b), None)
    if tightest is not None:
        due.append((f"before:{tightest}", "deadline.reminder"))
    if days_left < 0:
        # First to the committee chair or the head of service (or the bureau), then to the bureau
        # and the follow-up team.
        due.append(("after:0", "deadline.escalation"))
        if -days_left > case.collectivity.second_escalation_days:
            due.append((f"after:{case.collectivity.second_escalation_days}", "deadline.escalation"))
    return due


def check_deadlines(*, now: datetime.datetime | None = None) -> Summary:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    summary = Summary()
    horizon = today + datetime.timedelta(days=31)
    cases = (
        Case.objects.filter(
            state__in=[*S.OPEN_STATES, *NOTICE_STATES], deadline_on__isnull=False, deadline_on__lte=horizon
        )
        .select_related("collectivity")
        .order_by("pk")
    )
    for case in cases.iterator(chunk_size=500):
        for threshold, event in _thresholds(case, today):
            if _send_once(case, threshold, event, now):
                if event == "deadline.reminder":
                    summary.reminders += 1
                else:
                    summary.escalations += 1
    return summary


def _send_once(case: Case, threshold: str, event: str, now: datetime.datetime) -> bool:
    """The unique notice row makes a second run the same day (or a race) send nothing."""
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(
                case=case,
                state=case.state,
                entered_at=case.state_entered_at,
                threshold=threshold,
                deadline_on=case.deadline_on,
                sent_at=now,
            )
            level = 0 if event == "deadline.reminder" else (1 if threshold == "after:0" else 2)
            outbox_enqueue(
                event=event,
                subject_id=case.pk,
                at=now,
                payload={
                    "reference": case.reference,
                    "state": case.state,
                    "deadline": case.deadline_on.isoformat(),
                    "threshold": threshold,
                    "level": level,
                    "acting_role": ACTING_ROLE.get(case.state, ""),
                },
            )
    except IntegrityError:
        return False
    return True

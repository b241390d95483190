"""Reads of notifications and postings: what each reader may see, the notice board."""

from __future__ import annotations

import datetime

from django.utils import timezone

from audit.models import TransitionEntry
from cases import predicates as P
from cases.labels import entry_label
from cases.models import Case
from notices import rules
from notices.models import CaseNotification, DecisionPosting

# Who sees the notifications themselves (recipient role, channel, dates): the case's staff, its
# submitter and the follow-up team. The registered mail number stays with the desk's roles.
may_see_notifications = P.may_see_submitter_identity | P.is_followup
may_see_registered_number = P.is_intake | P.is_bureau_member | P.is_secretariat | P.is_president


def notification_items(*, case: Case, user) -> list[dict]:
    """The case's notifications as the API and the staff page give them; [] for the public."""
    if user is None or not getattr(user, "is_authenticated", False) or not may_see_notifications(user, case):
        return []
    show_number = bool(may_see_registered_number(user, case))
    return [
        notification_item(n, case=case, show_number=show_number)
        for n in CaseNotification.objects.filter(case_id=case.pk).order_by("sent_at", "id")
    ]


def notification_item(n: CaseNotification, *, case: Case, show_number: bool) -> dict:
    return {
        "decision": n.decision,
        "decision_label": entry_label(n.decision, case.kind),
        "decided_at": n.decided_at,
        "recipient_role": n.recipient_role,
        "recipient_role_label": n.get_recipient_role_display(),
        "channel": n.channel,
        "channel_label": n.get_channel_display(),
        "registered_number": n.registered_number if show_number else "",
        "sent_at": n.sent_at,
        "received_at": n.received_at,
        "source": n.source,
    }


def notice_clock_items(case: Case, *, today: datetime.date | None = None) -> list[dict]:
    """For everyone: each notifiable decision, when it was decided and when it was notified (the
    legal clock of art. 125 stops at the notification), never to whom."""
    return [
        {
            "decision": c.decision,
            "decision_label": entry_label(c.decision, case.kind),
            "decided_at": c.decided_at,
            "notified_at": c.notified_at,
            "legal_deadline": c.deadline,
            "status": c.status,
            "status_label": c.status_label,
            "late": c.late,
        }
        for c in rules.notice_clocks(case, today=today)
    ]


def posting_for(case: Case) -> DecisionPosting | None:
    entry = rules.posted_entry(case)
    if entry is None:
        return None
    return DecisionPosting.objects.filter(case_id=case.pk, decision_entry=entry.seq).first()


def posting_status(case: Case, *, today: datetime.date | None = None) -> dict | None:
    """The decision's posting on the notice board (art. 273): due by, posted on, late."""
    entry = rules.posted_entry(case)
    if entry is None:
        return None
    today = today or timezone.localdate()
    posting = DecisionPosting.objects.filter(case_id=case.pk, decision_entry=entry.seq).first()
    due = posting.due_on if posting else rules.posting_due_on(case, entry.created_at)
    posted = posting.posted_on if posting else None
    return {
        "decided_at": entry.created_at,
        "due_on": due,
        "posted_on": posted,
        "late": (posted > due) if posted else today > due,
        "posted": posted is not None,
    }


def notice_board(*, collectivity, year: int | None = None, limit: int = 200) -> list[dict]:
    """The public notice board: the collectivity's decisions, newest first, with their posting.
    Public fields only: reference, title, decision, dates, session, deliberation number."""
    cases = (
        Case.objects.public()
        .filter(rules.board_q(), collectivity=collectivity)
        .select_related("session", "collectivity")
        .order_by("-decided_at", "-id")
    )
    if year is not None:
        cases = cases.filter(decided_at__year=year)
    cases = list(cases[:limit])
    today = timezone.localdate()
    rows = []
    for case, entry, posting, due in _postings(cases):
        rows.append(
            {
                "case": case,
                "decision": entry.transition,
                "decision_label": entry_label(entry.transition, case.kind),
                "decided_at": entry.created_at,
                "due_on": due,
                "posted_on": posting.posted_on if posting else None,
                "late": (posting.posted_on > due) if posting else today > due,
            }
        )
    return rows


def board_postings_for_audit(*, collectivity_id, start: datetime.date, end: datetime.date) -> list[dict]:
    """Decisions whose posting was due in [start, end): for the follow-up audit (late flagged)."""
    # The posting is due `decision_posting_days` after the session or the ruling: a decision taken
    # after the period's end cannot be due in it.
    qs = Case.objects.public().filter(
        rules.board_q(),
        decided_at__lt=datetime.datetime.combine(
            end, datetime.time.min, tzinfo=timezone.get_current_timezone()
        ),
        decided_at__gte=datetime.datetime.combine(
            start - datetime.timedelta(days=366), datetime.time.min, tzinfo=timezone.get_current_timezone()
        ),
    )
    if collectivity_id is not None:
        qs = qs.filter(collectivity_id=collectivity_id)
    cases = list(qs.select_related("session", "collectivity").order_by("decided_at", "id"))
    rows = []
    today = timezone.localdate()
    for case, entry, posting, due in _postings(cases):
        if not (start <= due < end):
            continue
        posted = posting.posted_on if posting else None
        rows.append(
            {
                "reference": case.reference,
                "decision": entry.transition,
                "decided_at": entry.created_at,
                "due_on": due,
                "posted_on": posted,
                "late": (posted > due) if posted else today > due,
            }
        )
    return rows


def _postings(cases: list[Case]):
    """(case, its last posted decision, its posting or None, the day it is due), in the cases'
    order, for the cases that have such a decision: two queries whatever the number of cases."""
    last: dict[int, TransitionEntry] = {}
    for entry in TransitionEntry.objects.filter(
        case_id__in=[c.pk for c in cases], transition__in=rules.POSTED
    ).order_by("case_id", "seq"):
        last[entry.case_id] = entry
    postings = {
        (p.case_id, p.decision_entry): p for p in DecisionPosting.objects.filter(case_id__in=list(last))
    }
    for case in cases:
        entry = last.get(case.pk)
        if entry is None:
            continue
        posting = postings.get((case.pk, entry.seq))
        yield (
            case,
            entry,
            posting,
            posting.due_on if posting else rules.posting_due_on(case, entry.created_at),
        )


def rejection_notices_for_audit(*, collectivity_id, start, end, today=None) -> list[dict]:
    """Petitions declared inadmissible in [start, end): decided, notified, the legal limit, and
    whether the notification came in time (art. 125 §4)."""
    entries = (
        TransitionEntry.objects.filter(
            transition=rules.REJECTION,
            created_at__gte=start,
            created_at__lt=end,
            case__kind=Case.Kind.PETITION,
        )
        .select_related("case", "case__collectivity")
        .order_by("created_at", "id")
    )
    if collectivity_id is not None:
        entries = entries.filter(case__collectivity_id=collectivity_id)
    today = today or timezone.localdate()
    entries = list(entries)
    notices: dict[tuple[int, int], list] = {}
    for n in CaseNotification.objects.filter(case_id__in=[e.case_id for e in entries]):
        notices.setdefault((n.case_id, n.decision_entry), []).append(n)
    rows = []
    for e in entries:
        notified = rules.notified_at(notices.get((e.case_id, e.seq), []))
        deadline = e.case.legal_deadline_on
        status = rules.clock_status(deadline=deadline, notified=notified, today=today)
        rows.append(
            {
                "reference": e.case.reference,
                "filed_at": e.case.submitted_at,
                "decided_at": e.created_at,
                "notified_at": notified,
                "legal_deadline": deadline,
                "status": status,
                "status_label": str(rules.STATUS_LABELS[status]),
                "late": status in ("late", "overdue"),
            }
        )
    return rows

"""What the law and the charter say must be notified, to whom, and by when (docs/legal.md §1, §4).

- OL 113-14 art. 125 §3: the president informs the agent (or the association's legal
  representative) that a petition was accepted; `Collectivity.acceptance_notice_required`.
- Art. 125 §4: a reasoned rejection (inadmissibility) is notified to the agent or the legal
  representative within `rejection_notice_months` of the petition's receipt. The legal clock stops at
  the notification, not at the decision.
- Charter 6.1 (results explained to those who asked): council decisions and the president's
  decisions are notified to the submitter. No deadline in law.
- Art. 273: the council's decisions are posted at the seat within `decision_posting_days` of the
  session.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import TransitionEntry
from cases import states as S
from cases.models import Case
from notices.models import CaseNotification

ACCEPTANCE = "refer_to_committee"
REJECTION = "declare_inadmissible"
# Decisions of the council (or the president's ruling on a proposal, and giving up an adopted
# decision) that the submitter hears of.
DECISIONS = ("adopt", "reject", "abandon")
NOTIFIABLE = (ACCEPTANCE, REJECTION, *DECISIONS)
# Decisions posted on the notice board (art. 273: the council's decisions; the president's
# rulings on proposals are posted the same way).
POSTED = ("adopt", "reject")

STATUS_LABELS = {
    "pending": _("awaiting notification"),
    "on_time": _("notified within the legal limit"),
    "late": _("notified after the legal limit"),
    "overdue": _("not notified, legal limit passed"),
    "notified": _("notified"),
}


def requires_notice(case: Case, transition: str) -> bool:
    """Whether this decision of this case must be notified."""
    if transition in (ACCEPTANCE, REJECTION):
        if case.kind != Case.Kind.PETITION:
            return False
        return transition == REJECTION or case.collectivity.acceptance_notice_required
    return transition in DECISIONS


def addressee_role(case: Case, user_id: int | None) -> str | None:
    """The role under which this user receives the case's notifications, or None: the agent of a
    citizens' petition, the legal representative of an association, the submitter of other cases."""
    if user_id is None:
        return None
    association = case.association
    if association is not None and association.representative_id == user_id:
        return CaseNotification.RecipientRole.LEGAL_REPRESENTATIVE
    if case.submitter_id == user_id:
        if case.kind == Case.Kind.PETITION and association is None:
            return CaseNotification.RecipientRole.AGENT
        return CaseNotification.RecipientRole.SUBMITTER
    return None


def default_recipient_role(case: Case) -> str:
    """Whom a paper notification of this case goes to, unless the desk says otherwise."""
    if case.association_id is not None:
        return CaseNotification.RecipientRole.LEGAL_REPRESENTATIVE
    if case.kind == Case.Kind.PETITION:
        return CaseNotification.RecipientRole.AGENT
    return CaseNotification.RecipientRole.SUBMITTER


def decision_entries(case: Case):
    """The case's decisions that must be notified, oldest first (audit entries)."""
    entries = TransitionEntry.objects.filter(case_id=case.pk, transition__in=NOTIFIABLE).order_by("seq")
    return [e for e in entries if requires_notice(case, e.transition)]


def latest_decision_entry(case: Case) -> TransitionEntry | None:
    """The decision a notification recorded now reports: the case's last notifiable one."""
    entries = decision_entries(case)
    return entries[-1] if entries else None


@dataclass
class NoticeClock:
    """One decision and its notification: both dates, and the legal limit where there is one."""

    decision: str
    decision_entry: int
    decided_at: datetime.datetime
    notified_at: datetime.datetime | None
    deadline: datetime.date | None
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def late(self) -> bool:
        return self.status in ("late", "overdue")


def notified_at(notifications) -> datetime.datetime | None:
    dates = [n.notified_at for n in notifications if n.notified_at is not None]
    return min(dates) if dates else None


def clock_status(
    *, deadline: datetime.date | None, notified: datetime.datetime | None, today: datetime.date
) -> str:
    if deadline is None:
        return "notified" if notified else "pending"
    if notified is None:
        return "overdue" if today > deadline else "pending"
    return "on_time" if timezone.localtime(notified).date() <= deadline else "late"


def notice_clocks(case: Case, *, today: datetime.date | None = None) -> list[NoticeClock]:
    """Every notifiable decision of the case with its decision and notification dates."""
    today = today or timezone.localdate()
    notices = list(CaseNotification.objects.filter(case_id=case.pk))
    clocks = []
    for entry in decision_entries(case):
        mine = [n for n in notices if n.decision_entry == entry.seq]
        deadline = case.legal_deadline_on if entry.transition == REJECTION else None
        notified = notified_at(mine)
        clocks.append(
            NoticeClock(
                decision=entry.transition,
                decision_entry=entry.seq,
                decided_at=entry.created_at,
                notified_at=notified,
                deadline=deadline,
                status=clock_status(deadline=deadline, notified=notified, today=today),
            )
        )
    return clocks


def rejection_awaiting_notice(case: Case) -> bool:
    """A petition declared inadmissible whose reasoned rejection nobody was notified of yet."""
    if case.kind != Case.Kind.PETITION or case.state != S.INADMISSIBLE or case.pk is None:
        return False
    entry = TransitionEntry.objects.filter(case_id=case.pk, transition=REJECTION).order_by("-seq").first()
    if entry is None:
        return True  # the decision being recorded right now: nobody can have been told yet
    return not CaseNotification.objects.filter(case_id=case.pk, decision_entry=entry.seq).exists()


def pending_notice_deadline(case: Case) -> datetime.date | None:
    """The legal deadline a closed case still runs against (art. 125 §4): until the reasoned
    rejection is notified, the petition's 3 months keep counting."""
    if rejection_awaiting_notice(case):
        return case.legal_deadline_on
    return None


# Posting on the notice board (art. 273) ---------------------------------------------------------


def posted_entry(case: Case) -> TransitionEntry | None:
    """The decision of the case that goes on the notice board, if any (its last one)."""
    return TransitionEntry.objects.filter(case_id=case.pk, transition__in=POSTED).order_by("-seq").first()


def posting_due_on(case: Case, decided_at: datetime.datetime) -> datetime.date:
    """`decision_posting_days` after the session's last day (art. 273), or after the decision for
    a ruling outside a session (and for a decision recorded after its session's end)."""
    start = timezone.localtime(decided_at).date()
    if case.session_id is not None and not case.decided_by_president:
        start = max(case.session.end_date or case.session.date, start)
    return start + datetime.timedelta(days=case.collectivity.decision_posting_days)


def board_q() -> Q:
    """Cases whose decision belongs on the notice board."""
    return Q(decided_at__isnull=False) & Q(
        state__in=[S.ADOPTED, S.REJECTED, S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.NOT_IMPLEMENTED]
    )

"""The only writers of notifications and postings (docs/architecture.md, house rules): one
transaction each, under the case's lock, with an entry in the case's audit chain."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import predicates as P
from cases import states as S
from cases.models import Case
from cases.services.record import actor_role, append_action, case_id_for, lock
from core.errors import GuardFailed, TransitionNotAllowed
from notices import rules
from notices.models import CaseNotification, DecisionPosting

# Who records a paper notification or a posting: the reception desk, the bureau and the
# council's secretariat of the case's collectivity.
may_record = P.is_intake | P.is_bureau_member | P.is_secretariat
PAPER_CHANNELS = (CaseNotification.Channel.HAND, CaseNotification.Channel.REGISTERED_MAIL)
REGISTERED_NUMBER_MAX = CaseNotification._meta.get_field("registered_number").max_length


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _close_legal_clock(case: Case) -> None:
    """The petition's legal deadline stops at the notification of its rejection (art. 125 §4):
    the case no longer runs against it (the column is saved with the case by append_action)."""
    if case.kind == Case.Kind.PETITION and case.state not in S.OPEN_STATES:
        case.deadline_on = rules.pending_notice_deadline(case)


def case_notification_record(
    *,
    actor,
    case: Case | str | int,
    recipient_role: str,
    channel: str,
    sent_at: datetime.datetime,
    received_at: datetime.datetime | None = None,
    registered_number: str = "",
    at: datetime.datetime | None = None,
) -> CaseNotification:
    """The desk records a paper notification of the case's last notifiable decision."""
    at = at or timezone.now()
    registered_number = (registered_number or "").strip()
    with transaction.atomic():
        case = lock(case_id_for(case))
        if not may_record(actor, case):
            raise TransitionNotAllowed(
                _("Only the desk, the bureau or the secretariat record notifications.")
            )
        entry = rules.latest_decision_entry(case)
        errors: dict[str, list[str]] = {}
        if entry is None:
            raise GuardFailed(_("This case has no decision that must be notified."))
        if recipient_role not in CaseNotification.RecipientRole.values:
            errors["recipient_role"] = [_("Choose who received the notification.")]
        if channel not in PAPER_CHANNELS:
            errors["channel"] = [
                _("The desk records hand deliveries and registered mail; e-mails are recorded by the system.")
            ]
        if channel == CaseNotification.Channel.REGISTERED_MAIL and not registered_number:
            errors["registered_number"] = [_("Enter the number of the registered mail.")]
        if len(registered_number) > REGISTERED_NUMBER_MAX:
            errors["registered_number"] = [
                _("The number has at most %(n)s characters.") % {"n": REGISTERED_NUMBER_MAX}
            ]
        if channel == CaseNotification.Channel.HAND and received_at is None:
            received_at = sent_at  # delivered against signature: received when handed over
        if sent_at > at:
            errors["sent_at"] = [_("The notification cannot be sent in the future.")]
        elif timezone.localtime(sent_at).date() < timezone.localtime(entry.created_at).date():
            errors["sent_at"] = [_("The notification cannot precede the decision it reports.")]
        if received_at is not None:
            if received_at > at:
                errors["received_at"] = [_("The notification cannot be received in the future.")]
            elif received_at < sent_at:
                errors["received_at"] = [_("The notification cannot be received before it was sent.")]
        if errors:
            raise GuardFailed(_("The notification cannot be recorded."), field_errors=errors)
        notice = CaseNotification.objects.create(
            case=case,
            decision=entry.transition,
            decision_entry=entry.seq,
            decided_at=entry.created_at,
            recipient_role=recipient_role,
            channel=channel,
            registered_number=registered_number
            if channel == CaseNotification.Channel.REGISTERED_MAIL
            else "",
            sent_at=sent_at,
            received_at=received_at,
            source=CaseNotification.Source.DESK,
            recorded_by=actor,
            recorded_at=at,
        )
        _close_legal_clock(case)
        append_action(
            case,
            name="notification_record",
            actor=actor,
            role=actor_role(actor),
            at=at,
            public=_public(notice),
            private={"registered_number": notice.registered_number} if notice.registered_number else None,
        )
    return notice


def _public(notice: CaseNotification) -> dict:
    """What the public history says of a notification: never the recipient's name."""
    return {
        "notified_decision": notice.decision,
        "recipient_role": notice.recipient_role,
        "channel": notice.channel,
        "sent_at": _iso(notice.sent_at),
        "received_at": _iso(notice.received_at),
    }


def system_notification_record(
    *, case_id: int, delivery_id: int, user_id: int, channel: str, entry_seq: int, sent_at: datetime.datetime
) -> CaseNotification | None:
    """An e-mail or in-app message of a decision reached its addressee: a notification record.
    Idempotent (one record per delivery); None when the message was not a notification."""
    with transaction.atomic():
        case = lock(case_id)
        if CaseNotification.objects.filter(delivery_id=delivery_id).exists():
            return None
        entry = next((e for e in rules.decision_entries(case) if e.seq == entry_seq), None)
        role = rules.addressee_role(case, user_id)
        if entry is None or role is None:
            return None
        notice = CaseNotification.objects.create(
            case=case,
            decision=entry.transition,
            decision_entry=entry.seq,
            decided_at=entry.created_at,
            recipient_role=role,
            channel=channel,
            sent_at=sent_at,
            source=CaseNotification.Source.SYSTEM,
            delivery_id=delivery_id,
            recorded_at=timezone.now(),
        )
        _close_legal_clock(case)
        append_action(
            case,
            name="notification_record",
            actor=None,
            role="",
            at=notice.recorded_at,
            public=_public(notice),
        )
    return notice


def system_notification_received(*, delivery_id: int, received_at: datetime.datetime) -> bool:
    """The addressee read the in-app message of a decision: its notification was received."""
    case_id = (
        CaseNotification.objects.filter(delivery_id=delivery_id, received_at__isnull=True)
        .values_list("case_id", flat=True)
        .first()
    )
    if case_id is None:
        return False
    with transaction.atomic():
        case = lock(case_id)
        notice = (
            CaseNotification.objects.select_for_update()
            .filter(delivery_id=delivery_id, received_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        notice.received_at = received_at
        notice.save(update_fields=["received_at"])
        append_action(
            case, name="notification_received", actor=None, role="", at=received_at, public=_public(notice)
        )
    return True


def decision_posting_record(
    *, actor, case: Case | str | int, posted_on: datetime.date, at: datetime.datetime | None = None
) -> DecisionPosting:
    """The staff record the day a decision was posted on the notice board (art. 273)."""
    at = at or timezone.now()
    with transaction.atomic():
        case = lock(case_id_for(case))
        if not may_record(actor, case):
            raise TransitionNotAllowed(_("Only the desk, the bureau or the secretariat record postings."))
        entry = rules.posted_entry(case)
        if entry is None:
            raise GuardFailed(_("This case has no council decision to post."))
        if DecisionPosting.objects.filter(case=case, decision_entry=entry.seq).exists():
            raise GuardFailed(_("The posting of this decision is already recorded."))
        today = timezone.localtime(at).date()
        if posted_on > today:
            raise GuardFailed(
                _("The posting cannot be recorded."),
                field_errors={"posted_on": [_("The posting date cannot be in the future.")]},
            )
        if posted_on < timezone.localtime(entry.created_at).date():
            raise GuardFailed(
                _("The posting cannot be recorded."),
                field_errors={"posted_on": [_("A decision cannot be posted before it was taken.")]},
            )
        posting = DecisionPosting.objects.create(
            case=case,
            decision_entry=entry.seq,
            due_on=rules.posting_due_on(case, entry.created_at),
            posted_on=posted_on,
            recorded_by=actor,
            recorded_at=at,
        )
        append_action(
            case,
            name="board_posting",
            actor=actor,
            role=actor_role(actor),
            at=at,
            public={
                "posted_on": posted_on.isoformat(),
                "due_on": posting.due_on.isoformat(),
                "late": posting.late,
            },
        )
    return posting

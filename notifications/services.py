"""Outbox writes and delivery (docs/domain.md §7).

An event is written in the transaction that caused it and leaves the process only after commit.
Delivery fans it out into one Delivery row per recipient and channel (a unique constraint makes that
idempotent), sends each pending row under its own row lock, and backs off on failure; the periodic
sweep re-queues whatever a broker outage or a crash left pending.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import logging
import secrets
from functools import partial

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import channels
from notifications.models import Delivery, Follower, OutboxEvent
from notifications.registry import Recipient, delivery_listeners, normalize_language, resolver_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = datetime.timedelta(minutes=1)
BACKOFF_CAP = datetime.timedelta(days=1)
# The on-commit dispatch normally delivers within a second: the sweep leaves fresh rows to it.
SWEEP_GRACE = datetime.timedelta(seconds=30)
# A re-queued event is not re-queued again before its task had a fair chance to run.
SWEEP_LEASE = datetime.timedelta(minutes=5)
SWEEP_BATCH = 500
FOLLOW_CONFIRM_RESEND_AFTER = datetime.timedelta(minutes=10)

_dispatch_paused: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "notifications_dispatch_paused", default=False
)


# Writing events -----------------------------------------------------------------------------


def outbox_enqueue(
    *, event: str, subject_id: int, payload: dict, at: datetime.datetime, subject_type: str = "case"
) -> OutboxEvent:
    """Write one outbox row in the caller's transaction (docs/domain.md §7: never lost if the broker is
    down)."""
    row = OutboxEvent.objects.create(
        event=event,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        created_at=at,
        next_attempt_at=at,
    )
    if not _dispatch_paused.get():
        # Only after commit: a rolled-back transition must not notify anyone (Zulip send_event_on_commit).
        transaction.on_commit(partial(dispatch, row.pk), robust=True)
    return row


@contextlib.contextmanager
def dispatch_paused():
    """Write events without delivering them now (bulk imports, back-dated demo data); the sweep or
    `manage.py send_pending_notifications` delivers them later."""
    token = _dispatch_paused.set(True)
    try:
        yield
    finally:
        _dispatch_paused.reset(token)


def outbox_skip(*, subject_ids, subject_type: str = "case", note: str = "") -> int:
    """Mark the pending events of these subjects as never to be sent (a back-dated import: what
    happened years ago was notified then, on paper). Returns how many were marked."""
    return OutboxEvent.objects.filter(
        subject_type=subject_type, subject_id__in=list(subject_ids), status=OutboxEvent.Status.PENDING
    ).update(status=OutboxEvent.Status.SKIPPED, last_error=note[:500])


def dispatch(event_id: int) -> None:
    """Hand an event to a worker, or deliver it here when no broker is configured.

    Never raises: it runs after the commit of a user's request, and a broker that is down must not
    turn a recorded transition into an error page. The row stays pending for the sweep.
    """
    if not settings.CELERY_BROKER_URL:
        _deliver_here(event_id)
        return
    _publish([event_id])


def _deliver_here(event_id: int) -> None:
    try:
        notification_deliver(event_id=event_id)
    except Exception:
        logger.exception("delivery of outbox event %s failed; it stays pending for the sweep", event_id)


def _publish(event_ids: list[int]) -> bool:
    """Queue deliver_event for each event on one connection; False (and a warning) if the broker is down."""
    # Imported here to break the one cycle of the app: notifications.tasks wraps these services.
    from notifications.tasks import deliver_event

    try:
        app = deliver_event.app
        # A connection to the broker the settings name now, failing fast: kombu would otherwise
        # retry for seconds inside the request that committed the transition.
        options = {
            **(app.conf.broker_transport_options or {}),
            "max_retries": 0,
            "socket_connect_timeout": 3,
            "socket_timeout": 5,
        }
        with app.connection_for_write(settings.CELERY_BROKER_URL, transport_options=options) as conn:
            for event_id in event_ids:
                deliver_event.apply_async((event_id,), connection=conn, retry=False)
    except Exception as exc:
        logger.warning(
            "broker unavailable (%s): %d outbox event(s) stay pending for the sweep",
            type(exc).__name__,
            len(event_ids),
        )
        return False
    return True


# Delivering ---------------------------------------------------------------------------------


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8... minutes after the n-th failure, never more than a day."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def notification_deliver(*, event_id: int) -> str:
    """Deliver one outbox event exactly once per recipient and channel; returns the event's status.

    Safe to run any number of times, concurrently too: the event row lock serialises the fan-out,
    the unique constraint dedupes it, and each Delivery is sent under its own row lock after
    re-reading its status.
    """
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update(skip_locked=True).filter(pk=event_id).first()
        if event is None:
            return "busy"  # missing, or another worker holds it and will deliver it
        if event.status != OutboxEvent.Status.PENDING:
            return event.status
        if not event.deliveries.exists():
            try:
                with transaction.atomic():
                    created = _fan_out(event)
            except Exception as exc:
                logger.warning(
                    "outbox event %s: could not prepare its messages (%s)", event.pk, type(exc).__name__
                )
                _record_failure(event, channels.describe_error(exc))
                return event.status
            if not created:
                _mark_sent(event)
                return event.status

    error = ""
    pending = Delivery.objects.filter(outbox_event_id=event_id, status=Delivery.Status.PENDING)
    for delivery_id in pending.order_by("id").values_list("pk", flat=True):
        error = _send_one(delivery_id) or error

    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().get(pk=event_id)
        if event.status != OutboxEvent.Status.PENDING:
            return event.status
        if not event.deliveries.exclude(status=Delivery.Status.SENT).exists():
            _mark_sent(event)
        elif error:
            _record_failure(event, error)
        # Otherwise another worker is sending the rest right now and will settle the event.
    return event.status


def _send_one(delivery_id: int) -> str:
    """Send one pending delivery under its row lock; returns the error, or "" when sent or skipped."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return ""
        delivery.attempts += 1
        try:
            channels.send(delivery)
        except Exception as exc:
            delivery.last_error = channels.describe_error(exc)
            delivery.save(update_fields=["attempts", "last_error"])
            logger.warning("delivery %s (%s) failed: %s", delivery.pk, delivery.channel, delivery.last_error)
            return delivery.last_error
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    _announce("sent", delivery)
    return ""


def _announce(kind: str, delivery: Delivery) -> None:
    """Tell the registered listeners; one that fails never undoes a sent or read message."""
    for fn in delivery_listeners():
        try:
            fn(kind, delivery)
        except Exception:
            logger.exception(
                "delivery listener %s failed on delivery %s", getattr(fn, "__name__", fn), delivery.pk
            )


def _mark_sent(event: OutboxEvent) -> None:
    event.status = OutboxEvent.Status.SENT
    event.sent_at = timezone.now()
    event.last_error = ""
    event.save(update_fields=["status", "sent_at", "last_error"])


def _record_failure(event: OutboxEvent, error: str) -> None:
    event.attempts += 1
    event.last_error = error[:200]
    if event.attempts >= MAX_ATTEMPTS:
        event.status = OutboxEvent.Status.FAILED
        event.deliveries.filter(status=Delivery.Status.PENDING).update(status=Delivery.Status.FAILED)
    else:
        event.next_attempt_at = timezone.now() + backoff(event.attempts)
    event.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def _fan_out(event: OutboxEvent) -> int:
    """Create the event's Delivery rows, rendered in each recipient's language."""
    resolver = resolver_for(event.subject_type)
    recipients = resolver.recipients(event.subject_id, event.event, event.payload)
    contexts: dict[str, dict] = {}
    rendered: dict[tuple[str, str], channels.Rendered] = {}
    seen_keys: set[str] = set()
    seen_emails: set[str] = set()
    rows: list[Delivery] = []
    for recipient in recipients:
        email = (recipient.email or "").strip()
        # A follower who is also a recipient by role gets one e-mail, not two.
        if recipient.key in seen_keys or (
            recipient.user_id is None and (not email or email.lower() in seen_emails)
        ):
            continue
        seen_keys.add(recipient.key)
        language = normalize_language(recipient.language)
        if language not in contexts:
            ctx = resolver.context(event.subject_id, event.event, event.payload, language)
            contexts[language] = {**ctx, "event_at": event.created_at}
        unsubscribe_url = _unsubscribe_url(recipient)
        key = (language, unsubscribe_url)
        if key not in rendered:
            rendered[key] = channels.render(
                event.event, {**contexts[language], "unsubscribe_url": unsubscribe_url}, language
            )
        message = rendered[key]
        common = {
            "outbox_event": event,
            "recipient_key": recipient.key,
            "user_id": recipient.user_id,
            "language": language,
            "subject": message.subject,
        }
        if recipient.user_id is not None:
            rows.append(
                Delivery(
                    channel=Delivery.Channel.INAPP,
                    email="",
                    body=message.summary,
                    url=message.url_path,
                    **common,
                )
            )
        if email and email.lower() not in seen_emails:
            seen_emails.add(email.lower())
            rows.append(
                Delivery(
                    channel=Delivery.Channel.EMAIL,
                    email=email,
                    body=message.text,
                    body_html=message.html,
                    url=channels.absolute(message.url_path),
                    unsubscribe_url=unsubscribe_url,
                    **common,
                )
            )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _unsubscribe_url(recipient: Recipient) -> str:
    if not recipient.unsubscribe_token:
        return ""
    return channels.absolute(reverse("notifications:unsubscribe", args=[recipient.unsubscribe_token]))


def outbox_sweep(*, now: datetime.datetime | None = None, inline: bool = False, due_only: bool = True) -> int:
    """Re-queue every pending event whose next attempt is due; returns how many.

    Delivery stays exactly-once whatever the sweep races with (constraint + row locks). `inline`
    delivers here instead of through the broker (the management command, a deployment without one).
    """
    now = now or timezone.now()
    due = OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING)
    if due_only:
        due = due.filter(next_attempt_at__lte=now - SWEEP_GRACE)
    ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:SWEEP_BATCH])
    if not ids:
        return 0
    OutboxEvent.objects.filter(pk__in=ids, status=OutboxEvent.Status.PENDING).update(
        next_attempt_at=now + SWEEP_LEASE
    )
    if inline or not settings.CELERY_BROKER_URL:
        for event_id in ids:
            _deliver_here(event_id)
    else:
        _publish(ids)
    return len(ids)


def outbox_retry(*, event_ids) -> int:
    """Give failed events (MAX_ATTEMPTS reached) a fresh set of attempts, e.g. after fixing SMTP."""
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update().filter(
                pk__in=list(event_ids), status=OutboxEvent.Status.FAILED
            )
        )
        for event in events:
            event.deliveries.filter(status=Delivery.Status.FAILED).update(status=Delivery.Status.PENDING)
            event.status = OutboxEvent.Status.PENDING
            event.attempts = 0
            event.next_attempt_at = timezone.now()
            event.save(update_fields=["status", "attempts", "next_attempt_at"])
            transaction.on_commit(partial(dispatch, event.pk), robust=True)
    return len(events)


# The in-app centre --------------------------------------------------------------------------


def notification_mark_read(*, user, delivery_id: int) -> bool:
    """Mark one of the user's own in-app notifications read."""
    unread = Delivery.objects.filter(
        pk=delivery_id, user=user, channel=Delivery.Channel.INAPP, read_at__isnull=True
    )
    return bool(_mark_read(unread))


def notification_mark_all_read(*, user) -> int:
    return _mark_read(
        Delivery.objects.filter(user=user, channel=Delivery.Channel.INAPP, read_at__isnull=True)
    )


def _mark_read(unread) -> int:
    now = timezone.now()
    ids = list(unread.values_list("pk", flat=True))
    count = Delivery.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=now)
    if delivery_listeners():
        for delivery in Delivery.objects.filter(pk__in=ids, read_at=now).select_related("outbox_event"):
            _announce("read", delivery)
    return count


# Following a subject (double opt-in) --------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def follower_request(
    *, subject_type: str, subject_id: int, email: str, language: str, at: datetime.datetime | None = None
) -> Follower:
    """Ask to follow a subject: nothing is sent to the address until it confirms (double opt-in).

    The answer to the visitor is the same whatever the state of the address, so the page cannot be
    used to learn who follows what.
    """
    at = at or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        Follower.objects.bulk_create(
            [
                Follower(
                    subject_type=subject_type,
                    subject_id=subject_id,
                    email=email,
                    language=normalize_language(language),
                    token=_new_token(),
                    created_at=at,
                )
            ],
            ignore_conflicts=True,
        )
        follower = Follower.objects.select_for_update().get(
            subject_type=subject_type, subject_id=subject_id, email=email
        )
        if follower.is_active:
            return follower
        if follower.confirm_sent_at and at - follower.confirm_sent_at < FOLLOW_CONFIRM_RESEND_AFTER:
            return follower  # one confirmation e-mail per address every few minutes, whoever asks
        follower.language = normalize_language(language)
        follower.confirm_sent_at = at
        follower.save(update_fields=["language", "confirm_sent_at"])
        outbox_enqueue(
            event="follow.confirm",
            subject_type="follower",
            subject_id=follower.pk,
            payload={"subject_type": subject_type, "subject_id": subject_id},
            at=at,
        )
    return follower


def follower_confirm(*, token: str, at: datetime.datetime | None = None) -> Follower | None:
    """Confirm an address: from now on it receives the subject's state changes."""
    at = at or timezone.now()
    with transaction.atomic():
        follower = Follower.objects.select_for_update().filter(token=token).first()
        if follower is None:
            return None
        if not follower.is_active:
            follower.confirmed_at = at
            follower.unsubscribed_at = None
            follower.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return follower


def follower_unsubscribe(*, token: str, at: datetime.datetime | None = None) -> Follower | None:
    """Stop every message to this follower (the one-click link of each e-mail)."""
    at = at or timezone.now()
    with transaction.atomic():
        follower = Follower.objects.select_for_update().filter(token=token).first()
        if follower is None:
            return None
        if follower.unsubscribed_at is None:
            follower.unsubscribed_at = at
            follower.save(update_fields=["unsubscribed_at"])
    return follower

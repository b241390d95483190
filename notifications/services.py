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
from kombu import pools as kombu_pools

from core.prepared import insert_row
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
    row = OutboxEvent(
        event=event,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        created_at=at,
        next_attempt_at=at,
    )
    # One prepared INSERT (core/prepared.py): a transition writes one outbox row every time.
    insert_row(row, returning=True)
    if not _dispatch_paused.get():
        # Only after commit: a rolled-back transition must not notify anyone (Zulip send_event_on_commit).
        # The key is read at commit: inside a write batch it arrives when the batch is sent.
        transaction.on_commit(lambda: dispatch(row.pk), robust=True)
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


# One kombu connection per broker URL, the key of the process-wide producer pool (kombu.pools): a
# transition's commit borrows a producer whose connection is already open instead of connecting to
# the broker for each event.
_broker_keys: dict[str, object] = {}
BROKER_POOL_TIMEOUT = 3


def _broker_key(app, url: str):
    key = _broker_keys.get(url)
    if key is None:
        # Failing fast: kombu would otherwise retry for seconds inside the request that committed.
        options = {
            **(app.conf.broker_transport_options or {}),
            "max_retries": 0,
            "socket_connect_timeout": 3,
            "socket_timeout": 5,
        }
        key = _broker_keys[url] = app.connection_for_write(url, transport_options=options)
    return key


def _forget_broker(url: str) -> None:
    """After a failure the pooled connections may be dead: the next publish opens fresh ones."""
    key = _broker_keys.pop(url, None)
    if key is None:
        return
    for group in (kombu_pools.producers, kombu_pools.connections):
        pool = group.pop(key, None)
        if pool is not None:
            with contextlib.suppress(Exception):
                pool.force_close_all()


def _publish(event_ids: list[int]) -> bool:
    """Queue deliver_event for each event with a pooled producer; False (and a warning) if the broker
    is down."""
    # Imported here to break the one cycle of the app: notifications.tasks wraps these services.
    from notifications.tasks import deliver_event

    url = settings.CELERY_BROKER_URL
    try:
        pool = kombu_pools.producers[_broker_key(deliver_event.app, url)]
        with pool.acquire(block=True, timeout=BROKER_POOL_TIMEOUT) as producer:
            for event_id in event_ids:
                deliver_event.apply_async((event_id,), producer=producer, retry=False)
    except Exception as exc:
        _forget_broker(url)
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

    One transaction per event: the event's row lock is held while its messages are prepared (the
    subject read once), sent, and their Delivery rows written in one statement (inserted with their
    outcome the first time, updated together on a retry). Safe to run any number of times,
    concurrently too: a second worker skips the locked event, and the unique constraint dedupes the
    fan-out. A crash before the commit leaves the event pending: its messages may then be sent again
    (at least once), never lost.
    """
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update(skip_locked=True).filter(pk=event_id).first()
        if event is None:
            return "busy"  # missing, or another worker holds it and will deliver it
        if event.status != OutboxEvent.Status.PENDING:
            return event.status
        fresh = not event.deliveries.exists()
        if fresh:
            try:
                with transaction.atomic():
                    rows = _fan_out(event)
            except Exception as exc:
                logger.warning(
                    "outbox event %s: could not prepare its messages (%s)", event.pk, type(exc).__name__
                )
                _record_failure(event, channels.describe_error(exc))
                return event.status
        else:
            rows = list(
                Delivery.objects.select_for_update()
                .filter(outbox_event=event, status=Delivery.Status.PENDING)
                .order_by("id")
            )
        error = _send_all(rows)
        _forget_secrets_sent(event, rows)
        if fresh:
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        elif rows:
            Delivery.objects.bulk_update(
                rows, ["attempts", "status", "sent_at", "last_error", "provider_id", "body"]
            )
        if delivery_listeners() and any(r.status == Delivery.Status.SENT for r in rows):
            # The listeners (notices: a sent decision becomes its notification record) need the
            # rows' ids, which an insert that ignores conflicts does not return: read them back.
            for delivery in event.deliveries.filter(status=Delivery.Status.SENT, sent_at__isnull=False):
                if fresh or any(r.pk == delivery.pk for r in rows):
                    _announce("sent", delivery)
        if error:
            _record_failure(event, error)
        else:
            _mark_sent(event)
    return event.status


def _send_all(rows: list[Delivery]) -> str:
    """Send each pending delivery and set its outcome on the instance; returns the last error."""
    error = ""
    now = timezone.now()
    for delivery in rows:
        if delivery.status != Delivery.Status.PENDING:
            continue  # SKIPPED: no address
        delivery.attempts += 1
        try:
            channels.send(delivery)
        except Exception as exc:
            delivery.last_error = channels.describe_error(exc)
            logger.warning("delivery %s (%s) failed: %s", delivery.pk, delivery.channel, delivery.last_error)
            error = delivery.last_error
            continue
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = now
        delivery.last_error = ""
    return error


# Payload keys that hold a secret meant for one message only (the tracking code of an SMS receipt): kept
# while the message may still be sent, then wiped from the event and from the stored text.
SECRET_KEYS = ("receipt_code",)
SECRET_MASK = "****"  # noqa: S105 - what replaces a secret, not one


def _secrets(event: OutboxEvent) -> list[str]:
    return [str(event.payload[k]) for k in SECRET_KEYS if event.payload.get(k)]


def _forget_secrets_sent(event: OutboxEvent, rows: list[Delivery]) -> None:
    """A sent message keeps no copy of its secret (the tracking code is stored hashed only)."""
    secrets_ = _secrets(event)
    if not secrets_:
        return
    for delivery in rows:
        if delivery.status == Delivery.Status.SENT or delivery.channel != Delivery.Channel.SMS:
            for secret in secrets_:
                delivery.body = delivery.body.replace(secret, SECRET_MASK)


def _forget_secrets(event: OutboxEvent) -> None:
    """Once the event is done (sent, or failed for good), its payload keeps no secret either."""
    secrets_ = _secrets(event)
    if not secrets_:
        return
    event.payload = {k: v for k, v in event.payload.items() if k not in SECRET_KEYS}
    event.save(update_fields=["payload"])
    for delivery in event.deliveries.all():
        body = delivery.body
        for secret in secrets_:
            body = body.replace(secret, SECRET_MASK)
        if body != delivery.body:
            Delivery.objects.filter(pk=delivery.pk).update(body=body)


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
    _forget_secrets(event)


def _record_failure(event: OutboxEvent, error: str) -> None:
    event.attempts += 1
    event.last_error = error[:200]
    if event.attempts >= MAX_ATTEMPTS:
        event.status = OutboxEvent.Status.FAILED
        event.deliveries.filter(status=Delivery.Status.PENDING).update(status=Delivery.Status.FAILED)
    else:
        event.next_attempt_at = timezone.now() + backoff(event.attempts)
    event.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    if event.status == OutboxEvent.Status.FAILED:
        _forget_secrets(event)


def _fan_out(event: OutboxEvent) -> list[Delivery]:
    """The event's Delivery rows (unsaved), rendered in each recipient's language; the subject is
    read once for the whole event when its resolver can hold it (`bind`)."""
    resolver = resolver_for(event.subject_type)
    bind = getattr(resolver, "bind", None)
    if bind is not None:
        resolver = bind(event.subject_id)
    recipients = resolver.recipients(event.subject_id, event.event, event.payload)
    contexts: dict[str, dict] = {}
    rendered: dict[tuple[str, str], channels.Rendered] = {}
    seen_keys: set[str] = set()
    seen_emails: set[str] = set()
    seen_phones: set[str] = set()
    rows: list[Delivery] = []
    for recipient in recipients:
        email = (recipient.email or "").strip()
        phone = recipient.phone if recipient.wants_sms else ""
        # A follower who is also a recipient by role gets one e-mail, not two.
        if recipient.key in seen_keys or (
            recipient.user_id is None
            and (not email or email.lower() in seen_emails)
            and (not phone or phone in seen_phones)
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
        if phone and phone not in seen_phones:
            seen_phones.add(phone)
            rows.append(
                Delivery(
                    channel=Delivery.Channel.SMS,
                    phone=phone,
                    body=message.sms,
                    url=channels.absolute(message.url_path),
                    **common,
                )
            )
        elif not email and not recipient.phone:
            # Nobody to write to outside the app: the row says so, nothing is sent to an empty address.
            rows.append(
                Delivery(
                    channel=Delivery.Channel.EMAIL,
                    status=Delivery.Status.SKIPPED,
                    body=message.text,
                    last_error="no e-mail address or phone number",
                    **common,
                )
            )
    return rows


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

"""Reads of the notification centre and of followers, with their queries decided in one place."""

from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Delivery, Follower
from notifications.registry import Recipient


def followers_active(*, subject_type: str, subject_id: int) -> list[Recipient]:
    """Confirmed, still subscribed followers of a subject, each with their unsubscribe token."""
    rows = Follower.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
    ).order_by("id")
    return [
        Recipient.for_email(email=f.email, language=f.language, unsubscribe_token=f.token)
        for f in rows.only("email", "language", "token")
    ]


def inbox_for(*, user) -> QuerySet[Delivery]:
    """The user's own in-app notifications, newest first."""
    return (
        Delivery.objects.filter(user=user, channel=Delivery.Channel.INAPP, status=Delivery.Status.SENT)
        .only("id", "subject", "body", "url", "created_at", "sent_at", "read_at")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user) -> int:
    return Delivery.objects.filter(
        user=user, channel=Delivery.Channel.INAPP, status=Delivery.Status.SENT, read_at__isnull=True
    ).count()


def follower_by_token(*, token: str) -> Follower | None:
    if not isinstance(token, str) or len(token) > 64:
        return None
    return Follower.objects.filter(token=token).first()

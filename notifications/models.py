"""Transactional outbox (docs/domain.md §7): one row per event, written in the transaction that caused it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Written by a back-dated import (a commune's past): its people were told at the time.
        SKIPPED = "skipped", _("Not sent (past history)")

    event = models.CharField(_("event"), max_length=60)
    # Plain ids, not foreign keys: notifications does not depend on cases (docs/architecture.md,
    # dependencies).
    subject_type = models.CharField(_("subject type"), max_length=40, default="case")
    subject_id = models.BigIntegerField(_("subject id"), db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} {self.subject_type}:{self.subject_id} ({self.status})"


class Delivery(models.Model):
    """One message of one outbox event to one recipient on one channel.

    The unique constraint is the idempotency key: a retry, a sweep and the on-commit task racing on
    the same event all land on the same row, so nothing is sent twice. An in-app delivery is itself
    the notification shown in the user's centre.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        INAPP = "inapp", _("In the application")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The recipient has neither an e-mail address nor a phone number: nothing to send to.
        SKIPPED = "skipped", _("Not sent (no address)")

    outbox_event = models.ForeignKey(
        OutboxEvent, verbose_name=_("outbox event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient_key = models.CharField(_("recipient"), max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # E.164 (core.phone); personal data: shown to nobody, never logged whole.
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    language = models.CharField(_("language"), max_length=3, default="ar")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The SMS provider's id of the message, to match its delivery reports.
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    unsubscribe_url = models.CharField(_("unsubscribe link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["outbox_event", "recipient_key", "channel"],
                name="delivery_once_per_recipient_channel",
            )
        ]
        indexes = [
            models.Index(fields=["user", "channel", "read_at"], name="delivery_inbox_idx"),
            models.Index(fields=["outbox_event", "status"], name="delivery_event_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient_key} ({self.status})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Follower(models.Model):
    """Someone who asked, by e-mail, to hear about a subject's changes (double opt-in)."""

    subject_type = models.CharField(_("subject type"), max_length=40, default="case")
    subject_id = models.BigIntegerField(_("subject id"))
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=3, default="ar")
    # One secret per follower: it confirms the address and unsubscribes in one click.
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirm_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "email"], name="follower_once_per_subject"
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "confirmed_at"], name="follower_subject_idx")
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} ({self.pk})"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

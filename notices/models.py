"""Notifications of decisions (تبليغ, OL 113-14 art. 125) and their posting on the notice board
(art. 273): who was told of which decision, how and when; when a decision was posted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case


class CaseNotification(models.Model):
    """One notification of one decision to the person the law or the charter says must be told.

    E-mail and in-app ones are recorded by the system when the message is delivered (and, in the
    application, read); the desk records the paper ones (hand delivery, registered mail).
    """

    class RecipientRole(models.TextChoices):
        AGENT = "agent", _("Agent of the petitioners")
        LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative of the association")
        SUBMITTER = "submitter", _("Submitter")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        INAPP = "inapp", _("In the application")
        HAND = "hand", _("Hand delivery against signature")
        REGISTERED_MAIL = "registered_mail", _("Registered mail")

    class Source(models.TextChoices):
        SYSTEM = "system", _("Recorded by the system")
        DESK = "desk", _("Recorded by the desk")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="decision_notifications"
    )
    decision = models.CharField(_("decision notified"), max_length=40)
    decision_entry = models.PositiveIntegerField(_("audit entry of the decision"))
    decided_at = models.DateTimeField(_("decided at"))
    recipient_role = models.CharField(_("recipient"), max_length=25, choices=RecipientRole.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    registered_number = models.CharField(_("registered mail number"), max_length=40, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # The message of notifications.Delivery this record stands for (plain id: notifications knows
    # no case); unique, so a retried delivery is recorded once.
    delivery_id = models.BigIntegerField(_("delivery"), null=True, blank=True, unique=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification of a decision")
        verbose_name_plural = _("notifications of decisions")
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["case", "decision_entry"], name="notice_case_decision_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.decision} {self.channel}"

    @property
    def notified_at(self):
        """The day the law counts: the receipt of a paper notification when it is known, else the
        sending (an e-mail or an in-app message is notified when it is delivered)."""
        if self.channel in (self.Channel.HAND, self.Channel.REGISTERED_MAIL) and self.received_at:
            return self.received_at
        return self.sent_at


class DecisionPosting(models.Model):
    """A decision posted on the notice board at the collectivity's seat (OL 113-14 art. 273)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="postings")
    decision_entry = models.PositiveIntegerField(_("audit entry of the decision"))
    due_on = models.DateField(_("to be posted by"))
    posted_on = models.DateField(_("posted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("posting of a decision")
        verbose_name_plural = _("postings of decisions")
        ordering = ["-posted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "decision_entry"], name="posting_once_per_decision")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.decision_entry} {self.posted_on}"

    @property
    def late(self) -> bool:
        return self.posted_on > self.due_on

"""Petition records: signatures, the personal-data access log, the admissibility checklist."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, CaseAttachment


class Signature(models.Model):
    """One signatory of a petition (OL 113-14 art. 123). Personal data: visible to the bureau only,
    the CNIE number encrypted at rest beside a keyed hash for duplicates (Law 09-08)."""

    class Link(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        ACTIVITY = "activity", _("Economic, commercial or professional activity")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")

    case = models.ForeignKey(
        Case, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="signatures"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    cnie_encrypted = models.TextField(_("CNIE number (encrypted)"))
    cnie_hash = models.CharField(_("CNIE keyed hash"), max_length=64)
    cnie_last3 = models.CharField(_("CNIE last characters"), max_length=3)
    address = models.CharField(_("address"), max_length=300)
    link = models.CharField(_("link to the territory"), max_length=10, choices=Link.choices)
    province = models.CharField(
        _("prefecture or province of residence (regions)"), max_length=100, blank=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("online signer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    valid = models.BooleanField(_("valid"), default=True)
    invalidated_reason = models.CharField(_("reason of invalidation"), max_length=300, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("signed at"), default=timezone.now)
    # History without the personal fields, so the purge leaves no copy behind.
    history = HistoricalRecords(excluded_fields=["full_name", "cnie_encrypted", "cnie_last3", "address"])

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "cnie_hash"], name="signature_unique_cnie"),
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(user__isnull=False), name="signature_unique_user"
            ),
        ]
        indexes = [models.Index(fields=["case", "valid"])]

    def __str__(self) -> str:
        return f"{self.case_id}: ***{self.cnie_last3}"

    @property
    def cnie_masked(self) -> str:
        return f"•••••{self.cnie_last3}"


class SignatureAccessLog(models.Model):
    """Every view of signatories' personal data (Law 09-08): who, when, which case."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    what = models.CharField(_("what"), max_length=40)
    count = models.PositiveIntegerField(_("signatures shown"), default=0)
    # A document opened (a CNIE copy, a signed list, a statute); kept when the purge removes the file.
    attachment = models.ForeignKey(
        CaseAttachment,
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} {self.case_id} {self.at:%Y-%m-%d %H:%M}"


class AdmissibilityCheck(models.Model):
    """One legal condition of the bureau's admissibility checklist (OL 113-14 art. 121-125)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="admissibility"
    )
    condition = models.CharField(_("condition"), max_length=40)
    met = models.BooleanField(_("met"))
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admissibility condition")
        verbose_name_plural = _("admissibility checklist")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "condition"], name="admissibility_unique_condition")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.condition}: {self.met}"

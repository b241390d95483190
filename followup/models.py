"""The follow-up team's records (charter 7.2-7.4, docs/domain.md §8): the periodic charter report and
the action plan's tracking matrix.

A published `CharterReport` is frozen: its figures (JSON), its two PDFs (Arabic and French), their
sha256 and the Ed25519 signature over them are stored once and never change. The model refuses
to save or delete it (and its queryset refuses bulk updates and deletes that would touch one); the
services (followup/charter_services.py) refuse first, with a translated error.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.errors import DomainError
from core.text import localized, validate_no_bidi_controls


class ReportFrozen(DomainError):
    """A published report is frozen: nothing of it may change (charter 7.2, README: the report)."""

    code = "report_published"
    http_status = 409
    default_message = _("This report is published: it can no longer be changed.")


class CharterReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=CharterReport.Status.PUBLISHED)

    def update(self, **kwargs):
        if self.filter(status=CharterReport.Status.PUBLISHED).exists():
            raise ReportFrozen()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=CharterReport.Status.PUBLISHED).exists():
            raise ReportFrozen()
        return super().delete()

    def bulk_update(self, objs, *args, **kwargs):
        ids = [o.pk for o in objs if o.pk]
        if self.model.objects.filter(pk__in=ids, status=CharterReport.Status.PUBLISHED).exists():
            raise ReportFrozen()
        return super().bulk_update(objs, *args, **kwargs)


class CharterReport(models.Model):
    """The periodic report of the charter's follow-up (charter 7.3 "periodic reports", 7.4)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    collectivity = models.ForeignKey(
        "organisation.Collectivity", verbose_name=_("collectivity"), on_delete=models.PROTECT
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to (not included)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The follow-up team's commentary (charter 7.3 qualitative analysis, 7.4 revising the charter).
    summary = models.TextField(
        _("analysis and successes"), blank=True, validators=[validate_no_bidi_controls]
    )
    difficulties = models.TextField(_("difficulties met"), blank=True, validators=[validate_no_bidi_controls])
    recommendations = models.TextField(
        _("recommendations for revising the charter"), blank=True, validators=[validate_no_bidi_controls]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Written once, at publication.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    figures = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    figures_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pdf_ar = models.BinaryField(null=True, blank=True, editable=False)
    pdf_fr = models.BinaryField(null=True, blank=True, editable=False)
    pdf_ar_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pdf_fr_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    key_id = models.CharField(max_length=16, blank=True, editable=False)
    signature = models.CharField(max_length=100, blank=True, editable=False)

    objects = CharterReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["figures", "pdf_ar", "pdf_fr"])

    class Meta:
        verbose_name = _("charter report")
        verbose_name_plural = _("charter reports")
        ordering = ["-date_to", "-id"]

    def __str__(self) -> str:
        return f"{self.date_from.isoformat()} – {self.date_to.isoformat()}"

    def save(self, *args, **kwargs):
        # The model's own refusal: whatever path tries it (admin, shell, a service's bug).
        if self._stored_published():
            raise ReportFrozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_published():
            raise ReportFrozen()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def published_at_iso(self) -> str:
        """published_at as the signature carries it."""
        return self.published_at.isoformat() if self.published_at else ""

    @property
    def last_day(self) -> datetime.date:
        return self.date_to - datetime.timedelta(days=1)

    def _stored_published(self) -> bool:
        return bool(self.pk) and type(self).objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()

    def pdf(self, lang: str) -> bytes | None:
        data = self.pdf_fr if lang == "fr" else self.pdf_ar
        return bytes(data) if data is not None else None

    def pdf_sha256(self, lang: str) -> str:
        return self.pdf_fr_sha256 if lang == "fr" else self.pdf_ar_sha256


class Status(models.TextChoices):
    """Where an activity or an indicator of the action plan stands (charter 7.2)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    LATE = "late", _("Late")


class ActionAxis(models.Model):
    """One of the six axes of the collectivity's participation action plan."""

    collectivity = models.ForeignKey(
        "organisation.Collectivity", verbose_name=_("collectivity"), on_delete=models.PROTECT
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    objectives_ar = models.TextField(_("objectives (Arabic)"), blank=True)
    objectives_fr = models.TextField(_("objectives (French)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action-plan axis")
        verbose_name_plural = _("action-plan axes")
        ordering = ["collectivity", "number"]
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "number"], name="followup_axis_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def title(self) -> str:
        return localized(self.title_ar, self.title_fr)

    @property
    def objectives(self) -> str:
        return localized(self.objectives_ar, self.objectives_fr)


class ActionActivity(models.Model):
    """An activity of an axis, with who carries it and when (the charter's timetable)."""

    axis = models.ForeignKey(
        ActionAxis, verbose_name=_("axis"), on_delete=models.CASCADE, related_name="activities"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_ar = models.CharField(_("title (Arabic)"), max_length=400)
    title_fr = models.CharField(_("title (French)"), max_length=400)
    owner_ar = models.CharField(_("owner (Arabic)"), max_length=200, blank=True)
    owner_fr = models.CharField(_("owner (French)"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(_("note"), blank=True, validators=[validate_no_bidi_controls])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action-plan activity")
        verbose_name_plural = _("action-plan activities")
        ordering = ["axis__number", "number", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self.title_ar, self.title_fr)

    @property
    def owner(self) -> str:
        return localized(self.owner_ar, self.owner_fr)


class ActionIndicator(models.Model):
    """A success indicator of an axis: bound to a computed indicator (`binding`, a key of
    followup.action_plan.BINDINGS) or entered by hand with a date, a value and its evidence."""

    axis = models.ForeignKey(
        ActionAxis, verbose_name=_("axis"), on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_ar = models.CharField(_("title (Arabic)"), max_length=400)
    title_fr = models.CharField(_("title (French)"), max_length=400)
    source = models.CharField(_("source in the charter"), max_length=100, blank=True)
    binding = models.CharField(_("computed indicator"), max_length=80, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    target_note_ar = models.CharField(_("target, in words (Arabic)"), max_length=300, blank=True)
    target_note_fr = models.CharField(_("target, in words (French)"), max_length=300, blank=True)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    # Entered by hand when not bound.
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    value_on = models.DateField(_("value as of"), null=True, blank=True)
    evidence_file = models.FileField(_("evidence (document)"), upload_to="action-plan/%Y/", blank=True)
    evidence_link = models.URLField(_("evidence (link)"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(_("note"), blank=True, validators=[validate_no_bidi_controls])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action-plan indicator")
        verbose_name_plural = _("action-plan indicators")
        ordering = ["axis__number", "number", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self.title_ar, self.title_fr)

    @property
    def target_note(self) -> str:
        return localized(self.target_note_ar, self.target_note_fr)

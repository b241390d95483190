"""Append-only audit entries forming one sha256 chain per case (DOMAIN 5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(TypeError):
    """Raised by every path that would change or remove an audit entry."""


class TransitionEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit entries are append-only.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are append-only.")

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, update_fields=None, unique_fields=None):
        if update_conflicts:
            raise AppendOnlyError("Audit entries are append-only.")
        return super().bulk_create(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts)


class TransitionEntry(models.Model):
    """One accepted change of a case: a transition, a correction or a progress update."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="audit_entries"
    )
    seq = models.PositiveIntegerField(_("position in the chain"))
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30)
    to_state = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("at"), db_index=True)
    justification = models.TextField(_("justification"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # The stay this transition closes: when it began and the deadline it had then (response times).
    stay_started_at = models.DateTimeField(_("stay started at"), null=True, blank=True)
    stay_deadline = models.DateField(_("stay deadline"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = TransitionEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="audit_entry_unique_seq")]
        indexes = [models.Index(fields=["transition", "created_at"]), models.Index(fields=["to_state", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.transition} {self.from_state}->{self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("Audit entries are append-only.")
        kwargs["force_insert"] = True  # an explicit pk must never turn the INSERT into an UPDATE
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are append-only.")


class AuditDigest(models.Model):
    """A daily sha256 over every case's chain head (DOMAIN 5), published so that anyone who kept
    an earlier digest can detect a rewritten history."""

    day = models.DateField(_("day"), unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    chains = models.PositiveIntegerField(_("chains"))
    entries = models.PositiveIntegerField(_("entries"))
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily audit digest")
        verbose_name_plural = _("daily audit digests")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.digest}"

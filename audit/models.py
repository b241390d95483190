"""Append-only audit entries forming one sha256 chain per case (docs/domain.md §5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(TypeError):
    """Raised by every path that would change or remove an audit entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit entries are append-only.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are append-only.")

    def bulk_create(
        self,
        objs,
        batch_size=None,
        ignore_conflicts=False,
        update_conflicts=False,
        update_fields=None,
        unique_fields=None,
    ):
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
    # The case's decision fields as this entry left them, when it changed them (verify_audit
    # compares the case's columns with the last one).
    decision = models.JSONField(_("decision fields"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="audit_entry_unique_seq")]
        indexes = [
            models.Index(fields=["transition", "created_at"]),
            models.Index(fields=["to_state", "created_at"]),
        ]

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
    """A daily sha256 over every case's chain head (docs/domain.md §5), signed with the commune's Ed25519
    key and chained to the digest before it, published so that anyone who kept an earlier digest
    can detect a rewritten history. Rows are never changed (database triggers on PostgreSQL)."""

    day = models.DateField(_("day"), unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    chains = models.PositiveIntegerField(_("chains"))
    entries = models.PositiveIntegerField(_("entries"))
    # sha256 of the previous digest's signed message ("" for the first one).
    prev_hash = models.CharField(_("previous digest"), max_length=64, blank=True)
    # sha256 of this day's anchors (AuditAnchor): the heads of the chains that moved that day.
    anchors = models.CharField(_("anchors"), max_length=64, blank=True)
    key_id = models.CharField(_("key id"), max_length=16, blank=True)
    signature = models.CharField(_("signature"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily audit digest")
        verbose_name_plural = _("daily audit digests")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.digest}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("Published digests are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Published digests are never removed.")


class AuditAnchor(models.Model):
    """The head of one case's chain as a digest covered it: written with the digest for every
    case whose chain moved since the digest before, so verify_audit can name a rewritten case."""

    day = models.DateField(_("day"))
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(_("position in the chain"))
    hash = models.CharField(_("hash"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")
        constraints = [models.UniqueConstraint(fields=["day", "case"], name="audit_anchor_unique_day_case")]

    def __str__(self) -> str:
        return f"{self.day} {self.case_id}#{self.seq}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("Anchors are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Anchors are never removed.")


class AuditSigningKey(models.Model):
    """Every public key that ever signed a digest, kept so that old digests stay verifiable after
    a rotation (README: audit integrity)."""

    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    public_key = models.CharField(_("public key (base64)"), max_length=64)
    first_used_at = models.DateTimeField(_("first used at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit signing key")
        verbose_name_plural = _("audit signing keys")
        ordering = ["-first_used_at"]

    def __str__(self) -> str:
        return self.key_id

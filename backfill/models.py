"""Where an imported case came from (README: bringing a commune's past in)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class ImportedCase(models.Model):
    """A case brought in from the commune's register before Mithaq: its source, and the number it
    had there, which makes a second import of the same file add nothing."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="imported"
    )
    collectivity_id = models.PositiveIntegerField(_("collectivity"), db_index=True)
    register_number = models.CharField(_("number in the former register"), max_length=60, blank=True)
    source = models.CharField(_("source file"), max_length=200, blank=True)
    row = models.PositiveIntegerField(_("row in the file"))
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("imported case")
        verbose_name_plural = _("imported cases")
        constraints = [
            models.UniqueConstraint(
                fields=["collectivity_id", "register_number"],
                condition=~models.Q(register_number=""),
                name="imported_case_unique_register_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.register_number or self.row} → {self.case_id}"

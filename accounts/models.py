from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person using Mithaq. Roles are Django groups (docs/domain.md §1); memberships live on the org
    models."""

    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        FRENCH = "fr", _("French")
        TAMAZIGHT = "zgh", _("Tamazight")

    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ARABIC
    )
    collectivity = models.ForeignKey(
        "organisation.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Staff of one collectivity act only on its cases; empty for installation-wide accounts."),
    )
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    # For notices by SMS (core.phone: E.164). Personal data (Law 09-08): never on a public page or in a log.
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True, default="", db_default="")
    # The person's choice in their profile; without an e-mail address, notices go by SMS anyway.
    notify_by_sms = models.BooleanField(_("notices by SMS"), default=False, db_default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def group_names(self) -> frozenset[str]:
        """Role group names, cached on the instance for the permission table."""
        cached = getattr(self, "_group_names", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("name", flat=True))
            self._group_names = cached
        return cached

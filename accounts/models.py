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
    # Further collectivities a staff member acts in, besides `collectivity` (docs/architecture.md,
    # "Several collectivities"). `collectivity_ids()` is the one answer to "where may this user act".
    collectivities = models.ManyToManyField(
        "organisation.Collectivity",
        verbose_name=_("further collectivities"),
        blank=True,
        related_name="member_users",
        help_text=_("Other collectivities this staff member also acts in."),
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

    def collectivity_ids(self) -> frozenset[int] | None:
        """The collectivities this user may act in: None for an installation-wide account (no
        primary collectivity), else the primary one and the further memberships. Cached on the
        instance; the permission predicates and every staff list read it."""
        if self.collectivity_id is None:
            return None
        cached = self.__dict__.get("_collectivity_ids")
        if cached is None or cached[0] != self.collectivity_id:
            extra = self.collectivities.values_list("id", flat=True) if self.pk else []
            cached = (self.collectivity_id, frozenset({self.collectivity_id, *extra}))
            self.__dict__["_collectivity_ids"] = cached
        return cached[1]

    def limit_lists_to_site(self, collectivity_id: int | None) -> None:
        """The request is on this collectivity's own site (its prefix or host name): staff lists then
        show its cases only. organisation.tenancy calls it for the request's user; None: the
        installation's unprefixed site, where lists cover every collectivity the user acts in."""
        self.__dict__["_site_collectivity_id"] = collectivity_id

    def listed_collectivity_ids(self) -> frozenset[int] | None:
        """The collectivities whose cases staff lists, inbox counts and search show this user: where
        they act (None: all, for a superuser or an installation-wide account), and on a
        collectivity's own site only that one among them (docs/architecture.md, "Several
        collectivities"). What the user may act on is still `collectivity_ids()`."""
        ids = None if self.is_superuser else self.collectivity_ids()
        site = self.__dict__.get("_site_collectivity_id")
        if site is None:
            return ids
        return frozenset({site}) if ids is None else ids & {site}

    def collectivity_q(self, field: str = "collectivity_id") -> models.Q:
        """The condition on `field` (a collectivity id) of what this user may see among staff lists
        (listed_collectivity_ids); empty for an installation-wide account on the unprefixed site."""
        ids = self.listed_collectivity_ids()
        if ids is None:
            return models.Q()
        if len(ids) == 1:
            return models.Q(**{field: next(iter(ids))})
        # Empty on another collectivity's site: nothing (the site answers 403 to staff pages anyway).
        return models.Q(**{f"{field}__in": sorted(ids)})

    def acts_in(self, collectivity_id: int | None) -> bool:
        """May this user act on what belongs to this collectivity (None: nothing to check)?"""
        ids = self.collectivity_ids()
        return ids is None or collectivity_id is None or collectivity_id in ids

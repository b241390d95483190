from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Connects the signals that drop the cached host names and slugs when a collectivity is saved
        # or deleted, in every process (a command's change must reach the web processes' shared cache).
        from organisation import tenancy  # noqa: F401

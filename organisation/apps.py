from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Connects the signals that rebuild the host and slug map when a collectivity is saved, in
        # every process (a command's change must reach the web processes' shared cache too).
        from organisation import tenancy  # noqa: F401

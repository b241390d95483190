from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demonstration data of `manage.py seed_demo` (the Commune of Demnate, 70 cases)."""

    name = "demo"
    verbose_name = _("Demonstration")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """No models: errors, roles, text rules, rate limits, error pages and the layout's context."""

    name = "core"
    verbose_name = _("Core")

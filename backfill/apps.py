from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackfillConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "backfill"
    verbose_name = _("Past cases brought in")

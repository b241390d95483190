from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from . import hooks
        from .notify import register
        from .views.petitions import staff_petition_panel

        register()
        hooks.register_case_page_panel(staff_petition_panel)

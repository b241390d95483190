from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        from cases.hooks import register_transition_listener

        from . import desk

        register_transition_listener(desk.desk_after_transition)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "clocks"
    verbose_name = _("Clocks")

    def ready(self):
        # The stage clock restarts, pauses or resumes inside each transition (cases.hooks).
        from cases import hooks
        from clocks import deadlines, published

        hooks.register_transition_applier(deadlines.on_transition)
        # Each stage's deadline, its status and source, published with the rules (docs/legal.md §11).
        hooks.register_rules_section(published.rules_section)

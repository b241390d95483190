from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "clocks"
    verbose_name = _("Clocks")

    def ready(self):
        # The stage clock restarts, pauses or resumes inside each transition (cases.hooks).
        from cases import hooks
        from clocks import deadlines

        hooks.register_transition_applier(deadlines.on_transition)
        # Each committee's report, the lead's and the opinions', is due by the committee rule.
        hooks.register_committee_due_date(deadlines.committee_due_on)

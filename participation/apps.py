from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The children's summary of a decision plugs into the case's lifecycle (docs/architecture.md).
        from cases import hooks
        from participation import bodies

        hooks.register_transition_applier(bodies.child_summary_on_decision)

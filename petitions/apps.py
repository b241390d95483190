from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        # Petition rules plug into the case's lifecycle through cases.hooks (docs/architecture.md).
        from cases import hooks
        from petitions import admissibility, signatures, views

        hooks.register_submit_guard(admissibility.submit_guard)
        hooks.register_transition_applier(admissibility.record_unmet_conditions)
        hooks.register_transition_applier(admissibility.guard_referral)
        hooks.register_personal_data_access(signatures.log_document_access)
        hooks.register_case_page_panel(views.staff_petition_panel)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases import hooks
        from cases.notify import register
        from cases.services.committees import lead_referral_on_transition, opinions_lapse_on_transition
        from cases.views.committees import committees_panel

        register()
        # The lead committee's referral follows refer_to_committee, report and defer (docs/domain.md §3.6).
        hooks.register_transition_applier(lead_referral_on_transition)
        # The opinions still asked lapse when the case leaves the committee stages: inside the
        # transition's write batch, where listeners run (docs/domain.md §3.6).
        hooks.register_transition_listener(opinions_lapse_on_transition)
        hooks.register_case_page_panel(committees_panel)

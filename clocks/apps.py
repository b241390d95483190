from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "clocks"
    verbose_name = _("Clocks")

    def ready(self):
        # The stage clock restarts, pauses or resumes inside each transition (cases.hooks).
        from django.db.models.signals import post_delete, post_save, pre_save

        from cases import hooks
        from clocks import deadlines, published
        from clocks.models import DeadlineRule, HolidayOverride

        hooks.register_transition_applier(deadlines.on_transition)
        # Each committee's report, the lead's and the opinions', is due by the committee rule.
        hooks.register_committee_due_date(deadlines.committee_due_on)
        # The cached rules and holidays (clocks/deadlines.py) are dropped whenever a row is saved or
        # deleted (the keys it had and has); bulk writes drop them in the models' querysets.
        for model in (DeadlineRule, HolidayOverride):
            uid = f"clocks-cache-{model.__name__}"
            pre_save.connect(deadlines.row_saving, sender=model, dispatch_uid=f"{uid}-saving")
            post_save.connect(deadlines.row_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(deadlines.row_changed, sender=model, dispatch_uid=f"{uid}-delete")
        # Each stage's deadline, its status and source, published with the rules (docs/legal.md §11).
        hooks.register_rules_section(published.rules_section)

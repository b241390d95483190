from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        from cases.hooks import (
            register_case_page_panel,
            register_lock_companion,
            register_staff_home_section,
            register_transition_listener,
        )
        from workflows import desk, views

        register_transition_listener(desk.desk_after_transition)
        register_lock_companion(*desk.LOCK_COMPANION)
        register_case_page_panel(views.case_desk_panel)
        register_staff_home_section(views.staff_home_desk)

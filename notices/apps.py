from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notifications of decisions and notice board")

    def ready(self):
        # The staff case page shows the notifications and the posting (cases.hooks); e-mail and
        # in-app messages of a decision are recorded as notifications once delivered or read.
        from cases import hooks
        from notices import selectors, system, views
        from notifications.registry import register_delivery_listener

        hooks.register_case_page_panel(views.staff_notices_panel)
        hooks.register_case_detail_field(
            "notifications", lambda case, user: selectors.notification_items(case=case, user=user)
        )
        hooks.register_case_detail_field("notified", lambda case, user: selectors.notice_clock_items(case))
        register_delivery_listener(system.on_delivery)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications.followers import FollowerResolver
        from notifications.registry import register_subject

        register_subject("follower", FollowerResolver())

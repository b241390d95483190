from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from django.core.signals import request_started

        from audit.digest import publish_on_request

        # README: audit integrity: yesterday's digest is published even without Celery beat.
        request_started.connect(publish_on_request, dispatch_uid="mithaq-audit-digest")

"""The desk's process: a viewflow Process whose artifact is the case."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class CaseProcess(Process):
    """One process per filed case. The case's FSM state is the legal truth; the process is the desk."""

    class Meta:
        proxy = True
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")
        # Granted to role groups by a data migration; tasks carry one of them as owner_permission.
        permissions = [
            ("desk_bureau", _("Works the council bureau's tasks")),
            ("desk_intake", _("Works the reception desk's tasks")),
            ("desk_submitter", _("Completes the file of their own cases")),
            ("desk_committee", _("Works their standing committee's tasks")),
            ("desk_secretariat", _("Works the council secretariat's tasks")),
            ("desk_president", _("Works the council president's tasks")),
            ("desk_service", _("Works their service's tasks")),
        ]

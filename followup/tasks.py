"""Daily open-data snapshot (Celery beat, config/settings/base.py)."""

from celery import shared_task
from django.conf import settings

from followup import opendata
from organisation import selectors as org_selectors


@shared_task(name="followup.export_open_data")
def export_open_data() -> int:
    collectivity = org_selectors.collectivity_default()
    if collectivity is None:
        return 0
    return len(opendata.export(collectivity, settings.MITHAQ_OPEN_DATA_DIR))

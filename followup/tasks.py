"""Daily open-data snapshot (Celery beat, config/settings/base.py)."""

from celery import shared_task
from django.conf import settings

from cases import selectors

from . import opendata


@shared_task(name="followup.export_open_data")
def export_open_data() -> int:
    collectivity = selectors.collectivity_default()
    if collectivity is None:
        return 0
    return len(opendata.export(collectivity, settings.MITHAQ_OPEN_DATA_DIR))

"""Daily open-data snapshot (Celery beat, config/settings/base.py)."""

from celery import shared_task
from django.conf import settings

from core.dbrouting import replica_reads
from followup import opendata
from organisation import selectors as org_selectors


@shared_task(name="followup.export_open_data")
def export_open_data() -> int:
    collectivity = org_selectors.collectivity_default()
    if collectivity is None:
        return 0
    # The nightly files tolerate replication lag: read them from the replica if there is one.
    with replica_reads():
        written = len(opendata.export(collectivity, settings.MITHAQ_OPEN_DATA_DIR))
        # Several collectivities on one installation: each also in its own folder DIR/<slug>/.
        others = org_selectors.collectivity_all()
        if others.count() > 1:
            for each in others:
                written += len(opendata.export(each, f"{settings.MITHAQ_OPEN_DATA_DIR}/{each.slug}"))
        return written

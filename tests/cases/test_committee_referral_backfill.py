"""Cases referred before several committees existed get their lead referral from their audit chain
(migration cases.0002_committee_referral)."""

import importlib

from django.apps import apps

from audit.models import TransitionEntry
from cases.models import CommitteeReferral

backfill = importlib.import_module("cases.migrations.0002_committee_referral").backfill_lead_referrals


def test_backfill_reads_the_chain(world):
    reported = world.case_in("reported")
    studying = world.case_in("in_committee")
    untouched = world.case_in("under_review")
    CommitteeReferral.objects.all().delete()

    backfill(apps, None)

    lead = CommitteeReferral.objects.get(case=reported)
    report_entry = TransitionEntry.objects.get(case=reported, transition="report")
    refer_entry = TransitionEntry.objects.get(case=reported, transition="refer_to_committee")
    assert lead.role == "lead" and lead.committee_id == world.committee.pk
    assert lead.requested_at == refer_entry.created_at and lead.requested_by_id == refer_entry.actor_id
    assert lead.reported_at == report_entry.created_at and lead.report == reported.report
    assert lead.reported_by_id == world["committee"].pk
    open_lead = CommitteeReferral.objects.get(case=studying)
    assert open_lead.reported_at is None and open_lead.report == ""
    assert not CommitteeReferral.objects.filter(case=untouched).exists()

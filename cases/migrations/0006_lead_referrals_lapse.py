from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

# The states in which a referral may still be reported (cases.committee_selectors.FILE_STATES, frozen
# here as migrations must be).
FILE_STATES = ("in_committee", "reported", "on_agenda")


def lapse_lead_referrals_left_behind(apps, schema_editor):
    """Lead committees' referrals never reported on a case already decided or withdrawn (before the
    lead referral lapsed with the opinions, docs/domain.md §3.6): lapsed when the case left the
    committee stages (its decision, else its closing, else its entry into its present state)."""
    Case = apps.get_model("cases", "Case")
    Referral = apps.get_model("cases", "CommitteeReferral")
    left = Case.objects.filter(pk=OuterRef("case_id")).values(
        at=Coalesce("decided_at", "closed_at", "state_entered_at")
    )[:1]
    Referral.objects.filter(role="lead", reported_at__isnull=True, lapsed_at__isnull=True).exclude(
        case__state__in=FILE_STATES
    ).update(lapsed_at=Subquery(left))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_committee_referral_lapsed_at"),
    ]

    operations = [
        migrations.RunPython(lapse_lead_referrals_left_behind, migrations.RunPython.noop),
    ]

"""OL 113-14 art. 123: the checklist gains the signatories' direct common interest (direct_interest).

A citizens' petition the bureau already referred to a committee was found admissible under art. 125
§2-3, which covers every condition of art. 123, this one included: its checklist gets the item as met,
with a note saying so, so that referred petitions keep a complete checklist. Petitions not yet referred
get nothing: the bureau checks the new item before referring them (petitions.admissibility)."""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

NOTE = (
    "Recorded when the condition was added to the checklist: the bureau referred the petition to a "
    "committee, finding the conditions of OL 113-14 art. 123 met."
)


def add_direct_interest(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Check = apps.get_model("petitions", "AdmissibilityCheck")
    History = apps.get_model("petitions", "HistoricalAdmissibilityCheck")
    referred = (
        Case.objects.filter(kind="petition", association__isnull=True, committee__isnull=False)
        .exclude(admissibility__condition="direct_interest")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    for case_id in referred.iterator():
        last = Check.objects.filter(case_id=case_id).aggregate(at=Max("checked_at"))["at"] or now
        check = Check.objects.create(
            case_id=case_id, condition="direct_interest", met=True, note=NOTE, checked_by=None, checked_at=last
        )
        History.objects.create(
            id=check.pk,
            case_id=case_id,
            condition=check.condition,
            met=True,
            note=NOTE,
            checked_at=last,
            checked_by=None,
            history_date=now,
            history_type="+",
            history_change_reason="migration: direct_interest added to the checklist",
        )


def remove_direct_interest(apps, schema_editor):
    Check = apps.get_model("petitions", "AdmissibilityCheck")
    Check.objects.filter(condition="direct_interest", note=NOTE, checked_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("cases", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_direct_interest, remove_direct_interest)]

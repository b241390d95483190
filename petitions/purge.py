"""Law 09-08: signatories' personal data go a configurable time after the petition closes."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseAttachment
from petitions.actions import lock, record_action
from petitions.models import Signature


def personal_data_purge(*, now=None, dry_run: bool = False) -> list[tuple[str, int]]:
    """Law 09-08: signatories' personal data serve the petition alone. A configurable time after
    the case closes, names, numbers, addresses and scans go; the count of signatures stays."""
    now = now or timezone.now()
    done = []
    candidates = Case.objects.filter(
        kind=Case.Kind.PETITION, closed_at__isnull=False, personal_data_purged_at__isnull=True
    ).select_related("collectivity")
    for case in candidates.iterator():
        if case.closed_at + datetime.timedelta(days=case.collectivity.personal_data_retention_days) > now:
            continue
        if dry_run:
            done.append((case.reference, Signature.objects.filter(case=case).count()))
            continue
        with transaction.atomic():
            locked = lock(case.pk)
            count = Signature.objects.filter(case=locked, valid=True).count()
            removed = Signature.objects.filter(case=locked).count()
            personal = [CaseAttachment.Purpose.SIGNED_LISTS, CaseAttachment.Purpose.CNIE_COPIES]
            scans = locked.attachments.filter(purpose__in=personal)
            for scan in scans:
                scan.file.delete(save=False)
            # Rows first, then their history: deleting a row writes one more history record.
            # A raw delete: no per-row history record for rows whose history goes next anyway.
            doomed = Signature.objects.filter(case=locked)
            doomed._raw_delete(doomed.db)
            scans.delete()
            Signature.history.filter(case_id=locked.pk).delete()
            CaseAttachment.history.filter(case_id=locked.pk, purpose__in=personal).delete()
            locked.purged_signature_count = count
            locked.personal_data_purged_at = now
            locked.submitter_name = ""
            locked.submitter_contact = ""
            locked.submitter_phone = ""
            record_action(
                locked,
                "personal_data_purged",
                None,
                now,
                {"signatures_removed": removed, "valid_kept_as_count": count},
            )
            # The case's own history keeps earlier copies of the paper filer's name: blank them too.
            locked.history.exclude(submitter_name="", submitter_phone="").update(
                submitter_name="", submitter_contact="", submitter_phone=""
            )
        done.append((case.reference, removed))
    return done

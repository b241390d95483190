"""A petition filed before Mithaq (README: bringing a commune's past in, docs/domain.md §3.3).

Its signature lists and documents were checked on paper at the time and are kept in the commune's
archive; Mithaq holds no signatory (Law 09-08: there is nothing to copy in). The count the
commune verified then is recorded once, on the draft, audited, and stands in for the lists at
filing: exactly what the purge leaves of a petition filed through Mithaq."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import lifecycle
from cases import states as S
from cases.models import Case
from core.errors import GuardFailed, InvalidTransition, TransitionNotAllowed
from petitions.actions import lock, record_action
from petitions.models import Signature


def is_paper_history(case: Case) -> bool:
    """A draft whose lists are on paper: the personal data were never in Mithaq."""
    return case.state == S.DRAFT and case.personal_data_purged_at is not None


def paper_history_record(*, actor, case: Case | str | int, signature_count: int | None, at=None) -> Case:
    """Record that a past petition's lists (or an association's documents) were checked on paper.

    Only the reception desk, on a draft petition without signatures in Mithaq. `signature_count`
    is the number of valid signatures verified then (None for an association's petition)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock(case)
        if not lifecycle.P.is_intake(actor, locked):
            raise TransitionNotAllowed(_("Only the reception desk records a petition's paper history."))
        if locked.kind != Case.Kind.PETITION or locked.state != S.DRAFT:
            raise InvalidTransition(_("A paper history is recorded on a draft petition only."))
        if Signature.objects.filter(case=locked).exists():
            raise InvalidTransition(_("This petition already has signatures in Mithaq."))
        if locked.association_id is None:
            if (
                not isinstance(signature_count, int)
                or isinstance(signature_count, bool)
                or signature_count < 1
            ):
                raise GuardFailed(
                    field_errors={"signature_count": [_("Give the number of valid signatures verified.")]}
                )
        elif signature_count is not None:
            raise GuardFailed(
                field_errors={"signature_count": [_("An association's petition has no signature count.")]}
            )
        locked.personal_data_purged_at = at
        locked.purged_signature_count = signature_count
        record_action(
            locked,
            "paper_history_recorded",
            actor,
            at,
            {"signature_count": signature_count, "lists_kept_on_paper": True},
        )
    return locked

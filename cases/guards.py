"""Legal conditions checked before a transition, beyond what the transition carries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases import hooks
from core.errors import GuardFailed
from core.text import letter_count


def guard_submit(case, at) -> None:
    """OL 113-14 art. 122 and Decree 2.16.403 annex: a petition states its subject, reasons and objectives."""
    errors: dict[str, list[str]] = {}
    if letter_count(case.title) == 0:
        errors["title"] = [_("The title is required.")]
    if letter_count(case.description) == 0:
        errors["description"] = [_("The description is required.")]
    if case.kind == "petition":
        if letter_count(case.reasons) == 0:
            errors["reasons"] = [_("A petition must state its reasons.")]
        if letter_count(case.objectives) == 0:
            errors["objectives"] = [_("A petition must state its objectives.")]
    errors.update(hooks.submit_guard_errors(case, at))
    if errors:
        raise GuardFailed(_("The case cannot be filed yet."), field_errors=errors)

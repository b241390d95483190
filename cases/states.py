"""The states of docs/domain.md §3.1. The names are part of the contract."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DRAFT = "draft"
SUBMITTED = "submitted"
UNDER_REVIEW = "under_review"
AWAITING_INFORMATION = "awaiting_information"
INADMISSIBLE = "inadmissible"
IN_COMMITTEE = "in_committee"
REPORTED = "reported"
ON_AGENDA = "on_agenda"
ADOPTED = "adopted"
REJECTED = "rejected"
IN_IMPLEMENTATION = "in_implementation"
IMPLEMENTED = "implemented"
NOT_IMPLEMENTED = "not_implemented"
WITHDRAWN = "withdrawn"

STATE_LABELS = {
    DRAFT: pgettext_lazy("case state", "Draft"),
    SUBMITTED: pgettext_lazy("case state", "Submitted"),
    UNDER_REVIEW: pgettext_lazy("case state", "Under review"),
    AWAITING_INFORMATION: pgettext_lazy("case state", "Awaiting information"),
    INADMISSIBLE: pgettext_lazy("case state", "Inadmissible"),
    IN_COMMITTEE: pgettext_lazy("case state", "In committee"),
    REPORTED: pgettext_lazy("case state", "Committee report filed"),
    ON_AGENDA: pgettext_lazy("case state", "On the agenda"),
    ADOPTED: pgettext_lazy("case state", "Adopted"),
    REJECTED: pgettext_lazy("case state", "Rejected"),
    IN_IMPLEMENTATION: pgettext_lazy("case state", "In implementation"),
    IMPLEMENTED: pgettext_lazy("case state", "Implemented"),
    NOT_IMPLEMENTED: pgettext_lazy("case state", "Not implemented"),
    WITHDRAWN: pgettext_lazy("case state", "Withdrawn"),
}
# Advisory opinions and children's recommendations: "taken into account" / "not taken into account".
OPINION_STATE_LABELS = {
    ADOPTED: pgettext_lazy("opinion state", "Taken into account"),
    REJECTED: pgettext_lazy("opinion state", "Not taken into account"),
}

STATE_CHOICES = list(STATE_LABELS.items())
ALL_STATES = tuple(STATE_LABELS)

CLOSED_STATES = frozenset({INADMISSIBLE, REJECTED, IMPLEMENTED, NOT_IMPLEMENTED, WITHDRAWN})
OPEN_STATES = frozenset(ALL_STATES) - CLOSED_STATES - {DRAFT}
WITHDRAWABLE_STATES = [DRAFT, SUBMITTED, UNDER_REVIEW, AWAITING_INFORMATION, IN_COMMITTEE, REPORTED]
DECIDED_STATES = frozenset({ADOPTED, REJECTED, IN_IMPLEMENTATION, IMPLEMENTED, NOT_IMPLEMENTED})

# A short English description, for help texts and the rules page.
STATE_HELP = {
    SUBMITTED: _("Filed; the clock starts and a receipt is issued."),
    UNDER_REVIEW: _("The bureau checks admissibility."),
    AWAITING_INFORMATION: _("The submitter must complete the file."),
    IN_COMMITTEE: _("The standing committee studies it."),
    REPORTED: _("The committee report is in; it awaits the agenda or the president's ruling."),
    ON_AGENDA: _("On the agenda of a council session."),
    ADOPTED: _("Adopted; awaits an implementation plan."),
    IN_IMPLEMENTATION: _("Being carried out by a service."),
}


def state_label(state: str, kind: str | None = None) -> str:
    if kind in ("advisory_opinion", "children_recommendation") and state in OPINION_STATE_LABELS:
        return str(OPINION_STATE_LABELS[state])
    return str(STATE_LABELS.get(state, state))

"""Which letters a case has, who may read each, and the audit entry each one reports.

A letter reports one entry of the case's audit chain (docs/domain.md §5): its hash is printed on
the paper, so the letter can be checked against the public register. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from audit.models import TransitionEntry
from cases import lifecycle, selectors
from cases import states as S
from cases.models import Case
from petitions import admissibility
from petitions.models import AdmissibilityCheck

RECEIPT = "receipt"
ACCEPTANCE = "acceptance"
REJECTION = "rejection"
DECISION = "decision"
PETITION_FORM = "petition-form"
KINDS = (RECEIPT, ACCEPTANCE, REJECTION, DECISION, PETITION_FORM)

TITLES = {
    RECEIPT: _("Receipt of filing"),
    ACCEPTANCE: _("Notice of admissibility"),
    REJECTION: _("Reasoned decision of inadmissibility"),
    DECISION: _("Extract of the council's decision"),
    PETITION_FORM: _("Petition form and signature sheet"),
}

# Letters anyone may read once the case is filed: they report what the public history already
# shows (OL 113-14 art. 125 §4: the rejection is reasoned; art. 273: decisions are published).
PUBLIC_KINDS = frozenset({ACCEPTANCE, REJECTION, DECISION})

# The transitions whose audit entry each letter reports; a later correction of the decision by the
# president (case_correct) is reported instead, since the letter prints the corrected decision.
REPORTED_TRANSITIONS = {
    RECEIPT: ("submit",),
    ACCEPTANCE: ("refer_to_committee",),
    REJECTION: ("declare_inadmissible",),
    DECISION: ("adopt", "reject"),
}
CORRECTION = "case_correct"
CORRECTED_KINDS = frozenset({REJECTION, DECISION})
# Kinds that go through the bureau's admissibility review (OL 113-14 art. 125 §2-3).
ADMISSIBILITY_KINDS = frozenset({Case.Kind.PETITION, Case.Kind.PROPOSAL})


@dataclass
class Letter:
    kind: str
    case: Case
    # The entry the letter reports (its hash is printed) and the transition that made the decision.
    entry: TransitionEntry | None
    base: TransitionEntry | None = None

    @property
    def title(self) -> str:
        return str(TITLES[self.kind])

    @property
    def template(self) -> str:
        return f"letters/{self.kind.replace('-', '_')}.html"


def letter_visible(*, user, case: Case, kind: str, tracked: bool = False) -> bool:
    """The rejection, acceptance and decision of a filed case are public; the receipt and the
    petition form are the filer's and the commune's (a session that tracked the case with its code
    holds the receipt, as for the HTML receipt)."""
    if kind in PUBLIC_KINDS:
        return case.state != S.DRAFT
    if kind == RECEIPT and tracked:
        return True
    return selectors.case_can_view_private(user=user, case=case)


def _entries(case: Case) -> list[TransitionEntry]:
    return list(
        TransitionEntry.objects.filter(case=case)
        .only("seq", "transition", "to_state", "created_at", "hash", "payload", "justification", "decision")
        .order_by("seq")
    )


def _reported(
    entries: list[TransitionEntry], kind: str
) -> tuple[TransitionEntry | None, TransitionEntry | None]:
    names = REPORTED_TRANSITIONS[kind]
    base = next((e for e in reversed(entries) if e.transition in names), None)
    if base is None or kind not in CORRECTED_KINDS:
        return base, base
    corrections = [e for e in entries if e.transition == CORRECTION and e.seq > base.seq]
    return (corrections[-1] if corrections else base), base


def letter_get(*, case: Case, kind: str) -> Letter | None:
    """The letter of this kind if it applies to the case now, else None (nothing to print yet)."""
    if kind not in KINDS:
        return None
    if kind == PETITION_FORM:
        if case.kind != Case.Kind.PETITION:
            return None
        # The form is printed from the draft too; it reports the chain's head, if there is one yet.
        entries = _entries(case) if case.audit_count else []
        return Letter(kind, case, entries[-1] if entries else None)
    if case.state == S.DRAFT:
        return None
    if kind == RECEIPT and case.submitted_at is None:
        return None
    if kind in (ACCEPTANCE, REJECTION) and case.kind not in ADMISSIBILITY_KINDS:
        return None
    entry, base = _reported(_entries(case), kind)
    if entry is None:
        return None
    return Letter(kind, case, entry, base)


def unmet_conditions(case: Case) -> list[dict]:
    """Each condition the bureau found unmet (OL 113-14 art. 123-124), named, with its note."""
    rows = AdmissibilityCheck.objects.filter(case=case, met=False).order_by("id")
    out = []
    for row in rows:
        label = admissibility.CHECKLIST.get(row.condition) or lifecycle.INADMISSIBILITY_GROUNDS.get(
            row.condition
        )
        out.append({"condition": row.condition, "label": str(label or row.condition), "note": row.note})
    return out


def grounds(codes: str, table) -> list[str]:
    """Labels of comma-joined reason codes."""
    return [str(table.get(code, code)) for code in codes.split(",") if code]

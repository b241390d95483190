"""What each letter says: the template context, built in the letter's language (call it inside
translation.override). Public letters carry no personal data (Law 09-08): no CNIE, no signatory,
no name of a citizen; the bureau's notes on each unmet condition go to the filer and the commune only.
"""

from __future__ import annotations

from django.utils import timezone

from cases import labels, lifecycle, predicates, selectors
from cases import states as S
from core import pdf
from letters.selectors import (
    ACCEPTANCE,
    DECISION,
    PETITION_FORM,
    PUBLIC_KINDS,
    RECEIPT,
    REJECTION,
    Letter,
    grounds,
    unmet_conditions,
)

ADOPTED_STATES = frozenset({S.ADOPTED, S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.NOT_IMPLEMENTED})
# Blank rows of the signature sheet when the threshold is unknown; 20 rows fill an A4 landscape page.
ROWS_PER_PAGE = 20
MAX_SIGNATURE_ROWS = 500


def letter_context(
    letter: Letter, *, user, verification_url: str | None, tracking_url: str, lang: str
) -> dict:
    case = letter.case
    entry = letter.entry
    context = {
        "letter": letter,
        "case": case,
        "lang": lang,
        "rtl": lang == "ar",
        "fonts_css": pdf.font_face_css(),
        "font_family": pdf.FONT_FAMILY,
        "collectivity": case.collectivity.name,
        "issued_on": timezone.localdate(),
        "verification_url": verification_url,
        "entry": entry,
        "entry_label": labels.entry_label(entry.transition, case.kind) if entry else "",
        "public_letter": letter.kind in PUBLIC_KINDS,
    }
    builder = {
        RECEIPT: _receipt,
        ACCEPTANCE: _acceptance,
        REJECTION: _rejection,
        DECISION: _decision,
        PETITION_FORM: _petition_form,
    }[letter.kind]
    context.update(builder(letter, user=user, tracking_url=tracking_url))
    return context


def _receipt(letter: Letter, *, user, tracking_url: str) -> dict:
    # OL 113-14 art. 125 §1: the receipt is delivered on filing; §4: the rejection limit it starts.
    return {"legal_deadline": letter.case.legal_deadline, "tracking_url": tracking_url}


def _acceptance(letter: Letter, *, user, tracking_url: str) -> dict:
    # OL 113-14 art. 125 §3 and art. 38 §3: the admissible petition goes to the competent committee
    # and on the agenda of the next ordinary session; the president informs the agent.
    case = letter.case
    return {
        "committee": case.committee.name if case.committee_id else "",
        "mandatory_session": case.mandatory_session if case.kind == case.Kind.PETITION else None,
    }


def _rejection(letter: Letter, *, user, tracking_url: str) -> dict:
    # OL 113-14 art. 125 §4: a reasoned rejection, notified to the agent or the legal representative.
    case = letter.case
    private = selectors.case_can_view_private(user=user, case=case)
    return {
        "decided_at": letter.base.created_at if letter.base else case.decided_at,
        "grounds": grounds(case.decision_reason_code, lifecycle.INADMISSIBILITY_GROUNDS),
        "unmet": unmet_conditions(case),
        "show_notes": private,
        "justification": case.decision_justification,
        "legal_deadline": case.legal_deadline,
        "corrected": letter.entry is not letter.base,
    }


def _decision(letter: Letter, *, user, tracking_url: str) -> dict:
    case = letter.case
    adopted = letter.base is not None and letter.base.transition == "adopt"
    if letter.base is None:
        adopted = case.state in ADOPTED_STATES
    session = case.session
    # OL 113-14 art. 42: a deliberation in session is valid with more than half of the members in
    # office present, at the first or second convocation; at the third meeting whatever the number
    # present. The letter prints what the public case page shows (cases.selectors.case_decision); a
    # ruling of the president without a session has no members present and prints none of it.
    in_session = case.members_present is not None and not case.decided_by_president
    published = (selectors.case_decision(case) or {}) if in_session else {}
    convocation = published.get("convocation", "")
    quorum = published.get("quorum")
    if not in_session or convocation == "third":
        quorum_status = ""  # the third meeting's label already says no quorum is required
    elif quorum is None:
        quorum_status = "unchecked"
    else:
        # The decision was refused without quorum (cases.lifecycle.deliberation_problem); the number
        # in office may have changed since, and then the letter claims nothing.
        quorum_status = "reached" if case.members_present >= quorum else ""
    return {
        "decided_at": letter.base.created_at if letter.base else case.decided_at,
        "adopted": adopted,
        "outcome": S.state_label(S.ADOPTED if adopted else S.REJECTED, case.kind),
        "by_president": case.decided_by_president,
        "session": session,
        "session_kind": session.get_kind_display() if session else "",
        "deliberation_number": case.deliberation_number,
        "votes_for": case.votes_for,
        "votes_against": case.votes_against,
        "votes_abstain": case.votes_abstain,
        "members_present": published.get("members_present"),
        "council_members": published.get("council_members"),
        "quorum": quorum,
        "quorum_status": quorum_status,
        "convocation": convocation,
        "convocation_label": published.get("convocation_label", ""),
        "reasons": [] if adopted else grounds(case.decision_reason_code, lifecycle.REJECTION_REASONS),
        "justification": case.decision_justification,
        "corrected": letter.entry is not letter.base,
    }


def _petition_form(letter: Letter, *, user, tracking_url: str) -> dict:
    # Decree 2.16.403 annex: commune, filing date, subject, reasons and objectives, then the
    # petitioners' data and signatures; the date and the subject head every page.
    case = letter.case
    agent = ""
    if predicates.may_see_submitter_identity(user, case):
        if case.submitter_id is not None:
            agent = case.submitter.get_full_name() or case.submitter.username
        else:
            agent = case.submitter_name
    rows = 0
    if case.association_id is None:
        # OL 113-14 art. 123: as many rows as the minimum of signatories, in whole pages.
        minimum = min(case.collectivity.petition_min_signatures, MAX_SIGNATURE_ROWS)
        rows = -(-minimum // ROWS_PER_PAGE) * ROWS_PER_PAGE
    pages = [range(start + 1, start + ROWS_PER_PAGE + 1) for start in range(0, rows, ROWS_PER_PAGE)]
    return {
        "agent": agent,
        "association": case.association.name if case.association_id else "",
        "filed_on": case.submitted_at,
        "minimum": case.collectivity.petition_min_signatures if case.association_id is None else None,
        "signature_pages": pages,
    }

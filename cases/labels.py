"""Labels of the timeline: audited actions, the fields an entry carries, the corrections
(docs/domain.md §5). The transitions' own labels are in the table of cases.lifecycle."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from cases.lifecycle import TRANSITIONS

# Audited actions that are not transitions (same chain, same timeline).
ACTION_LABELS = {
    "progress": gettext_lazy("Progress update"),
    "milestone_add": gettext_lazy("Milestone planned"),
    "milestone_reach": gettext_lazy("Milestone reached"),
    "case_correct": gettext_lazy("Correction of the recorded decision"),
    "opinion_outcome": gettext_lazy("Outcome of the opinion"),
    "link_opinion": gettext_lazy("Linked to a case"),
    "attachment_add": gettext_lazy("Document attached"),
    "admissibility_check": gettext_lazy("Admissibility checklist"),
    "signatures_invalidated": gettext_lazy("Signatures invalidated"),
    "personal_data_purged": gettext_lazy("Personal data purged"),
    "notification_record": gettext_lazy("Decision notified"),
    "notification_received": gettext_lazy("Notification received"),
    "board_posting": gettext_lazy("Decision posted on the notice board"),
    "committee_opinion_request": gettext_lazy("A committee asked for its opinion"),
    "committee_opinion": gettext_lazy("Opinion of a committee"),
}
# Labels of what actions and decisions carry beyond the transition fields.
PAYLOAD_LABELS = {
    "percent": gettext_lazy("Progress (%)"),
    "note": gettext_lazy("Note"),
    "milestone": gettext_lazy("Milestone"),
    "planned_on": gettext_lazy("Planned for"),
    "reached_on": gettext_lazy("Reached on"),
    "changes": gettext_lazy("Corrected"),
    "decided_case": gettext_lazy("Decided case"),
    "followed": gettext_lazy("Followed"),
    "decision": gettext_lazy("Decision"),
    "related_case": gettext_lazy("Related case"),
    "mandatory_session": gettext_lazy("Mandatory session (organic law 113-14, article 38)"),
    "opinions": gettext_lazy("Linked opinions"),
    "document": gettext_lazy("Document"),
    "purpose": gettext_lazy("Kind of document"),
    "conditions": gettext_lazy("Conditions"),
    "count": gettext_lazy("Number"),
    "signatures_removed": gettext_lazy("Signatures removed"),
    "valid_kept_as_count": gettext_lazy("Valid signatures kept as a count"),
    "notified_decision": gettext_lazy("Decision notified"),
    "recipient_role": gettext_lazy("Recipient"),
    "channel": gettext_lazy("How"),
    "sent_at": gettext_lazy("Sent on"),
    "received_at": gettext_lazy("Received on"),
    "posted_on": gettext_lazy("Posted on"),
    "late": gettext_lazy("Late"),
    "committee": gettext_lazy("Committee"),
    "due_on": gettext_lazy("Due on"),
    "report": gettext_lazy("The committee's opinion"),
}
# Values of the notices' actions (notification_record, board_posting): the same words as the
# choices of notices.models, which cases cannot import.
NOTICE_VALUE_LABELS = {
    "agent": gettext_lazy("Agent of the petitioners"),
    "legal_representative": gettext_lazy("Legal representative of the association"),
    "submitter": gettext_lazy("Submitter"),
    "email": gettext_lazy("E-mail"),
    "inapp": gettext_lazy("In the application"),
    "hand": gettext_lazy("Hand delivery against signature"),
    "registered_mail": gettext_lazy("Registered mail"),
}
CORRECTABLE_LABELS = {
    "deliberation_number": gettext_lazy("Deliberation number"),
    "votes_for": gettext_lazy("Votes for"),
    "votes_against": gettext_lazy("Votes against"),
    "votes_abstain": gettext_lazy("Abstentions"),
    "members_present": gettext_lazy("Members present"),
    "decision_justification": gettext_lazy("Justification"),
    "decision_reason_code": gettext_lazy("Reason"),
}


def entry_label(name: str, kind: str) -> str:
    spec = TRANSITIONS.get(name)
    if spec is not None:
        return spec.label_for(kind)
    return str(ACTION_LABELS.get(name, name))

"""The one writer of cases (docs/architecture.md): every state change and audited action of a case
goes through these functions, each in one transaction (lock, guard, transition, audit entry, outbox).

Split by concern: `create` (filing), `transition` (the lifecycle's edges), `actions` (progress,
milestones, corrections, opinions), `attachments` (documents), `codes` (tracking codes and
references), `record` (what they share). Callers use the names re-exported here.
"""

from cases.services.actions import (
    CORRECTABLE_FIELDS,
    case_correct,
    case_link_opinion,
    case_milestone_add,
    case_milestone_reach,
    case_progress_add,
)
from cases.services.attachments import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    PERSONAL_PURPOSES,
    case_attachment_add,
)
from cases.services.codes import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    tracking_code_hash,
    tracking_code_matches,
    tracking_code_new,
    tracking_code_normalize,
)
from cases.services.committees import (
    case_file_committee_opinion,
    case_request_committee_opinion,
)
from cases.services.create import KINDS_BY_GROUP, case_create
from cases.services.record import (
    append_action,
    case_id_for,
    locked_for_action,
    public_case_in,
    register_changed,
)
from cases.services.transition import case_available_transitions, case_transition
from core.history import history_stamp

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_TYPES",
    "CORRECTABLE_FIELDS",
    "KINDS_BY_GROUP",
    "PERSONAL_PURPOSES",
    "TRACKING_ALPHABET",
    "TRACKING_LENGTH",
    "append_action",
    "case_attachment_add",
    "case_available_transitions",
    "case_id_for",
    "case_correct",
    "case_create",
    "case_file_committee_opinion",
    "case_request_committee_opinion",
    "case_link_opinion",
    "case_milestone_add",
    "case_milestone_reach",
    "case_progress_add",
    "case_transition",
    "history_stamp",
    "locked_for_action",
    "public_case_in",
    "register_changed",
    "tracking_code_hash",
    "tracking_code_matches",
    "tracking_code_new",
    "tracking_code_normalize",
]

"""The transition table of docs/domain.md §3.2: who may take each edge and what it must carry.

This is the one table views, the API, workflow tasks and services all ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cases import predicates as P
from cases import states as S
from cases.payload import clean_value
from core import roles
from core.errors import GuardFailed, InvalidTransition, TransitionNotAllowed, UnknownTransition

PETITION = "petition"
PROPOSAL = "proposal"
OPINION_KINDS = frozenset({"advisory_opinion", "children_recommendation"})
ADMISSIBILITY_KINDS = frozenset({PETITION, PROPOSAL})
ALL_KINDS = frozenset({PETITION, PROPOSAL}) | OPINION_KINDS

# Legal grounds of inadmissibility (OL 113-14 art. 121-124; the checklist of docs/domain.md §3.3).
INADMISSIBILITY_GROUNDS = {
    "signatures": gettext_lazy("Not enough valid, distinct signatories"),
    "territorial_link": gettext_lazy("Signatories not linked to the territory"),
    "electoral_conditions": gettext_lazy("Signatories do not meet the electoral conditions"),
    "direct_interest": gettext_lazy("Signatories share no direct common interest in the petition"),
    "association_conditions": gettext_lazy("The association does not meet the legal conditions"),
    "documents": gettext_lazy("Required documents missing"),
    "competence": gettext_lazy("Outside the council's competences"),
    "constitutional_constants": gettext_lazy("Touches the constants of Constitution article 1"),
    "other": gettext_lazy("Other legal ground"),
}
# Structured reasons of a rejection, so they can be counted (docs/domain.md §3.2).
REJECTION_REASONS = {
    "outside_competences": gettext_lazy("Outside the commune's competences"),
    "budget": gettext_lazy("Budget"),
    "duplicate": gettext_lazy("Duplicate of an existing project"),
    "technical_infeasibility": gettext_lazy("Technically infeasible"),
    "other": gettext_lazy("Other"),
}
# OL 113-14 art. 42: the quorum is more than half of the members in office at the first and the
# second convocation; at the third meeting the council deliberates whatever the number present.
CONVOCATIONS = {
    "first": gettext_lazy("First convocation"),
    "second": gettext_lazy("Second convocation"),
    "third": gettext_lazy("Third meeting (no quorum required)"),
}
# OL 113-14 art. 43: on a tie the side of the president prevails.
PRESIDENT_VOTES = {
    "for": gettext_lazy("For"),
    "against": gettext_lazy("Against"),
}
RECOMMENDATIONS = {
    "adopt": gettext_lazy("Adopt"),
    "reject": gettext_lazy("Reject"),
    "amend": gettext_lazy("Adopt with amendments"),
}


# Text a transition carries that has no column limit of its own (a TextField, or text the audit chain
# alone keeps, such as a justification).
LONG_TEXT_MAX = 10_000


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # justification | text | choice | choices | committee | session | service | int | date | file
    label: object
    required: bool = True
    # When set, the field is required only when the edge starts from one of these states.
    required_from: frozenset[str] | None = None
    choices: Mapping | None = None
    public: bool = True
    # When set, the field is carried only by cases of these kinds (others never see it).
    kinds: frozenset[str] | None = None

    @property
    def max_length(self) -> int:
        """The longest text accepted: the max_length of the Case column of the same name, else
        LONG_TEXT_MAX. Read through the app registry because cases.models imports this module."""
        try:
            column = apps.get_model("cases", "Case")._meta.get_field(self.name)
        except FieldDoesNotExist:
            return LONG_TEXT_MAX
        return getattr(column, "max_length", None) or LONG_TEXT_MAX

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def is_required(self, source: str) -> bool:
        if self.required_from is not None:
            return source in self.required_from
        return self.required


@dataclass(frozen=True)
class Edge:
    sources: tuple[str, ...]
    allowed: P.Predicate
    role: str
    kinds: frozenset[str] = ALL_KINDS


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    target: str
    label: object
    method: str
    edges: tuple[Edge, ...]
    fields: tuple[FieldSpec, ...] = ()
    decision: bool = False  # a decision is published with its justification
    button_style: str = "primary"
    opinion_label: object = None

    @property
    def sources(self) -> frozenset[str]:
        return frozenset(s for e in self.edges for s in e.sources)

    def label_for(self, kind: str) -> str:
        if self.opinion_label and kind in OPINION_KINDS:
            return str(self.opinion_label)
        return str(self.label)


def _justification(required=True, public=True, label=None, required_from=None) -> FieldSpec:
    return FieldSpec(
        "justification",
        "justification",
        label or gettext_lazy("Justification"),
        required=required,
        required_from=required_from,
        public=public,
    )


# docs/domain.md §3.4: a decision on a children's recommendation tells the children, in plain words,
# what happened to it; participation checks the collectivity's maximum length and sends it on.
_child_summary = FieldSpec(
    "child_summary",
    "text",
    gettext_lazy("What happened to your recommendation (for the children, in plain words)"),
    kinds=frozenset({"children_recommendation"}),
)

_votes = (
    FieldSpec(
        "deliberation_number",
        "text",
        gettext_lazy("Deliberation number"),
        required_from=frozenset({S.ON_AGENDA}),
    ),
    FieldSpec("votes_for", "int", gettext_lazy("Votes for"), required_from=frozenset({S.ON_AGENDA})),
    FieldSpec("votes_against", "int", gettext_lazy("Votes against"), required_from=frozenset({S.ON_AGENDA})),
    FieldSpec("votes_abstain", "int", gettext_lazy("Abstentions"), required_from=frozenset({S.ON_AGENDA})),
    FieldSpec(
        "members_present",
        "int",
        gettext_lazy("Members present"),
        required_from=frozenset({S.ON_AGENDA}),
    ),
    FieldSpec(
        "convocation",
        "choice",
        gettext_lazy("Convocation (first if empty)"),
        required=False,
        choices=CONVOCATIONS,
    ),
    FieldSpec(
        "president_vote",
        "choice",
        gettext_lazy("The president's vote (decides a tie)"),
        required=False,
        choices=PRESIDENT_VOTES,
    ),
)

TRANSITIONS: dict[str, TransitionSpec] = {
    t.name: t
    for t in (
        TransitionSpec(
            "submit",
            S.SUBMITTED,
            pgettext_lazy("transition", "File"),
            "submit",
            (
                Edge((S.DRAFT,), P.is_submitter, "submitter"),
                Edge((S.DRAFT,), P.is_intake_for_desk_case, roles.INTAKE),
            ),
        ),
        TransitionSpec(
            "start_review",
            S.UNDER_REVIEW,
            pgettext_lazy("transition", "Start the admissibility review"),
            "start_review",
            (Edge((S.SUBMITTED,), P.is_bureau_member, roles.BUREAU, ADMISSIBILITY_KINDS),),
        ),
        TransitionSpec(
            "declare_inadmissible",
            S.INADMISSIBLE,
            pgettext_lazy("transition", "Declare inadmissible"),
            "declare_inadmissible",
            (Edge((S.SUBMITTED, S.UNDER_REVIEW), P.is_bureau_member, roles.BUREAU, ADMISSIBILITY_KINDS),),
            (
                FieldSpec(
                    "reason_code", "choices", gettext_lazy("Legal ground"), choices=INADMISSIBILITY_GROUNDS
                ),
                _justification(),
            ),
            decision=True,
            button_style="danger",
        ),
        TransitionSpec(
            "request_information",
            S.AWAITING_INFORMATION,
            pgettext_lazy("transition", "Request information"),
            "request_information",
            (Edge((S.UNDER_REVIEW,), P.is_bureau_member, roles.BUREAU, ADMISSIBILITY_KINDS),),
            (FieldSpec("justification", "text", gettext_lazy("What is missing"), public=False),),
            button_style="secondary",
        ),
        TransitionSpec(
            "provide_information",
            S.UNDER_REVIEW,
            pgettext_lazy("transition", "Provide the information"),
            "provide_information",
            (
                Edge((S.AWAITING_INFORMATION,), P.is_submitter, "submitter", ADMISSIBILITY_KINDS),
                Edge((S.AWAITING_INFORMATION,), P.is_intake_for_desk_case, roles.INTAKE, ADMISSIBILITY_KINDS),
            ),
            (
                FieldSpec("justification", "text", gettext_lazy("The completed items"), public=False),
                FieldSpec(
                    "attachment",
                    "file",
                    gettext_lazy("Completed documents (optional)"),
                    required=False,
                    public=False,
                ),
            ),
        ),
        TransitionSpec(
            "refer_to_committee",
            S.IN_COMMITTEE,
            pgettext_lazy("transition", "Refer to a committee"),
            "refer_to_committee",
            (
                Edge((S.UNDER_REVIEW,), P.is_bureau_member, roles.BUREAU, ADMISSIBILITY_KINDS),
                # Opinions and children's recommendations skip admissibility (docs/domain.md §3.2).
                Edge((S.SUBMITTED,), P.is_bureau_member, roles.BUREAU, OPINION_KINDS),
            ),
            (FieldSpec("committee", "committee", gettext_lazy("Committee")),),
        ),
        TransitionSpec(
            "report",
            S.REPORTED,
            pgettext_lazy("transition", "File the committee report"),
            "report_",
            (Edge((S.IN_COMMITTEE,), P.is_committee_member_of_case, roles.COMMITTEE),),
            (
                FieldSpec("report", "text", gettext_lazy("Committee report")),
                FieldSpec(
                    "recommendation", "choice", gettext_lazy("Recommendation"), choices=RECOMMENDATIONS
                ),
                FieldSpec("attachment", "file", gettext_lazy("Report document (optional)"), required=False),
            ),
        ),
        TransitionSpec(
            "schedule",
            S.ON_AGENDA,
            pgettext_lazy("transition", "Put on a session's agenda"),
            "schedule",
            (Edge((S.REPORTED,), P.is_secretariat, roles.SECRETARIAT),),
            (
                FieldSpec("session", "session", gettext_lazy("Council session")),
                # OL 113-14 art. 38: an admissible petition goes on its mandatory session; another one
                # needs a published reason (the session was cancelled, say).
                FieldSpec(
                    "derogation",
                    "justification",
                    gettext_lazy("Why not the mandatory session (petitions)"),
                    required=False,
                ),
            ),
        ),
        TransitionSpec(
            "adopt",
            S.ADOPTED,
            pgettext_lazy("transition", "Adopt"),
            "adopt",
            (
                Edge((S.ON_AGENDA,), P.is_secretariat, roles.SECRETARIAT),
                # A proposal on an executive matter may be ruled on by the president (docs/domain.md §3.2).
                Edge((S.REPORTED,), P.is_president, roles.PRESIDENT, frozenset({PROPOSAL})),
            ),
            (
                *_votes,
                _justification(),
                _child_summary,
                FieldSpec("service", "service", gettext_lazy("Responsible service"), required=False),
            ),
            decision=True,
            opinion_label=pgettext_lazy("transition", "Take into account"),
        ),
        TransitionSpec(
            "reject",
            S.REJECTED,
            pgettext_lazy("transition", "Reject"),
            "reject",
            (
                Edge((S.ON_AGENDA,), P.is_secretariat, roles.SECRETARIAT),
                Edge((S.REPORTED,), P.is_president, roles.PRESIDENT, frozenset({PROPOSAL})),
            ),
            (
                *_votes,
                # Chosen explicitly, "other" included: never a silent default (docs/domain.md §3.2).
                FieldSpec("reason_code", "choice", gettext_lazy("Reason"), choices=REJECTION_REASONS),
                _justification(),
                _child_summary,
            ),
            decision=True,
            button_style="danger",
            opinion_label=pgettext_lazy("transition", "Do not take into account"),
        ),
        TransitionSpec(
            "defer",
            S.IN_COMMITTEE,
            pgettext_lazy("transition", "Send back to committee"),
            "defer",
            (Edge((S.ON_AGENDA,), P.is_secretariat, roles.SECRETARIAT),),
            (_justification(),),
            button_style="secondary",
        ),
        TransitionSpec(
            "plan_implementation",
            S.IN_IMPLEMENTATION,
            pgettext_lazy("transition", "Plan the implementation"),
            "plan_implementation",
            (Edge((S.ADOPTED,), P.is_implementing_service, roles.SERVICE),),
            (
                FieldSpec("service", "service", gettext_lazy("Responsible service"), required=False),
                FieldSpec("planned_end", "date", gettext_lazy("Planned end")),
                FieldSpec("budget_line", "text", gettext_lazy("Budget line"), required=False),
            ),
        ),
        TransitionSpec(
            "complete",
            S.IMPLEMENTED,
            pgettext_lazy("transition", "Mark as implemented"),
            "complete",
            (Edge((S.IN_IMPLEMENTATION,), P.is_service_of_case, roles.SERVICE),),
            (
                FieldSpec("evidence", "text", gettext_lazy("Evidence of implementation")),
                FieldSpec(
                    "attachment",
                    "file",
                    gettext_lazy("Evidence document or photo (optional)"),
                    required=False,
                ),
            ),
        ),
        TransitionSpec(
            "abandon",
            S.NOT_IMPLEMENTED,
            pgettext_lazy("transition", "Abandon (not implemented)"),
            "abandon",
            (Edge((S.ADOPTED, S.IN_IMPLEMENTATION), P.is_president, roles.PRESIDENT),),
            (_justification(),),
            decision=True,
            button_style="danger",
        ),
        TransitionSpec(
            "withdraw",
            S.WITHDRAWN,
            pgettext_lazy("transition", "Withdraw"),
            "withdraw",
            (
                Edge(tuple(S.WITHDRAWABLE_STATES), P.is_submitter, "submitter"),
                Edge(tuple(S.WITHDRAWABLE_STATES), P.is_intake_for_desk_filer, roles.INTAKE),
            ),
            (
                FieldSpec(
                    "justification", "text", gettext_lazy("Reason (optional)"), required=False, public=False
                ),
            ),
            button_style="secondary",
        ),
    )
}

TRANSITION_NAMES = tuple(TRANSITIONS)


def get_spec(name: str) -> TransitionSpec:
    try:
        return TRANSITIONS[name]
    except (KeyError, TypeError):
        raise UnknownTransition() from None


def resolve_edge(spec: TransitionSpec, user, case) -> Edge:
    """The edge this user may take now, or a typed refusal: 403 for the role, 409 for the state."""
    permitted = [e for e in spec.edges if e.allowed(user, case)]
    if not permitted:
        raise TransitionNotAllowed()
    for edge in permitted:
        if case.kind in edge.kinds and case.state in edge.sources:
            return edge
    raise InvalidTransition(
        _("“%(transition)s” is not possible while the case is “%(state)s”.")
        % {"transition": spec.label_for(case.kind), "state": S.state_label(case.state, case.kind)}
    )


def available_transitions(user, case) -> list[TransitionSpec]:
    """Transitions this user may perform on this case now (buttons, API, inbox)."""
    out = []
    for spec in TRANSITIONS.values():
        for edge in spec.edges:
            if case.kind in edge.kinds and case.state in edge.sources and edge.allowed(user, case):
                out.append(spec)
                break
    return out


@dataclass
class Cleaned:
    values: dict = field(default_factory=dict)
    public_payload: dict = field(default_factory=dict)
    private_payload: dict = field(default_factory=dict)

    @property
    def justification(self) -> str:
        return self.values.get("justification", "") or ""


def clean_payload(spec: TransitionSpec, case, data: Mapping | None, *, lookups) -> Cleaned:
    """Validate what the transition carries. `lookups` resolves committee/session/service ids
    within the case's collectivity. Raises GuardFailed naming every problem at once."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise GuardFailed(_("The request body must be an object."))
    errors: dict[str, list[str]] = {}
    cleaned = Cleaned()
    min_letters = case.collectivity.justification_min_chars
    for f in spec.fields:
        if f.type == "file" or not f.applies_to(case.kind):
            continue  # uploads travel beside the payload (cases.services: `files`)
        raw = data.get(f.name)
        if isinstance(raw, str):
            raw = raw.strip()
        empty = raw is None or raw == "" or raw == []
        if empty:
            if f.is_required(case.state):
                errors.setdefault(f.name, []).append(_("%(field)s is required.") % {"field": f.label})
            continue
        try:
            value, shown = clean_value(f, raw, lookups=lookups, min_letters=min_letters)
        except ValueError as exc:
            errors.setdefault(f.name, []).append(str(exc))
            continue
        cleaned.values[f.name] = value
        (cleaned.public_payload if f.public else cleaned.private_payload)[f.name] = shown
    votes_problem(spec.name, cleaned.values, errors, collectivity=case.collectivity)
    if spec.name in ("adopt", "reject"):
        deliberation_problem(cleaned.values, errors, collectivity=case.collectivity)
    if errors:
        raise GuardFailed(
            _("“%(transition)s” cannot be recorded.") % {"transition": spec.label_for(case.kind)},
            field_errors=errors,
        )
    return cleaned


def votes_problem(name: str, values: Mapping, errors: dict[str, list[str]], *, collectivity=None) -> None:
    """A decision recorded with its votes must follow them (OL 113-14 art. 43, docs/legal.md §4): by
    default the absolute majority of the votes cast, so `adopt` needs more votes for than against and
    `reject` more against than for; on a tie the president's side prevails, and a tie without the
    president's vote is refused. A collectivity may require the absolute majority of its members in
    office instead (`Collectivity.decision_majority`)."""
    if name not in ("adopt", "reject"):
        return
    yes, no = values.get("votes_for"), values.get("votes_against")
    if yes is None or no is None:
        return
    members = getattr(collectivity, "council_members", None)
    if getattr(collectivity, "decision_majority", "votes_cast") == "members_in_office" and members:
        needed = members // 2 + 1
        if name == "adopt" and yes < needed:
            errors.setdefault("votes_for", []).append(
                _(
                    "Votes for (%(yes)d) do not reach the absolute majority of the members in office "
                    "(%(needed)d of %(members)d): the case is not adopted."
                )
                % {"yes": yes, "members": members, "needed": needed}
            )
        elif name == "reject" and yes >= needed:
            errors.setdefault("votes_for", []).append(
                _(
                    "Votes for (%(yes)d) reach the absolute majority of the members in office "
                    "(%(needed)d of %(members)d): the council adopted the case; record an adoption."
                )
                % {"yes": yes, "members": members, "needed": needed}
            )
        return
    if yes == no:
        side = values.get("president_vote")
        if side is None:
            errors.setdefault("votes_against", []).append(
                _(
                    "A tie (%(n)d for, %(n)d against) is settled by the president's side (organic law "
                    "113-14, article 43): record how the president voted, or defer the case."
                )
                % {"n": yes}
            )
        elif (name == "adopt") != (side == "for"):
            errors.setdefault("president_vote", []).append(
                _(
                    "On a tie the president's side prevails, and the president voted %(side)s: record "
                    "the other decision."
                )
                % {"side": PRESIDENT_VOTES[side]}
            )
    elif name == "adopt" and yes < no:
        errors.setdefault("votes_against", []).append(
            _(
                "More votes against (%(no)d) than for (%(yes)d): the council rejected the case; record a "
                "rejection."
            )
            % {"yes": yes, "no": no}
        )
    elif name == "reject" and yes > no:
        errors.setdefault("votes_for", []).append(
            _(
                "More votes for (%(yes)d) than against (%(no)d): the council adopted the case; record an "
                "adoption."
            )
            % {"yes": yes, "no": no}
        )


def deliberation_problem(values: Mapping, errors: dict[str, list[str]], *, collectivity) -> None:
    """OL 113-14 art. 42: a deliberation is valid only with more than half of the members in office
    present (not required at the third meeting); the votes cannot outnumber the members present."""
    present = values.get("members_present")
    if present is None:
        return
    members = getattr(collectivity, "council_members", None)
    votes = sum(values.get(f) or 0 for f in ("votes_for", "votes_against", "votes_abstain"))
    if members and present > members:
        errors.setdefault("members_present", []).append(
            _("Members present (%(present)d) cannot outnumber the members in office (%(members)d).")
            % {"present": present, "members": members}
        )
    elif members and values.get("convocation", "first") != "third" and present < members // 2 + 1:
        errors.setdefault("members_present", []).append(
            _(
                "No quorum: the members present (%(present)d) must be more than half of the members in "
                "office (%(members)d), at least %(quorum)d (organic law 113-14, article 42)."
            )
            % {"present": present, "members": members, "quorum": members // 2 + 1}
        )
    if votes > present:
        errors.setdefault("members_present", []).append(
            _("Votes and abstentions (%(votes)d) cannot outnumber the members present (%(present)d).")
            % {"votes": votes, "present": present}
        )

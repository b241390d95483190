"""docs/domain.md §3.2 written out by hand, independently of cases.lifecycle.

The lifecycle tests check the code against this table; nothing here is computed from
`cases.lifecycle.TRANSITIONS`, so a wrong edge in the code cannot make its own test pass.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

PETITION = "petition"
PROPOSAL = "proposal"
ADVISORY_OPINION = "advisory_opinion"
CHILDREN_RECOMMENDATION = "children_recommendation"
ADMISSIBILITY_KINDS = (PETITION, PROPOSAL)
OPINION_KINDS = (ADVISORY_OPINION, CHILDREN_RECOMMENDATION)
KINDS = ADMISSIBILITY_KINDS + OPINION_KINDS

STATES = (
    "draft",
    "submitted",
    "under_review",
    "awaiting_information",
    "inadmissible",
    "in_committee",
    "reported",
    "on_agenda",
    "adopted",
    "rejected",
    "in_implementation",
    "implemented",
    "not_implemented",
    "withdrawn",
)
CLOSED_STATES = frozenset({"inadmissible", "rejected", "implemented", "not_implemented", "withdrawn"})

TRANSITION_NAMES = (
    "submit",
    "start_review",
    "declare_inadmissible",
    "request_information",
    "provide_information",
    "refer_to_committee",
    "report",
    "schedule",
    "adopt",
    "reject",
    "defer",
    "plan_implementation",
    "complete",
    "abandon",
    "withdraw",
)

# "submitter" is not a group: it is whoever filed the case (or, for an association's case, any
# member of that association, docs/domain.md §1).
SUBMITTER = "submitter"
# Where the desk acts for a person: a case it registered (not an online filing).
DESK_CHANNELS = ("desk", "paper", "meeting")

WITHDRAWABLE = ("draft", "submitted", "under_review", "awaiting_information", "in_committee", "reported")


@dataclass(frozen=True)
class ContractEdge:
    name: str
    source: str
    target: str
    kinds: tuple[str, ...]
    roles: frozenset[str]


def _edges(name, sources, target, kinds, roles):
    return [ContractEdge(name, s, target, tuple(kinds), frozenset(roles)) for s in sources]


EDGES: tuple[ContractEdge, ...] = tuple(
    [
        # The desk files only what it registered for someone (channel desk or paper): "intake" on
        # submit and provide_information holds for those cases alone, as "committee" holds only
        # for its committee's cases. It never registers an opinion or a recommendation.
        *_edges("submit", ["draft"], "submitted", ADMISSIBILITY_KINDS, {SUBMITTER, "intake"}),
        *_edges("submit", ["draft"], "submitted", OPINION_KINDS, {SUBMITTER}),
        # Opinions and children's recommendations skip admissibility.
        *_edges("start_review", ["submitted"], "under_review", ADMISSIBILITY_KINDS, {"bureau"}),
        *_edges(
            "declare_inadmissible",
            ["submitted", "under_review"],
            "inadmissible",
            ADMISSIBILITY_KINDS,
            {"bureau"},
        ),
        *_edges(
            "request_information", ["under_review"], "awaiting_information", ADMISSIBILITY_KINDS, {"bureau"}
        ),
        *_edges(
            "provide_information",
            ["awaiting_information"],
            "under_review",
            ADMISSIBILITY_KINDS,
            {SUBMITTER, "intake"},
        ),
        *_edges("refer_to_committee", ["under_review"], "in_committee", ADMISSIBILITY_KINDS, {"bureau"}),
        # The opinion shortcut: straight from submitted.
        *_edges("refer_to_committee", ["submitted"], "in_committee", OPINION_KINDS, {"bureau"}),
        *_edges("report", ["in_committee"], "reported", KINDS, {"committee"}),
        *_edges("schedule", ["reported"], "on_agenda", KINDS, {"secretariat"}),
        *_edges("adopt", ["on_agenda"], "adopted", KINDS, {"secretariat"}),
        *_edges("reject", ["on_agenda"], "rejected", KINDS, {"secretariat"}),
        # A proposal on an executive matter: the president rules without a session.
        *_edges("adopt", ["reported"], "adopted", [PROPOSAL], {"president"}),
        *_edges("reject", ["reported"], "rejected", [PROPOSAL], {"president"}),
        *_edges("defer", ["on_agenda"], "in_committee", KINDS, {"secretariat"}),
        *_edges("plan_implementation", ["adopted"], "in_implementation", KINDS, {"service"}),
        *_edges("complete", ["in_implementation"], "implemented", KINDS, {"service"}),
        *_edges("abandon", ["adopted", "in_implementation"], "not_implemented", KINDS, {"president"}),
        *_edges("withdraw", WITHDRAWABLE, "withdrawn", KINDS, {SUBMITTER}),
    ]
)


def edge_for(name: str, state: str, kind: str) -> ContractEdge | None:
    """The edge of the contract that `name` takes from `state` for `kind`, if any."""
    for edge in EDGES:
        if edge.name == name and edge.source == state and kind in edge.kinds:
            return edge
    return None


def reachable_states(kind: str) -> tuple[str, ...]:
    """States a case of `kind` can reach from draft by the contract's edges (in STATES order)."""
    seen = {"draft"}
    queue = deque(["draft"])
    while queue:
        state = queue.popleft()
        for edge in EDGES:
            if edge.source == state and kind in edge.kinds and edge.target not in seen:
                seen.add(edge.target)
                queue.append(edge.target)
    return tuple(s for s in STATES if s in seen)


# Every (kind, state) a case can be in.
KIND_STATES: tuple[tuple[str, str], ...] = tuple((k, s) for k in KINDS for s in reachable_states(k))

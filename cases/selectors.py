"""Reads of cases: every list decides its joins here, so a page's query count does not grow with its rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from audit.models import TransitionEntry
from cases import hooks, labels, lifecycle, register_cache
from cases import states as S
from cases.committee_selectors import referred_cases_q
from cases.models import Case
from core import roles
from organisation.models import CouncilSession


def case_list_public(
    *,
    collectivity=None,
    kind: str | None = None,
    state: str | None = None,
    committee: int | None = None,
    year: int | None = None,
    search: str | None = None,
) -> QuerySet[Case]:
    """Filed cases anyone may read (drafts are private)."""
    qs = Case.objects.public().select_related("collectivity", "committee", "service", "session")
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if committee:
        qs = qs.filter(committee_id=committee)
    if year:
        qs = qs.filter(year=year)
    if search:
        qs = qs.filter(Q(reference__icontains=search) | Q(title__icontains=search))
    return qs.order_by("-submitted_at", "-id")


# The staff list's sort keys (README: staff pages): most stuck first by default.
STAFF_SORTS = {
    "days": ("state_entered_at", "id"),  # longest in its state first
    "-days": ("-state_entered_at", "-id"),
    "filed": ("submitted_at", "id"),
    "-filed": ("-submitted_at", "-id"),
    "deadline": ("deadline_on", "id"),
    "-deadline": ("-deadline_on", "-id"),
    "reference": ("reference",),
    "-reference": ("-reference",),
}
STAFF_DEFAULT_SORT = "days"


def case_list_for_staff(
    *, user, kind=None, state=None, committee=None, search=None, overdue=None, sort=None
) -> QuerySet[Case]:
    """Cases a staff user may see: everything of the collectivity for the bureau, secretariat,
    president, follow-up and desk; a committee member only their committees' cases; a service
    only the cases it implements (docs/domain.md §1)."""
    qs = Case.objects.select_related("collectivity", "committee", "service", "session", "association")
    groups = user.group_names() if user.is_authenticated else frozenset()
    if not user.is_superuser:
        scope = Q(pk__in=[])
        if groups & roles.ALL_CASES_GROUPS:
            scope |= ~Q(state=S.DRAFT) | Q(filed_by=user)
        if roles.COMMITTEE in groups:
            scope |= Q(committee__in=user.committees.all())
            # A committee asked for its opinion sees the case too (docs/domain.md §3.6).
            scope |= referred_cases_q(user)
        if roles.SERVICE in groups:
            scope |= Q(service__in=user.services.all())
            # A case adopted without a named service waits for any service to plan it.
            scope |= Q(state=S.ADOPTED, service__isnull=True)
        qs = qs.filter(scope)
    if user.is_authenticated:
        # Where the user acts; on a collectivity's own site, that one only (User.collectivity_q).
        qs = qs.filter(user.collectivity_q())
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if committee:
        qs = qs.filter(committee_id=committee)
    if search:
        qs = qs.filter(Q(reference__icontains=search) | Q(title__icontains=search))
    if overdue:
        qs = qs.filter(overdue_q())
    return qs.order_by(*STAFF_SORTS.get(sort or STAFF_DEFAULT_SORT, STAFF_SORTS[STAFF_DEFAULT_SORT]))


# The states in which each role has the next move (docs/domain.md §1, §4): the staff home's "late"
# and "due this week" lists show those; the president and the follow-up team watch every open case.
ROLE_STATES = {
    roles.INTAKE: frozenset({S.SUBMITTED, S.AWAITING_INFORMATION}),
    roles.BUREAU: frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.AWAITING_INFORMATION}),
    roles.COMMITTEE: frozenset({S.IN_COMMITTEE}),
    roles.SECRETARIAT: frozenset({S.REPORTED, S.ON_AGENDA}),
    roles.SERVICE: frozenset({S.ADOPTED, S.IN_IMPLEMENTATION}),
    roles.PRESIDENT: S.OPEN_STATES,
    roles.FOLLOWUP: S.OPEN_STATES,
}
STAFF_HOME_ROWS = 5


def staff_home_lists(*, user, today: datetime.date | None = None, rows: int = STAFF_HOME_ROWS) -> dict:
    """What is late and what is due this week among the cases where the user's roles have the next
    move: a count and the first `rows` of each, in four queries whatever the number of cases."""
    today = today or timezone.localdate()
    groups = user.group_names()
    states = set(S.OPEN_STATES) if user.is_superuser else set()
    for group in groups:
        states |= ROLE_STATES.get(group, set())
    base = case_list_for_staff(user=user).filter(state__in=sorted(states)).exclude(deadline_on=None)
    late = base.filter(deadline_on__lt=today).order_by("deadline_on", "id")
    week_end = today + datetime.timedelta(days=7)
    due = base.filter(deadline_on__gte=today, deadline_on__lte=week_end).order_by("deadline_on", "id")
    return {
        "states": states,
        "late": list(late[:rows]),
        "late_count": late.count(),
        "due": list(due[:rows]),
        "due_count": due.count(),
        "week_end": week_end,
    }


def case_list_for_submitter(*, user) -> QuerySet[Case]:
    """The cases a citizen or an association member filed or may act on."""
    q = Q(submitter=user)
    if roles.ASSOCIATION in user.group_names():
        q |= Q(association__in=user.associations.all())
    if roles.EQUALITY_COMMISSION in user.group_names():
        # OL 113-14 art. 120: the Commission works as one body; every member sees all of its
        # opinions, drafts included (acting on one stays with the member who filed it).
        commission = Q(kind=Case.Kind.ADVISORY_OPINION, submitter__groups__name=roles.EQUALITY_COMMISSION)
        commission &= user.collectivity_q()
        q |= Q(pk__in=Case.objects.filter(commission).values("pk"))
    return Case.objects.filter(q).select_related("collectivity", "committee").order_by("-created_at", "-id")


def case_can_view_private(*, user, case: Case) -> bool:
    """Staff scoped to the case, and its submitter, see the full record."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        case_list_for_staff(user=user).filter(pk=case.pk).exists()
        or case_list_for_submitter(user=user).filter(pk=case.pk).exists()
    )


def case_get(*, reference: str) -> Case | None:
    return (
        Case.objects.select_related(
            "collectivity", "committee", "service", "session", "association", "related_case"
        )
        .filter(reference=reference)
        .first()
    )


@dataclass
class TimelineItem:
    at: datetime.datetime
    kind: str  # transition | field_change
    transition: str = ""
    label: str = ""
    from_state: str = ""
    to_state: str = ""
    from_label: str = ""
    to_label: str = ""
    role: str = ""
    role_label: str = ""
    actor: str = ""
    justification: str = ""
    public: dict = field(default_factory=dict)
    private: dict = field(default_factory=dict)
    seq: int | None = None
    # The entry's sha256 in the chain: a printed letter cites it (README: letters).
    hash: str = ""
    changes: list = field(default_factory=list)
    # The documents the entry carried that the reader may open (cases.files.attach_to_timeline).
    documents: list = field(default_factory=list)


def case_timeline(*, case: Case, private: bool = False, show_submitter: bool = True) -> list[TimelineItem]:
    """The case's history. The public part (docs/domain.md §5): transitions, decisions with their
    justifications and public fields; never personal data nor the actor's name. Without
    `show_submitter` (the follow-up team) the staff history names no submitter."""
    entries = TransitionEntry.objects.filter(case=case).select_related("actor").order_by("seq")
    items: list[TimelineItem] = []
    for e in entries:
        spec = lifecycle.TRANSITIONS.get(e.transition)
        public_payload = (e.payload or {}).get("public", {})
        show_justification = (
            spec is not None and any(f.name == "justification" and f.public for f in spec.fields)
        ) or (e.transition in ("case_correct", "opinion_outcome"))
        items.append(
            TimelineItem(
                at=e.created_at,
                kind="transition",
                transition=e.transition,
                label=labels.entry_label(e.transition, case.kind),
                from_state=e.from_state,
                to_state=e.to_state,
                from_label=S.state_label(e.from_state, case.kind),
                to_label=S.state_label(e.to_state, case.kind),
                role=e.role,
                role_label=str(roles.ROLE_LABELS.get(e.role, e.role)) if e.role != "submitter" else "",
                actor=(e.actor.get_full_name() or e.actor.username)
                if (private and e.actor and (show_submitter or e.role != "submitter"))
                else "",
                justification=e.justification if (private or show_justification) else "",
                public=public_payload,
                private=(e.payload or {}).get("private", {}) if private else {},
                seq=e.seq,
                hash=e.hash,
            )
        )
    if private:
        items.extend(_field_changes(case, show_submitter=show_submitter))
        items.sort(key=lambda i: (i.at, i.seq or 0))
    return items


_TRACKED_FIELDS = (
    "title",
    "description",
    "subject",
    "committee",
    "service",
    "session",
    "deliberation_number",
)


def _field_changes(case: Case, show_submitter: bool = True) -> list[TimelineItem]:
    """Edits outside transitions, from simple-history (staff timeline only)."""
    records = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    out = []
    for prev, cur in zip(records, records[1:], strict=False):
        if (cur.history_change_reason or "").startswith("transition:"):
            continue
        delta = cur.diff_against(prev, included_fields=list(_TRACKED_FIELDS))
        if not delta.changes:
            continue
        out.append(
            TimelineItem(
                at=cur.history_date,
                kind="field_change",
                label=cur.history_change_reason or "",
                actor=(
                    cur.history_user.username
                    if cur.history_user and (show_submitter or cur.history_user_id != case.submitter_id)
                    else ""
                ),
                changes=[(c.field, c.old, c.new) for c in delta.changes],
            )
        )
    return out


def case_decision(case: Case) -> dict | None:
    """The published decision, when there is one."""
    if case.decided_at is None and case.state not in (S.NOT_IMPLEMENTED,):
        return None
    return {
        "state": case.state,
        "decided_at": case.decided_at,
        "justification": case.decision_justification,
        "reason_code": case.decision_reason_code,
        "deliberation_number": case.deliberation_number,
        "votes_for": case.votes_for,
        "votes_against": case.votes_against,
        "votes_abstain": case.votes_abstain,
        # OL 113-14 art. 42: who was present, against the quorum of the members in office.
        "members_present": case.members_present,
        "council_members": case.collectivity.council_members if case.members_present is not None else None,
        "quorum": case.collectivity.quorum if case.members_present is not None else None,
        "convocation": (case.convocation or "first") if case.members_present is not None else "",
        "convocation_label": (
            str(lifecycle.CONVOCATIONS.get(case.convocation or "first", ""))
            if case.members_present is not None
            else ""
        ),
        "president_vote": case.president_vote,
        "by_president": case.decided_by_president,
    }


def overdue_q(today: datetime.date | None = None) -> Q:
    """Open and past the current deadline stored on the case at each transition (docs/domain.md §6),
    or a petition declared inadmissible whose rejection is still not notified past its legal limit
    (OL 113-14 art. 125 §4: the clock stops at the notification; notices keeps `deadline_on` then)."""
    today = today or timezone.localdate()
    return Q(state__in=[*S.OPEN_STATES, S.INADMISSIBLE], deadline_on__lt=today)


def days_in_state(case: Case, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return max(0, (timezone.localtime(now).date() - timezone.localtime(case.state_entered_at).date()).days)


def case_list_public_filtered(
    *,
    collectivity=None,
    kind: str | None = None,
    state: str | None = None,
    committee: int | None = None,
    year: int | None = None,
    search: str | None = None,
    overdue: bool | None = None,
) -> QuerySet[Case]:
    """The public register with the `overdue` filter. The months of the legal deadline are those of
    the requested collectivity, else of the default one (one figure for the whole query)."""
    qs = case_list_public(
        collectivity=collectivity, kind=kind, state=state, committee=committee, year=year, search=search
    )
    if overdue is not None:
        # The current deadline (stage, or the petition's legal one if sooner) is stored on the
        # case at every transition: the flag is a plain filter.
        qs = qs.filter(overdue_q()) if overdue else qs.exclude(overdue_q())
    return qs


def case_is_overdue(case: Case, today: datetime.date | None = None) -> bool:
    """Past its current deadline while still open (docs/domain.md §6)."""
    today = today or timezone.localdate()
    overdue_states = (*S.OPEN_STATES, S.INADMISSIBLE)  # see overdue_q
    return case.state in overdue_states and case.deadline_on is not None and case.deadline_on < today


def case_linked_opinion_references(case: Case) -> list[str]:
    """Filed opinions and children's recommendations linked to this case (drafts stay private)."""
    return list(
        Case.objects.public().filter(related_case=case).order_by("id").values_list("reference", flat=True)
    )


def case_visible_to(*, user, case: Case) -> bool:
    """Filed cases are public; a draft only to its submitter (and who registered it for them)."""
    return case.state != S.DRAFT or case_can_view_private(user=user, case=case)


def case_counts_public(*, collectivity=None) -> dict:
    """Filed, decided and implemented cases, in one aggregate query (charter 7.3), cached until a
    case of the collectivity changes (cases.register_cache)."""

    qs = Case.objects.public()
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return register_cache.cached(
        _pk(collectivity),
        "headline",
        {},
        lambda: qs.aggregate(
            filed=Count("id"),
            open=Count("id", filter=Q(state__in=S.OPEN_STATES)),
            decided=Count("id", filter=Q(state__in=S.DECIDED_STATES)),
            implemented=Count("id", filter=Q(state=S.IMPLEMENTED)),
        ),
    )


def case_years_public(*, collectivity=None) -> list[int]:
    """Years that have filed cases, newest first (the register's year filter), cached like the counts."""
    qs = Case.objects.public()
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return register_cache.cached(
        _pk(collectivity),
        "years",
        {},
        lambda: list(qs.order_by("-year").values_list("year", flat=True).distinct()),
    )


def case_count_public(qs: QuerySet[Case], *, collectivity=None, filters: dict) -> int:
    """The row count of a register page (HTML or API) for these filters: exact, and cached until a
    case of the collectivity changes. A text search is counted each time (its rows are scanned anyway,
    and free text would fill the cache)."""
    if filters.get("search"):
        return qs.count()
    return register_cache.cached(_pk(collectivity), "count", filters, qs.count)


def _pk(collectivity) -> int | None:
    return collectivity.pk if collectivity is not None else None


def case_get_public(*, reference: str) -> Case | None:
    """A filed case for the public page (drafts are private)."""
    return (
        Case.objects.public()
        .select_related("collectivity", "committee", "service", "session", "association", "related_case")
        .filter(reference=reference)
        .first()
    )


def case_get_for_staff(*, user, reference: str) -> Case | None:
    """A case within this staff user's scope (case_list_for_staff), with what the staff page shows."""
    return (
        case_list_for_staff(user=user)
        .select_related("related_case", "submitter", "filed_by")
        .filter(reference=reference)
        .first()
    )


def case_linked_cases_public(case: Case) -> list[Case]:
    """Filed opinions and recommendations linked to this case."""
    return list(Case.objects.public().filter(related_case=case).order_by("id"))


def _agenda_order(qs):
    # Admissible petitions are mandatory agenda items (OL 113-14 art. 38): they come first.
    return qs.annotate(
        petition_first=When_(
            When(kind="petition", then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("petition_first", "submitted_at", "id")


def session_agenda(*, session: CouncilSession) -> QuerySet[Case]:
    """The items scheduled on a session (on the agenda, or already decided there)."""
    qs = Case.objects.filter(session=session).select_related("committee", "service", "collectivity")
    return _agenda_order(qs)


def session_mandatory_missing(*, session: CouncilSession) -> QuerySet[Case]:
    """Admissible petitions whose mandatory session this is (OL 113-14 art. 38) and that are not on
    its agenda: still with the committee, or reported but not scheduled there. A petition that went
    on this agenda and was sent back to committee is not missing."""
    been_there = TransitionEntry.objects.filter(
        transition="schedule", payload__public__session__id=session.pk
    ).values("case_id")
    return (
        Case.objects.filter(
            mandatory_session=session, kind=Case.Kind.PETITION, state__in=[S.IN_COMMITTEE, S.REPORTED]
        )
        .exclude(session=session)
        .exclude(pk__in=been_there)
        .select_related("committee")
        .order_by("submitted_at", "id")
    )


def agenda_candidates(*, collectivity) -> QuerySet[Case]:
    """Cases whose committee report is in and that wait for a place on an agenda."""
    qs = Case.objects.filter(collectivity=collectivity, state=S.REPORTED).select_related(
        "committee", "collectivity"
    )
    return _agenda_order(qs)


def case_linked_opinions(case: Case | int) -> QuerySet[Case]:
    """Advisory opinions and children's recommendations linked to this case (or case id), still
    standing."""
    return (
        Case.objects.filter(related_case=case, kind__in=lifecycle.OPINION_KINDS)
        .exclude(state__in=[S.DRAFT, S.WITHDRAWN])
        .select_related("opinion_outcome")
        .order_by("id")
    )


def case_signature_count(case: Case) -> int:
    """Valid, distinct signatories of a petition; after the personal-data purge, the count kept then.
    (The rows are petitions' Signature, reached through the relation it declares on the case.)"""
    if case.personal_data_purged_at is not None:
        return case.purged_signature_count or 0
    return case.signatures.filter(valid=True).count()


def collectivity_rules(collectivity) -> dict:
    """The participation rules in force, for the charter's duty to tell participants the rules."""
    states = [
        {
            "name": state,
            "label": str(label),
            "opinion_label": str(S.OPINION_STATE_LABELS[state]) if state in S.OPINION_STATE_LABELS else None,
            "open": state in S.OPEN_STATES,
            "help": str(S.STATE_HELP.get(state, "")),
        }
        for state, label in S.STATE_LABELS.items()
    ]
    transitions = [
        {
            "name": spec.name,
            "label": str(spec.label),
            "opinion_label": str(spec.opinion_label) if spec.opinion_label else None,
            "target": spec.target,
            "sources": sorted(spec.sources, key=S.ALL_STATES.index),
            "edges": [
                {"sources": list(edge.sources), "kinds": sorted(edge.kinds), "role": edge.role}
                for edge in spec.edges
            ],
            "decision": spec.decision,
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "label": str(f.label),
                    "required": f.required if f.required_from is None else False,
                    "required_from": sorted(f.required_from) if f.required_from is not None else None,
                    "public": f.public,
                    "kinds": sorted(f.kinds) if f.kinds is not None else None,
                    "choices": [{"value": k, "label": str(v)} for k, v in f.choices.items()]
                    if f.choices
                    else None,
                }
                for f in spec.fields
            ],
        }
        for spec in lifecycle.TRANSITIONS.values()
    ]
    return {
        "collectivity": {
            "slug": collectivity.slug,
            "name_ar": collectivity.name_ar,
            "name_fr": collectivity.name_fr,
            "name": collectivity.name,
            "type": collectivity.type,
        },
        # None until the legal population is entered: petitions are refused, no threshold assumed.
        "petition_min_signatures": None
        if collectivity.petition_population_missing
        else collectivity.petition_min_signatures,
        "petition_population_missing": collectivity.petition_population_missing,
        "cnie_copies_required": collectivity.cnie_copies_required,
        "association_conditions": {
            "min_age_years": collectivity.association_min_age_years,
            "age_strictly_more_than": True,  # OL 113-14 art. 122: founded "more than" 3 years before
            "min_members": collectivity.association_min_members,
            "seat_or_branch_in_collectivity": True,
        },
        "rejection_notice_months": collectivity.rejection_notice_months,
        "ordinary_session_months": list(collectivity.ordinary_session_months or []),
        "decision_posting_days": collectivity.decision_posting_days,
        "info_request_deadline_working_days": collectivity.info_request_deadline_working_days,
        "justification_min_chars": collectivity.justification_min_chars,
        "states": states,
        "transitions": transitions,
        "deadlines": [],
        **hooks.rules_sections(collectivity),
    }

"""Reads: every list decides its joins here, so a page's query count does not grow with its rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from audit.models import TransitionEntry

from . import lifecycle, roles
from . import states as S
from .models import Case, Committee, CouncilSession, Service


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


def case_list_for_staff(*, user, kind=None, state=None, committee=None, search=None) -> QuerySet[Case]:
    """Cases a staff user may see: everything of the collectivity for the bureau, secretariat,
    president, follow-up and desk; a committee member only their committees' cases; a service
    only the cases it implements (DOMAIN 1)."""
    qs = Case.objects.select_related("collectivity", "committee", "service", "session", "association")
    groups = user.group_names() if user.is_authenticated else frozenset()
    if not user.is_superuser:
        scope = Q(pk__in=[])
        if groups & roles.ALL_CASES_GROUPS:
            scope |= ~Q(state=S.DRAFT) | Q(filed_by=user)
        if roles.COMMITTEE in groups:
            scope |= Q(committee__in=user.committees.all())
        if roles.SERVICE in groups:
            scope |= Q(service__in=user.services.all())
            # A case adopted without a named service waits for any service to plan it.
            scope |= Q(state=S.ADOPTED, service__isnull=True)
        qs = qs.filter(scope)
        if user.collectivity_id:
            qs = qs.filter(collectivity_id=user.collectivity_id)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if committee:
        qs = qs.filter(committee_id=committee)
    if search:
        qs = qs.filter(Q(reference__icontains=search) | Q(title__icontains=search))
    return qs.order_by("-state_entered_at", "-id")


def case_list_for_submitter(*, user) -> QuerySet[Case]:
    """The cases a citizen or an association member filed or may act on."""
    q = Q(submitter=user)
    if roles.ASSOCIATION in user.group_names():
        q |= Q(association__in=user.associations.all())
    return Case.objects.filter(q).select_related("collectivity", "committee").order_by("-created_at", "-id")


def case_can_view_private(*, user, case: Case) -> bool:
    """Staff scoped to the case, and its submitter, see the full record."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return case_list_for_staff(user=user).filter(pk=case.pk).exists() or case_list_for_submitter(
        user=user
    ).filter(pk=case.pk).exists()


def case_get(*, reference: str) -> Case | None:
    return (
        Case.objects.select_related("collectivity", "committee", "service", "session", "association", "related_case")
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
    changes: list = field(default_factory=list)


def case_timeline(*, case: Case, private: bool = False) -> list[TimelineItem]:
    """The case's history. The public part (DOMAIN 5): transitions, decisions with their
    justifications and public fields; never personal data nor the actor's name."""
    entries = TransitionEntry.objects.filter(case=case).select_related("actor").order_by("seq")
    items: list[TimelineItem] = []
    for e in entries:
        spec = lifecycle.TRANSITIONS.get(e.transition)
        public_payload = (e.payload or {}).get("public", {})
        show_justification = spec is not None and any(
            f.name == "justification" and f.public for f in spec.fields
        )
        items.append(
            TimelineItem(
                at=e.created_at,
                kind="transition",
                transition=e.transition,
                label=spec.label_for(case.kind) if spec else e.transition,
                from_state=e.from_state,
                to_state=e.to_state,
                from_label=S.state_label(e.from_state, case.kind),
                to_label=S.state_label(e.to_state, case.kind),
                role=e.role,
                role_label=str(roles.ROLE_LABELS.get(e.role, e.role)) if e.role != "submitter" else "",
                actor=(e.actor.get_full_name() or e.actor.username) if (private and e.actor) else "",
                justification=e.justification if (private or show_justification) else "",
                public=public_payload,
                private=(e.payload or {}).get("private", {}) if private else {},
                seq=e.seq,
            )
        )
    if private:
        items.extend(_field_changes(case))
        items.sort(key=lambda i: (i.at, i.seq or 0))
    return items


_TRACKED_FIELDS = ("title", "description", "subject", "committee", "service", "session", "deliberation_number")


def _field_changes(case: Case) -> list[TimelineItem]:
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
                actor=(cur.history_user.username if cur.history_user else ""),
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
        "by_president": case.decided_by_president,
    }


def days_in_state(case: Case, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return max(0, (now - case.state_entered_at).days)


def committee_list(*, collectivity=None) -> QuerySet[Committee]:
    qs = Committee.objects.select_related("collectivity").order_by("id")
    return qs.filter(collectivity=collectivity) if collectivity else qs


def service_list(*, collectivity=None) -> QuerySet[Service]:
    qs = Service.objects.select_related("collectivity").order_by("id")
    return qs.filter(collectivity=collectivity) if collectivity else qs


def session_list(*, collectivity=None) -> QuerySet[CouncilSession]:
    qs = CouncilSession.objects.select_related("collectivity").order_by("date", "id")
    return qs.filter(collectivity=collectivity) if collectivity else qs


def entries_prefetch() -> Prefetch:
    return Prefetch("audit_entries", queryset=TransitionEntry.objects.order_by("seq"))

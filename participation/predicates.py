"""Who may manage meetings (docs/architecture.md, house rules: named predicates).

The charter's follow-up team collects attendance lists and evaluation cards (charter 7.4) and the
council bureau convenes; a body's own members manage the meetings that body organises. An
administrator may also grant the Django permission `participation.manage_meetings`.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from cases.predicates import Predicate, in_group, predicate
from core import roles
from participation.models import CommissionMember, Meeting

MANAGE_PERMISSION = "participation.manage_meetings"

# Groups whose members may organise meetings of their own body or service.
ORGANISER_GROUPS = frozenset(
    {
        roles.BUREAU,
        roles.FOLLOWUP,
        roles.COMMITTEE,
        roles.SERVICE,
        roles.EQUALITY_COMMISSION,
        roles.CHILDREN_COUNCIL,
    }
)


def _member_ids(user, attr: str) -> frozenset[int]:
    cache = user.__dict__.setdefault("_participation_membership", {})
    if attr not in cache:
        cache[attr] = frozenset(getattr(user, attr).values_list("id", flat=True))
    return cache[attr]


@predicate
def in_meeting_collectivity(user, meeting) -> bool:
    return user.acts_in(meeting.collectivity_id)


@predicate
def has_manage_permission(user, meeting) -> bool:
    return user.is_superuser or user.has_perm(MANAGE_PERMISSION)


@predicate
def _member_of_organising_committee(user, meeting) -> bool:
    return meeting.organiser == Meeting.Organiser.COMMITTEE and meeting.committee_id in _member_ids(
        user, "committees"
    )


@predicate
def _member_of_organising_service(user, meeting) -> bool:
    return meeting.organiser == Meeting.Organiser.SERVICE and meeting.service_id in _member_ids(
        user, "services"
    )


def _organised_by(organiser: str) -> Predicate:
    return Predicate(lambda u, m: m.organiser == organiser, f"organised_by({organiser})")


is_followup = in_group(roles.FOLLOWUP) & in_meeting_collectivity
is_bureau_member = in_group(roles.BUREAU) & in_meeting_collectivity
is_member_of_organiser = in_meeting_collectivity & (
    (in_group(roles.COMMITTEE) & _member_of_organising_committee)
    | (in_group(roles.SERVICE) & _member_of_organising_service)
    | (in_group(roles.EQUALITY_COMMISSION) & _organised_by(Meeting.Organiser.EQUALITY_COMMISSION))
    | (in_group(roles.CHILDREN_COUNCIL) & _organised_by(Meeting.Organiser.CHILDREN_COUNCIL))
)

can_manage_meeting = has_manage_permission | is_followup | is_bureau_member | is_member_of_organiser


def can_record_meetings(user) -> bool:
    """May open the meetings back office and record a meeting (of their own body at least)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser or user.has_perm(MANAGE_PERMISSION) or bool(user.group_names() & ORGANISER_GROUPS)
    )


def can_read_meetings(user) -> bool:
    """The back office list: the commune's staff and the bodies that organise meetings."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return can_record_meetings(user) or bool(user.group_names() & roles.STAFF_GROUPS)


# The charter's bodies ------------------------------------------------------------------------
# The facilitator manages the Children's Council, the Commission's secretary its members; the
# follow-up team reads everything (docs/domain.md §1). An administrator may grant the permissions.

MANAGE_CHILDREN = "participation.manage_children_council"
MANAGE_COMMISSION = "participation.manage_commission_members"


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _same_collectivity(user, collectivity) -> bool:
    return collectivity is None or user.acts_in(collectivity.pk)


def can_manage_children_council(user, collectivity=None) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    # The role group holds the permission (accounts migration 0004); either way, only at home.
    granted = user.has_perm(MANAGE_CHILDREN) or roles.CHILDREN_COUNCIL in user.group_names()
    return granted and _same_collectivity(user, collectivity)


def is_commission_secretary(user, collectivity=None) -> bool:
    """The member the Commission chose as its secretary, on a mandate running today."""
    if not _active(user):
        return False
    today = timezone.localdate()
    qs = CommissionMember.objects.filter(
        user=user, role=CommissionMember.Role.SECRETARY, mandate_start__lte=today
    )
    qs = qs.filter(Q(mandate_end__isnull=True) | Q(mandate_end__gte=today))
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return qs.exists()


def can_manage_commission_members(user, collectivity=None) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.has_perm(MANAGE_COMMISSION) and _same_collectivity(user, collectivity):
        return True
    return (
        roles.EQUALITY_COMMISSION in user.group_names()
        and _same_collectivity(user, collectivity)
        and is_commission_secretary(user, collectivity)
    )


def can_read_bodies(user) -> bool:
    """The bodies' staff pages: the commune's staff (followup reads all) and the bodies themselves."""
    if not _active(user):
        return False
    return user.is_superuser or bool(
        user.group_names() & (roles.STAFF_GROUPS | {roles.EQUALITY_COMMISSION, roles.CHILDREN_COUNCIL})
    )


def opinion_requester_roles(user, collectivity=None) -> set[str]:
    """Who the user may ask for an opinion as: the president, the bureau, a committee."""
    if not _active(user) or not _same_collectivity(user, collectivity):
        return set()
    groups = user.group_names()
    out = set()
    if roles.PRESIDENT in groups or user.is_superuser:
        out.add("president")
    if roles.BUREAU in groups or user.is_superuser:
        out.add("bureau")
    if roles.COMMITTEE in groups or user.is_superuser:
        out.add("committee")
    return out


def may_answer_opinion_request(user, collectivity=None) -> bool:
    """A Commission member (the Commission answers as a body), or the bureau recording it."""
    if not _active(user) or not _same_collectivity(user, collectivity):
        return False
    return user.is_superuser or bool(user.group_names() & {roles.EQUALITY_COMMISSION, roles.BUREAU})


def can_read_registry(user) -> bool:
    """Pending and refused registrations: the bureau, the follow-up team, granted administrators."""
    if not _active(user):
        return False
    return (
        user.is_superuser
        or user.has_perm("organisation.manage_associations")
        or bool(user.group_names() & {roles.BUREAU, roles.FOLLOWUP, roles.PRESIDENT})
    )

"""Named permission predicates, combined with & and | (docs/architecture.md, house rules)."""

from __future__ import annotations

from collections.abc import Callable

from cases import states as S
from core import roles


class Predicate:
    def __init__(self, fn: Callable, name: str):
        self.fn = fn
        self.name = name

    def __call__(self, user, case) -> bool:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return bool(self.fn(user, case))

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, c: self(u, c) and other(u, c), f"({self.name} & {other.name})")

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, c: self(u, c) or other(u, c), f"({self.name} | {other.name})")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def predicate(fn: Callable) -> Predicate:
    return Predicate(fn, fn.__name__)


def _ids(user, attr: str) -> frozenset[int]:
    """Membership ids (committees, services, associations), cached on the user object."""
    cache = user.__dict__.setdefault("_mithaq_membership", {})
    if attr not in cache:
        cache[attr] = frozenset(getattr(user, attr).values_list("id", flat=True))
    return cache[attr]


def in_group(name: str) -> Predicate:
    return Predicate(lambda u, c: name in u.group_names(), f"in_group({name})")


@predicate
def in_case_collectivity(user, case) -> bool:
    # The primary collectivity answers without a query; further memberships are read once per user
    # object (accounts.User.collectivity_ids).
    if user.collectivity_id is None or case is None or user.collectivity_id == case.collectivity_id:
        return True
    return case.collectivity_id in user.collectivity_ids()


is_citizen = in_group(roles.CITIZEN)
is_association_member = in_group(roles.ASSOCIATION)
is_intake = in_group(roles.INTAKE) & in_case_collectivity
is_bureau_member = in_group(roles.BUREAU) & in_case_collectivity
is_secretariat = in_group(roles.SECRETARIAT) & in_case_collectivity
is_president = in_group(roles.PRESIDENT) & in_case_collectivity
is_followup = in_group(roles.FOLLOWUP) & in_case_collectivity
is_service_staff = in_group(roles.SERVICE) & in_case_collectivity


@predicate
def _member_of_case_committee(user, case) -> bool:
    return case.committee_id is not None and case.committee_id in _ids(user, "committees")


@predicate
def _member_of_case_service(user, case) -> bool:
    return case.service_id is not None and case.service_id in _ids(user, "services")


@predicate
def _case_has_no_service(user, case) -> bool:
    return case.service_id is None


@predicate
def _is_submitter(user, case) -> bool:
    if case.submitter_id is not None and case.submitter_id == user.id:
        return True
    # An association's members act for the association's cases (docs/domain.md §1).
    return (
        case.association_id is not None
        and roles.ASSOCIATION in user.group_names()
        and case.association_id in _ids(user, "associations")
    )


@predicate
def _filed_at_desk_without_account(user, case) -> bool:
    return case.submitter_id is None and case.association_id is None and case.filed_by_id is not None


@predicate
def _registered_at_desk_and_visible(user, case) -> bool:
    # Channel desk, paper or meeting: the desk registered it for a person (with or without an
    # association) who is not a user acting online. A draft is private: like the staff case list
    # and the API (cases.selectors.case_list_for_staff), only the agent who registered it sees it.
    if case.filed_by_id is None or case.submitter_id is not None or case.channel == "online":
        return False
    return case.state != S.DRAFT or case.filed_by_id == user.id


is_committee_member_of_case = in_group(roles.COMMITTEE) & _member_of_case_committee
is_service_of_case = in_group(roles.SERVICE) & _member_of_case_service
# plan_implementation: the case's service if one is named, else any service of the collectivity.
is_implementing_service = is_service_of_case | (is_service_staff & _case_has_no_service)
is_submitter = _is_submitter
# The desk acts for people who filed on paper and have no account.
is_intake_for_desk_filer = is_intake & _filed_at_desk_without_account


@predicate
def _staff_beyond_followup(user, case) -> bool:
    return user.is_superuser or bool(user.group_names() & (roles.STAFF_GROUPS - {roles.FOLLOWUP}))


# Who filed (name, e-mail, phone, address, the submitter's own steps in the history): the submitter
# and the commune's staff. Not the follow-up team alone: charter 7.4 puts association
# representatives on it, and it needs only the figures and the history (Law 09-08 minimisation).
may_see_submitter_identity = is_submitter | (_staff_beyond_followup & in_case_collectivity)

# The desk files (submit) and completes (provide_information) only what it registered: never an
# online draft of a citizen, an association or the Equality Commission, which it cannot see.
is_intake_for_desk_case = is_intake & _registered_at_desk_and_visible

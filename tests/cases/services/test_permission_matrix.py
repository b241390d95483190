"""The role x transition matrix of docs/domain.md §3.2, checked on a case in a source state of each
transition.

The expectations are written out by hand from the transition table of docs/domain.md §3.2 (not computed from
cases.lifecycle). Cases are filed online: by `citizen` for petitions and proposals, by
`equality_commission` / `children_council` for opinions, so those users are the submitters.
The desk (`intake`) is refused on them: it acts only on cases it registered for someone, tested
below on desk-registered cases.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from cases import lifecycle, selectors, services
from core import errors, roles
from organisation.models import Collectivity
from tests.cases.conftest import counts
from tests.cases.contract import TRANSITION_NAMES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTORS = (*roles.ROLE_GROUPS, "anonymous", "superuser")

# (transition, kind, source state): the role groups that may take it (docs/domain.md §3.2).
MATRIX = {
    ("submit", "proposal", "draft"): {"citizen"},
    ("submit", "children_recommendation", "draft"): {"children_council"},
    ("start_review", "proposal", "submitted"): {"bureau"},
    ("start_review", "petition", "submitted"): {"bureau"},
    ("declare_inadmissible", "petition", "submitted"): {"bureau"},
    ("declare_inadmissible", "proposal", "under_review"): {"bureau"},
    ("request_information", "petition", "under_review"): {"bureau"},
    ("provide_information", "petition", "awaiting_information"): {"citizen"},
    ("refer_to_committee", "proposal", "under_review"): {"bureau"},
    ("refer_to_committee", "advisory_opinion", "submitted"): {"bureau"},
    ("report", "proposal", "in_committee"): {"committee"},
    ("report", "children_recommendation", "in_committee"): {"committee"},
    ("schedule", "petition", "reported"): {"secretariat"},
    ("adopt", "proposal", "on_agenda"): {"secretariat"},
    ("adopt", "advisory_opinion", "on_agenda"): {"secretariat"},
    ("adopt", "proposal", "reported"): {"president"},
    ("reject", "petition", "on_agenda"): {"secretariat"},
    ("reject", "proposal", "reported"): {"president"},
    ("defer", "proposal", "on_agenda"): {"secretariat"},
    ("plan_implementation", "proposal", "adopted"): {"service"},
    ("complete", "petition", "in_implementation"): {"service"},
    ("abandon", "proposal", "adopted"): {"president"},
    ("abandon", "petition", "in_implementation"): {"president"},
    ("withdraw", "proposal", "draft"): {"citizen"},
    ("withdraw", "petition", "reported"): {"citizen"},
    ("withdraw", "advisory_opinion", "submitted"): {"equality_commission"},
}

# A role that holds the transition on another edge (the secretariat records council decisions on
# the agenda, the president rules on reported proposals) is refused because of the case's state:
# 409 invalid_transition, not 403.
HOLDS_ANOTHER_EDGE = {
    ("adopt", "proposal", "on_agenda"): {"president"},
    ("adopt", "advisory_opinion", "on_agenda"): {"president"},
    ("adopt", "proposal", "reported"): {"secretariat"},
    ("reject", "petition", "on_agenda"): {"president"},
    ("reject", "proposal", "reported"): {"secretariat"},
}

CELLS = [
    pytest.param(name, kind, state, actor, id=f"{name}-{kind}-{state}-{actor}")
    for (name, kind, state) in MATRIX
    for actor in ACTORS
]


def test_matrix_covers_every_transition():
    assert {name for name, _kind, _state in MATRIX} == set(TRANSITION_NAMES)


@pytest.mark.parametrize(("name", "kind", "state", "actor"), CELLS)
def test_permission_matrix(stage, name, kind, state, actor):
    case = stage.case(kind, state)
    user = stage.actor(actor)
    before = counts(case)
    data = stage.world.payload_for(name)

    if actor in MATRIX[(name, kind, state)]:
        result = services.case_transition(actor=user, case=case, name=name, data=data)
        assert result.state != state
        assert counts(case).case_entries == before.case_entries + 1
        return

    with pytest.raises(errors.DomainError) as info:
        services.case_transition(actor=user, case=case, name=name, data=data)
    if actor in HOLDS_ANOTHER_EDGE.get((name, kind, state), ()):
        assert type(info.value) is errors.InvalidTransition
    else:
        assert type(info.value) is errors.TransitionNotAllowed
        assert info.value.code == "forbidden"
        assert info.value.http_status == 403
    assert counts(case) == before


# Scoping -------------------------------------------------------------------------------------


def _refused(stage, user, case, name, data=None):
    before = counts(case)
    with pytest.raises(errors.TransitionNotAllowed):
        services.case_transition(
            actor=user, case=case, name=name, data=stage.world.payload_for(name) if data is None else data
        )
    assert counts(case) == before


def test_member_of_another_committee_cannot_report(stage):
    _refused(stage, stage.world.outsider_committee_member, stage.case("proposal", "in_committee"), "report")


@pytest.mark.parametrize(
    ("name", "state"), [("complete", "in_implementation"), ("plan_implementation", "adopted")]
)
def test_member_of_another_service_cannot_act_on_the_case(stage, name, state):
    _refused(stage, stage.world.outsider_service_member, stage.case("proposal", state), name)


def test_any_service_may_plan_when_the_decision_named_none(stage):
    """docs/domain.md §3.2: the case's service if one is named, else any service."""
    case = stage.case("proposal", "on_agenda")
    data = {k: v for k, v in stage.world.payload_for("adopt").items() if k != "service"}
    case = services.case_transition(actor=stage.world["secretariat"], case=case, name="adopt", data=data)
    assert case.service_id is None
    case = services.case_transition(
        actor=stage.world.outsider_service_member,
        case=case,
        name="plan_implementation",
        data=stage.world.payload_for("plan_implementation"),
    )
    assert case.state == "in_implementation"
    assert case.service == stage.world.other_service
    # ... and from then on only that service completes it.
    _refused(stage, stage.world["service"], case, "complete")


def test_association_member_withdraws_the_associations_case(stage):
    world = stage.world
    case, _code = services.case_create(
        actor=world["association"],
        kind="proposal",
        title="Clean the river banks",
        description="The banks of the river are full of waste.",
    )
    assert case.association == world.association
    fellow = UserFactory(username="assoc_fellow", groups=[roles.ASSOCIATION])
    world.association.members.add(fellow)

    outsider = UserFactory(username="assoc_outsider", groups=[roles.ASSOCIATION])
    _refused(stage, outsider, case, "withdraw")

    result = services.case_transition(actor=fellow, case=case, name="withdraw", data={})
    assert result.state == "withdrawn"


def test_citizen_who_is_not_the_submitter_cannot_withdraw(stage):
    other = UserFactory(username="citizen_b", groups=[roles.CITIZEN])
    for state in ("draft", "submitted", "reported"):
        _refused(stage, other, stage.case("proposal", state), "withdraw")


def test_citizen_who_is_not_the_submitter_cannot_submit_or_provide_information(stage):
    other = UserFactory(username="citizen_c", groups=[roles.CITIZEN])
    _refused(stage, other, stage.case("proposal", "draft"), "submit")
    _refused(stage, other, stage.case("petition", "awaiting_information"), "provide_information")


def test_staff_of_another_collectivity_cannot_act(stage):
    elsewhere = Collectivity.objects.create(slug="azilal", code="AZL", name_ar="أزيلال", name_fr="Azilal")
    bureau_b = UserFactory(username="bureau_b", groups=[roles.BUREAU], collectivity=elsewhere)
    _refused(stage, bureau_b, stage.case("proposal", "submitted"), "start_review")


def test_inactive_user_cannot_act(stage):
    user = UserFactory(username="bureau_gone", groups=[roles.BUREAU], is_active=False)
    _refused(stage, user, stage.case("proposal", "submitted"), "start_review")


def test_anonymous_and_none_cannot_act(stage):
    for user in (AnonymousUser(), None):
        _refused(stage, user, stage.case("proposal", "draft"), "submit")


# The desk acts only on the cases it registered --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "filer"), [("advisory_opinion", "equality_commission"), ("proposal", "citizen")]
)
def test_intake_cannot_submit_a_draft_it_did_not_register(stage, kind, filer):
    """An Equality Commission opinion or another citizen's proposal is a private draft the desk
    cannot see: it cannot file it either."""
    case = stage.case(kind, "draft")
    assert case.submitter == stage.world[filer]
    _refused(stage, stage.world["intake"], case, "submit")
    assert lifecycle.available_transitions(stage.world["intake"], case) == []


def test_intake_cannot_provide_information_for_an_online_case(stage):
    _refused(
        stage, stage.world["intake"], stage.case("petition", "awaiting_information"), "provide_information"
    )


@pytest.mark.parametrize("kind", ["proposal", "petition"])
def test_intake_submits_a_draft_it_registered_at_the_desk(stage, kind):
    case = stage.case_for("intake", kind, "draft")
    assert (case.channel, case.submitter_id, case.filed_by_id) == ("desk", None, stage.world["intake"].pk)
    before = counts(case)
    result = services.case_transition(actor=stage.world["intake"], case=case, name="submit", data={})
    assert result.state == "submitted"
    assert counts(case).case_entries == before.case_entries + 1


def test_intake_provides_information_for_a_case_registered_at_the_desk(stage):
    """Once filed, a desk case is visible to every desk agent: a colleague may complete it."""
    colleague = UserFactory(username="intake_b", groups=[roles.INTAKE])
    case = stage.case_for("intake", "proposal", "awaiting_information")
    result = services.case_transition(
        actor=colleague,
        case=case,
        name="provide_information",
        data=stage.world.payload_for("provide_information"),
    )
    assert result.state == "under_review"


def test_another_desk_agent_cannot_submit_a_colleagues_draft(stage):
    """A draft is seen only by the agent who registered it (cases.selectors.case_list_for_staff)."""
    colleague = UserFactory(username="intake_c", groups=[roles.INTAKE])
    case = stage.case_for("intake", "proposal", "draft")
    assert not selectors.case_visible_to(user=colleague, case=case)
    _refused(stage, colleague, case, "submit")

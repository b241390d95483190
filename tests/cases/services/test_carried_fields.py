"""docs/domain.md §3.2 "must carry": a transition that lacks (or garbles) what it carries is refused with
GuardFailed naming the field, and changes nothing."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from core import errors
from organisation.models import Collectivity, Committee, CouncilSession, Service
from tests.cases.conftest import counts
from tests.cases.contract import edge_for
from tests.factories import JUSTIFICATION

pytestmark = pytest.mark.django_db

DROP = object()


@pytest.fixture
def elsewhere(db):
    """Another collectivity with its own committee, session and service."""
    other = Collectivity.objects.create(slug="azilal", code="AZL", name_ar="أزيلال", name_fr="Azilal")
    return {
        "committee": Committee.objects.create(collectivity=other, name_ar="لجنة", name_fr="Commission A"),
        "session": CouncilSession.objects.create(collectivity=other, date=datetime.date(2027, 5, 3)),
        "service": Service.objects.create(collectivity=other, name_ar="مصلحة", name_fr="Service A"),
    }


def _yesterday():
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


# (transition, kind, source state, changes to the valid payload, field named in the error)
CASES = [
    ("refer_to_committee", "proposal", "under_review", {"committee": DROP}, "committee"),
    ("refer_to_committee", "advisory_opinion", "submitted", {"committee": DROP}, "committee"),
    ("refer_to_committee", "petition", "under_review", {"committee": "elsewhere"}, "committee"),
    ("refer_to_committee", "children_recommendation", "submitted", {"committee": "elsewhere"}, "committee"),
    ("refer_to_committee", "proposal", "under_review", {"committee": 99_999_999}, "committee"),
    ("refer_to_committee", "proposal", "under_review", {"committee": "the social one"}, "committee"),
    ("refer_to_committee", "proposal", "under_review", {"committee": -1}, "committee"),
    ("report", "proposal", "in_committee", {"recommendation": "maybe"}, "recommendation"),
    ("report", "proposal", "in_committee", {"recommendation": "ADOPT"}, "recommendation"),
    ("report", "proposal", "in_committee", {"recommendation": ["adopt"]}, "recommendation"),
    ("report", "petition", "in_committee", {"recommendation": DROP}, "recommendation"),
    ("report", "petition", "in_committee", {"report": DROP}, "report"),
    ("report", "petition", "in_committee", {"report": "... !!! ---"}, "report"),
    ("schedule", "proposal", "reported", {"session": DROP}, "session"),
    ("schedule", "advisory_opinion", "reported", {"session": "elsewhere"}, "session"),
    ("adopt", "proposal", "on_agenda", {"deliberation_number": DROP}, "deliberation_number"),
    ("adopt", "proposal", "on_agenda", {"deliberation_number": "   "}, "deliberation_number"),
    ("adopt", "petition", "on_agenda", {"votes_for": -1}, "votes_for"),
    ("adopt", "petition", "on_agenda", {"votes_against": -3}, "votes_against"),
    ("adopt", "petition", "on_agenda", {"votes_abstain": DROP}, "votes_abstain"),
    ("adopt", "petition", "on_agenda", {"votes_for": "many"}, "votes_for"),
    ("adopt", "petition", "on_agenda", {"votes_for": 2.5}, "votes_for"),
    ("adopt", "petition", "on_agenda", {"votes_for": True}, "votes_for"),
    ("adopt", "petition", "on_agenda", {"service": "elsewhere"}, "service"),
    ("adopt", "petition", "on_agenda", {"members_present": DROP}, "members_present"),
    ("adopt", "proposal", "on_agenda", {"members_present": -2}, "members_present"),
    ("adopt", "proposal", "on_agenda", {"convocation": "fourth"}, "convocation"),
    ("reject", "petition", "on_agenda", {"president_vote": "maybe"}, "president_vote"),
    ("reject", "proposal", "on_agenda", {"members_present": "all"}, "members_present"),
    ("reject", "proposal", "on_agenda", {"deliberation_number": DROP}, "deliberation_number"),
    ("reject", "proposal", "on_agenda", {"votes_against": -1}, "votes_against"),
    ("reject", "proposal", "on_agenda", {"reason_code": "too expensive"}, "reason_code"),
    ("plan_implementation", "proposal", "adopted", {"planned_end": "yesterday"}, "planned_end"),
    ("plan_implementation", "proposal", "adopted", {"planned_end": _yesterday()}, "planned_end"),
    ("plan_implementation", "proposal", "adopted", {"planned_end": "31/12/2099"}, "planned_end"),
    ("plan_implementation", "proposal", "adopted", {"planned_end": "2099-02-30"}, "planned_end"),
    ("plan_implementation", "proposal", "adopted", {"planned_end": DROP}, "planned_end"),
    ("plan_implementation", "proposal", "adopted", {"planned_end": 20991231}, "planned_end"),
    ("plan_implementation", "proposal", "adopted", {"service": "other_service"}, "service"),
    ("complete", "proposal", "in_implementation", {"evidence": DROP}, "evidence"),
    ("complete", "proposal", "in_implementation", {"evidence": "  "}, "evidence"),
    ("complete", "proposal", "in_implementation", {"evidence": "---"}, "evidence"),
    ("declare_inadmissible", "petition", "submitted", {"reason_code": "because"}, "reason_code"),
    ("declare_inadmissible", "petition", "under_review", {"reason_code": DROP}, "reason_code"),
    ("declare_inadmissible", "proposal", "submitted", {"reason_code": ["competence", "nope"]}, "reason_code"),
    ("declare_inadmissible", "proposal", "submitted", {"reason_code": {"competence": True}}, "reason_code"),
]


def _payload(stage, elsewhere, name, changes):
    data = dict(stage.world.payload_for(name))
    for key, value in changes.items():
        if value is DROP:
            data.pop(key, None)
        elif value == "elsewhere":
            data[key] = elsewhere[key].pk
        elif value == "other_service":
            data[key] = stage.world.other_service.pk
        else:
            data[key] = value
    return data


def _attempt(stage, name, kind, state, data):
    case = stage.case(kind, state)
    (role,) = edge_for(name, state, kind).roles
    return case, lambda: services.case_transition(actor=stage.actor(role), case=case, name=name, data=data)


@pytest.mark.parametrize(
    ("name", "kind", "state", "changes", "field"),
    [pytest.param(*c, id=f"{c[0]}-{c[2]}-{c[4]}-{i}") for i, c in enumerate(CASES)],
)
def test_what_the_transition_carries_is_checked(stage, elsewhere, name, kind, state, changes, field):
    case, call = _attempt(stage, name, kind, state, _payload(stage, elsewhere, name, changes))
    before = counts(case)
    with pytest.raises(errors.GuardFailed) as info:
        call()
    assert type(info.value) is errors.GuardFailed
    assert info.value.code == "guard_failed"
    assert field in info.value.field_errors, info.value.field_errors
    assert counts(case) == before


def test_every_problem_is_named_at_once(stage):
    case, call = _attempt(stage, "adopt", "proposal", "on_agenda", {"votes_for": -1})
    with pytest.raises(errors.GuardFailed) as info:
        call()
    assert {"deliberation_number", "votes_for", "votes_against", "votes_abstain", "justification"} <= set(
        info.value.field_errors
    )


@pytest.mark.parametrize("data", [["justification"], "justification", 42])
def test_payload_must_be_an_object(stage, data):
    case, call = _attempt(stage, "defer", "proposal", "on_agenda", data)
    before = counts(case)
    with pytest.raises(errors.GuardFailed):
        call()
    assert counts(case) == before


def test_president_ruling_needs_no_votes_but_checks_them_if_given(stage):
    case, call = _attempt(
        stage,
        "reject",
        "proposal",
        "reported",
        {"justification": JUSTIFICATION, "reason_code": "budget", "votes_for": -2},
    )
    before = counts(case)
    with pytest.raises(errors.GuardFailed) as info:
        call()
    assert set(info.value.field_errors) == {"votes_for"}
    assert counts(case) == before


def test_committee_is_recorded_on_referral(stage):
    case = stage.case("proposal", "under_review")
    result = services.case_transition(
        actor=stage.world["bureau"],
        case=case,
        name="refer_to_committee",
        data={"committee": {"id": stage.world.other_committee.pk}},
    )
    assert result.committee == stage.world.other_committee


def test_planned_end_today_is_accepted(stage):
    case, call = _attempt(
        stage, "plan_implementation", "proposal", "adopted", {"planned_end": timezone.localdate().isoformat()}
    )
    assert call().planned_end == timezone.localdate()


# Input the services must refuse with a typed error instead of crashing (API: never a 500). -----

_LONE_SURROGATE = "\ud800"


def test_nul_character_in_text_is_refused(stage):
    case, call = _attempt(stage, "defer", "proposal", "on_agenda", {"justification": JUSTIFICATION + "\x00"})
    before = counts(case)
    with pytest.raises(errors.GuardFailed):
        call()
    assert counts(case) == before


def test_lone_surrogate_in_text_is_refused(stage):
    case, call = _attempt(
        stage,
        "report",
        "proposal",
        "in_committee",
        {"report": "Report " + _LONE_SURROGATE, "recommendation": "adopt"},
    )
    before = counts(case)
    with pytest.raises(errors.GuardFailed):
        call()
    assert counts(case) == before


def test_infinite_vote_count_is_refused(stage):
    data = dict(stage.world.payload_for("adopt"), votes_for=float("inf"))
    case, call = _attempt(stage, "adopt", "proposal", "on_agenda", data)
    before = counts(case)
    with pytest.raises(errors.GuardFailed) as info:
        call()
    assert "votes_for" in info.value.field_errors
    assert counts(case) == before


def test_planned_end_given_as_a_datetime_is_refused(stage):
    # A date field takes a date (or YYYY-MM-DD) and nothing else: a datetime is refused rather than
    # cut to its date, since which day it names depends on a time zone the caller did not state
    # (cases.lifecycle._clean_value excludes datetime explicitly; "2099-01-01T12:00" is refused too).
    # The otherwise valid payload, so the datetime is the only thing wrong with it.
    data = dict(
        stage.world.payload_for("plan_implementation"), planned_end=datetime.datetime(2099, 1, 1, 12, 0)
    )
    case, call = _attempt(stage, "plan_implementation", "proposal", "adopted", data)
    before = counts(case)
    with pytest.raises(errors.GuardFailed) as info:
        call()
    assert type(info.value) is errors.GuardFailed
    assert set(info.value.field_errors) == {"planned_end"}, info.value.field_errors
    assert counts(case) == before
    case.refresh_from_db()
    assert case.planned_end is None


def test_fractional_committee_id_is_refused(stage):
    data = {"committee": stage.world.committee.pk + 0.5}
    case, call = _attempt(stage, "refer_to_committee", "proposal", "under_review", data)
    with pytest.raises(errors.GuardFailed):
        call()

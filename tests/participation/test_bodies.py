"""The Equality Commission's opinion requests, its members, the Children's Council's members and
the child-friendly summary a decision on their recommendation carries."""

import datetime

import pytest
from django.utils import timezone, translation

from cases import services as case_services
from cases.notify import CaseNotifications
from core import roles
from core.errors import GuardFailed, InvalidInput, TransitionNotAllowed
from notifications.models import OutboxEvent
from participation import bodies, predicates, selectors
from participation.models import ChildMember, ChildSummary, CommissionMember, Gender, OpinionRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _request(world, **kw):
    data = {
        "actor": world[roles.BUREAU],
        "collectivity": world.collectivity,
        "requester": "bureau",
        "topic": "budget",
        "title": "The 2027 budget and gender",
        "question": "Does the draft budget serve women and men alike?",
        "due_on": TODAY + datetime.timedelta(days=20),
    }
    data.update(kw)
    return bodies.opinion_request_create(**data)


def test_opinion_request_created_and_answered_by_a_linked_opinion(world):
    target = world.case_in("in_committee", "proposal")
    request = _request(world, topic="case", case=target.reference, title="Lighting and safety")
    assert request.case == target and request.opinion is None and not request.is_late()
    opinion = world.case_in("submitted", "advisory_opinion")
    answered = bodies.opinion_request_answer(
        actor=world[roles.EQUALITY_COMMISSION], request=request, opinion=opinion.reference
    )
    assert answered.opinion == opinion and answered.answered_at is not None
    assert OpinionRequest.objects.get(pk=request.pk).opinion_id == opinion.pk
    assert opinion.answered_request == answered
    with pytest.raises(GuardFailed):  # answered once
        bodies.opinion_request_answer(
            actor=world[roles.EQUALITY_COMMISSION], request=request, opinion=opinion
        )


def test_answer_must_be_a_filed_advisory_opinion(world):
    request = _request(world)
    proposal = world.case_in("submitted", "proposal")
    with pytest.raises(GuardFailed):
        bodies.opinion_request_answer(
            actor=world[roles.EQUALITY_COMMISSION], request=request, opinion=proposal
        )
    draft = world.new_case("advisory_opinion")
    with pytest.raises(GuardFailed):
        bodies.opinion_request_answer(actor=world[roles.EQUALITY_COMMISSION], request=request, opinion=draft)
    with pytest.raises(TransitionNotAllowed):
        bodies.opinion_request_answer(actor=world[roles.CITIZEN], request=request, opinion=proposal)


def test_who_may_ask(world):
    with pytest.raises(TransitionNotAllowed):
        _request(world, actor=world[roles.CITIZEN])
    with pytest.raises(TransitionNotAllowed):
        _request(world, actor=world[roles.BUREAU], requester="president")
    by_committee = _request(
        world, actor=world[roles.COMMITTEE], requester="committee", committee=world.committee
    )
    assert by_committee.committee == world.committee
    with pytest.raises(InvalidInput):
        _request(world, actor=world[roles.COMMITTEE], requester="committee", committee=world.other_committee)
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        _request(world, due_on=TODAY - datetime.timedelta(days=1), title="")
    assert set(caught.value.field_errors) >= {"due_on", "title"}


def test_late_request_flagged(world):
    late = _request(world, title="Late one")
    OpinionRequest.objects.filter(pk=late.pk).update(due_on=TODAY - datetime.timedelta(days=3))
    on_time = _request(world, title="On time")
    answered_late = _request(world, title="Answered late")
    opinion = world.case_in("submitted", "advisory_opinion")
    bodies.opinion_request_answer(
        actor=world[roles.EQUALITY_COMMISSION],
        request=answered_late,
        opinion=opinion,
        at=timezone.now() + datetime.timedelta(days=40),
    )
    flagged = list(selectors.late_opinion_requests(collectivity=world.collectivity))
    assert [r.title for r in flagged] == ["Late one", "Answered late"] or {r.title for r in flagged} == {
        "Late one",
        "Answered late",
    }
    assert on_time not in flagged
    figures = selectors.commission_figures(world.collectivity, TODAY - datetime.timedelta(days=30), TODAY)
    assert figures["requests_late"] == 1


def test_commission_secretary_manages_members(world):
    secretary_user = world[roles.EQUALITY_COMMISSION]
    data = {"full_name": "Fatima Zahra", "gender": Gender.FEMALE, "mandate_start": TODAY, "role": "member"}
    with pytest.raises(TransitionNotAllowed):
        bodies.commission_member_save(actor=secretary_user, collectivity=world.collectivity, data=data)
    CommissionMember.objects.create(
        collectivity=world.collectivity,
        full_name="Secretary",
        gender=Gender.FEMALE,
        role=CommissionMember.Role.SECRETARY,
        user=secretary_user,
        mandate_start=TODAY - datetime.timedelta(days=10),
    )
    assert predicates.can_manage_commission_members(secretary_user, world.collectivity)
    member = bodies.commission_member_save(actor=secretary_user, collectivity=world.collectivity, data=data)
    assert member.pk and member.full_name == "Fatima Zahra"
    other = UserFactory(username="commission_x", groups=[roles.EQUALITY_COMMISSION])
    with pytest.raises(TransitionNotAllowed):
        bodies.commission_member_save(actor=other, collectivity=world.collectivity, data=data)


def _child(world, **kw):
    data = {
        "first_name": "Salma",
        "age_band": ChildMember.AgeBand.EARLY_TEEN,
        "gender": Gender.FEMALE,
        "school_or_neighbourhood": "Ecole Al Massira",
        "guardian_consent_on": TODAY - datetime.timedelta(days=5),
        "joined_on": TODAY,
    }
    data.update(kw)
    return bodies.child_member_save(
        actor=world[roles.CHILDREN_COUNCIL], collectivity=world.collectivity, data=data
    )


def test_facilitator_records_children_with_consent(world):
    child = _child(world)
    assert child.consent_recorded_by == world[roles.CHILDREN_COUNCIL]
    with pytest.raises(InvalidInput):
        _child(world, guardian_consent_on=TODAY + datetime.timedelta(days=3))
    with pytest.raises(InvalidInput):
        _child(world, first_name="Salma Bent Ahmed El Alaoui")
    with pytest.raises(TransitionNotAllowed):
        bodies.child_member_save(actor=world[roles.CITIZEN], collectivity=world.collectivity, data={})


def test_decision_on_children_recommendation_needs_the_summary(world):
    case = world.case_in("on_agenda", "children_recommendation")
    data = dict(world.payload_for("adopt"))
    data.pop("child_summary")
    with pytest.raises(GuardFailed) as caught:
        case_services.case_transition(actor=world[roles.SECRETARIAT], case=case, name="adopt", data=data)
    assert "child_summary" in caught.value.field_errors
    world.collectivity.children_summary_max_chars = 50
    world.collectivity.save()
    with translation.override("en"), pytest.raises(GuardFailed) as caught:
        case_services.case_transition(
            actor=world[roles.SECRETARIAT],
            case=case,
            name="adopt",
            data={**data, "child_summary": "word " * 20},
        )
    assert "at most 50 characters" in caught.value.field_errors["child_summary"][0]
    assert not ChildSummary.objects.filter(case=case).exists()
    decided = case_services.case_transition(
        actor=world[roles.SECRETARIAT],
        case=case,
        name="adopt",
        data={**data, "child_summary": "Your playground will be built."},
    )
    assert decided.child_summary.text == "Your playground will be built."
    # One outbox row for the transition; its message carries the summary to the facilitator.
    event = OutboxEvent.objects.filter(subject_type="case", subject_id=case.pk).order_by("id").last()
    resolver = CaseNotifications()
    recipients = {r.user_id for r in resolver.recipients(case.pk, event.event, event.payload)}
    assert world[roles.CHILDREN_COUNCIL].pk in recipients
    context = resolver.context(case.pk, event.event, event.payload, "en")
    assert context["child_summary"] == "Your playground will be built."


def test_other_kinds_do_not_carry_the_summary(world):
    case = world.case_in("on_agenda", "proposal")
    data = dict(world.payload_for("adopt"))
    data.pop("child_summary")
    decided = case_services.case_transition(
        actor=world[roles.SECRETARIAT], case=case, name="adopt", data=data
    )
    assert decided.state == "adopted" and not ChildSummary.objects.filter(case=case).exists()


def test_rating_only_by_the_submitter_once_decided(world):
    open_case = world.case_in("in_committee", "proposal")
    with pytest.raises(TransitionNotAllowed):
        bodies.decision_rating_add(actor=open_case.submitter, case=open_case, score=4)
    decided = world.case_in("rejected", "proposal")
    with pytest.raises(TransitionNotAllowed):
        bodies.decision_rating_add(actor=world[roles.BUREAU], case=decided, score=4)
    with pytest.raises(InvalidInput):
        bodies.decision_rating_add(actor=decided.submitter, case=decided, score=9)
    bodies.decision_rating_add(actor=decided.submitter, case=decided, score=2, comment="Slow")
    with pytest.raises(GuardFailed):
        bodies.decision_rating_add(actor=decided.submitter, case=decided, score=5)


def test_role_groups_hold_the_bodies_permissions(world):
    from django.contrib.auth.models import Group

    assert (
        Group.objects.get(name=roles.CHILDREN_COUNCIL)
        .permissions.filter(codename="manage_children_council")
        .exists()
    )
    assert Group.objects.get(name=roles.BUREAU).permissions.filter(codename="manage_associations").exists()
    assert Group.objects.get(name=roles.FOLLOWUP).permissions.filter(codename="view_childmember").exists()
    assert predicates.can_manage_children_council(world[roles.CHILDREN_COUNCIL], world.collectivity)
    assert not predicates.can_manage_children_council(world[roles.FOLLOWUP], world.collectivity)


def test_facilitator_of_another_collectivity_is_refused(world):
    from tests.factories import CollectivityFactory

    elsewhere = CollectivityFactory(slug="azilal", code="AZL", name_fr="Commune d'Azilal")
    facilitator = UserFactory(username="facilitator_b", groups=[roles.CHILDREN_COUNCIL])
    facilitator.collectivity = elsewhere
    facilitator.save()
    with pytest.raises(TransitionNotAllowed):
        bodies.child_member_save(actor=facilitator, collectivity=world.collectivity, data={})


def test_late_request_in_the_followup_audit(world, client):
    late = _request(world, title="The late budget opinion")
    OpinionRequest.objects.filter(pk=late.pk).update(due_on=TODAY - datetime.timedelta(days=3))
    _request(world, title="Not yet due")
    client.force_login(world[roles.FOLLOWUP])
    body = client.get("/staff/audit/").content.decode()
    assert "The late budget opinion" in body and "Not yet due" not in body

"""Several committees on a case (docs/domain.md §3.6): the lead committee's referrals follow the
transitions; the bureau or the president asks further committees for an opinion; a member of the
asked committee files it. Every refusal is typed and changes nothing."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from audit.models import TransitionEntry
from cases import selectors, services
from cases.models import CommitteeReferral
from core import errors, roles
from notifications.models import OutboxEvent
from tests.cases.conftest import counts
from tests.factories import CollectivityFactory, CommitteeFactory, UserFactory


def _elsewhere():
    return CollectivityFactory(slug="tamazirt", code="TMZ", name_fr="Commune de Tamazirt")


OPINION = "The finance committee sees no objection: the budget line exists."


_DEFAULT = object()


def _ask(world, case, actor=None, committee=_DEFAULT):
    return services.case_request_committee_opinion(
        actor=actor or world["bureau"],
        case=case.reference,
        committee=world.other_committee.pk if committee is _DEFAULT else committee,
    )


def _file(world, case, actor=None, committee=_DEFAULT, report=OPINION):
    return services.case_file_committee_opinion(
        actor=actor or world.outsider_committee_member,
        case=case.reference,
        committee=world.other_committee.pk if committee is _DEFAULT else committee,
        report=report,
    )


def _snapshot(case):
    return (
        counts(case),
        CommitteeReferral.objects.count(),
        list(CommitteeReferral.objects.filter(case=case).values_list("reported_at", "report")),
    )


# The lead committee ------------------------------------------------------------------------


def test_refer_to_committee_opens_the_lead_referral_due_by_the_committee_rule(world):
    case = world.case_in("in_committee")
    (lead,) = CommitteeReferral.objects.filter(case=case)
    assert lead.role == "lead" and lead.committee_id == world.committee.pk
    assert lead.reported_at is None
    # Default rule of the committee stage: 30 calendar days (docs/domain.md §6).
    entered = TransitionEntry.objects.get(case=case, transition="refer_to_committee").created_at
    assert lead.due_on == timezone.localtime(entered).date() + datetime.timedelta(days=30)
    assert lead.requested_by == world["bureau"]


def test_report_closes_the_lead_referral_and_defer_opens_another(world):
    case = world.case_in("reported")
    (lead,) = CommitteeReferral.objects.filter(case=case)
    assert lead.reported_at is not None and lead.report == case.report
    assert lead.reported_by == world["committee"]
    case = services.case_transition(
        actor=world["secretariat"], case=case, name="schedule", data=world.payload_for("schedule")
    )
    services.case_transition(
        actor=world["secretariat"], case=case, name="defer", data=world.payload_for("defer")
    )
    leads = list(CommitteeReferral.objects.filter(case=case, role="lead").order_by("id"))
    assert len(leads) == 2 and leads[1].reported_at is None and leads[1].committee_id == world.committee.pk


# Asking ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.BUREAU, roles.PRESIDENT])
def test_bureau_or_president_asks_an_opinion(world, role):
    case = world.case_in("in_committee")
    before = counts(case)
    referral = _ask(world, case, actor=world[role])
    assert referral.role == "opinion" and referral.committee == world.other_committee
    assert referral.pending and referral.due_on is not None
    after = counts(case)
    assert after.state == before.state == "in_committee"
    assert after.case_entries == before.case_entries + 1
    assert after.case_outbox == before.case_outbox + 1
    entry = TransitionEntry.objects.filter(case=case).order_by("seq").last()
    assert entry.transition == "committee_opinion_request" and entry.role == role
    assert entry.payload["public"]["committee"]["id"] == world.other_committee.pk
    assert OutboxEvent.objects.filter(subject_id=case.pk).order_by("id").last().event == (
        "case.committee_opinion_request"
    )
    call_command("verify_audit")


@pytest.mark.parametrize(
    "role", sorted(set(roles.ROLE_GROUPS) - {roles.BUREAU, roles.PRESIDENT}) + ["outsider_committee"]
)
def test_who_may_not_ask(world, role):
    case = world.case_in("in_committee")
    actor = world.outsider_committee_member if role == "outsider_committee" else world[role]
    before = _snapshot(case)
    with pytest.raises(errors.TransitionNotAllowed):
        _ask(world, case, actor=actor)
    assert _snapshot(case) == before


def test_bureau_of_another_collectivity_may_not_ask(world):
    case = world.case_in("in_committee")
    stranger = UserFactory(username="bureau_x", groups=[roles.BUREAU], collectivity=_elsewhere())
    with pytest.raises(errors.TransitionNotAllowed):
        _ask(world, case, actor=stranger)


@pytest.mark.parametrize("state", ["submitted", "under_review", "reported", "on_agenda", "adopted"])
def test_asking_outside_the_committee_stage_is_refused(world, state):
    case = world.case_in(state)
    before = _snapshot(case)
    with pytest.raises(errors.InvalidTransition):
        _ask(world, case)
    assert _snapshot(case) == before


def test_asking_refused_committees(world):
    case = world.case_in("in_committee")
    foreign = CommitteeFactory(collectivity=_elsewhere())
    before = _snapshot(case)
    for committee in (world.committee.pk, foreign.pk, 0, "x", None, 10**30):
        with translation.override("en"), pytest.raises(errors.GuardFailed) as refused:
            services.case_request_committee_opinion(
                actor=world["bureau"], case=case.reference, committee=committee
            )
        assert "committee" in refused.value.field_errors
    assert _snapshot(case) == before
    with translation.override("en"), pytest.raises(errors.GuardFailed) as lead:
        _ask(world, case, committee=world.committee.pk)
    assert "lead committee" in str(lead.value.field_errors["committee"][0])


def test_a_committee_is_asked_once_until_it_reports(world):
    case = world.case_in("in_committee")
    _ask(world, case)
    before = _snapshot(case)
    with translation.override("en"), pytest.raises(errors.GuardFailed) as again:
        _ask(world, case)
    assert "already asked" in str(again.value.field_errors["committee"][0])
    assert _snapshot(case) == before
    _file(world, case)
    # Once it has reported, the bureau may ask it again (a new question).
    assert _ask(world, case).pending


def test_unknown_case_is_not_found(world):
    with pytest.raises(errors.NotFound):
        services.case_request_committee_opinion(
            actor=world["bureau"], case="NOPE-PRO-2026-0001", committee=world.other_committee.pk
        )


# Filing ---------------------------------------------------------------------------------------


def test_member_of_the_asked_committee_files_the_opinion(world):
    case = world.case_in("in_committee")
    _ask(world, case)
    before = counts(case)
    referral = _file(world, case, report="  " + OPINION + "  ")
    assert referral.report == OPINION and referral.reported_by == world.outsider_committee_member
    assert referral.reported_at is not None and not referral.pending
    after = counts(case)
    assert after.state == "in_committee"
    assert (after.case_entries, after.case_outbox) == (before.case_entries + 1, before.case_outbox + 1)
    entry = TransitionEntry.objects.filter(case=case).order_by("seq").last()
    assert entry.transition == "committee_opinion" and entry.role == roles.COMMITTEE
    assert entry.payload["public"]["report"] == OPINION
    # The lead report stays the one the council votes on: the case's own report is untouched.
    case.refresh_from_db()
    assert case.report == "" and case.committee == world.committee
    call_command("verify_audit")


@pytest.mark.parametrize("state", ["reported", "on_agenda"])
def test_an_opinion_may_come_after_the_lead_report(world, state):
    case = world.case_in("in_committee")
    _ask(world, case)
    case = services.case_transition(
        actor=world["committee"], case=case, name="report", data=world.payload_for("report")
    )
    if state == "on_agenda":
        case = services.case_transition(
            actor=world["secretariat"], case=case, name="schedule", data=world.payload_for("schedule")
        )
    assert _file(world, case).reported_at is not None


@pytest.mark.parametrize(
    "who", sorted(set(roles.ROLE_GROUPS) - {roles.COMMITTEE}) + ["lead_committee_member", "stranger_member"]
)
def test_who_may_not_file(world, who):
    case = world.case_in("in_committee")
    _ask(world, case)
    if who == "lead_committee_member":
        actor = world["committee"]
    elif who == "stranger_member":
        # On the asked committee's member list, but of another collectivity.
        actor = UserFactory(username="member_x", groups=[roles.COMMITTEE], collectivity=_elsewhere())
        world.other_committee.members.add(actor)
    else:
        actor = world[who]
    before = _snapshot(case)
    with pytest.raises(errors.TransitionNotAllowed):
        _file(world, case, actor=actor)
    assert _snapshot(case) == before


def test_filing_refused_edges(world):
    case = world.case_in("in_committee")
    before = _snapshot(case)
    # Not asked.
    with pytest.raises(errors.InvalidTransition):
        _file(world, case)
    _ask(world, case)
    before = _snapshot(case)
    for bad in ("", "   ", "...", None, 42, "x" * 10_001, "text \u202e hidden"):
        with pytest.raises(errors.GuardFailed) as refused:
            _file(world, case, report=bad)
        assert "report" in refused.value.field_errors
    for committee in (0, "abc", None):
        with pytest.raises(errors.GuardFailed):
            _file(world, case, committee=committee)
    assert _snapshot(case) == before
    _file(world, case)
    filed = _snapshot(case)
    # Already filed: nothing pending any more.
    with pytest.raises(errors.InvalidTransition):
        _file(world, case, report="A second opinion.")
    assert _snapshot(case) == filed


def test_filing_after_the_decision_is_refused(world):
    case = world.case_in("in_committee")
    _ask(world, case)
    for name in ("report", "schedule", "adopt"):
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
    before = _snapshot(case)
    with pytest.raises(errors.InvalidTransition):
        _file(world, case)
    assert _snapshot(case) == before


def test_the_council_is_not_blocked_by_a_pending_opinion(world):
    case = world.case_in("in_committee")
    _ask(world, case)
    for name in ("report", "schedule", "adopt"):
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
    assert case.state == "adopted"


# Who sees the case ------------------------------------------------------------------------


def test_the_asked_committee_sees_the_case(world):
    case = world.case_in("in_committee")
    member = world.outsider_committee_member
    assert not selectors.case_list_for_staff(user=member).filter(pk=case.pk).exists()
    _ask(world, case)
    assert selectors.case_get_for_staff(user=member, reference=case.reference) is not None


def test_a_committee_may_be_given_as_an_instance(world):
    case = world.case_in("in_committee")
    referral = _ask(world, case, committee=world.other_committee)
    assert referral.committee == world.other_committee
    assert _file(world, case, committee=world.other_committee).reported_at is not None

"""The legal clock of OL 113-14 art. 125 §4 stops at the notification of the reasoned rejection,
not at the decision."""

from __future__ import annotations

import datetime

import pytest

from cases import selectors as case_selectors
from cases.models import Case
from clocks import deadlines
from core import roles
from notices import rules, services
from notices.models import CaseNotification
from tests.notices.conftest import day

pytestmark = pytest.mark.django_db


def _notify(world, case, on: int, *, received: int | None = None, channel="hand"):
    return services.case_notification_record(
        actor=world[roles.INTAKE],
        case=case.reference,
        recipient_role=CaseNotification.RecipientRole.AGENT,
        channel=channel,
        registered_number="RR123456789MA" if channel == "registered_mail" else "",
        sent_at=day(on),
        received_at=day(received) if received is not None else None,
        at=day(max(on, received or on), hour=18),
    )


def test_decided_on_day_80_notified_on_day_95_is_late(world, rejected_petition):
    case = rejected_petition(decided=80)
    assert case.legal_deadline_on == datetime.date(2026, 4, 5)
    _notify(world, case, 95)
    [clock] = rules.notice_clocks(Case.objects.get(pk=case.pk))
    assert clock.decided_at.date() == datetime.date(2026, 3, 26)
    assert clock.notified_at.date() == datetime.date(2026, 4, 10)
    assert clock.status == "late"
    assert clock.late


def test_notified_on_day_85_is_on_time(world, rejected_petition):
    case = rejected_petition(decided=80)
    _notify(world, case, 85)
    [clock] = rules.notice_clocks(Case.objects.get(pk=case.pk))
    assert clock.status == "on_time"
    assert not clock.late
    # The clock stopped: the case no longer runs against its deadline.
    case.refresh_from_db()
    assert case.deadline_on is None
    assert not case_selectors.case_is_overdue(case)


def test_registered_mail_counts_from_its_receipt(world, rejected_petition):
    case = rejected_petition(decided=80)
    _notify(world, case, 85, received=93, channel="registered_mail")
    [clock] = rules.notice_clocks(Case.objects.get(pk=case.pk))
    assert clock.status == "late"


def test_decided_but_not_notified_past_the_limit_is_overdue(world, rejected_petition):
    case = rejected_petition(decided=80)
    case.refresh_from_db()
    # The decision does not stop the clock: the legal deadline stays on the closed case.
    assert case.state == "inadmissible"
    assert case.deadline_on == case.legal_deadline_on
    assert case_selectors.case_is_overdue(case, today=datetime.date(2026, 4, 6))
    assert not case_selectors.case_is_overdue(case, today=datetime.date(2026, 4, 5))
    assert Case.objects.filter(case_selectors.overdue_q(datetime.date(2026, 4, 6)), pk=case.pk).exists()
    [clock] = rules.notice_clocks(case, today=datetime.date(2026, 4, 6))
    assert clock.status == "overdue"
    assert deadlines.current_deadline(case) == case.legal_deadline_on


def test_notified_case_leaves_the_overdue_list(world, rejected_petition):
    case = rejected_petition(decided=80)
    _notify(world, case, 95)
    assert not Case.objects.filter(case_selectors.overdue_q(datetime.date(2026, 6, 1)), pk=case.pk).exists()


def test_acceptance_is_notified_only_when_the_collectivity_asks(world):
    case = world.case_in("in_committee", kind="petition")
    assert rules.requires_notice(case, "refer_to_committee")
    world.collectivity.acceptance_notice_required = False
    world.collectivity.save()
    case = Case.objects.select_related("collectivity").get(pk=case.pk)
    assert not rules.requires_notice(case, "refer_to_committee")
    assert rules.decision_entries(case) == []


def test_an_unnotified_rejection_is_escalated_and_a_notified_one_is_not(world, rejected_petition):
    from clocks.models import DeadlineNotice
    from clocks.reminders import check_deadlines

    silent = rejected_petition(decided=80)
    notified = rejected_petition(decided=80)
    _notify(world, notified, 85)
    summary = check_deadlines(now=day(100))
    assert summary.escalations >= 1
    assert DeadlineNotice.objects.filter(case=silent, threshold="after:0").exists()
    assert not DeadlineNotice.objects.filter(case=notified).exists()


def test_addressees(world):
    citizen, representative, member = world[roles.CITIZEN], world[roles.INTAKE], world[roles.ASSOCIATION]
    petition = Case(kind=Case.Kind.PETITION, submitter=citizen)
    assert rules.addressee_role(petition, citizen.pk) == "agent"
    assert rules.addressee_role(petition, member.pk) is None
    association = world.association
    association.representative = representative
    by_association = Case(kind=Case.Kind.PETITION, submitter=member, association=association)
    assert rules.addressee_role(by_association, representative.pk) == "legal_representative"
    assert rules.addressee_role(by_association, member.pk) == "submitter"
    assert rules.default_recipient_role(by_association) == "legal_representative"
    proposal = Case(kind=Case.Kind.PROPOSAL, submitter=citizen)
    assert rules.addressee_role(proposal, citizen.pk) == "submitter"
    assert rules.addressee_role(proposal, None) is None

"""The committee inbox lists the opinions asked of the user's committees, and the session page warns
about opinions still pending (docs/domain.md §3.6)."""

import datetime

from django.urls import reverse
from django.utils import translation

from cases import committee_selectors, services
from cases.models import CommitteeReferral

OPINION = "The finance committee sees no objection: the budget line exists."


def _ask(world, case):
    return services.case_request_committee_opinion(
        actor=world["bureau"], case=case.reference, committee=world.other_committee.pk
    )


def test_the_inbox_lists_the_opinion_for_the_asked_committee_only(world, client):
    case = world.case_in("in_committee")
    referral = _ask(world, case)
    asked = world.outsider_committee_member
    assert [r.pk for r in committee_selectors.pending_opinions_for(asked)] == [referral.pk]
    assert not committee_selectors.pending_opinions_for(world["committee"]).exists()
    assert not committee_selectors.pending_opinions_for(world["bureau"]).exists()

    client.force_login(asked)
    with translation.override("en"):
        page = client.get(reverse("workflows:inbox"), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="opinions"' in body and case.reference in body
    assert referral.due_on.strftime("%Y") in body

    # The lead committee's member has the case as a desk task, not as an opinion to give.
    client.force_login(world["committee"])
    lead_page = client.get(reverse("workflows:inbox")).content.decode()
    assert case.reference in lead_page and 'id="opinions"' not in lead_page

    # Once filed, it leaves the inbox.
    services.case_file_committee_opinion(
        actor=asked, case=case.reference, committee=world.other_committee.pk, report=OPINION
    )
    assert not committee_selectors.pending_opinions_for(asked).exists()
    client.force_login(asked)
    assert 'id="opinions"' not in client.get(reverse("workflows:inbox")).content.decode()


def test_an_overdue_opinion_is_flagged_and_a_decided_case_leaves_the_inbox(world):
    case = world.case_in("in_committee")
    asked_at = datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)
    referral = services.case_request_committee_opinion(
        actor=world["bureau"], case=case.reference, committee=world.other_committee.pk, at=asked_at
    )
    assert referral.due_on == datetime.date(2026, 2, 4)  # 30 days, the committee stage's rule
    assert committee_selectors.opinion_is_overdue(referral, today=datetime.date(2026, 2, 5))
    assert not committee_selectors.opinion_is_overdue(referral, today=datetime.date(2026, 2, 4))
    for name in ("report", "schedule", "adopt"):
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
    assert not committee_selectors.pending_opinions_for(world.outsider_committee_member).exists()
    assert CommitteeReferral.objects.get(pk=referral.pk).reported_at is None


def test_the_session_page_warns_about_pending_opinions(world, client):
    case = world.case_in("in_committee")
    _ask(world, case)
    for name in ("report", "schedule"):
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
    client.force_login(world["secretariat"])
    body = client.get(reverse("workflows:session", args=[world.session.pk])).content.decode()
    assert 'id="pending-opinions"' in body
    assert world.other_committee.name_ar in body or world.other_committee.name_fr in body
    # Filed: no warning any more.
    services.case_file_committee_opinion(
        actor=world.outsider_committee_member,
        case=case.reference,
        committee=world.other_committee.pk,
        report=OPINION,
    )
    body = client.get(reverse("workflows:session", args=[world.session.pk])).content.decode()
    assert 'id="pending-opinions"' not in body


def test_the_desk_invariant_holds_with_opinions(world):
    from io import StringIO

    from django.core.management import call_command

    case = world.case_in("in_committee")
    _ask(world, case)
    out = StringIO()
    call_command("check_workflows", stdout=out)
    assert case.reference not in out.getvalue()

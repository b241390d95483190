"""The committees on the staff case page and the public case page (docs/domain.md §3.6)."""

from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import CommitteeReferral
from core import roles
from tests.factories import CommitteeFactory, UserFactory

OPINION = "The finance committee sees no objection: the budget line exists."


def test_bureau_asks_and_the_member_files_from_the_staff_page(world, client):
    case = world.case_in("in_committee")
    page_url = reverse("staff:case", args=[case.reference])
    client.force_login(world["bureau"])
    body = client.get(page_url).content.decode()
    ask_url = reverse("staff:committee_opinion_ask", args=[case.reference])
    assert ask_url in body
    # The lead committee is not offered.
    assert f'value="{world.other_committee.pk}"' in body
    response = client.post(ask_url, {"committee": world.other_committee.pk})
    assert response.status_code == 302
    referral = CommitteeReferral.objects.get(case=case, role="opinion")

    # A refused request comes back with a message and changes nothing.
    client.post(ask_url, {"committee": world.other_committee.pk})
    assert CommitteeReferral.objects.filter(case=case, role="opinion").count() == 1

    # The secretariat may not ask.
    client.force_login(world["secretariat"])
    assert ask_url not in client.get(page_url).content.decode()
    client.post(ask_url, {"committee": CommitteeFactory(collectivity=world.collectivity).pk})
    assert CommitteeReferral.objects.filter(case=case, role="opinion").count() == 1

    # The asked committee's member sees the case and its form; the lead's member does not get it.
    file_url = reverse("staff:committee_opinion_file", args=[case.reference, world.other_committee.pk])
    client.force_login(world.outsider_committee_member)
    body = client.get(page_url).content.decode()
    assert file_url in body
    client.force_login(world["committee"])
    assert file_url not in client.get(page_url).content.decode()
    client.post(file_url, {f"opinion-{world.other_committee.pk}-report": OPINION})
    referral.refresh_from_db()
    assert referral.pending

    client.force_login(world.outsider_committee_member)
    assert client.post(file_url, {f"opinion-{world.other_committee.pk}-report": "   "}).status_code == 302
    referral.refresh_from_db()
    assert referral.pending
    client.post(file_url, {f"opinion-{world.other_committee.pk}-report": OPINION})
    referral.refresh_from_db()
    assert referral.report == OPINION and not referral.pending


def test_a_committee_never_asked_does_not_see_the_case(world, client):
    case = world.case_in("in_committee")
    third = CommitteeFactory(collectivity=world.collectivity)
    member = UserFactory(username="committee_c", groups=[roles.COMMITTEE])
    third.members.add(member)
    client.force_login(member)
    assert client.get(reverse("staff:case", args=[case.reference])).status_code == 404
    file_url = reverse("staff:committee_opinion_file", args=[case.reference, third.pk])
    assert client.post(file_url, {f"opinion-{third.pk}-report": OPINION}).status_code == 404


def test_the_public_page_shows_the_opinions_given(world, client):
    case = world.case_in("in_committee")
    services.case_request_committee_opinion(
        actor=world["bureau"], case=case.reference, committee=world.other_committee.pk
    )
    public_url = reverse("public:case", args=[case.reference])
    assert OPINION not in client.get(public_url).content.decode()
    services.case_file_committee_opinion(
        actor=world.outsider_committee_member,
        case=case.reference,
        committee=world.other_committee.pk,
        report=OPINION,
    )
    body = client.get(public_url).content.decode()
    assert OPINION in body
    assert world.other_committee.name_ar in body
    # No name of the member who filed it.
    assert world.outsider_committee_member.username not in body


def test_the_case_page_warns_the_secretariat_of_a_pending_opinion(world, client):
    case = world.case_in("in_committee")
    services.case_request_committee_opinion(
        actor=world["bureau"], case=case.reference, committee=world.other_committee.pk
    )
    for name in ("report", "schedule"):
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
    client.force_login(world["secretariat"])
    with translation.override("en"):
        body = client.get(
            reverse("staff:case", args=[case.reference]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert (
        'id="committees"' in body
        and "alert--warning" in body.split('id="committees"', 1)[1].split("</section>")[0]
    )
    # The decision forms are still offered: the council is warned, not blocked.
    assert f"transition-{case.reference}-adopt" in body

"""A Commission member links its own opinion from the page's form (issue 12: it got 403 although
cases.services.case_link_opinion allows it)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from cases.models import Case
from core import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_commission_member_links_own_opinion(world, login):
    target = world.case_in("in_committee", "proposal")
    opinion = world.case_in("submitted", "advisory_opinion")
    client = login(world[roles.EQUALITY_COMMISSION])
    page = client.get(reverse("public:my_cases"))
    assert reverse("staff:link_opinion", args=[opinion.reference]) in page.content.decode()
    response = client.post(
        reverse("staff:link_opinion", args=[opinion.reference]), {"related_case": target.reference}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:my_cases"))
    assert Case.objects.get(pk=opinion.pk).related_case_id == target.pk


def test_other_member_cannot_link_anothers_opinion(world, login):
    target = world.case_in("in_committee", "proposal")
    opinion = world.case_in("submitted", "advisory_opinion")
    colleague = UserFactory(username="commission_b", groups=[roles.EQUALITY_COMMISSION])
    response = login(colleague).post(
        reverse("staff:link_opinion", args=[opinion.reference]), {"related_case": target.reference}
    )
    # The colleague sees the Commission's opinion but the service refuses the link.
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    # The refusal is the service's, in the user's language (Arabic by default).
    with translation.override("ar"):
        expected = translation.gettext("You may not link this opinion.")
    assert expected in shown, shown
    assert Case.objects.get(pk=opinion.pk).related_case_id is None


def test_citizen_gets_404_on_someone_elses_opinion(world, login):
    target = world.case_in("in_committee", "proposal")
    opinion = world.case_in("submitted", "advisory_opinion")
    response = login(world[roles.CITIZEN]).post(
        reverse("staff:link_opinion", args=[opinion.reference]), {"related_case": target.reference}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=opinion.pk).related_case_id is None


def test_commission_members_see_all_its_drafts(world, login):
    draft = world.new_case("advisory_opinion")
    colleague = UserFactory(username="commission_c", groups=[roles.EQUALITY_COMMISSION])
    page = login(colleague).get(reverse("public:my_cases"))
    assert draft.reference in page.content.decode()
    citizen_page = login(world[roles.CITIZEN]).get(reverse("public:my_cases"))
    assert draft.reference not in citizen_page.content.decode()


def test_staff_still_link_from_the_staff_page(world, login):
    target = world.case_in("in_committee", "proposal")
    opinion = world.case_in("submitted", "children_recommendation")
    response = login(world[roles.BUREAU]).post(
        reverse("staff:link_opinion", args=[opinion.reference]), {"related_case": target.reference}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=opinion.pk).related_case_id == target.pk

"""The follow-up audit shows how submitters rated the handling of their decided cases, per kind and
per committee, never per person (issue 12 item 5)."""

import pytest
from django.urls import reverse
from django.utils import translation

from participation import bodies

pytestmark = pytest.mark.django_db


def test_ratings_are_averaged_per_kind_and_committee_only(client, world):
    for score, comment in ((2, "Trop lent"), (4, ""), (5, "Merci au service")):
        case = world.case_in("rejected", "proposal")
        bodies.decision_rating_add(actor=case.submitter, case=case, score=score, comment=comment)
    lone = world.case_in("adopted", "children_recommendation")
    bodies.decision_rating_add(actor=lone.submitter, case=lone, score=1)
    client.force_login(world["followup"])
    with translation.override("fr"):
        html = client.get(reverse("followup:response_times"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    section = html.split('id="satisfaction-after-decision"', 1)[1].split("</section>", 1)[0]
    assert "4 " in section  # ratings in all
    # Numbers in the reader's locale: the three proposals average 3,67; their committee, which also
    # had the children's recommendation, 3,0 over four ratings.
    assert "<td>3</td><td>3,67</td>" in section
    assert "<td>4</td><td>3,0</td>" in section
    assert "<td>1</td><td>—</td>" in section  # one rating of a children's recommendation: no average
    # Never per person: no comment, no name.
    assert "Trop lent" not in html and "Merci au service" not in html
    assert world["citizen"].username not in section


def test_other_roles_do_not_see_it(client, world):
    client.force_login(world["citizen"])
    assert client.get(reverse("followup:response_times")).status_code == 403

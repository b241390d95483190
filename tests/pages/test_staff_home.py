"""Issue 13, item 5: the staff home (/staff/) shows, per role, what waits (the inbox, one click
away), what is late and what is due this week, in a number of queries independent of the rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone


def _set_deadline(case, days_from_today: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET deadline_on = %s WHERE id = %s",
            [timezone.localdate() + datetime.timedelta(days=days_from_today), case.pk],
        )


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("staff:home"))
    assert response.status_code == 200
    return response


def _late(response):
    return [c.reference for c in response.context["late"]]


def _due(response):
    return [c.reference for c in response.context["due"]]


def test_home_links_the_inbox_and_the_late_lists(client, world):
    response = _home(client, world["bureau"])
    html = response.content.decode()
    assert f'href="{reverse("workflows:inbox")}"' in html
    assert 'id="waits"' in html and 'id="late"' in html and 'id="due"' in html


@pytest.mark.parametrize(
    ("role", "state", "sees"),
    [
        ("bureau", "submitted", True),
        ("committee", "in_committee", True),
        ("committee", "submitted", False),  # not the committee's move
        ("secretariat", "reported", True),
        ("secretariat", "in_committee", False),
        ("service", "in_implementation", True),
        ("service", "in_committee", False),
        ("followup", "in_committee", True),  # the follow-up team watches every open case
        ("president", "reported", True),
    ],
)
def test_late_per_role(client, world, role, state, sees):
    case = world.case_in(state, "proposal")
    _set_deadline(case, -12)
    response = _home(client, world[role])
    assert (case.reference in _late(response)) is sees
    assert response.context["late_count"] == (1 if sees else 0)
    if sees:
        assert case.reference in response.content.decode()


def test_due_this_week_and_not_later(client, world):
    soon = world.case_in("submitted", "proposal")
    later = world.case_in("submitted", "proposal")
    _set_deadline(soon, 3)
    _set_deadline(later, 20)
    response = _home(client, world["bureau"])
    assert soon.reference in _due(response)
    assert later.reference not in _due(response)
    assert later.reference not in _late(response)


def test_what_waits_comes_from_the_inbox(client, world):
    case = world.case_in("in_committee", "proposal")
    _set_deadline(case, -5)
    response = _home(client, world["committee"])
    desk = [s for s in response.context["sections"] if s["template"] == "workflows/home_section.html"]
    assert desk and desk[0]["total"] == 1 and desk[0]["late"] == 1
    html = response.content.decode()
    assert f"{reverse('workflows:inbox')}?overdue=1" in html


def test_filers_are_sent_to_their_cases(client, world):
    client.force_login(world["citizen"])
    assert client.get(reverse("staff:home"))["Location"] == reverse("public:my_cases")


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("staff:home")).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(client, world):
    for _ in range(2):
        _set_deadline(world.case_in("submitted", "proposal"), -3)
    _set_deadline(world.case_in("submitted", "proposal"), 2)
    few = _queries(client, world["bureau"])
    for _ in range(8):
        _set_deadline(world.case_in("submitted", "proposal"), -3)
    for _ in range(4):
        _set_deadline(world.case_in("submitted", "proposal"), 2)
    many = _queries(client, world["bureau"])
    assert few == many

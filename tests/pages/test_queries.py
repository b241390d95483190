"""List pages: the number of queries does not grow with the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_cases(world, n):
    states = ["submitted", "in_committee", "adopted", "rejected", "in_implementation"]
    for i in range(n):
        world.case_in(states[i % len(states)], "petition" if i % 2 else "proposal")


def test_register_query_count_is_constant(client, world):
    _add_cases(world, 3)
    few = _count(client, reverse("public:register"))
    _add_cases(world, 12)
    many = _count(client, reverse("public:register"))
    assert few == many


def test_staff_list_query_count_is_constant(client, world):
    client.force_login(world["bureau"])
    _add_cases(world, 3)
    few = _count(client, reverse("staff:cases"))
    _add_cases(world, 12)
    many = _count(client, reverse("staff:cases"))
    assert few == many


def test_my_cases_query_count_is_constant(client, world):
    client.force_login(world["citizen"])
    _add_cases(world, 3)
    few = _count(client, reverse("public:my_cases"))
    _add_cases(world, 12)
    many = _count(client, reverse("public:my_cases"))
    assert few == many

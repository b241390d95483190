"""List pages' query counts do not grow with their rows (docs/architecture.md, house rules)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import roles
from tests.participation.conftest import at

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    ("url_name", "login"),
    [
        ("participation:calendar", False),
        ("participation:calendar_ics", False),
        ("participation:staff_meetings", True),
    ],
)
def test_query_count_does_not_grow(client, world, make_meeting, url_name, login):
    if login:
        client.force_login(world[roles.FOLLOWUP])
    url = reverse(url_name)
    make_meeting(starts_at=at(3), organiser="committee", committee=world.committee)
    _queries(client, url)  # warm the per-process caches (content types, sessions)
    few = _queries(client, url)
    for day in range(4, 14):
        make_meeting(starts_at=at(day), organiser="service", service=world.service)
    assert _queries(client, url) == few

"""The demo meetings: idempotent, and the feed lists the seeded meetings and sessions."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from participation.demo import MEETINGS, seed_meetings
from participation.models import Meeting

pytestmark = pytest.mark.django_db


def test_seed_meetings_is_idempotent_and_fills_the_feed(client, world):
    world.case_in("submitted")
    assert seed_meetings(collectivity=world.collectivity) == len(MEETINGS)
    assert seed_meetings(collectivity=world.collectivity) == 0
    assert Meeting.objects.count() == len(MEETINGS)
    past = Meeting.objects.filter(attendance__isnull=False).distinct()
    assert past.count() == sum(1 for m in MEETINGS if m[0] < 0)
    assert Meeting.objects.get(kind="public_consultation", attendance__isnull=False, cases__isnull=False)

    calendar = Calendar.from_ical(client.get(reverse("participation:calendar_ics")).content)
    uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    assert {f"meeting-{m.pk}@testserver" for m in Meeting.objects.all()} <= uids
    assert f"session-{world.session.pk}@testserver" in uids

"""The demo meetings: idempotent, and the feed lists the seeded meetings and sessions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
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
    linked = Meeting.objects.filter(kind="public_consultation", cases__isnull=False).distinct()
    assert [m.starts_at < timezone.now() for m in linked] == [True]

    calendar = Calendar.from_ical(client.get(reverse("participation:calendar_ics")).content)
    uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    # The feed keeps the last 90 days: the seeded meeting of 120 days ago has left it.
    recent = Meeting.objects.filter(starts_at__gte=timezone.now() - datetime.timedelta(days=89))
    assert {f"meeting-{m.pk}@testserver" for m in recent} <= uids
    old = Meeting.objects.get(starts_at__lt=timezone.now() - datetime.timedelta(days=91))
    assert f"meeting-{old.pk}@testserver" not in uids
    assert f"session-{world.session.pk}@testserver" in uids

"""The public calendar and its iCalendar feed; no personal data on any public page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core import roles
from participation import services
from tests.factories import CouncilSessionFactory, UserFactory
from tests.participation.conftest import at
from tests.participation.test_import import GOOD_ROWS, NAMES, PHONES, csv_bytes

pytestmark = pytest.mark.django_db


def test_calendar_ics_parses_and_lists_meetings_and_sessions(client, world, make_meeting):
    upcoming = make_meeting(starts_at=at(7, 17), ends_at=at(7, 19), topic="Budget hearing")
    private = make_meeting(starts_at=at(8), public=False, topic="Internal preparation")
    cancelled = make_meeting(starts_at=at(9), cancelled=True, topic="Cancelled workshop")
    session = CouncilSessionFactory(
        collectivity=world.collectivity, date=timezone.localdate() + datetime.timedelta(days=20)
    )
    response = client.get(reverse("participation:calendar_ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    host = "testserver"
    assert f"meeting-{upcoming.pk}@{host}" in events
    assert f"meeting-{private.pk}@{host}" not in events
    assert str(events[f"meeting-{cancelled.pk}@{host}"]["status"]) == "CANCELLED"
    event = events[f"meeting-{upcoming.pk}@{host}"]
    assert "Budget hearing" in str(event["summary"])
    assert event.decoded("dtstart") == upcoming.starts_at
    assert event.decoded("dtend") == upcoming.ends_at
    assert str(event["location"]) == upcoming.place
    session_event = events[f"session-{session.pk}@{host}"]
    assert session_event.decoded("dtstart") == session.date
    assert session_event.decoded("dtend") == session.date + datetime.timedelta(days=1)
    # The World's own session of 2027 is in the feed too.
    assert f"session-{world.session.pk}@{host}" in events


def test_calendar_page_lists_upcoming_only(client, world, make_meeting):
    make_meeting(starts_at=at(5), topic="Upcoming consultation")
    make_meeting(starts_at=at(-5), topic="Past consultation")
    make_meeting(starts_at=at(6), public=False, topic="Not public")
    page = client.get(reverse("participation:calendar")).content.decode()
    assert "Upcoming consultation" in page
    assert "Past consultation" not in page
    assert "Not public" not in page


def test_public_pages_show_no_personal_data(client, world, make_meeting):
    creator = UserFactory(
        username="clerk_hassan", first_name="Hassan", last_name="Bennani", groups=[roles.BUREAU]
    )
    past = make_meeting(actor=creator, starts_at=at(-2), topic="Market square")
    make_meeting(actor=creator, starts_at=at(2), topic="Water network")
    services.attendance_import(actor=creator, meeting=past, content=csv_bytes(GOOD_ROWS), filename="s.csv")
    services.evaluation_answer_online(
        token=past.evaluation_token, answers={"satisfaction": "5", "clarity": "4", "come_again": "yes"}
    )
    pages = [
        reverse("participation:calendar"),
        reverse("participation:calendar_ics"),
        reverse("participation:meeting", args=[past.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in NAMES + PHONES + ["Hassan", "Bennani", "clerk_hassan", past.evaluation_token]:
            assert secret not in text, (url, secret)
    meeting_page = client.get(reverse("participation:meeting", args=[past.pk])).content.decode()
    assert "Market square" in meeting_page
    assert "60,0 %" in meeting_page  # 3 women of 5 (Arabic formats: decimal comma)


def test_private_meeting_has_no_public_page(client, make_meeting):
    private = make_meeting(public=False)
    assert client.get(reverse("participation:meeting", args=[private.pk])).status_code == 404


def test_calendar_speaks_arabic_by_default_and_french_on_request(client, world, make_meeting):
    make_meeting(starts_at=at(5), kind="training")
    page = client.get(reverse("participation:calendar")).content.decode()
    assert 'dir="rtl"' in page
    assert "أجندة اللقاءات ودورات المجلس" in page
    assert "تكوين" in page
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("participation:calendar")).content.decode()
    assert 'dir="ltr"' in page
    assert "Calendrier des réunions et des sessions du conseil" in page
    assert "Formation" in page

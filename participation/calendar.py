"""The public iCalendar feed (RFC 5545) of meetings and council sessions, built with `icalendar`."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from organisation.models import CouncilSession
from participation.models import Meeting

PRODID = "-//Mithaq//Participation calendar//AR"
DEFAULT_MEETING_HOURS = 2


def _meeting_event(meeting: Meeting, *, host: str, stamp: datetime.datetime, url: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=DEFAULT_MEETING_HOURS))
    event.add("summary", f"{meeting.get_kind_display()}: {meeting.topic}")
    event.add("location", meeting.place)
    event.add("description", _("Organised by: %(organiser)s") % {"organiser": meeting.organiser_label})
    event.add("categories", [str(meeting.get_kind_display())])
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("url", url)
    return event


def _session_event(session: CouncilSession, *, host: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@{host}")
    event.add("dtstamp", stamp)
    # A session is held over whole days: all-day dates, DTEND exclusive (RFC 5545 3.6.1).
    event.add("dtstart", session.date)
    event.add("dtend", (session.end_date or session.date) + datetime.timedelta(days=1))
    event.add("summary", _("Council session: %(session)s") % {"session": session})
    event.add("categories", [str(_("Council session"))])
    return event


def build_calendar(*, meetings, sessions, host: str, name: str, meeting_url) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().replace(microsecond=0)
    for meeting in meetings:
        calendar.add_component(_meeting_event(meeting, host=host, stamp=stamp, url=meeting_url(meeting)))
    for session in sessions:
        calendar.add_component(_session_event(session, host=host, stamp=stamp))
    return calendar.to_ical()

import datetime

import pytest
from django.utils import timezone

from core import roles
from participation import services
from participation.models import Meeting


def at(days: int, hour: int = 10) -> datetime.datetime:
    """An aware datetime `days` from now (local calendar), at `hour`."""
    tz = timezone.get_default_timezone()
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)), tz)


def meeting_data(**overrides) -> dict:
    data = {
        "kind": Meeting.Kind.PUBLIC_CONSULTATION,
        "topic": "Lighting of the old medina",
        "description": "",
        "starts_at": at(-3),
        "ends_at": None,
        "place": "Town hall, main room",
        "organiser": Meeting.Organiser.BUREAU,
        "committee": None,
        "service": None,
        "public": True,
        "cancelled": False,
        "evaluation_open": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_meeting(world):
    def _make(actor=None, **overrides):
        return services.meeting_create(
            actor=actor or world[roles.BUREAU],
            collectivity=world.collectivity,
            data=meeting_data(**overrides),
        )

    return _make


@pytest.fixture
def meeting(make_meeting):
    return make_meeting()

"""Working-day arithmetic: weekends, Throne Day, Green March, an Eid that moves with the Hijri
calendar and is confirmed or shifted by an administrator."""

import datetime

import pytest

from clocks.deadlines import WorkingCalendar, public_holidays
from clocks.models import HolidayOverride

D = datetime.date


@pytest.fixture
def cal(db):
    return WorkingCalendar((5, 6))


def test_weekend_is_skipped(cal):
    # Thursday 2026-12-03 + 2 working days = Monday 2026-12-07.
    assert cal.add_working_days(D(2026, 12, 3), 2) == D(2026, 12, 7)
    # From a Saturday, the first working day is Monday.
    assert cal.add_working_days(D(2026, 12, 5), 1) == D(2026, 12, 7)


def test_throne_day(cal):
    # Throne Day, Thursday 30 July 2026: Wednesday + 1 working day = Friday 31.
    assert cal.holiday(D(2026, 7, 30)) == "Throne Day"
    assert cal.add_working_days(D(2026, 7, 29), 1) == D(2026, 7, 31)


def test_green_march(cal):
    # Green March, Friday 6 November 2026: Thursday + 1 working day = Monday 9.
    assert cal.add_working_days(D(2026, 11, 5), 1) == D(2026, 11, 9)


def test_eid_moves_with_the_hijri_calendar(cal):
    # Eid al-Fitr falls 11 days earlier each year (estimated by the package).
    assert cal.holiday(D(2026, 3, 20)) and cal.holiday(D(2027, 3, 9))
    assert cal.add_working_days(D(2026, 3, 19), 1) == D(2026, 3, 23)  # Fri 20 Eid, Sat 21 Eid + weekend


def test_administrator_shifts_an_eid(db):
    HolidayOverride.objects.create(
        date=D(2026, 3, 20), name="Eid al-Fitr (estimated)", action="shift", new_date=D(2026, 3, 19)
    )
    HolidayOverride.objects.create(
        date=D(2026, 3, 21), name="Eid al-Fitr (estimated)", action="shift", new_date=D(2026, 3, 20)
    )
    cal = WorkingCalendar((5, 6))
    assert cal.holiday(D(2026, 3, 19))
    assert cal.holiday(D(2026, 3, 20))
    assert cal.holiday(D(2026, 3, 21)) is None  # a Saturday anyway, but no longer a holiday
    assert cal.add_working_days(D(2026, 3, 18), 1) == D(2026, 3, 23)


def test_confirm_and_add(db):
    HolidayOverride.objects.create(date=D(2026, 3, 20), name="Eid al-Fitr (estimated)", action="confirm")
    HolidayOverride.objects.create(date=D(2026, 12, 10), name="Exceptional holiday", action="add")
    days = public_holidays(2026)
    assert days[D(2026, 3, 20)] == "Eid al-Fitr"
    assert days[D(2026, 12, 10)] == "Exceptional holiday"
    assert WorkingCalendar((5, 6)).add_working_days(D(2026, 12, 9), 1) == D(2026, 12, 11)


def test_cancel(db):
    HolidayOverride.objects.create(date=D(2026, 11, 6), name="Green March", action="cancel")
    assert WorkingCalendar((5, 6)).add_working_days(D(2026, 11, 5), 1) == D(2026, 11, 6)


def test_working_days_between(cal):
    assert cal.working_days_between(D(2026, 7, 27), D(2026, 8, 3)) == 4  # Tue Wed Fri Mon (Thu Throne Day)

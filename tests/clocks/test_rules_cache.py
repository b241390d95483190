"""Deadline rules and holiday confirmations are read from the cache after the first transition, and a
saved or deleted row is seen by the next one (clocks/deadlines.py, issue 14)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clocks import deadlines
from clocks.models import DeadlineRule, HolidayOverride

TZ = timezone.get_default_timezone()


def rule_queries(ctx) -> int:
    return sum('"clocks_deadlinerule"' in q["sql"] for q in ctx.captured_queries)


def test_rules_are_read_once_per_collectivity(world):
    deadlines.rules_for(world.collectivity)
    with CaptureQueriesContext(connection) as ctx:
        deadlines.rules_for(world.collectivity)
    assert rule_queries(ctx) == 0


def test_a_saved_or_deleted_rule_is_seen_at_once(world):
    assert deadlines.rules_for(world.collectivity)[("", "in_committee")].days == 30
    rule = DeadlineRule.objects.create(
        collectivity=world.collectivity, state="in_committee", days=12, unit="calendar"
    )
    assert deadlines.rules_for(world.collectivity)[("", "in_committee")].days == 12
    rule.days = 20
    rule.save()
    assert deadlines.rules_for(world.collectivity)[("", "in_committee")] == deadlines.Rule(
        20, "calendar", "state", "setting"
    )
    rule.delete()
    assert deadlines.rules_for(world.collectivity)[("", "in_committee")].source == "default"


def test_rules_of_one_collectivity_are_not_another_s(world):
    from tests.factories import CollectivityFactory

    other = CollectivityFactory(slug="azilal", code="AZL", name_fr="Commune d'Azilal")
    DeadlineRule.objects.create(collectivity=other, state="in_committee", days=7, unit="calendar")
    assert deadlines.rules_for(world.collectivity)[("", "in_committee")].days == 30
    assert deadlines.rules_for(other)[("", "in_committee")].days == 7


def test_a_holiday_confirmation_is_seen_at_once(world):
    day = datetime.date(2031, 3, 3)
    assert day not in deadlines.public_holidays(2031)
    override = HolidayOverride.objects.create(date=day, name="Extra", action=HolidayOverride.Action.ADD)
    assert deadlines.public_holidays(2031)[day] == "Extra"
    with CaptureQueriesContext(connection) as ctx:
        deadlines.public_holidays(2031)
    assert not ctx.captured_queries
    override.delete()
    assert day not in deadlines.public_holidays(2031)

"""Bulk writes of deadline rules and holiday confirmations drop the cached rows as a save does
(clocks.models.CachedRowsQuerySet): the next transition uses the new figure at once."""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import services
from clocks import caching, deadlines
from clocks.models import DeadlineRule, HolidayOverride
from tests.factories import CollectivityFactory, UserFactory

TZ = timezone.get_default_timezone()
# Monday 3 March 2031: a proposal's 5 working days end on Monday 10 March (no holiday that week).
MONDAY = datetime.datetime(2031, 3, 3, 10, tzinfo=TZ)
WEDNESDAY = datetime.date(2031, 3, 5)


def refer(world, at=datetime.datetime(2026, 12, 1, 10, tzinfo=TZ)):
    """The committee stage's deadline of a case referred on 1 December 2026."""
    case = world.case_in("under_review")
    case = services.case_transition(
        actor=world["bureau"],
        case=case,
        name="refer_to_committee",
        data=world.payload_for("refer_to_committee"),
        at=at,
    )
    return case.deadline_on


def submit(world) -> datetime.date:
    case = world.new_case("proposal")
    return services.case_transition(actor=world["citizen"], case=case, name="submit", at=MONDAY).deadline_on


def rules_cached(collectivity) -> bool:
    deadlines.rules_for(collectivity)
    return cache.get(caching.rules_key(collectivity.pk)) is not None


def holidays_cached(year: int) -> bool:
    deadlines.public_holidays(year)
    return cache.get(caching.holidays_key(year)) is not None


def a_rule(world, days=12, **kwargs) -> DeadlineRule:
    return DeadlineRule.objects.create(
        collectivity=world.collectivity, state="in_committee", days=days, unit="calendar", **kwargs
    )


DEC = datetime.date(2026, 12, 1)


# Deadline rules ---------------------------------------------------------------------------------


def test_queryset_update(world):
    a_rule(world)
    assert rules_cached(world.collectivity)
    assert DeadlineRule.objects.filter(collectivity=world.collectivity).update(days=20) == 1
    assert refer(world) == DEC + datetime.timedelta(days=20)


def test_bulk_create(world):
    assert rules_cached(world.collectivity)
    DeadlineRule.objects.bulk_create(
        [DeadlineRule(collectivity=world.collectivity, state="in_committee", days=12, unit="calendar")]
    )
    assert refer(world) == DEC + datetime.timedelta(days=12)


def test_bulk_create_updating_on_conflict(world):
    a_rule(world)
    assert rules_cached(world.collectivity)
    DeadlineRule.objects.bulk_create(
        [DeadlineRule(collectivity=world.collectivity, state="in_committee", days=9, unit="calendar")],
        update_conflicts=True,
        unique_fields=["collectivity", "kind", "state"],
        update_fields=["days"],
    )
    assert DeadlineRule.objects.get().days == 9
    assert refer(world) == DEC + datetime.timedelta(days=9)


def test_bulk_update(world):
    rule = a_rule(world)
    assert rules_cached(world.collectivity)
    rule.days = 25
    DeadlineRule.objects.bulk_update([rule], ["days"])
    assert refer(world) == DEC + datetime.timedelta(days=25)


def test_queryset_delete(world):
    a_rule(world)
    assert rules_cached(world.collectivity)
    DeadlineRule.objects.filter(collectivity=world.collectivity).delete()
    assert refer(world) == DEC + datetime.timedelta(days=30)  # the charter's default


def test_moving_rules_to_another_collectivity_drops_both(world):
    other = CollectivityFactory(slug="azilal", code="AZL", name_fr="Commune d'Azilal")
    a_rule(world)
    assert rules_cached(world.collectivity) and rules_cached(other)
    DeadlineRule.objects.filter(collectivity=world.collectivity).update(collectivity=other)
    assert deadlines.rules_for(other)[("", "in_committee")].days == 12
    assert refer(world) == DEC + datetime.timedelta(days=30)


def test_bulk_update_moving_rules_drops_both(world):
    other = CollectivityFactory(slug="azilal", code="AZL", name_fr="Commune d'Azilal")
    rule = a_rule(world)
    assert rules_cached(world.collectivity) and rules_cached(other)
    rule.collectivity = other
    DeadlineRule.objects.bulk_update([rule], ["collectivity"])
    assert deadlines.rules_for(other)[("", "in_committee")].days == 12
    assert refer(world) == DEC + datetime.timedelta(days=30)


def test_saving_a_rule_into_another_collectivity_drops_the_one_it_left(world):
    other = CollectivityFactory(slug="azilal", code="AZL", name_fr="Commune d'Azilal")
    rule = a_rule(world)
    assert rules_cached(world.collectivity)
    rule.collectivity = other
    rule.save()
    assert refer(world) == DEC + datetime.timedelta(days=30)


def test_other_collectivities_keep_their_cache(world):
    other = CollectivityFactory(slug="azilal", code="AZL", name_fr="Commune d'Azilal")
    a_rule(world)
    assert rules_cached(world.collectivity) and rules_cached(other)
    DeadlineRule.objects.filter(collectivity=world.collectivity).update(days=20)
    assert cache.get(caching.rules_key(other.pk)) is not None
    assert cache.get(caching.rules_key(world.collectivity.pk)) is None


def test_the_cache_is_dropped_again_on_commit(world, django_capture_on_commit_callbacks):
    a_rule(world)
    key = caching.rules_key(world.collectivity.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        DeadlineRule.objects.filter(collectivity=world.collectivity).update(days=20)
        # Another process reads the committed (old) rows before this transaction commits.
        cache.set(key, [("", "in_committee", 12, "calendar", "state")], caching.CACHE_SECONDS)
    assert cache.get(key) is None
    assert refer(world) == DEC + datetime.timedelta(days=20)


def test_the_admins_delete_selected_action(world, client):
    rule = a_rule(world)
    case = world.case_in("in_committee")
    on_twelve_days = case.deadline_on
    assert rules_cached(world.collectivity)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("admin:clocks_deadlinerule_changelist"),
        {"action": "delete_selected", "_selected_action": [rule.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not DeadlineRule.objects.exists()
    # The open cases follow the charter's default again, and so does the next transition.
    case.refresh_from_db()
    assert case.deadline_on == on_twelve_days + datetime.timedelta(days=30 - 12)
    assert refer(world) == DEC + datetime.timedelta(days=30)


# Holiday confirmations ------------------------------------------------------------------------


def add_wednesday() -> HolidayOverride:
    return HolidayOverride.objects.create(date=WEDNESDAY, name="Extra", action=HolidayOverride.Action.ADD)


def test_the_week_has_no_holiday(world):
    assert submit(world) == datetime.date(2031, 3, 10)


def test_holidays_bulk_create(world):
    assert holidays_cached(2031)
    HolidayOverride.objects.bulk_create(
        [HolidayOverride(date=WEDNESDAY, name="Extra", action=HolidayOverride.Action.ADD)]
    )
    assert submit(world) == datetime.date(2031, 3, 11)


def test_holidays_queryset_update(world):
    add_wednesday()
    assert holidays_cached(2031)
    HolidayOverride.objects.filter(date=WEDNESDAY).update(action=HolidayOverride.Action.CANCEL)
    assert submit(world) == datetime.date(2031, 3, 10)


def test_holidays_update_moving_to_another_year(world):
    add_wednesday()
    assert holidays_cached(2031) and holidays_cached(2032)
    HolidayOverride.objects.update(date=datetime.date(2032, 3, 3))
    assert datetime.date(2032, 3, 3) in deadlines.public_holidays(2032)
    assert submit(world) == datetime.date(2031, 3, 10)


def test_holidays_bulk_update_of_a_shift_across_the_new_year(world):
    override = HolidayOverride.objects.create(
        date=datetime.date(2031, 12, 30),
        name="Extra",
        action=HolidayOverride.Action.SHIFT,
        new_date=datetime.date(2032, 1, 2),
    )
    assert holidays_cached(2031) and holidays_cached(2032)
    override.new_date = datetime.date(2031, 12, 31)
    HolidayOverride.objects.bulk_update([override], ["new_date"])
    assert datetime.date(2032, 1, 2) not in deadlines.public_holidays(2032)
    assert deadlines.public_holidays(2031)[datetime.date(2031, 12, 31)] == "Extra"


def test_holidays_queryset_delete(world):
    add_wednesday()
    assert holidays_cached(2031)
    assert submit(world) == datetime.date(2031, 3, 11)
    HolidayOverride.objects.filter(date=WEDNESDAY).delete()
    assert submit(world) == datetime.date(2031, 3, 10)


def test_holidays_admin_delete_selected_action(world, client):
    override = add_wednesday()
    assert holidays_cached(2031)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("admin:clocks_holidayoverride_changelist"),
        {"action": "delete_selected", "_selected_action": [override.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert submit(world) == datetime.date(2031, 3, 10)


@pytest.mark.parametrize("sliced", ["update", "delete"])
def test_a_sliced_bulk_write_is_still_refused(world, sliced):
    a_rule(world)
    with pytest.raises(TypeError):
        getattr(DeadlineRule.objects.all()[:1], sliced)(**({"days": 3} if sliced == "update" else {}))

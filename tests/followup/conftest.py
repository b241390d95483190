"""A small commune with hand-dated histories, for hand-computed indicators and the open-data checks.

Every date lies between July and October 2026, when Morocco keeps UTC+1 (no Ramadan hour), so a
day is 24 hours. The period under test is [2026-09-01, 2026-10-01).
"""

import datetime

import pytest
from django.utils import timezone

from cases import services
from notifications.models import Follower
from tests.factories import AssociationFactory

TZ = timezone.get_default_timezone()
FROM = datetime.date(2026, 9, 1)
TO = datetime.date(2026, 10, 1)
# Personal data seeded on purpose: the open-data scan must never find it.
PAPER_FILER = "Fatima Zahra Bennani"
PAPER_CONTACT = "0612345678"
CITIZEN_NAME = ("Youssef", "Alaoui")


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, tzinfo=TZ)


ADOPT_PATH = ("submit", "start_review", "refer_to_committee", "report", "schedule", "adopt")


def walk(world, case, names, times):
    for name, when in zip(names, times, strict=True):
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name), at=when
        )
    return case


@pytest.fixture
def commune(world):
    """Nine cases A..I (see tests/followup/test_indicators.py for the figures they give)."""
    citizen = world["citizen"]
    citizen.first_name, citizen.last_name = CITIZEN_NAME
    citizen.save()
    w = world
    cases = {}
    cases["A"] = walk(
        w,
        w.new_case(),
        (*ADOPT_PATH, "plan_implementation", "complete"),
        (
            at(8, 20),
            at(8, 21),
            at(8, 22),
            at(8, 24),
            at(8, 25),
            at(9, 1, 0),
            at(9, 5),
            at(9, 20),
        ),
    )
    cases["B"] = walk(
        w,
        w.new_case(),
        (*ADOPT_PATH[:-1], "reject"),
        (
            at(9, 1, 0),
            at(9, 2),
            at(9, 3),
            at(9, 5),
            at(9, 6),
            at(9, 30, 23),
        ),
    )
    cases["C"] = walk(
        w, w.new_case(), ADOPT_PATH, (at(9, 10), at(9, 11), at(9, 12), at(9, 14), at(9, 15), at(10, 1, 0))
    )
    cases["D"] = walk(
        w,
        w.new_case(),
        (*ADOPT_PATH, "abandon"),
        (at(7, 5), at(7, 6), at(7, 7), at(9, 2), at(9, 3), at(9, 20), at(9, 25)),
    )
    cases["E"] = walk(w, w.new_case(), ADOPT_PATH[:3], (at(10, 1, 0), at(10, 2), at(10, 3)))
    cases["F"] = walk(
        w,
        w.new_case("advisory_opinion"),
        ("submit", "refer_to_committee", "report", "schedule", "adopt", "plan_implementation"),
        (
            at(9, 5),
            at(9, 6),
            at(9, 8),
            at(9, 9),
            at(9, 25),
            at(9, 28),
        ),
    )
    cases["G"] = walk(
        w, w.new_case(actor=w["association"]), ("submit", "declare_inadmissible"), (at(9, 12), at(9, 13))
    )
    cases["H"] = walk(
        w,
        w.new_case(
            actor=w["intake"], channel="desk", submitter_name=PAPER_FILER, submitter_contact=PAPER_CONTACT
        ),
        ["submit"],
        [at(9, 2)],
    )
    cases["I"] = walk(
        w,
        w.new_case("children_recommendation"),
        ("submit", "refer_to_committee", "report", "schedule", "reject"),
        (at(7, 10), at(7, 11), at(7, 12), at(7, 13), at(7, 20)),
    )
    AssociationFactory(
        collectivity=w.collectivity, charter_signed_on=datetime.date(2026, 9, 10), charter_promoter=True
    )
    Follower.objects.create(
        subject_type="case",
        subject_id=cases["B"].pk,
        email="reader@example.org",
        token="t" * 40,
        confirmed_at=at(9, 2),
    )
    return cases

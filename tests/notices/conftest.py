"""Helpers of the notices tests: a petition filed on a known day and decided on a chosen day."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases import services as case_services
from core import roles

# Filed on 5 January 2026: the 3-month limit of OL 113-14 art. 125 §4 ends on 5 April 2026.
FILED = datetime.datetime(2026, 1, 5, 10, 0)


def day(n: int, hour: int = 10) -> datetime.datetime:
    """The n-th day after filing, at `hour`, in the commune's time zone."""
    return timezone.make_aware(FILED.replace(hour=hour) + datetime.timedelta(days=n))


@pytest.fixture(autouse=True)
def _filers_only(settings):
    settings.MITHAQ_NOTIFY_NEW_TASKS = False


@pytest.fixture
def rejected_petition(world):
    """A citizens' petition filed on day 0 and declared inadmissible on day `decided`."""

    def make(decided: int = 80):
        case = world.new_case("petition")
        world.sign(case, case.collectivity.petition_min_signatures)
        case.refresh_from_db()
        case = case_services.case_transition(actor=case.submitter, case=case, name="submit", at=day(0))
        case = case_services.case_transition(
            actor=world[roles.BUREAU], case=case, name="start_review", at=day(1)
        )
        return case_services.case_transition(
            actor=world[roles.BUREAU],
            case=case,
            name="declare_inadmissible",
            data=world.payload_for("declare_inadmissible"),
            at=day(decided),
        )

    return make


@pytest.fixture
def client_as(db):
    """An API client authenticated with a token, as a real client is."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make

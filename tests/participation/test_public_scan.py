"""No child's full name, no attendee's name (and no body member's or representative's name) on any
public page or API answer: every URL of the site an anonymous visitor may GET is rendered and read
(issue 12; Law 09-08)."""

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core import roles
from organisation import associations
from participation import bodies, services
from participation.models import ChildMember, CommissionMember, Gender, Meeting

from .conftest import at
from .test_import import GOOD_ROWS, NAMES, PHONES, csv_bytes

pytestmark = pytest.mark.django_db

CHILD_FIRST_NAMES = ["Zineb", "Ilyas"]
CHILD_FULL_NAMES = ["Zineb Benjelloun", "Ilyas Tazi"]  # never recorded; must never appear
MEMBER_NAME = "Rachida Commissionmember"
REPRESENTATIVE = "Hassan Representantlegal"
# Sections of the site that are not public (login or staff): not scanned.
PRIVATE_PREFIXES = ("admin/", "staff/", "accounts/", "notifications/", "i18n/", "files/", "cases/", "my/")


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = getattr(entry.pattern, "_route", None)
        if route is None:
            continue  # regex patterns (media, i18n): nothing public to read there
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


@pytest.fixture
def site(world):
    meeting = services.meeting_create(
        actor=world[roles.BUREAU],
        collectivity=world.collectivity,
        data={
            "kind": Meeting.Kind.PUBLIC_CONSULTATION,
            "topic": "Lighting",
            "description": "",
            "starts_at": at(-3),
            "ends_at": None,
            "place": "Town hall",
            "organiser": Meeting.Organiser.BUREAU,
            "committee": None,
            "service": None,
            "public": True,
            "cancelled": False,
            "evaluation_open": True,
        },
    )
    services.attendance_import(
        actor=world[roles.BUREAU], meeting=meeting, content=csv_bytes(GOOD_ROWS), filename="sheet.csv"
    )
    for name in CHILD_FIRST_NAMES:
        bodies.child_member_save(
            actor=world[roles.CHILDREN_COUNCIL],
            collectivity=world.collectivity,
            data={
                "first_name": name,
                "age_band": ChildMember.AgeBand.EARLY_TEEN,
                "gender": Gender.FEMALE,
                "school_or_neighbourhood": "Ecole Al Massira",
                "guardian_consent_on": datetime.date.today() - datetime.timedelta(days=9),
                "joined_on": datetime.date.today() - datetime.timedelta(days=3),
            },
        )
    CommissionMember.objects.create(
        collectivity=world.collectivity,
        full_name=MEMBER_NAME,
        gender=Gender.FEMALE,
        mandate_start=datetime.date.today() - datetime.timedelta(days=10),
    )
    associations.association_save(
        actor=world[roles.BUREAU],
        collectivity=world.collectivity,
        association=world.association,
        data={"representative_name": REPRESENTATIVE},
    )
    recommendation = world.case_in("adopted", "children_recommendation")
    proposal = world.case_in(
        "submitted", "proposal", association=world.association, actor=world[roles.ASSOCIATION]
    )
    return {
        "reference": recommendation.reference,
        "meeting_id": meeting.pk,
        "association_id": world.association.pk,
        "token": meeting.evaluation_token,
        "slug": world.collectivity.slug,
        "proposal": proposal.reference,
        "name": "cases.csv",
    }


FORBIDDEN = [*NAMES, *PHONES, *CHILD_FIRST_NAMES, *CHILD_FULL_NAMES, MEMBER_NAME, REPRESENTATIVE]


def _fill(route: str, values: dict) -> str | None:
    def sub(match):
        name = match.group(2)
        if name in values:
            return str(values[name])
        raise KeyError(name)

    try:
        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    except KeyError:
        return None


def test_no_private_name_on_any_public_page_or_api_answer(client, site):
    scanned, skipped = [], []
    for route in _routes():
        if route.startswith(PRIVATE_PREFIXES) or route.endswith(".pdf") or "/letters/" in route:
            continue
        path = _fill(route, site)
        if path is None:
            skipped.append(route)
            continue
        response = client.get(path)
        assert response.status_code < 500, path
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8", errors="replace")
        for name in FORBIDDEN:
            assert name not in body, f"{name!r} is shown on {path}"
        scanned.append(path)
    assert len(scanned) >= 30, (scanned, skipped)
    # The pages that matter were read, not skipped.
    for must in (
        "/associations/",
        f"/associations/{site['association_id']}/",
        "/api/v1/associations/",
        f"/api/v1/associations/{site['association_id']}/",
        "/api/v1/meetings/",
        f"/api/v1/meetings/{site['meeting_id']}/",
        f"/meetings/{site['meeting_id']}/",
        f"/register/{site['reference']}/",
        "/calendar.ics",
    ):
        assert must in scanned, (must, skipped)


def test_association_page_lists_its_cases_with_public_fields(client, site):
    body = client.get(f"/associations/{site['association_id']}/").content.decode()
    assert site["proposal"] in body
    answer = client.get(f"/api/v1/associations/{site['association_id']}/").json()
    assert [c["reference"] for c in answer["cases"]] == [site["proposal"]]
    assert set(answer["cases"][0]) == {"reference", "kind", "title", "state", "state_label", "submitted_at"}
    assert "representative_name" not in answer and "representative" not in answer


def test_child_summary_first_on_the_public_page(client, site):
    from tests.factories import CHILD_SUMMARY

    body = client.get(f"/register/{site['reference']}/").content.decode()
    assert CHILD_SUMMARY in body
    assert body.index(CHILD_SUMMARY) < body.index('id="timeline"') if 'id="timeline"' in body else True

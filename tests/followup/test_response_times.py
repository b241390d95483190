"""Response-time figures on a fixture with hand-computed median, 90th percentile and on-time share."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from followup.response_times import response_times

TZ = timezone.get_default_timezone()


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


MONDAY = datetime.date(2026, 6, 1)  # no holiday that week


@pytest.fixture
def four_reviews(world):
    """Four proposals filed on Monday 1 June 2026 at 10:00; the bureau opens their review after
    1, 2, 3 and 10 days. The stage rule (5 working days) ends on Monday 8 June."""
    cases = []
    for days in (1, 2, 3, 10):
        case = world.new_case("proposal")
        case = services.case_transition(actor=world["citizen"], case=case, name="submit", at=at(MONDAY))
        case = services.case_transition(
            actor=world["bureau"],
            case=case,
            name="start_review",
            at=at(MONDAY) + datetime.timedelta(days=days),
        )
        cases.append(case)
    return cases


def test_hand_computed_figures(four_reviews):
    report = response_times(
        start=at(MONDAY, 0), end=at(MONDAY + datetime.timedelta(days=30), 0), group_by="stage"
    )
    submitted = next(g for g in report.groups if g.key == "submitted")
    assert submitted.count == 4
    assert submitted.median_days == 2.5  # (2 + 3) / 2
    assert submitted.p90_days == 7.9  # rank 3.7: 3 + 0.7 * (10 - 3)
    assert submitted.max_days == 10.0
    assert submitted.on_time_share == 0.75  # 11 June is after the 8 June deadline
    assert submitted.open_now == 0
    under_review = next(g for g in report.groups if g.key == "under_review")
    assert under_review.count == 0 and under_review.open_now == 4


def test_period_filter_excludes_stays_closed_outside(four_reviews):
    report = response_times(
        start=at(MONDAY, 0), end=at(MONDAY + datetime.timedelta(days=5), 0), group_by="stage"
    )
    submitted = next(g for g in report.groups if g.key == "submitted")
    assert submitted.count == 3


def test_funnel(world):
    for state in ("implemented", "rejected", "in_committee", "submitted"):
        world.case_in(state)
    now = timezone.now()
    report = response_times(start=now - datetime.timedelta(days=1), end=now + datetime.timedelta(days=1))
    funnel = {f.step: f for f in report.funnel}
    assert funnel["filed"].count == 4
    assert funnel["admissible"].count == 3
    assert funnel["decided"].count == 2
    assert funnel["adopted"].count == 1 and funnel["adopted"].rate == 0.5
    assert funnel["implemented"].count == 1 and funnel["implemented"].rate == 1.0


@pytest.mark.parametrize("group_by", ["committee", "service", "kind"])
def test_other_groupings(world, group_by):
    world.case_in("implemented")
    now = timezone.now()
    report = response_times(
        start=now - datetime.timedelta(days=1), end=now + datetime.timedelta(days=1), group_by=group_by
    )
    assert report.groups


def test_page_and_api_access(world, client, api_client):
    world.case_in("adopted")
    for role, status in (("followup", 200), ("president", 200), ("bureau", 403), ("citizen", 403)):
        client.force_login(world[role])
        assert client.get(reverse("followup:response_times")).status_code == status
        api_client.force_authenticate(world[role])
        assert api_client.get("/api/v1/audit/response-times/?group_by=stage").status_code == status
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/audit/response-times/").status_code == 403
    api_client.force_authenticate(world["followup"])
    bad = api_client.get("/api/v1/audit/response-times/?from=2026-13-40")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid"
    assert api_client.get("/api/v1/audit/response-times/?group_by=nothing").status_code == 400
    body = api_client.get("/api/v1/audit/response-times/?group_by=kind").json()
    assert {"groups", "funnel", "from", "to", "group_by"} <= set(body)


def test_exports(world, client):
    world.case_in("adopted")
    client.force_login(world["followup"])
    csv_response = client.get(reverse("followup:response_times"), {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "submitted" in csv_response.content.decode("utf-8-sig").lower() or csv_response.content
    xlsx = client.get(reverse("followup:response_times"), {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def _bulk_cases(world, n):
    """n cases with two entries each, written in bulk: the audit reads the tables, not the services."""
    from audit.models import TransitionEntry
    from cases.models import Case

    start = Case.objects.count()
    base = timezone.now() - datetime.timedelta(days=20)
    cases = Case.objects.bulk_create(
        [
            Case(
                collectivity=world.collectivity,
                kind="proposal",
                reference=f"BLK-{start + i}",
                year=2026,
                sequence=100000 + start + i,
                title="t",
                description="d",
                state="under_review",
                created_at=base,
                state_entered_at=base,
                submitted_at=base,
            )
            for i in range(n)
        ]
    )
    entries = []
    for i, case in enumerate(cases):
        entries.append(
            TransitionEntry(
                case=case,
                seq=1,
                transition="submit",
                from_state="draft",
                to_state="submitted",
                created_at=base,
                hash=f"a{case.pk:063d}",
            )
        )
        entries.append(
            TransitionEntry(
                case=case,
                seq=2,
                transition="start_review",
                from_state="submitted",
                to_state="under_review",
                created_at=base + datetime.timedelta(days=i % 9),
                hash=f"b{case.pk:063d}",
            )
        )
    TransitionEntry.objects.bulk_create(entries, batch_size=2000)


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("followup:response_times")).status_code == 200
    return len(ctx.captured_queries)


def test_audit_page_query_count_is_the_same_for_10_and_10000_cases(world, client):
    client.force_login(world["followup"])
    _bulk_cases(world, 10)
    few = _queries(client)
    _bulk_cases(world, 9990)
    many = _queries(client)
    assert few == many

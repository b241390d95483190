"""The national level (followup/national.py): figures hand-computed on three collectivities, the
region's and the province's scope, sorting, the JSON API and its errors, and a query count that does
not grow with the number of collectivities or cases."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import TransitionEntry
from cases import states as S
from cases.models import Case
from followup import national
from organisation.models import Collectivity

TZ = timezone.get_default_timezone()
FROM, TO = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)
_seq = itertools.count(1)


def at(month, day):
    return datetime.datetime(2026, month, day, 10, tzinfo=TZ)


def place(slug, type_="commune", **fields):
    values = {
        "slug": slug,
        "code": slug.upper()[:5],
        "name_ar": f"ج {slug}",
        "name_fr": f"Collectivité {slug}",
        "type": type_,
        "population_legal": 20_000,
        **Collectivity.legal_defaults(type_),
        **fields,
    }
    return Collectivity.objects.create(**values)


def case(
    c, state, *, filed, decided=None, justification="Because.", kind="proposal", deadline=None, stays=()
):
    n = next(_seq)
    row = Case.objects.create(
        collectivity=c,
        kind=kind,
        reference=f"{c.code}-{n}",
        year=2026,
        sequence=n,
        title=f"Case {n}",
        description="d",
        state=state,
        submitted_at=filed,
        decided_at=decided,
        decision_justification=justification if decided else "",
        deadline_on=deadline,
    )
    for i, (ended, deadline_day) in enumerate(stays, start=1):
        TransitionEntry.objects.create(
            case=row,
            seq=i,
            transition="report",
            from_state=S.IN_COMMITTEE,
            to_state=S.REPORTED,
            created_at=ended,
            stay_started_at=filed,
            stay_deadline=deadline_day,
            hash=f"h{n}-{i}",
        )
    return row


@pytest.fixture
def territory(db):
    region = place("reg", "region", population_legal=900_000)
    province = place("prv", "province", region=region)
    a = place("aaa", province=province, region=region)
    b = place("bbb")  # another region's commune (no parents loaded)
    past = timezone.localdate() - datetime.timedelta(days=3)
    # Commune A: 3 filed in September; 2 decided in September (1 explained), 1 adopted then implemented.
    case(a, S.IMPLEMENTED, filed=at(9, 2), decided=at(9, 10), stays=[(at(9, 8), datetime.date(2026, 9, 10))])
    case(
        a,
        S.REJECTED,
        filed=at(9, 3),
        decided=at(9, 12),
        justification="",
        stays=[(at(9, 20), datetime.date(2026, 9, 15))],
    )
    case(a, S.SUBMITTED, filed=at(9, 4), kind="petition", deadline=past)  # an overdue petition
    case(
        a,
        S.SUBMITTED,
        filed=at(8, 4),
        kind="petition",
        deadline=timezone.localdate() + datetime.timedelta(days=9),
    )
    # Commune B: 1 filed in September, adopted in September and not implemented yet; 1 filed in July.
    case(b, S.ADOPTED, filed=at(9, 5), decided=at(9, 25), stays=[(at(9, 20), datetime.date(2026, 9, 30))])
    case(b, S.IN_COMMITTEE, filed=at(7, 5), kind="petition", deadline=past)
    # The province itself: one petition filed in September, nothing decided.
    case(province, S.UNDER_REVIEW, filed=at(9, 6), kind="petition")
    return {"region": region, "province": province, "a": a, "b": b}


def _rows(figures):
    return {row["slug"]: row for row in figures["collectivities"]}


def test_hand_computed_comparison_of_every_collectivity(territory):
    figures = national.comparison(national.Scope(), FROM, TO)
    rows = _rows(figures)
    a, b, prv = rows["aaa"], rows["bbb"], rows["prv"]
    assert (a["cases_filed"], a["decided"], a["explained"], a["adopted"], a["implemented"]) == (3, 2, 1, 1, 1)
    assert a["explained_rate"] == 0.5 and a["implementation_rate"] == 1.0
    assert (a["stays"], a["on_time"], a["on_time_rate"]) == (2, 1, 0.5)
    assert a["overdue_petitions"] == 1
    assert (b["cases_filed"], b["decided"], b["adopted"], b["implemented"]) == (1, 1, 1, 0)
    assert b["explained_rate"] == 1.0 and b["implementation_rate"] == 0.0 and b["on_time_rate"] == 1.0
    assert b["overdue_petitions"] == 1
    assert prv["cases_filed"] == 1 and prv["decided"] == 0 and prv["explained_rate"] is None
    assert rows["reg"]["cases_filed"] == 0 and rows["reg"]["on_time_rate"] is None
    total = figures["total"]
    assert total["collectivities"] == 4
    assert (total["cases_filed"], total["decided"], total["explained"], total["adopted"]) == (5, 3, 2, 2)
    assert total["explained_rate"] == round(2 / 3, 4) and total["implementation_rate"] == 0.5
    assert total["on_time_rate"] == round(2 / 3, 4) and total["overdue_petitions"] == 2


def test_a_region_and_a_province_see_their_own(territory):
    region = national.comparison(national.Scope(territory["region"]), FROM, TO)
    assert set(_rows(region)) == {"reg", "prv", "aaa"}
    assert region["total"]["cases_filed"] == 4 and region["total"]["overdue_petitions"] == 1
    province = national.comparison(national.Scope(territory["province"]), FROM, TO)
    assert set(_rows(province)) == {"prv", "aaa"}


def test_sorting_puts_missing_rates_last(territory):
    rows = national.comparison(national.Scope(), FROM, TO, sort="-explained_rate")["collectivities"]
    assert [r["slug"] for r in rows] == ["bbb", "aaa", "prv", "reg"]
    rows = national.comparison(national.Scope(), FROM, TO, sort="explained_rate")["collectivities"]
    assert [r["slug"] for r in rows][:2] == ["aaa", "bbb"]


def test_pages_and_api(client, territory):
    page = client.get("/national/", {"from": "2026-09-01", "to": "2026-10-01", "sort": "-cases_filed"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "ج aaa" in body or "Collectivité aaa" in body
    assert client.get("/national/prv/").status_code == 200
    assert client.get("/national/aaa/").status_code == 404  # a commune has nobody under it
    assert client.get("/national/nowhere/").status_code == 404
    assert client.get("/national/", {"sort": "nonsense"}).status_code == 400
    register = client.get("/national/reg/register/")
    assert register.status_code == 200 and "PRV-" in register.content.decode()
    assert "BBB-" not in register.content.decode()
    api = client.get(
        "/api/v1/national/comparison/", {"from": "2026-09-01", "to": "2026-10-01", "parent": "reg"}
    )
    assert api.status_code == 200
    assert {r["slug"] for r in api.json()["collectivities"]} == {"reg", "prv", "aaa"}
    for bad in (
        {"parent": "aaa"},
        {"parent": "x\x00"},
        {"from": "2026-13-01"},
        {"colour": "red"},
        {"sort": "x"},
    ):
        refused = client.get("/api/v1/national/comparison/", bad)
        assert refused.status_code == 400, bad
        assert set(refused.json()) >= {"error", "detail"}


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def _more(n):
    region = Collectivity.objects.get(slug="reg")
    for i in range(n):
        c = place(f"x{i:03d}", region=region)
        case(
            c,
            S.IMPLEMENTED,
            filed=at(9, 2),
            decided=at(9, 10),
            stays=[(at(9, 8), datetime.date(2026, 9, 10))],
        )


def test_query_count_does_not_grow_with_collectivities(client, territory):
    small = [_queries(client, path) for path in ("/national/", "/national/reg/", "/national/register/")]
    _more(18)
    large = [_queries(client, path) for path in ("/national/", "/national/reg/", "/national/register/")]
    assert Collectivity.objects.count() == 22
    assert small == large

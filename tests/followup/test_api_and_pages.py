"""GET /api/v1/indicators/ and the /indicators/ page: figures, errors, schema, query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import TransitionEntry
from cases.models import Case
from followup.indicators import compute_indicators
from tests.api.helpers import assert_error
from tests.followup.conftest import FROM, TO

URL = "/api/v1/indicators/"


def test_api_gives_the_computed_figures(commune, world, api_client):
    response = api_client.get(URL, {"from": FROM.isoformat(), "to": TO.isoformat()})
    assert response.status_code == 200
    body = response.json()
    assert body == compute_indicators(world.collectivity, FROM, TO)
    assert body["period"]["implementation_rate"] == 0.3333 and body["today"]["adopted"] == 4


def test_api_filters(commune, world, api_client):
    body = api_client.get(
        URL,
        {
            "from": FROM.isoformat(),
            "to": TO.isoformat(),
            "kind": "advisory_opinion",
            "committee": world.committee.pk,
        },
    ).json()
    assert (body["kind"], body["committee"]) == ("advisory_opinion", world.committee.pk)
    assert body["period"]["cases_filed"]["total"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-40"},
        {"from": "yesterday"},
        {"from": "2026-10-01", "to": "2026-09-01"},
        {"to": "0001-01-01"},
        {"kind": "letter"},
        {"committee": "abc"},
        {"committee": "999999"},
        {"committee": "١"},
        {"collectivity": "atlantis"},
        {"collectivity": "demn\x00ate"},
        {"kind": "pet\x00ition"},
        {"group_by": "stage"},
        {"form": "2026-01-01"},
    ],
)
def test_api_bad_input_is_a_400_with_the_error_shape(world, api_client, params):
    response = api_client.get(URL, params)
    body = assert_error(response, 400, "invalid")
    assert body["detail"]


def test_api_errors_are_translated(world, api_client):
    ar = api_client.get(URL, {"from": "x"}, HTTP_ACCEPT_LANGUAGE="ar").json()["detail"]
    fr = api_client.get(URL, {"from": "x"}, HTTP_ACCEPT_LANGUAGE="fr").json()["detail"]
    assert ar != fr


def test_api_is_in_the_openapi_schema(db, api_client):
    text = api_client.get(reverse("api:schema")).content.decode()
    assert "/api/v1/indicators/:" in text and "indicators_retrieve" in text


def _bulk_cases(world, n: int):
    """n cases spread over the states, with one audit entry each, written in bulk."""
    now = timezone.now()
    states = [
        "submitted",
        "in_committee",
        "adopted",
        "implemented",
        "rejected",
        "not_implemented",
        "in_implementation",
    ]
    cases = []
    for i in range(n):
        state = states[i % len(states)]
        filed = now - datetime.timedelta(days=1 + i % 200)
        decided = filed + datetime.timedelta(days=10) if state not in ("submitted", "in_committee") else None
        cases.append(
            Case(
                collectivity=world.collectivity,
                kind=Case.Kind.PROPOSAL if i % 3 else Case.Kind.PETITION,
                reference=f"DMN-PRO-2020-{i:05d}",
                year=2020,
                sequence=i + 1,
                tracking_code_hash="x",
                title=f"Case {i}",
                description="d",
                state=state,
                submitted_at=filed,
                decided_at=decided,
                closed_at=decided + datetime.timedelta(days=5)
                if state in ("implemented", "not_implemented")
                else None,
                committee=world.committee if i % 2 else None,
                deadline_on=(now + datetime.timedelta(days=i % 20 - 10)).date(),
                decision_justification="Because." if decided else "",
            )
        )
    cases = Case.objects.bulk_create(cases)
    TransitionEntry.objects.bulk_create(
        TransitionEntry(
            case=c,
            seq=1,
            transition="report",
            from_state="in_committee",
            to_state="reported",
            created_at=c.submitted_at + datetime.timedelta(days=3),
            stay_started_at=c.submitted_at,
            stay_deadline=(c.submitted_at + datetime.timedelta(days=2 + c.sequence % 3)).date(),
            hash=f"{c.pk:064d}",
        )
        for c in cases
    )


def _queries(api_client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_api_query_count_does_not_grow_with_cases(world, api_client):
    _bulk_cases(world, 10)
    small = _queries(api_client)
    _bulk_cases_more(world, 990)
    assert api_client.get(URL).json()["today"]["cases_filed"]["total"] == 1000
    assert _queries(api_client) == small


def _bulk_cases_more(world, n):
    # References and hashes continue after the first batch.
    existing = Case.objects.count()
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(
            collectivity=world.collectivity,
            kind=Case.Kind.PROPOSAL,
            reference=f"DMN-PRO-2021-{i:05d}",
            year=2021,
            sequence=i + 1,
            tracking_code_hash="x",
            title=f"Case {i}",
            description="d",
            state=["adopted", "implemented", "rejected", "in_committee"][i % 4],
            submitted_at=now - datetime.timedelta(days=1 + i % 300),
            decided_at=None if i % 4 == 3 else now - datetime.timedelta(hours=i % 300),
            closed_at=now if i % 4 == 1 else None,
            committee=world.committee if i % 2 else world.other_committee,
        )
        for i in range(existing, existing + n)
    )
    TransitionEntry.objects.bulk_create(
        TransitionEntry(
            case=c,
            seq=1,
            transition="report",
            from_state="in_committee",
            to_state="reported",
            created_at=c.submitted_at + datetime.timedelta(days=1),
            stay_started_at=c.submitted_at,
            stay_deadline=c.submitted_at.date(),
            hash=f"{c.pk:064d}",
        )
        for c in cases
    )


def test_page_shows_figures_and_explanations(commune, world, client):
    response = client.get(
        "/indicators/", {"from": FROM.isoformat(), "to": TO.isoformat()}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert response.context["figures"]["period"]["decided"] == 4
    html = response.content.decode()
    assert 'id="indicators-data"' in html and "vendor/chartjs/chart.umd.min.js" in html
    assert "<script>" not in html  # CSP: data by json_script, code in a static file
    # The funnel per kind, committee and who filed, with readable labels.
    kinds = dict(response.context["funnels"])["Type"]
    assert ("Proposition", 4) in [(label, row["filed"]) for label, row in kinds]
    assert "Sans commission" in html


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_page_bad_period_is_a_400_with_a_message(world, client, language):
    response = client.get("/indicators/", {"from": "2026-02-30"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.context["error"]


def test_home_and_register_show_the_implementation_rate(commune, world, client):
    for url in ("/", "/register/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200
        text = " ".join(response.content.decode().split())
        assert "1 sur 4 affaires adoptées réalisées" in text

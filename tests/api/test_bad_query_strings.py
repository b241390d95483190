"""Query strings that used to answer 500: each is now a 400 with the error shape (or a 400 page)."""

import pytest
from django.urls import reverse

from tests.api.helpers import assert_error

RESPONSE_TIMES = "/api/v1/audit/response-times/"


@pytest.mark.parametrize(
    "query",
    [
        "?to=x",
        "?from=x",
        "?group_by=%7B%F1%95%AE%91%C3%8F&to=%C3%96",
        "?to=0001-01-01",
        "?from=9999-12-31&to=9999-12-31",
        "?to=2026-02-30",
        "?to=%00",
    ],
)
def test_response_times_api_refuses_bad_dates_with_the_error_shape(world, api_client, query):
    api_client.force_authenticate(world["followup"])
    error = assert_error(api_client.get(RESPONSE_TIMES + query), 400, "invalid")
    assert "500" not in error["detail"]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_date_error_is_translated(world, api_client, language):
    api_client.force_authenticate(world["followup"])
    response = api_client.get(RESPONSE_TIMES + "?to=x", HTTP_ACCEPT_LANGUAGE=language)
    error = assert_error(response, 400, "invalid")
    assert error["detail"] != "Give the dates as YYYY-MM-DD."


@pytest.mark.parametrize("query", ["?to=x", "?from=x&to=2026-01-01", "?to=%C3%96&group_by=%7B"])
def test_staff_audit_page_rerenders_with_the_error_and_a_400(world, client, query):
    client.force_login(world["followup"])
    response = client.get(reverse("followup:response_times") + query, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.context["error"]
    assert response.context["error"] in response.content.decode()


@pytest.mark.parametrize(
    "committee", ["99999999999999999999999", "9223372036854775808", "-1", "0", "abc", "١٢", "1e3"]
)
def test_inbox_refuses_a_committee_filter_that_is_not_an_id(world, client, committee):
    client.force_login(world["bureau"])
    response = client.get(reverse("workflows:inbox"), {"committee": committee})
    assert response.status_code == 400
    assert response.context["detail"]


def test_inbox_still_filters_by_a_real_committee(world, client):
    client.force_login(world["bureau"])
    response = client.get(reverse("workflows:inbox"), {"committee": str(world.committee.pk)})
    assert response.status_code == 200
    assert response.context["selected"]["committee"] == world.committee.pk


HUGE = "99999999999999999999999"
ODD_QUERIES = [
    {"committee": HUGE},
    {"year": HUGE},
    {"page": HUGE},
    {"page": "-1"},
    {"kind": "\x00"},
    {"state": "Ö"},
    {"overdue": "x"},
    {"search": "\x00"},
]


@pytest.mark.parametrize(
    "url, user",
    [
        ("/register/", None),
        ("/petitions/", None),
        ("/staff/cases/", "bureau"),
        ("/staff/inbox/archive/", "bureau"),
        ("/notifications/", "bureau"),
        ("/audit/digests/", None),
    ],
)
def test_listing_pages_ignore_or_refuse_odd_query_strings_without_a_500(world, client, url, user):
    """Filters a page does not know, or values out of range, are ignored (the list as without them),
    or shown as the form's error: never a server error."""
    if user:
        client.force_login(world[user])
    statuses = {str(query): client.get(url, query).status_code for query in ODD_QUERIES}
    assert set(statuses.values()) == {200}, statuses


def test_the_inbox_refuses_only_the_committee_it_cannot_read(world, client):
    client.force_login(world["committee"])
    statuses = {str(query): client.get("/staff/inbox/", query).status_code for query in ODD_QUERIES}
    assert statuses.pop(str({"committee": HUGE})) == 400
    assert set(statuses.values()) == {200}, statuses

"""The register's counts and year list come from the cache between writes, and stay exact."""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cases import services


def _register(client, query=""):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/register/" + query)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def _api_list(client, query=""):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/cases/" + query)
    assert response.status_code == 200
    return response.json(), [q["sql"] for q in ctx.captured_queries]


def _counts(sqls):
    return [s for s in sqls if "COUNT(" in s.upper()]


# The whole page would come from the page cache (tests/pages/test_page_cache.py); this is the view's.
@override_settings(MITHAQ_PAGE_CACHE_SECONDS=0)
def test_register_count_and_years_are_cached_until_a_case_changes(world, client):
    for _ in range(3):
        world.case_in("submitted", "proposal")
    first, sqls = _register(client)
    assert first.context["page"].paginator.count == 3
    assert _counts(sqls) and any("DISTINCT" in s.upper() for s in sqls)
    again, sqls = _register(client)
    assert again.context["page"].paginator.count == 3
    assert not _counts(sqls), "the count is read from the cache"
    assert not any("DISTINCT" in s.upper() for s in sqls), "the year list is read from the cache"

    # Filing a case changes the figures: the next request counts again, exactly.
    world.case_in("submitted", "petition")
    after, sqls = _register(client)
    assert after.context["page"].paginator.count == 4
    assert _counts(sqls)


def test_register_filtered_counts_are_exact_after_a_transition(world, client):
    case = world.case_in("submitted", "proposal")
    world.case_in("submitted", "proposal")
    response, _ = _register(client, "?state=under_review")
    assert response.context["page"].paginator.count == 0
    services.case_transition(actor=world["bureau"], case=case, name="start_review", data={})
    response, _ = _register(client, "?state=under_review")
    assert response.context["page"].paginator.count == 1
    response, _ = _register(client, "?state=submitted")
    assert response.context["page"].paginator.count == 1


def test_api_list_count_is_cached_and_exact(world, client):
    case = world.case_in("submitted", "proposal")
    body, sqls = _api_list(client)
    assert body["count"] == 1 and _counts(sqls)
    body, sqls = _api_list(client)
    assert body["count"] == 1 and not _counts(sqls)
    services.case_transition(actor=world["bureau"], case=case, name="start_review", data={})
    world.case_in("submitted", "petition")
    body, sqls = _api_list(client)
    assert body["count"] == 2 and _counts(sqls)
    body, _ = _api_list(client, "?state=under_review")
    assert body["count"] == 1
    assert [row["reference"] for row in body["results"]] == [case.reference]


def test_register_pagination_past_the_cached_count(world, client):
    for _ in range(2):
        world.case_in("submitted", "proposal")
    response, _ = _register(client, "?page=99")
    assert response.context["page"].number == 1
    body = client.get("/api/v1/cases/?page=99")
    assert body.status_code == 404

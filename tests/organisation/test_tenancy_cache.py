"""What routing keeps in the cache (organisation.tenancy): the host names, and each slug asked for,
found or missing. A renamed, deleted or new collectivity and a changed host name are seen by the next
request; a scan of made-up prefixes does not reach the database on every request."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from organisation import tenancy
from tests.factories import AZILAL_HOST, azilal_collectivity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("azilal_host")]

HOST = AZILAL_HOST


@pytest.fixture
def azilal(world):
    return azilal_collectivity(hostname="")


# tenancy's own reads: a slug's id, or the routes (ids, slugs and host names); not the page's.
ROUTING_QUERY = re.compile(
    r'^SELECT "organisation_collectivity"\."id"( AS "id")?(, .*"hostname"( AS "hostname")?)? FROM'
)


def collectivity_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if '"organisation_collectivity"' in q["sql"]]


def test_an_unknown_prefix_is_404_twice_the_second_with_at_most_one_query(client, world):
    assert client.get("/c/nowhere/").status_code == 404
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/c/nowhere/")
    assert response.status_code == 404
    assert len(ctx.captured_queries) <= 1, [q["sql"] for q in ctx.captured_queries]
    assert not collectivity_queries(ctx)


def test_a_slug_longer_than_any_is_404_without_the_database(client, world):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/c/{'x' * 300}/").status_code == 404
    assert not [sql for sql in collectivity_queries(ctx) if '"slug" = ' in sql]


def test_a_known_prefix_is_read_from_the_cache(client, azilal):
    assert client.get("/c/azilal/").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        tenancy.lookup("azilal")
    assert not ctx.captured_queries


def test_the_cold_cache_reads_one_slug_and_the_routes_only(world, azilal):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        routes, pk = tenancy.lookup("azilal")
    assert routes == {"hosts": {}, "default": ("demnate", world.collectivity.pk)}
    assert pk == azilal.pk
    assert len(ctx.captured_queries) == 2
    assert all(ROUTING_QUERY.match(q["sql"]) for q in ctx.captured_queries)
    assert any('"slug" = ' in q["sql"] for q in ctx.captured_queries)
    assert any('"hostname" > ' in q["sql"] for q in ctx.captured_queries)


def test_a_saved_collectivity_costs_its_first_visitor_no_routing_query(client, azilal):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/c/azilal/").status_code == 200
    assert not [q for q in collectivity_queries(ctx) if ROUTING_QUERY.match(q)]


def test_a_renamed_slug_is_404_and_the_new_one_served(client, azilal):
    assert client.get("/c/azilal/").status_code == 200
    assert client.get("/c/azilal-centre/").status_code == 404  # cached as missing
    azilal.slug = "azilal-centre"
    azilal.save()
    assert client.get("/c/azilal/").status_code == 404
    assert client.get("/c/azilal-centre/").status_code == 200


def test_a_deleted_collectivity_is_404(client, azilal):
    assert client.get("/c/azilal/").status_code == 200
    azilal.delete()
    assert client.get("/c/azilal/").status_code == 404


def test_a_new_collectivity_is_served_although_its_slug_was_cached_as_missing(client, world):
    assert client.get("/c/azilal/").status_code == 404
    azilal_collectivity(hostname="")
    assert client.get("/c/azilal/").status_code == 200


def test_a_host_name_set_removed_and_renamed_is_seen_at_once(client, azilal):
    assert "أزيلال" not in client.get("/", HTTP_HOST=HOST).content.decode()
    azilal.hostname = HOST
    azilal.save()
    assert "أزيلال" in client.get("/", HTTP_HOST=HOST).content.decode()
    assert client.get("/c/azilal/", HTTP_HOST=HOST).status_code == 200
    azilal.slug = "azilal-centre"
    azilal.save(update_fields=["slug"])
    assert client.get("/c/azilal-centre/", HTTP_HOST=HOST).status_code == 200
    assert client.get("/c/azilal/", HTTP_HOST=HOST).status_code == 404
    azilal.hostname = None
    azilal.save()
    assert "أزيلال" not in client.get("/", HTTP_HOST=HOST).content.decode()


def test_a_save_of_other_fields_keeps_the_cache(azilal):
    tenancy.lookup("azilal")
    azilal.population_legal = 30000
    azilal.save(update_fields=["population_legal"])
    assert cache.get(tenancy._slug_key("azilal")) == azilal.pk


def test_the_cache_is_dropped_again_on_commit(azilal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        azilal.slug = "azilal-centre"
        azilal.save()
        # Another process reads the committed (old) row before this transaction commits.
        cache.set(tenancy._slug_key("azilal"), azilal.pk, tenancy.FOUND_TIMEOUT)
    assert cache.get(tenancy._slug_key("azilal")) is None
    assert tenancy.lookup("azilal")[1] is None


def test_missing_slugs_are_kept_briefly(world, monkeypatch):
    timeouts = {}
    real_set = cache.set

    def spy(key, value, timeout=None):
        timeouts[key] = timeout
        return real_set(key, value, timeout)

    cache.clear()
    monkeypatch.setattr(cache, "set", spy)
    tenancy.lookup("nowhere")
    tenancy.lookup("demnate")
    assert timeouts[tenancy.ROUTES_KEY] == tenancy.FOUND_TIMEOUT
    assert timeouts[tenancy._slug_key("nowhere")] == tenancy.BRIEF_TIMEOUT
    assert timeouts[tenancy._slug_key("demnate")] == tenancy.FOUND_TIMEOUT

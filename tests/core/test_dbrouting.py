"""core.dbrouting: anonymous reads of the public views go to the read replica; writes, logged-in
users and transactions stay on the primary (README: scaling out)."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from core import dbrouting, roles
from tests.factories import World


@pytest.fixture
def spy(monkeypatch):
    """Record, on any database, whether each read was asked for the replica; route nothing."""
    seen: list[bool] = []

    def db_for_read(self, model, **hints):
        seen.append(dbrouting._replica_reads.get())
        return None

    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouting.ReplicaRouter, "db_for_read", db_for_read)
    return seen


@pytest.mark.django_db
def test_anonymous_public_reads_ask_for_the_replica(client, world, spy):
    assert client.get(reverse("public:register")).status_code == 200
    assert any(spy)
    spy.clear()
    assert client.get("/api/v1/cases/").status_code == 200
    assert any(spy)


@pytest.mark.django_db
def test_logged_in_users_staff_pages_and_posts_stay_on_the_primary(client, world, spy):
    client.force_login(world[roles.BUREAU])
    assert client.get(reverse("public:register")).status_code == 200
    assert client.get(reverse("staff:cases")).status_code == 200
    client.logout()
    client.post(reverse("public:track"), {"reference": "DMN-PRO-2026-0001", "code": "x"})
    assert not any(spy)


@pytest.mark.django_db
def test_a_token_client_stays_on_the_primary(client, world, spy):
    client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Token nope")
    assert not any(spy)


def test_the_router_sends_writes_and_transactions_to_the_primary(monkeypatch):
    router = dbrouting.ReplicaRouter()
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    assert router.db_for_read(None) is None
    with dbrouting.replica_reads():
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: False)
    with dbrouting.replica_reads():
        assert router.db_for_read(None) is None


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(monkeypatch):
    router = dbrouting.ReplicaRouter()
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    with dbrouting.replica_reads(), transaction.atomic():
        assert router.db_for_read(None) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_on_postgresql_a_second_connection_serves_the_public_pages(client, settings):
    """CI: the replica is a second connection to the same server (config/settings/test.py)."""
    settings.MITHAQ_REPLICA_READS = True
    world = World()
    case = world.new_case("proposal", title="Éclairage public du quartier")
    services.case_transition(actor=world.filer_for("proposal"), case=case, name="submit")
    replica, primary = connections["replica"], connections["default"]
    assert replica.settings_dict["NAME"] == primary.settings_dict["NAME"]
    with CaptureQueriesContext(replica) as on_replica:
        page = client.get(reverse("public:register"))
        api = client.get("/api/v1/cases/")
    assert page.status_code == 200 and "Éclairage public du quartier" in page.content.decode()
    assert api.status_code == 200 and api.json()["count"] == 1
    assert any("cases_case" in q["sql"] for q in on_replica.captured_queries)
    # A logged-in user, even on a public page, and any write: the primary only.
    client.force_login(world[roles.SECRETARIAT])
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(reverse("public:register")).status_code == 200
        services.case_transition(actor=world[roles.BUREAU], case=case.reference, name="start_review")
    assert on_replica.captured_queries == []

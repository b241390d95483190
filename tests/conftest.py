import os
import shutil

import pytest
from django.db import connection

from tests.factories import World

# Playwright's sync API runs an event loop; Django's ORM would refuse to run under it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ("celery.contrib.pytest",)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Lockouts, throttles and rate limits count in the cache: no test inherits another's counts.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """`--reuse-db` (make test-fast) keeps the test databases between runs. SQLite's default test
    database lives in memory and dies with the run, so for those runs only it gets a file, one per
    xdist worker (pytest-django adds the worker suffix only to named databases, before this runs).
    Without --reuse-db nothing changes: `make test` and CI use fresh in-memory databases."""
    from django.conf import settings

    if not request.config.getvalue("reuse_db"):
        return
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    for alias, db_settings in settings.DATABASES.items():
        test = db_settings.setdefault("TEST", {})
        if db_settings["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
            # *.sqlite3 is git-ignored; `--create-db` rebuilds it (after migrations are regenerated).
            test["NAME"] = str(settings.BASE_DIR / f"test-{alias}-{worker}.sqlite3")


@pytest.fixture(autouse=True)
def smsoutbox():
    """The SMS the locmem backend "sent" (config/settings/test.py), like pytest-django's mailoutbox."""
    from notifications import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords and "postgresql" not in engine:
            item.add_marker(skip_pg)


@pytest.fixture(scope="session")
def celery_config():
    # CI points MITHAQ_TEST_BROKER_URL at Redis; locally the in-memory transport is enough.
    return {
        "broker_url": os.environ.get("MITHAQ_TEST_BROKER_URL", "memory://"),
        "result_backend": "cache+memory://",
    }


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Never download a browser: use the system Chromium (Debian package `chromium`).
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached register figures are keyed by collectivity id, which SQLite reuses after a rollback.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def azilal_host(settings):
    """The test client may call Azilal's host name (tests.factories.AZILAL_HOST)."""
    from tests.factories import AZILAL_HOST

    settings.ALLOWED_HOSTS = ["testserver", AZILAL_HOST]

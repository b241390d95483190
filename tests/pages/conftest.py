import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The tracking page counts attempts per address in the cache; tests must not share counts.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory

LINK_RE = re.compile(r"https?://[^\s\"<>]+/accounts/verify-email/[^\s\"<>/]+/")
STRONG_PASSWORD = "Tamazirt-Demnate-2026!"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Sign-ups and verification links are counted in the cache; tests must not share counts.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queued for commit (the e-mails), as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def signup_data(**overrides) -> dict:
    data = {
        "username": "amina",
        "email": "amina@example.org",
        "first_name": "Amina",
        "last_name": "Ait Ali",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "language": "ar",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def link_in(message) -> str:
    found = LINK_RE.search(message.body)
    assert found, message.body
    return found.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def citizen(db):
    return UserFactory(username="karim", email="karim@example.org", groups=["citizen"], language="ar")


@pytest.fixture
def signup_url():
    return reverse("accounts:signup")

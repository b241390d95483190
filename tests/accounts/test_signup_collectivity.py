"""Sign-up on a collectivity's site (its prefix /c/<slug>/ or its host name): the account belongs to
that collectivity, and the verification e-mail names it and links to its site (organisation.tenancy).
The unprefixed site keeps the default collectivity; with none configured the account has none."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts import services
from tests.accounts.conftest import STRONG_PASSWORD, link_in, path_of, signup_data
from tests.factories import AZILAL_HOST, UserFactory, azilal_collectivity

# Every test may call Azilal's host name.
pytestmark = pytest.mark.usefixtures("azilal_host")

User = get_user_model()
HOST = AZILAL_HOST
SIGNUP = "/accounts/signup/"


@pytest.fixture
def azilal(world):
    return azilal_collectivity()


def _sign_up(client, committed, address: str, **extra):
    with committed():
        response = client.post(address, signup_data(), **extra)
    assert response.status_code == 200
    assert "accounts/signup_sent.html" in [t.name for t in response.templates]
    return User.objects.get(username="amina")


def test_signup_under_a_prefix_belongs_to_that_collectivity(client, azilal, committed, mailoutbox, settings):
    user = _sign_up(client, committed, "/c/azilal" + SIGNUP)
    assert user.collectivity == azilal
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "أزيلال" in message.subject and "دمنات" not in message.subject
    assert "أزيلال" in message.body and "دمنات" not in message.body
    link = link_in(message)
    assert link.startswith(settings.MITHAQ_SITE_URL.rstrip("/") + "/c/azilal/accounts/verify-email/")
    assert client.post(path_of(link)).context["state"] == "done"
    user.refresh_from_db()
    assert user.email_verified is True


def test_signup_on_the_host_name_belongs_to_that_collectivity(
    client, azilal, committed, mailoutbox, settings
):
    # Without MITHAQ_SITE_URL the link starts with the host the person used: it must work there.
    settings.MITHAQ_SITE_URL = ""
    user = _sign_up(client, committed, SIGNUP, HTTP_HOST=HOST)
    assert user.collectivity == azilal
    link = link_in(mailoutbox[0])
    assert link.startswith(f"http://{HOST}/c/azilal/accounts/verify-email/")
    page = client.get(path_of(link), HTTP_HOST=HOST)
    assert page.status_code == 200 and page.context["state"] == "confirm"
    assert "أزيلال" in mailoutbox[0].subject


def test_signup_on_the_unprefixed_site_keeps_the_default_collectivity(
    client, world, azilal, committed, mailoutbox, settings
):
    user = _sign_up(client, committed, SIGNUP)
    assert user.collectivity == world.collectivity
    link = link_in(mailoutbox[0])
    assert link.startswith(settings.MITHAQ_SITE_URL.rstrip("/") + "/accounts/verify-email/")
    assert "دمنات" in mailoutbox[0].subject


def test_signup_without_any_collectivity_makes_an_installation_wide_account(
    client, db, committed, mailoutbox
):
    user = _sign_up(client, committed, SIGNUP)
    assert user.collectivity is None
    assert "/c/" not in link_in(mailoutbox[0])


def test_the_service_alone_keeps_the_default_collectivity(world, azilal):
    user = services.user_signup(
        username="yassine", email="yassine@example.org", password=STRONG_PASSWORD, language="fr"
    )
    assert user.collectivity == world.collectivity
    other = services.user_signup(
        username="salma",
        email="salma@example.org",
        password=STRONG_PASSWORD,
        language="fr",
        collectivity=azilal,
    )
    assert other.collectivity == azilal


def test_a_new_link_asked_on_another_site_still_leads_to_the_accounts_collectivity(
    client, azilal, mailoutbox, settings, django_capture_on_commit_callbacks
):
    user = UserFactory(username="nadia", email="nadia@example.org", collectivity=azilal, email_verified=False)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/verify-email/")
    assert response.status_code == 302
    message = mailoutbox[-1]
    assert link_in(message).startswith(settings.MITHAQ_SITE_URL.rstrip("/") + "/c/azilal/")
    assert "أزيلال" in message.subject


def test_the_notice_of_an_address_in_use_names_the_site_it_was_tried_on(
    client, azilal, committed, mailoutbox
):
    UserFactory(username="amina_old", email="amina@example.org", language="ar")
    with committed():
        response = client.post("/c/azilal" + SIGNUP, signup_data())
    assert response.status_code == 200
    assert not User.objects.filter(username="amina").exists()
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "أزيلال" in mailoutbox[0].subject and "دمنات" not in mailoutbox[0].subject
    assert "/c/azilal/accounts/login/" in body and "/c/azilal/accounts/password-reset/" in body

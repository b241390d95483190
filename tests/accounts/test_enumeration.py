"""Sign-up and password reset give the same answer whatever exists: same status, same page byte for
byte (but the CSRF token), so nobody learns whether a username or an e-mail address has an account."""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import signup_data
from tests.factories import UserFactory

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _bytes(response) -> bytes:
    return CSRF.sub(b"", response.content)


def _answer(url, data, setup, address):
    """The answer in a database state made by `setup`, rolled back afterwards."""
    with transaction.atomic():
        setup()
        response = Client(REMOTE_ADDR=address).post(url, data, HTTP_ACCEPT_LANGUAGE="ar")
        transaction.set_rollback(True)
    return response


SIGNUP_STATES = {
    "nothing exists": lambda: None,
    "the e-mail exists": lambda: UserFactory(username="first", email="amina@example.org"),
    "the username exists": lambda: UserFactory(username="Amina", email="someone@example.org"),
    "both exist": lambda: UserFactory(username="amina", email="amina@example.org"),
}


def test_sign_up_answers_the_same_whatever_exists(db):
    answers = {
        name: _answer(reverse("accounts:signup"), signup_data(), setup, f"192.0.2.{i}")
        for i, (name, setup) in enumerate(SIGNUP_STATES.items())
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert set(statuses.values()) == {200}, statuses
    reference = _bytes(answers["nothing exists"])
    assert "amina@example.org" in reference.decode()
    for name, response in answers.items():
        assert _bytes(response) == reference, name
        assert "_auth_user_id" not in response.client.session, name
        assert not response.cookies.keys() - {"csrftoken"}, name


def test_sign_up_when_limited_answers_429_whatever_exists(db, settings):
    settings.MITHAQ_SIGNUP_PER_HOUR = 0
    answers = [
        _answer(reverse("accounts:signup"), signup_data(), setup, "192.0.2.1")
        for setup in SIGNUP_STATES.values()
    ]
    assert {r.status_code for r in answers} == {429}
    assert len({_bytes(r) for r in answers}) == 1
    page = answers[0].content.decode()
    assert "Too many accounts" not in page  # translated (Arabic)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_sign_up_limit_message_is_translated(db, settings, client, language):
    settings.MITHAQ_SIGNUP_PER_HOUR = 0
    response = client.post(reverse("accounts:signup"), signup_data(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    message = response.context["form"].non_field_errors()[0]
    assert message and "Too many accounts" not in message


PASSWORD_RESET_STATES = {
    "unknown address": lambda: None,
    "an account's address": lambda: UserFactory(username="amina", email="amina@example.org"),
}


def test_password_reset_answers_the_same_whatever_exists(db):
    answers = {
        name: _answer(
            reverse("accounts:password_reset"), {"email": "amina@example.org"}, setup, f"192.0.2.{i}"
        )
        for i, (name, setup) in enumerate(PASSWORD_RESET_STATES.items())
    }
    assert {r.status_code for r in answers.values()} == {302}
    assert {r["Location"] for r in answers.values()} == {reverse("accounts:password_reset_done")}
    assert len({_bytes(r) for r in answers.values()}) == 1
    done = [_bytes(Client().get(r["Location"])) for r in answers.values()]
    assert done[0] == done[1]


def test_password_reset_is_limited_per_address(db, settings, client, mailoutbox):
    settings.MITHAQ_PASSWORD_RESET_PER_HOUR = 2
    UserFactory(username="amina", email="amina@example.org")
    for _ in range(2):
        assert (
            client.post(reverse("accounts:password_reset"), {"email": "amina@example.org"}).status_code == 302
        )
    limited = client.post(
        reverse("accounts:password_reset"), {"email": "amina@example.org"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert limited.status_code == 429
    message = limited.context["form"].non_field_errors()[0]
    assert message and "Too many" not in message
    assert len(mailoutbox) == 2
    # Unknown addresses count too: the limit says nothing about which exist.
    other = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        other.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert other.post(reverse("accounts:password_reset"), {"email": "amina@example.org"}).status_code == 429

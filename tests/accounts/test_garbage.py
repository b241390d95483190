"""Whatever arrives, the account pages answer with a page or a refusal, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import tokens
from tests.accounts.conftest import signup_data

User = get_user_model()

GARBAGE_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b@example.org",
    "x" * 10_000,
    "مرحبا@مثال.مغرب",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "😀" * 200,
]


@pytest.mark.parametrize("value", GARBAGE_VALUES)
@pytest.mark.parametrize(
    "field", ["username", "email", "first_name", "last_name", "password1", "language", "consent"]
)
def test_signup_survives_garbage(client, db, field, value):
    response = client.post(reverse("accounts:signup"), signup_data(**{field: value}))
    assert response.status_code in (200, 302)


def test_signup_survives_bytes_that_are_not_utf8(client, db):
    body = "username=%ED%A0%80&email=%FF%FE%40example.org&password1=%C0&password2=%C0&language=%80&consent=on"
    response = client.post(reverse("accounts:signup"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not User.objects.exists()


def test_signup_survives_lists_and_missing_fields(client, db):
    assert client.post(reverse("accounts:signup"), {}).status_code == 200
    response = client.post(
        reverse("accounts:signup"), {"username": ["a", "b"], "email": ["x@example.org", "y"]}
    )
    assert response.status_code == 200
    assert not User.objects.exists()


@pytest.mark.parametrize("value", GARBAGE_VALUES)
@pytest.mark.parametrize("field", ["first_name", "last_name", "email", "language"])
def test_profile_survives_garbage(client, citizen, field, value):
    client.force_login(citizen)
    data = {"first_name": "", "last_name": "", "email": citizen.email, "language": "ar", field: value}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "a:b",
        "a:b:c",
        ":::",
        "%00",
        "%FF%FE",
        "eyJ1IjoxfQ:1:abc",
        "مرحبا",
        "z" * 5000,
        "a" * 400 + ":" + "b" * 10 + ":" + "c" * 40,
        "..",
        "%2e%2e",
    ],
)
def test_verification_links_survive_garbage(client, citizen, token):
    url = "/accounts/verify-email/" + token + "/"
    assert client.get(url).status_code in (400, 404)
    assert client.post(url).status_code in (400, 404)
    client.force_login(citizen)
    assert client.get(url).status_code in (400, 404)
    citizen.refresh_from_db()
    assert not citizen.email_verified


def test_a_signed_token_with_an_unexpected_payload_is_refused(client, citizen):
    from django.core import signing

    signer = signing.TimestampSigner(salt=tokens.SALT)
    for payload in (
        [1, 2],
        {"u": "1", "e": "x"},
        {"u": True, "e": "x"},
        {"u": -5, "e": "x"},
        {"u": 2**80, "e": "x"},
        "text",
        None,
    ):
        token = signer.sign_object(payload)
        with pytest.raises(tokens.TokenInvalid):
            from accounts.services import user_verify_email

            user_verify_email(token=token)
        assert client.get(reverse("accounts:verify_email_confirm", args=[token])).status_code == 400


def test_unsupported_methods_are_refused(client, citizen):
    assert client.put(reverse("accounts:signup")).status_code == 405
    client.force_login(citizen)
    assert client.delete(reverse("accounts:profile")).status_code == 405

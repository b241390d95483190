"""Whatever arrives, the account pages give the one answer their forms' rules call for, never a 500."""

import re

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


# The one right answer for each (field, value), from the forms' rules (accounts.forms) with every
# other field valid; None means the input is accepted.
USERNAME_CHARACTERS = re.compile(r"[\w.@+-]+")  # Django's UnicodeUsernameValidator: letters of any script


def _name_refusal(field: str, value: str) -> str | None:
    # First and last names: optional CharFields (stripped), at most 150 characters, no NUL (Django
    # refuses NUL in every CharField); anything else is a name, markup and quotes included (escaped
    # on output, bound as parameters in SQL).
    return field if "\x00" in value or len(value.strip()) > 150 else None


def _signup_refusal(field: str, value: str) -> str | None:
    """The field whose error the sign-up form shows, or None when the sign-up goes through."""
    if field == "consent":
        # A checkbox: any non-empty value ticks it (CheckboxInput); only an empty one is no consent.
        return None if value else "consent"
    if field == "language":
        return "language"  # a choice of "ar" or "fr": no garbage value is one
    if field == "email":
        # Required; Django's EmailValidator wants an ASCII local part, one @ and a dotted domain: no
        # garbage value is an address (the Arabic one fails on its local part).
        return "email"
    if field == "password1":
        # password2 stays the strong password: an empty password1 is missing and one with NUL is
        # refused on password1 itself; any other value does not match, reported on password2.
        return "password1" if value == "" or "\x00" in value else "password2"
    if field == "username":
        # Required (stripped), at most 150 characters, letters, digits and @ . + - _ only.
        name = value.strip()
        return None if name and len(name) <= 150 and USERNAME_CHARACTERS.fullmatch(name) else "username"
    return _name_refusal(field, value)


def _profile_refusal(field: str, value: str) -> str | None:
    """The field whose error the profile form shows, or None when the profile is saved."""
    if field in ("email", "language"):
        return field  # required address and a choice of "ar" or "fr", as on sign-up
    return _name_refusal(field, value)


def test_the_table_expects_both_answers():
    # The garbage is not all refused: the table (and so the tests) checks acceptance too.
    answers = {
        _signup_refusal(f, v)
        for f in ("username", "first_name", "consent", "password1")
        for v in GARBAGE_VALUES
    }
    assert {None, "username", "first_name", "consent", "password1", "password2"} <= answers


@pytest.mark.parametrize("value", GARBAGE_VALUES)
@pytest.mark.parametrize(
    "field", ["username", "email", "first_name", "last_name", "password1", "language", "consent"]
)
def test_signup_survives_garbage(client, db, field, value):
    expected_error = _signup_refusal(field, value)
    response = client.post(reverse("accounts:signup"), signup_data(**{field: value}))
    # Both answers are a 200 page: a sign-up that went through shows "check your e-mail" (the same
    # page whether or not the account is new, accounts.views._signup_sent), a refused one the form.
    assert response.status_code == 200
    templates = {t.name for t in response.templates}
    if expected_error is None:
        assert "accounts/signup_sent.html" in templates
        user = User.objects.get()
        if field in ("username", "first_name", "last_name"):
            assert getattr(user, field) == value.strip()  # stored as given, stripped
        assert user.username == (value.strip() if field == "username" else "amina")
    else:
        assert "accounts/signup.html" in templates
        assert set(response.context["form"].errors) == {expected_error}, response.context["form"].errors
        assert not User.objects.exists()


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
    expected_error = _profile_refusal(field, value)
    profile = ("first_name", "last_name", "email", "language", "email_verified")
    before = {name: getattr(citizen, name) for name in profile}
    data = {"first_name": "", "last_name": "", "email": citizen.email, "language": "ar", field: value}
    response = client.post(reverse("accounts:profile"), data)
    citizen.refresh_from_db()
    if expected_error is None:
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:profile")
        expected = {**before, **{name: data[name].strip() for name in ("first_name", "last_name")}}
        assert {name: getattr(citizen, name) for name in profile} == expected
        assert getattr(citizen, field) == value.strip()  # stored as given, stripped
    else:
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {expected_error}, response.context["form"].errors
        assert {name: getattr(citizen, name) for name in profile} == before


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
    # Every token here is one non-empty path segment, so the route verify-email/<str:token>/
    # matches and the view refuses the unreadable link: 400, never 404.
    url = "/accounts/verify-email/" + token + "/"
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    client.force_login(citizen)
    assert client.get(url).status_code == 400
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

"""The token endpoint: django-axes lockout, DRF throttling, expiring tokens, revoking from the profile."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.helpers import assert_error

TOKEN_URL = "/api/v1/auth/token/"
LIMIT = settings.AXES_FAILURE_LIMIT


def _token(client, password="pw", username="bureau", **extra):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def test_wrong_passwords_lock_the_token_endpoint(world, api_client):
    for i in range(LIMIT - 1):
        assert_error(_token(api_client, f"wrong-{i}"), 400, "invalid_credentials")
    locked = _token(api_client, "wrong-last", HTTP_ACCEPT_LANGUAGE="fr")
    error = assert_error(locked, 429, "locked_out")
    assert "15 minutes" in error["detail"]
    assert locked["Retry-After"] == str(settings.AXES_COOLOFF_MINUTES * 60)
    # The right password is refused while locked, from this address and from another.
    assert_error(_token(api_client), 429, "locked_out")
    assert_error(_token(APIClient(REMOTE_ADDR="203.0.113.9")), 429, "locked_out")


def test_token_lock_ends_after_the_cool_off(world, api_client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for i in range(LIMIT):
            _token(api_client, f"wrong-{i}")
        assert_error(_token(api_client), 429, "locked_out")
        traveller.shift(datetime.timedelta(minutes=settings.AXES_COOLOFF_MINUTES + 1))
        assert _token(api_client).status_code == 200


def test_the_token_endpoint_is_throttled_per_address(settings, world, api_client):
    settings.MITHAQ_API_TOKEN_RATE = "2/minute"
    assert _token(api_client).status_code == 200
    assert _token(api_client).status_code == 200
    throttled = _token(api_client, HTTP_ACCEPT_LANGUAGE="ar")
    error = assert_error(throttled, 429, "throttled")
    assert error["detail"] != "Too many requests; try again later."
    assert int(throttled["Retry-After"]) >= 1
    # Another address is not slowed by this one.
    assert _token(APIClient(REMOTE_ADDR="203.0.113.9")).status_code == 200


def test_an_expired_token_is_refused_with_401(world, api_client):
    case = world.case_in("submitted")
    key = _token(api_client).json()["token"]
    url = reverse("api:case-transitions", kwargs={"reference": case.reference})
    later = timezone.now() + datetime.timedelta(days=settings.MITHAQ_API_TOKEN_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = api_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert_error(response, 401, "token_expired")
        assert response["WWW-Authenticate"] == "Token"
        # Asking again gives a fresh token, which works.
        api_client.credentials()
        fresh = _token(api_client).json()["token"]
        assert fresh != key
        assert not Token.objects.filter(key=key).exists()
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
        assert api_client.get(url).status_code == 200


def test_a_token_just_before_its_expiry_still_works(world, api_client):
    case = world.case_in("submitted")
    key = _token(api_client).json()["token"]
    almost = timezone.now() + datetime.timedelta(days=settings.MITHAQ_API_TOKEN_DAYS, minutes=-1)
    with time_machine.travel(almost, tick=False):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert (
            api_client.get(reverse("api:case-transitions", kwargs={"reference": case.reference})).status_code
            == 200
        )
        api_client.credentials()
        assert _token(api_client).json()["token"] == key


def test_the_owner_sees_and_revokes_the_token_from_the_profile(world, client, api_client):
    case = world.case_in("submitted")
    key = _token(api_client).json()["token"]
    client.force_login(world["bureau"])
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="fr")
    token = Token.objects.get(key=key)
    assert page.context["api_token"] == token
    assert page.context["api_token_expires"] == token.created + datetime.timedelta(
        days=settings.MITHAQ_API_TOKEN_DAYS
    )
    assert reverse("accounts:api_token_revoke") in page.content.decode()
    assert key not in page.content.decode()

    response = client.post(reverse("accounts:api_token_revoke"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert not Token.objects.filter(user=world["bureau"]).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_error(
        api_client.get(reverse("api:case-transitions", kwargs={"reference": case.reference})),
        403,
        "authentication_failed",
    )
    page = client.get(reverse("accounts:profile"))
    assert page.context["api_token"] is None


def test_revoking_needs_a_post_with_csrf(world):
    from django.test import Client

    _token(APIClient())
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["bureau"])
    assert client.get(reverse("accounts:api_token_revoke")).status_code == 405
    assert client.post(reverse("accounts:api_token_revoke")).status_code == 403
    assert Token.objects.filter(user=world["bureau"]).exists()


@pytest.mark.parametrize("user", [None, "citizen"])
def test_revoking_touches_only_ones_own_token(world, client, user):
    _token(APIClient())
    if user:
        client.force_login(world[user])
    client.post(reverse("accounts:api_token_revoke"))
    assert Token.objects.filter(user=world["bureau"]).exists()

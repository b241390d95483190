import pytest
from django.urls import reverse

from tests.api.helpers import assert_error

TOKEN_URL = "/api/v1/auth/token/"


def test_token_flow_then_authenticated_request(world, api_client):
    case = world.case_in("submitted")
    response = api_client.post(TOKEN_URL, {"username": "bureau", "password": "pw"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert isinstance(token, str) and len(token) >= 20

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = api_client.get(reverse("api:case-transitions", kwargs={"reference": case.reference}))
    assert listed.status_code == 200
    assert "start_review" in [t["name"] for t in listed.json()]


def test_the_same_token_is_returned_twice(world, api_client):
    first = api_client.post(TOKEN_URL, {"username": "citizen", "password": "pw"}, format="json").json()
    second = api_client.post(TOKEN_URL, {"username": "citizen", "password": "pw"}, format="json").json()
    assert first["token"] == second["token"]


@pytest.mark.parametrize(
    "body",
    [
        {"username": "citizen", "password": "wrong"},
        {"username": "nobody", "password": "pw"},
    ],
)
def test_bad_credentials_are_a_400(world, api_client, body):
    assert_error(api_client.post(TOKEN_URL, body, format="json"), 400, "invalid_credentials")


def test_inactive_user_gets_no_token(world, api_client):
    user = world["citizen"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_error(
        api_client.post(TOKEN_URL, {"username": "citizen", "password": "pw"}, format="json"),
        400,
        "invalid_credentials",
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "citizen"},
        {"username": ["citizen"], "password": "pw"},
        {"username": "citizen", "password": 7},
    ],
)
def test_missing_or_malformed_credentials_are_a_400(world, api_client, body):
    error = assert_error(api_client.post(TOKEN_URL, body, format="json"), 400, "invalid")
    assert error["fields"]


@pytest.mark.parametrize("raw", ["[1, 2]", '"citizen"', "42", "null", "{", "\xff"])
def test_non_object_token_bodies_are_a_400(world, api_client, raw):
    response = api_client.generic("POST", TOKEN_URL, raw.encode("latin-1"), content_type="application/json")
    assert_error(response, 400)


def test_a_wrong_token_is_refused_with_the_error_shape(world, api_client):
    case = world.case_in("submitted")
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get(reverse("api:case-transitions", kwargs={"reference": case.reference}))
    assert_error(response, 403, "authentication_failed")


def test_token_endpoint_only_accepts_post(world, api_client):
    assert_error(api_client.get(TOKEN_URL), 405, "method_not_allowed")


def test_nul_in_credentials_is_a_400(world, api_client):
    assert_error(
        api_client.post(TOKEN_URL, {"username": "citi\x00zen", "password": "pw"}, format="json"), 400
    )

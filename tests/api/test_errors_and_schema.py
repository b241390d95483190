import pytest
from django.urls import reverse

from tests.api.helpers import assert_error


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_errors_come_in_the_request_language(world, client_as, language):
    case = world.case_in("on_agenda")
    client = client_as(world["secretariat"])
    response = client.post(
        reverse("api:case-transition", kwargs={"reference": case.reference, "name": "adopt"}),
        {},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    error = assert_error(response, 400, "guard_failed")
    assert response["Content-Language"] == language
    assert all(isinstance(m, str) and m for messages in error["fields"].values() for m in messages)

    for response, status in (
        (client.get("/api/v1/cases/DMN-PRO-2026-9999/", HTTP_ACCEPT_LANGUAGE=language), 404),
        (client.get("/api/v1/cases/", {"kind": "letter"}, HTTP_ACCEPT_LANGUAGE=language), 400),
        (
            client.post(
                "/api/v1/auth/token/",
                {"username": "x", "password": "y"},
                format="json",
                HTTP_ACCEPT_LANGUAGE=language,
            ),
            400,
        ),
        (
            client_as(world["citizen"]).post(
                reverse("api:case-transition", kwargs={"reference": case.reference, "name": "adopt"}),
                {},
                format="json",
                HTTP_ACCEPT_LANGUAGE=language,
            ),
            403,
        ),
    ):
        assert_error(response, status)
        assert response["Content-Language"] == language


def test_unknown_api_url_is_a_json_404(db, api_client):
    response = api_client.get("/api/v1/nothing-here/")
    assert_error(response, 404, "not_found")


def test_schema_is_served_and_lists_the_endpoints(db, api_client):
    response = api_client.get(reverse("api:schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{reference}/",
        "/api/v1/cases/{reference}/transitions/",
        "/api/v1/cases/{reference}/transitions/{name}/",
        "/api/v1/auth/token/",
        "/api/v1/rules/",
        "/api/v1/committees/",
        "/api/v1/services/",
        "/api/v1/sessions/",
        "/api/v1/national/comparison/",
    ):
        assert path in text


def test_schema_generates_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    assert "/api/v1/cases/{reference}/transitions/{name}/" in schema["paths"]


def test_no_swagger_ui_is_served(db, api_client):
    assert api_client.get("/api/v1/schema/swagger-ui/").status_code == 404
    assert api_client.get("/api/v1/docs/").status_code == 404

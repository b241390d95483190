"""One installation, several collectivities: /c/<slug>/ and host names choose the collectivity
(organisation.tenancy); anything unknown is the 404 page, never another collectivity's site."""

from __future__ import annotations

import pytest

from tests.factories import CollectivityFactory, World

pytestmark = pytest.mark.django_db

HOST = "azilal.example.org"


@pytest.fixture
def two(world):
    other = CollectivityFactory(
        slug="azilal", code="AZL", name_ar="جماعة أزيلال", name_fr="Commune d'Azilal", hostname=HOST
    )
    return world, World(collectivity=other, prefix="azl_")


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", HOST, "unknown.example.org", "portal.example.org"]


def test_the_unprefixed_site_serves_the_default_collectivity(client, two):
    body = client.get("/").content.decode()
    assert "Commune de Demnate" in body or "جماعة دمنات" in body
    assert "أزيلال" not in body


def test_the_prefix_serves_its_collectivity_with_prefixed_links(client, two):
    response = client.get("/c/azilal/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "أزيلال" in body and "دمنات" not in body
    assert 'href="/c/azilal/register/"' in body
    assert 'href="/register/"' not in body
    # Static files stay at the root of the installation.
    assert "/c/azilal/static/" not in body


def test_the_prefix_without_its_slash_is_redirected(client, two):
    response = client.get("/c/azilal?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/c/azilal/?x=1"


def test_the_host_name_serves_its_collectivity(client, two):
    response = client.get("/", HTTP_HOST=HOST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "أزيلال" in body and "دمنات" not in body
    assert 'href="/register/"' in body


@pytest.mark.parametrize("path", ["/c/nowhere/", "/c/nowhere/register/", "/c/nowhere/api/v1/cases/"])
def test_an_unknown_prefix_is_the_404_page(client, two, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "دمنات" not in response.content.decode()


def test_an_unknown_prefix_of_the_api_answers_json(client, two):
    response = client.get("/c/nowhere/api/v1/cases/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_another_collectivitys_prefix_on_a_host_name_is_404(client, two):
    assert client.get("/c/demnate/", HTTP_HOST=HOST).status_code == 404
    assert client.get("/c/azilal/", HTTP_HOST=HOST).status_code == 200


def test_an_unknown_host_is_404_once_the_default_hosts_are_listed(client, two, settings):
    assert client.get("/", HTTP_HOST="unknown.example.org").status_code == 200
    settings.MITHAQ_DEFAULT_HOSTS = ["portal.example.org", "testserver"]
    assert client.get("/", HTTP_HOST="unknown.example.org").status_code == 404
    assert client.get("/", HTTP_HOST="portal.example.org").status_code == 200
    assert client.get("/", HTTP_HOST=HOST).status_code == 200


def test_the_404_page_is_translated(client, two):
    response = client.get("/c/nowhere/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode() or response.content.decode().count("404")


def test_the_language_switch_returns_under_the_prefix(client, two):
    body = client.get("/c/azilal/register/").content.decode()
    assert 'action="/c/azilal/i18n/setlang/"' in body
    response = client.post("/c/azilal/i18n/setlang/", {"language": "fr", "next": "/c/azilal/register/"})
    assert response.status_code == 302
    assert response["Location"] == "/c/azilal/register/"


def test_login_redirects_keep_the_prefix(client, two):
    response = client.get("/c/azilal/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/c/azilal/accounts/login/?next=/c/azilal/staff/")


def test_the_api_and_its_schema_answer_under_the_prefix(client, two):
    assert client.get("/c/azilal/api/v1/cases/").status_code == 200
    schema = client.get("/c/azilal/api/v1/schema/")
    assert schema.status_code in (200, 404)


def test_a_hostname_is_normalised_and_checked(two):
    from django.core.exceptions import ValidationError

    _world, other = two
    other.collectivity.hostname = " Azilal.Example.org. "
    other.collectivity.full_clean()
    assert other.collectivity.hostname == "azilal.example.org"
    other.collectivity.hostname = "https://azilal.example.org/x"
    with pytest.raises(ValidationError):
        other.collectivity.full_clean()


def test_addresses_in_messages_name_the_cases_own_site(two):
    from cases.notify import CaseNotifications
    from organisation.tenancy import site_reverse

    world, other = two
    assert site_reverse("demnate", "public:track") == "/track/"
    assert site_reverse("azilal", "public:track") == "/c/azilal/track/"
    case = other.case_in("submitted")
    described = CaseNotifications().describe(case.pk, "ar")
    assert described["url_path"] == f"/c/azilal/register/{case.reference}/"

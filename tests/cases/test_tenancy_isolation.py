"""Two collectivities on one installation: nothing of one shows on the other's site or to its staff
(organisation.tenancy, accounts.User.collectivity_ids).

Every GET address of the URL map is walked: those without parameters, and those naming a case (with
the other collectivity's reference). Staff of Azilal, for each role, never see a reference, a title
or a committee of Demnate, and the reverse; the public pages, the API and the open-data files under
each prefix show only their own collectivity."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from cases import predicates as P
from cases import selectors
from core import roles
from tests.factories import CollectivityFactory, World

pytestmark = pytest.mark.django_db

DEMNATE_TITLE = "Street lighting in Derb Jdid"
AZILAL_TITLE = "Drinking water for Ait Ouirra"
# Addresses that change something or end the session even on GET, and the admin's own site.
SKIPPED = ("accounts/logout/", "i18n/", "admin/")


def _routes(patterns=None, prefix: str = ""):
    """(route, converters) of every route in the URL map (regex routes, the admin's, are skipped)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, dict(entry.pattern.converters)


def _addresses(reference: str) -> list[str]:
    """Every address without a parameter, and every one whose only parameter is a case reference."""
    found = set()
    for route, converters in _routes():
        if route.startswith(SKIPPED):
            continue
        if not converters:
            found.add("/" + route)
        elif set(converters) == {"reference"}:
            found.add("/" + route.replace("<str:reference>", reference))
    return sorted(found)


def _installation_wide(prefix: str, address: str, reference: str) -> bool:
    """The national level, on the installation's own (unprefixed) site, compares and lists every
    collectivity by design (README, "One installation, several collectivities"); the API's lists
    without `collectivity` answer for the site's collectivity like its register."""
    return prefix == "" and address.startswith(("/national/", "/api/v1/national/"))


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.fixture
def two(world):
    """Demnate (the default) and Azilal, each with its committees, cases and staff bound to it."""
    for user in world.users.values():
        user.collectivity = world.collectivity
        user.save(update_fields=["collectivity"])
    azilal = CollectivityFactory(
        slug="azilal", code="AZL", name_ar="جماعة أزيلال", name_fr="Commune d'Azilal"
    )
    other = World(collectivity=azilal, prefix="azl_")
    # The tracking form's placeholder is DMN-PRO-2026-0001: the cases checked come after it.
    world.new_case()
    demnate_cases = [world.case_in("adopted"), world.case_in("in_committee"), world.case_in("submitted")]
    assert "DMN-PRO-2026-0001" not in {c.reference for c in demnate_cases}
    azilal_cases = [
        other.case_in("adopted", title=AZILAL_TITLE),
        other.case_in("in_committee", title=AZILAL_TITLE),
        other.case_in("submitted", title=AZILAL_TITLE),
    ]
    assert {c.collectivity_id for c in demnate_cases} == {world.collectivity.pk}
    assert {c.collectivity_id for c in azilal_cases} == {azilal.pk}
    return world, other, demnate_cases, azilal_cases


def _shows(body: str, world: World, cases, *, name: bool = True) -> list[str]:
    """What of `world` (its cases' references, its name) appears in `body`. The unprefixed site
    names the default collectivity in its header whoever reads it: `name=False` there."""
    marks = [c.reference for c in cases] + ([world.collectivity.name_ar] if name else [])
    return [m for m in marks if m in body]


STAFF_ROLES = sorted(roles.STAFF_GROUPS)
# Public pages under the paths staff use: on the default site they are Demnate's public pages.
PUBLIC_ON_DEFAULT = ("/notifications/follow/",)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_of_one_collectivity_never_see_the_others(client, two, role):
    world, other, demnate_cases, azilal_cases = two
    # The unprefixed site is Demnate's public site: there Azilal's staff are checked on the pages
    # that are theirs (staff pages, their cases, notifications, account), not on Demnate's public ones.
    for mine, theirs, their_cases, my_prefix, own in (
        (other, world, demnate_cases, "/c/azilal", ("/staff/", "/cases/", "/notifications/", "/accounts/")),
        (world, other, azilal_cases, "/c/demnate", ("/",)),
    ):
        client.force_login(mine[role])
        for prefix in ("", my_prefix):
            for address in _addresses(their_cases[0].reference):
                if _installation_wide(prefix, address, their_cases[0].reference):
                    continue
                if prefix == "" and (not address.startswith(own) or address.startswith(PUBLIC_ON_DEFAULT)):
                    continue
                response = client.get(prefix + address)
                assert response.status_code < 500, (role, prefix + address)
                if response.status_code == 200:
                    leaked = _shows(_body(response), theirs, their_cases, name=bool(prefix))
                    assert not leaked, (role, prefix + address, leaked)
        client.logout()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_on_another_collectivitys_site_are_refused(client, two, role):
    world, other, demnate_cases, _a = two
    client.force_login(other[role])
    for address in ("/c/demnate/staff/", "/c/demnate/staff/cases/", "/c/demnate/staff/audit/"):
        response = client.get(address)
        assert response.status_code in (403, 404), address
        assert not _shows(_body(response), world, demnate_cases, name=False)
    assert client.get("/c/azilal/staff/").status_code == 200


def test_the_public_sites_show_only_their_collectivity(client, two):
    world, other, demnate_cases, azilal_cases = two
    for prefix, theirs, their_cases, their_title in (
        ("/c/azilal", world, demnate_cases, DEMNATE_TITLE),
        ("/c/demnate", other, azilal_cases, AZILAL_TITLE),
        ("", other, azilal_cases, AZILAL_TITLE),
    ):
        for address in _addresses(their_cases[0].reference):
            if _installation_wide(prefix, address, their_cases[0].reference):
                continue
            response = client.get(prefix + address)
            assert response.status_code < 500, prefix + address
            if response.status_code == 200:
                body = _body(response)
                leaked = _shows(body, theirs, their_cases, name=bool(prefix))
                leaked += [their_title] if their_title in body else []
                assert not leaked, (prefix + address, leaked)


@pytest.mark.parametrize(
    "address",
    [
        "open-data/cases.csv",
        "open-data/cases.json",
        "open-data/decisions.csv",
        "open-data/timeline.csv",
        "open-data/indicators.json",
        "api/v1/cases/",
        "api/v1/committees/",
        "api/v1/indicators/",
        "register/",
        "calendar.ics",
    ],
)
def test_each_prefix_serves_its_own_data(client, two, address):
    world, other, demnate_cases, azilal_cases = two
    mine = _body(client.get("/c/azilal/" + address))
    assert not _shows(mine, world, demnate_cases), address
    theirs = _body(client.get("/c/demnate/" + address))
    assert not _shows(theirs, other, azilal_cases), address
    if address.startswith(("open-data/cases", "api/v1/cases", "register")):
        assert azilal_cases[0].reference in mine
        assert demnate_cases[0].reference in theirs


def test_a_case_of_another_collectivity_is_not_found_under_a_prefix(client, two):
    _world, _other, demnate_cases, azilal_cases = two
    ref = demnate_cases[0].reference
    assert client.get(f"/c/azilal/register/{ref}/").status_code == 404
    assert client.get(f"/c/azilal/api/v1/cases/{ref}/").status_code == 404
    assert client.get(f"/c/demnate/register/{ref}/").status_code == 200
    assert client.get(f"/register/{ref}/").status_code == 200
    assert client.get("/c/azilal/api/v1/cases/", {"collectivity": "demnate"}).status_code == 404


def test_memberships_widen_what_a_user_may_act_in(two):
    world, other, demnate_cases, azilal_cases = two
    bureau = other[roles.BUREAU]
    assert bureau.collectivity_ids() == frozenset({other.collectivity.pk})
    assert not P.in_case_collectivity(bureau, demnate_cases[0])
    assert not selectors.case_list_for_staff(user=bureau).filter(pk=demnate_cases[0].pk).exists()
    bureau.collectivities.add(world.collectivity)
    bureau.__dict__.pop("_collectivity_ids", None)
    assert bureau.collectivity_ids() == frozenset({other.collectivity.pk, world.collectivity.pk})
    assert P.in_case_collectivity(bureau, demnate_cases[0])
    assert P.is_bureau_member(bureau, demnate_cases[0])
    assert selectors.case_list_for_staff(user=bureau).filter(pk=demnate_cases[0].pk).exists()


def test_a_citizen_files_with_the_collectivity_of_the_site(client, two):
    world, other, _d, _a = two
    citizen = world[roles.CITIZEN]  # signed up on Demnate's site
    client.force_login(citizen)
    response = client.post(
        "/c/azilal/file/",
        {
            "kind": "proposal",
            "title": "A bench in the Azilal garden",
            "description": "Elderly residents have nowhere to sit in the garden near the market.",
            "draft": "on",
        },
    )
    assert response.status_code in (200, 302)
    from cases.models import Case

    filed = Case.objects.filter(title="A bench in the Azilal garden").first()
    if filed is not None:
        assert filed.collectivity_id == other.collectivity.pk


@pytest.mark.parametrize("address", ["national/", "national/register/", "api/v1/national/comparison/"])
def test_the_national_level_is_not_on_a_collectivitys_site(client, two, address):
    assert client.get("/" + address).status_code == 200
    for prefix in ("/c/azilal/", "/c/demnate/"):
        assert client.get(prefix + address).status_code == 404

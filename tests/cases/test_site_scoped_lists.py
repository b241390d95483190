"""Staff who act in several collectivities (accounts.User.collectivities): on a collectivity's own
site (its prefix or host name) their staff lists, inbox counts and search show that collectivity's
cases only; on the installation's unprefixed site, every collectivity they act in, as before
(accounts.User.listed_collectivity_ids, set per request by organisation.tenancy)."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from cases import selectors
from core import roles
from tests.factories import AZILAL_HOST, UserFactory, World, azilal_collectivity
from workflows import selectors as desk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("azilal_host")]

HOST = AZILAL_HOST


@pytest.fixture
def two(world):
    """Demnate (the default) and Azilal with a submitted case each; Azilal's bureau member also acts
    in Demnate."""
    for user in world.users.values():
        user.collectivity = world.collectivity
        user.save(update_fields=["collectivity"])
    azilal = azilal_collectivity()
    other = World(collectivity=azilal, prefix="azl_")
    mine = other.case_in("submitted", title="Drinking water for Ait Ouirra")
    theirs = world.case_in("submitted")
    bureau = other[roles.BUREAU]
    bureau.collectivities.add(world.collectivity)
    return world, other, bureau, mine, theirs


def _shown(response, *cases) -> set[str]:
    assert response.status_code == 200
    body = response.content.decode()
    return {c.reference for c in cases if c.reference in body}


def test_the_unprefixed_site_lists_every_collectivity_the_user_acts_in(client, two):
    _world, _other, bureau, mine, theirs = two
    client.force_login(bureau)
    both = {mine.reference, theirs.reference}
    assert _shown(client.get("/staff/cases/"), mine, theirs) == both
    assert len(client.get("/staff/cases/", {"q": theirs.reference}).context["page"].object_list) == 1
    assert _shown(client.get("/staff/inbox/"), mine, theirs) == both
    assert client.get(f"/staff/cases/{theirs.reference}/").status_code == 200


@pytest.mark.parametrize("site", [{"prefix": "/c/azilal"}, {"prefix": "", "HTTP_HOST": HOST}])
def test_a_collectivitys_site_lists_its_cases_only(client, two, site):
    _world, _other, bureau, mine, theirs = two
    prefix = site["prefix"]
    extra = {k: v for k, v in site.items() if k != "prefix"}
    client.force_login(bureau)
    assert _shown(client.get(prefix + "/staff/cases/", **extra), mine, theirs) == {mine.reference}
    # Search: the other collectivity's reference finds nothing here.
    found = client.get(prefix + "/staff/cases/", {"q": theirs.reference}, **extra)
    assert list(found.context["page"].object_list) == []
    found = client.get(prefix + "/staff/cases/", {"q": mine.reference}, **extra)
    assert list(found.context["page"].object_list) == [mine]
    inbox = client.get(prefix + "/staff/inbox/", **extra)
    assert _shown(inbox, mine, theirs) == {mine.reference}
    assert inbox.context["counts"]["total"] == 1
    assert client.get(prefix + "/staff/", **extra).status_code == 200
    assert client.get(f"{prefix}/staff/cases/{theirs.reference}/", **extra).status_code == 404
    assert client.get(f"{prefix}/staff/cases/{mine.reference}/", **extra).status_code == 200


def test_the_other_collectivitys_prefix_lists_the_others_cases(client, two):
    _world, _other, bureau, mine, theirs = two
    client.force_login(bureau)
    assert _shown(client.get("/c/demnate/staff/cases/"), mine, theirs) == {theirs.reference}
    assert client.get("/c/demnate/staff/inbox/").context["counts"]["total"] == 1


def test_the_selectors_follow_the_site_set_on_the_user(two):
    world, other, bureau, mine, theirs = two
    assert desk.inbox_counts(bureau)["total"] == 2
    bureau.limit_lists_to_site(other.collectivity.pk)
    assert bureau.listed_collectivity_ids() == frozenset({other.collectivity.pk})
    # What the user may act on does not change: only what the lists show.
    assert bureau.collectivity_ids() == frozenset({other.collectivity.pk, world.collectivity.pk})
    assert list(selectors.case_list_for_staff(user=bureau)) == [mine]
    assert desk.inbox_counts(bureau)["total"] == 1
    assert desk.inbox_late_count(bureau) <= 1
    bureau.limit_lists_to_site(None)
    assert selectors.case_list_for_staff(user=bureau).count() == 2


@pytest.mark.parametrize("account", ["installation_wide", "superuser"])
def test_accounts_acting_everywhere_keep_to_the_site_too(client, two, account):
    _world, _other, _bureau, mine, theirs = two
    user = UserFactory(
        username=account, groups=[roles.BUREAU], collectivity=None, is_superuser=account == "superuser"
    )
    client.force_login(user)
    assert _shown(client.get("/staff/cases/"), mine, theirs) == {mine.reference, theirs.reference}
    assert _shown(client.get("/c/azilal/staff/cases/"), mine, theirs) == {mine.reference}
    assert client.get("/c/azilal/staff/inbox/").context["counts"]["total"] == 1


def test_the_api_with_a_token_keeps_to_the_site(api_client, two):
    _world, _other, bureau, mine, theirs = two
    token = Token.objects.create(user=bureau)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get(f"/api/v1/cases/{theirs.reference}/").status_code == 200
    assert api_client.get(f"/c/azilal/api/v1/cases/{theirs.reference}/").status_code == 404
    assert api_client.get(f"/c/azilal/api/v1/cases/{mine.reference}/").status_code == 200
    # Lists without ?collectivity= still answer for the site's collectivity.
    listed = api_client.get("/c/azilal/api/v1/cases/").content.decode()
    assert mine.reference in listed and theirs.reference not in listed

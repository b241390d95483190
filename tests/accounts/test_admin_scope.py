"""The admin's accounts with two collectivities (accounts.admin.UserAdmin): a superuser sees them all;
a staff admin of Azilal sees Azilal's accounts only, cannot open, change or delete Demnate's by
address (404), cannot give an account a collectivity that is not theirs, and only reads an account
that also acts in Demnate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.factories import CollectivityFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Tamazirt-Azilal-2026!"


@pytest.fixture
def two(world):
    azilal = CollectivityFactory(
        slug="azilal", code="AZL", name_ar="جماعة أزيلال", name_fr="Commune d'Azilal"
    )
    return world.collectivity, azilal


@pytest.fixture
def admin_of_azilal(two):
    _demnate, azilal = two
    user = UserFactory(username="azl_admin", is_staff=True, collectivity=azilal)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["view_user", "change_user", "delete_user", "add_user"],
        )
    )
    return user


@pytest.fixture
def people(two):
    demnate, azilal = two
    both = UserFactory(username="both", collectivity=demnate)
    both.collectivities.add(azilal)
    return {
        "demnate": UserFactory(username="dmn_clerk", email="dmn@example.org", collectivity=demnate),
        "azilal": UserFactory(username="azl_clerk", email="azl@example.org", collectivity=azilal),
        "nowhere": UserFactory(username="national", collectivity=None),
        "root": UserFactory(username="azl_root", is_superuser=True, is_staff=True, collectivity=azilal),
        "both": both,
    }


def _change(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


def _form(user, **overrides) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "language": "ar",
        "collectivity": user.collectivity_id or "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(overrides)
    return data


def test_a_superuser_sees_every_account(client, people):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    body = client.get("/admin/accounts/user/").content.decode()
    for user in people.values():
        assert user.username in body
    assert client.get(_change(people["demnate"])).status_code == 200


def test_a_staff_admin_lists_the_accounts_of_their_collectivity_only(client, admin_of_azilal, people):
    client.force_login(admin_of_azilal)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 200
    shown = {u.username for u in response.context["cl"].result_list}
    assert shown == {"azl_admin", "azl_clerk", "both"}
    found = client.get("/admin/accounts/user/", {"q": "dmn"}).context["cl"].result_list
    assert list(found) == []


@pytest.mark.parametrize("who", ["demnate", "nowhere", "root"])
@pytest.mark.parametrize("suffix", ["change/", "delete/", "history/", "password/"])
def test_another_collectivitys_account_is_not_found_by_address(client, admin_of_azilal, people, who, suffix):
    client.force_login(admin_of_azilal)
    target = people[who]
    address = f"/admin/accounts/user/{target.pk}/{suffix}"
    assert client.get(address).status_code == 404
    assert (
        client.post(address, {"post": "yes", "password1": PASSWORD, "password2": PASSWORD}).status_code == 404
    )
    target.refresh_from_db()
    assert target.is_active and not target.check_password(PASSWORD)


def test_a_bad_id_is_404_not_500(client, admin_of_azilal):
    client.force_login(admin_of_azilal)
    assert client.get("/admin/accounts/user/not-a-number/change/").status_code == 404


def test_the_form_offers_only_the_admins_collectivities(client, two, admin_of_azilal, people):
    demnate, azilal = two
    client.force_login(admin_of_azilal)
    form = client.get(_change(people["azilal"])).context["adminform"].form
    assert list(form.fields["collectivity"].queryset) == [azilal]
    assert list(form.fields["collectivities"].queryset) == [azilal]
    assert "is_superuser" not in form.fields

    clerk = people["azilal"]
    for data in (_form(clerk, collectivity=demnate.pk), _form(clerk, collectivities=[demnate.pk])):
        response = client.post(_change(clerk), data)
        assert response.status_code == 200 and response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert clerk.collectivity == azilal and not clerk.collectivities.exists()

    response = client.post(_change(clerk), _form(clerk, first_name="Hassan", is_superuser="on"))
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.first_name == "Hassan" and clerk.is_superuser is False


def test_an_account_also_acting_elsewhere_is_read_only(client, admin_of_azilal, people):
    client.force_login(admin_of_azilal)
    both = people["both"]
    page = client.get(_change(both))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert client.post(_change(both), _form(both, first_name="X")).status_code == 403
    assert client.get(f"/admin/accounts/user/{both.pk}/delete/").status_code == 403
    assert client.get(f"/admin/accounts/user/{both.pk}/password/").status_code == 403
    response = client.post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [both.pk], "post": "yes"}
    )
    assert response.status_code in (200, 403)
    both.refresh_from_db()
    assert both.first_name != "X" and both.collectivities.count() == 1


def test_a_new_account_belongs_to_the_admins_collectivity(client, two, admin_of_azilal):
    demnate, azilal = two
    client.force_login(admin_of_azilal)
    data = {"username": "new_clerk", "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD}
    refused = client.post("/admin/accounts/user/add/", {**data, "collectivity": demnate.pk})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    response = client.post("/admin/accounts/user/add/", {**data, "collectivity": azilal.pk})
    assert response.status_code == 302
    from accounts.models import User

    created = User.objects.get(username="new_clerk")
    assert created.collectivity == azilal
    assert client.get(_change(created)).status_code == 200


def test_on_a_collectivitys_site_the_admin_keeps_to_it(client, two, admin_of_azilal, people):
    demnate, _azilal = two
    admin_of_azilal.collectivities.add(demnate)
    client.force_login(admin_of_azilal)
    everywhere = {u.username for u in client.get("/admin/accounts/user/").context["cl"].result_list}
    assert {"dmn_clerk", "azl_clerk", "both"} <= everywhere
    here = {u.username for u in client.get("/c/azilal/admin/accounts/user/").context["cl"].result_list}
    assert "dmn_clerk" not in here and "azl_clerk" in here

import pytest
from django.urls import reverse

from cases import lifecycle
from cases import states as S
from tests.api.helpers import assert_error
from tests.factories import CollectivityFactory, CommitteeFactory


@pytest.mark.parametrize("name", ["api:committee-list", "api:service-list"])
def test_committees_and_services_are_public(world, api_client, name):
    response = api_client.get(reverse(name))
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 2
    assert set(items[0]) == {"id", "name_ar", "name_fr", "name"}
    assert items[0]["name"] == items[0]["name_ar"]  # Arabic is the default language


def test_names_follow_the_request_language(world, api_client):
    items = api_client.get(reverse("api:committee-list"), HTTP_ACCEPT_LANGUAGE="fr").json()
    assert items[0]["name"] == world.committee.name_fr


def test_sessions_are_public(world, api_client):
    items = api_client.get(reverse("api:session-list")).json()
    assert items == [
        {
            "id": world.session.pk,
            "date": world.session.date.isoformat(),
            "kind": "ordinary",
            "title": str(world.session),
        }
    ]


def test_lists_filter_by_collectivity(world, api_client):
    other = CollectivityFactory(slug="azilal", code="AZL", name_ar="أزيلال", name_fr="Azilal")
    CommitteeFactory(collectivity=other)
    # Without the parameter, the site's collectivity: the unprefixed site serves the default one.
    assert {c["id"] for c in api_client.get(reverse("api:committee-list")).json()} == {
        world.committee.pk,
        world.other_committee.pk,
    }
    only_other = api_client.get(reverse("api:committee-list"), {"collectivity": "azilal"}).json()
    assert len(only_other) == 1
    mine = api_client.get(reverse("api:committee-list"), {"collectivity": "demnate"}).json()
    assert {c["id"] for c in mine} == {world.committee.pk, world.other_committee.pk}


@pytest.mark.parametrize("name", ["api:committee-list", "api:service-list", "api:session-list", "api:rules"])
def test_unknown_collectivity_is_a_404(world, api_client, name):
    assert_error(api_client.get(reverse(name), {"collectivity": "atlantis"}), 404, "not_found")


@pytest.mark.parametrize("name", ["api:committee-list", "api:session-list", "api:rules"])
def test_malformed_collectivity_is_a_400(world, api_client, name):
    assert_error(api_client.get(reverse(name), {"collectivity": "not a slug!"}), 400, "invalid")


def test_rules_state_the_figures_in_force(world, api_client):
    rules = api_client.get(reverse("api:rules")).json()
    assert rules["collectivity"]["slug"] == "demnate"
    assert rules["petition_min_signatures"] == 100  # population 23,459 < 35,000 (OL 113-14 art. 123)
    assert rules["association_conditions"] == {
        "min_age_years": 3,
        "age_strictly_more_than": True,
        "min_members": 0,
        "seat_or_branch_in_collectivity": True,
    }
    assert rules["rejection_notice_months"] == 3
    assert rules["ordinary_session_months"] == [2, 5, 10]
    assert rules["justification_min_chars"] == 30
    assert [s["name"] for s in rules["states"]] == list(S.ALL_STATES)
    assert all(s["label"] for s in rules["states"])
    transitions = {t["name"]: t for t in rules["transitions"]}
    assert set(transitions) == set(lifecycle.TRANSITIONS)
    assert transitions["declare_inadmissible"]["sources"] == ["submitted", "under_review"]
    assert transitions["refer_to_committee"]["sources"] == ["submitted", "under_review"]
    adopt_fields = {f["name"]: f for f in transitions["adopt"]["fields"]}
    assert adopt_fields["justification"]["required"] is True
    assert adopt_fields["votes_for"]["required_from"] == ["on_agenda"]
    reasons = {f["name"]: f for f in transitions["reject"]["fields"]}["reason_code"]["choices"]
    assert {"value": "budget", "label": str(lifecycle.REJECTION_REASONS["budget"])} in reasons


def test_rules_follow_the_collectivity_settings(world, api_client):
    world.collectivity.petition_min_signatures_override = 150
    world.collectivity.rejection_notice_months = 2
    world.collectivity.save()
    rules = api_client.get(reverse("api:rules"), {"collectivity": "demnate"}).json()
    assert rules["petition_min_signatures"] == 150
    assert rules["rejection_notice_months"] == 2


def test_rules_without_any_collectivity_is_a_404(db, api_client):
    assert_error(api_client.get(reverse("api:rules")), 404, "not_found")

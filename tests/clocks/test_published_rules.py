"""The deadlines published with the rules (docs/legal.md §11): the law's one deadline marked legal with
its article; every stage deadline an internal target awaiting the council's adoption unless a
DeadlineRule says otherwise; on GET /api/v1/rules/ and on the citizens' /rules/ page, in ar and fr."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cases import states as S
from clocks import published
from clocks.models import DeadlineRule


@pytest.fixture
def rules(world, api_client):
    def fetch() -> dict:
        # The site speaks Arabic and French only; French keeps the assertions readable.
        answer = api_client.get(reverse("api:rules"), HTTP_ACCEPT_LANGUAGE="fr")
        assert answer.status_code == 200
        return answer.json()

    return fetch


def test_the_legal_deadline_is_marked_legal_with_its_article(world, rules):
    deadlines = rules()["deadlines"]
    legal = [d for d in deadlines if d["status"] == "legal"]
    assert len(legal) == 1
    assert legal[0]["kind"] == "petition"
    assert legal[0]["months"] == world.collectivity.rejection_notice_months
    assert legal[0]["source"] == "Loi organique 113-14, art. 125"
    assert legal[0]["status_label"] == "Délai légal"


def test_default_stage_deadlines_are_internal_targets_awaiting_adoption(world, rules):
    stages = [d for d in rules()["deadlines"] if d["state"] is not None]
    assert {d["state"] for d in stages} >= {S.SUBMITTED, S.UNDER_REVIEW, S.IN_COMMITTEE, S.REPORTED}
    for d in stages:
        assert d["status"] == "internal_target"
        assert d["status_label"] == "Objectif interne en attente d'adoption par le conseil"
        assert "la charte ne fixe aucun délai" in d["source"]
        assert d["days"] and d["duration"]
    committee = next(d for d in stages if d["state"] == S.IN_COMMITTEE and d["kind"] is None)
    assert committee["days"] == 30 and committee["unit"] == "calendar"


def test_a_rule_the_council_adopted_shows_its_deliberation(world, rules):
    DeadlineRule.objects.create(
        collectivity=world.collectivity,
        state=S.IN_COMMITTEE,
        days=45,
        status=DeadlineRule.Status.ADOPTED,
        source="Deliberation 12/2026",
    )
    DeadlineRule.objects.create(collectivity=world.collectivity, state=S.REPORTED, days=60)
    deadlines = {(d["kind"], d["state"]): d for d in rules()["deadlines"]}
    adopted = deadlines[(None, S.IN_COMMITTEE)]
    assert (adopted["days"], adopted["status"], adopted["source"]) == (45, "adopted", "Deliberation 12/2026")
    assert adopted["status_label"] == "Adopté par le conseil"
    target = deadlines[(None, S.REPORTED)]
    assert (target["days"], target["status"]) == (60, "internal_target")
    assert target["source"] == "Fixé par la commune"


@pytest.mark.parametrize(
    ("lang", "legal_label", "target_label"),
    [
        ("ar", "أجل قانوني", "هدف داخلي في انتظار مصادقة المجلس"),
        ("fr", "Délai légal", "Objectif interne en attente d'adoption par le conseil"),
    ],
)
def test_the_rules_page_shows_each_source_and_status(client, world, lang, legal_label, target_label):
    DeadlineRule.objects.create(
        collectivity=world.collectivity,
        state=S.ON_AGENDA,
        days=20,
        status=DeadlineRule.Status.ADOPTED,
        source="Deliberation 12/2026",
    )
    with translation.override(lang):
        response = client.get(reverse("public:rules"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(legal_label) in html
    assert escape(target_label) in html
    assert "Deliberation 12/2026" in html
    with translation.override(lang):
        assert escape(str(published.REJECTION_NOTICE_SOURCE["commune"])) in html
    assert str(world.collectivity.petition_min_signatures) in html
    # Linked from the footer of every page.
    home = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert reverse("public:rules") in home


def test_the_rules_page_says_when_petitions_cannot_be_filed(client, world):
    world.collectivity.population_legal = None
    world.collectivity.save()
    html = client.get(reverse("public:rules"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert escape("Les pétitions ne peuvent pas encore être déposées") in html

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from tests.api.helpers import assert_error

LIST_URL = "/api/v1/cases/"

PUBLIC_FIELDS = {
    "reference",
    "kind",
    "kind_label",
    "title",
    "state",
    "state_label",
    "submitted_at",
    "committee",
    "service",
    "session",
    "year",
    "legal_deadline",
    "deadline",
    "overdue",
    "url",
}


def test_list_is_public_and_never_shows_drafts(world, api_client):
    draft = world.case_in("draft")
    filed = world.case_in("submitted")
    response = api_client.get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["reference"] == filed.reference
    assert draft.reference not in response.content.decode()
    assert set(item) == PUBLIC_FIELDS
    assert item["state"] == "submitted"
    assert item["kind_label"]
    assert item["url"].endswith(reverse("api:case-detail", kwargs={"reference": filed.reference}))


def test_list_shows_related_names_and_opinion_labels(world, api_client):
    opinion = world.case_in("adopted", "advisory_opinion")
    proposal = world.case_in("adopted", "proposal")
    items = {i["reference"]: i for i in api_client.get(LIST_URL).json()["results"]}
    assert items[opinion.reference]["committee"] == {
        "id": world.committee.pk,
        "name_ar": world.committee.name_ar,
        "name_fr": world.committee.name_fr,
        "name": world.committee.name_ar,
    }
    assert items[opinion.reference]["session"]["id"] == world.session.pk
    assert items[opinion.reference]["service"]["id"] == world.service.pk
    # An opinion is "taken into account", not "adopted" (docs/domain.md §3.2).
    assert items[opinion.reference]["state_label"] != items[proposal.reference]["state_label"]


def test_filters(world, api_client):
    petition = world.case_in("submitted", "petition")
    proposal = world.case_in("in_committee", "proposal")
    opinion = world.case_in("submitted", "advisory_opinion")

    def refs(**params):
        response = api_client.get(LIST_URL, params)
        assert response.status_code == 200, response.content
        return {i["reference"] for i in response.json()["results"]}

    assert refs(kind="petition") == {petition.reference}
    assert refs(state="submitted") == {petition.reference, opinion.reference}
    assert refs(committee=world.committee.pk) == {proposal.reference}
    assert refs(committee=world.other_committee.pk) == set()
    assert refs(year=proposal.year) == {petition.reference, proposal.reference, opinion.reference}
    assert refs(year=1999) == set()
    assert refs(search=proposal.reference) == {proposal.reference}
    assert refs(search="Street lighting") == {petition.reference, proposal.reference, opinion.reference}
    assert refs(kind="proposal", state="in_committee") == {proposal.reference}
    # An empty parameter (a form's "any") is no filter.
    assert refs(kind="", state="", committee="") == {
        petition.reference,
        proposal.reference,
        opinion.reference,
    }
    assert refs(collectivity="demnate", kind="advisory_opinion") == {opinion.reference}


def _petition_filed_at(world, at, *, reviewed_at=None, **kwargs):
    """A citizens' petition with its signatures, filed at `at`; the bureau opens the review at
    `reviewed_at` (so the stage clock is fresh and only the legal deadline can be late)."""
    case = world.new_case(
        "petition",
        title="Water point in Ait Majden",
        description="The neighbourhood has no public water point.",
        reasons="Families walk far for water.",
        objectives="Install a public water point.",
        **kwargs,
    )
    world.sign(case, case.collectivity.petition_min_signatures)
    case = services.case_transition(actor=world["citizen"], case=case.reference, name="submit", at=at)
    if reviewed_at is not None:
        case = services.case_transition(
            actor=world["bureau"], case=case.reference, name="start_review", at=reviewed_at
        )
    return case


def test_overdue_filter_follows_the_current_deadline(world, api_client):
    now = timezone.now()
    yesterday = now - datetime.timedelta(days=1)
    # Legal deadline (3 months from filing, OL 113-14 art. 125) passed; the review stage is fresh.
    late = _petition_filed_at(world, now - datetime.timedelta(days=120), reviewed_at=yesterday)
    recent = _petition_filed_at(world, now - datetime.timedelta(days=10), reviewed_at=yesterday)
    decided_late = _petition_filed_at(world, now - datetime.timedelta(days=130), reviewed_at=yesterday)
    decided_late = services.case_transition(
        actor=world["bureau"],
        case=decided_late,
        name="declare_inadmissible",
        data=world.payload_for("declare_inadmissible"),
    )
    # A proposal left 200 days in `submitted`: its stage deadline (5 working days) is long past.
    old_proposal, _code = services.case_create(
        actor=world["citizen"],
        kind="proposal",
        title="Old",
        description="An old proposal.",
        at=now - datetime.timedelta(days=200),
    )
    fresh_proposal, _code = services.case_create(
        actor=world["citizen"], kind="proposal", title="Fresh", description="A fresh proposal."
    )

    def refs(value):
        response = api_client.get(LIST_URL, {"overdue": value})
        assert response.status_code == 200, response.content
        return {i["reference"] for i in response.json()["results"]}

    # The rejection was decided past the limit and nobody was notified yet: the legal clock stops at
    # the notification, not at the decision (OL 113-14 art. 125 §4), so it is still overdue.
    assert refs("true") == {late.reference, old_proposal.reference, decided_late.reference}
    assert refs("false") == {recent.reference, fresh_proposal.reference}
    assert refs("1") == {late.reference, old_proposal.reference, decided_late.reference}
    items = {i["reference"]: i for i in api_client.get(LIST_URL).json()["results"]}
    assert items[late.reference]["overdue"] is True
    assert items[recent.reference]["overdue"] is False
    assert items[late.reference]["legal_deadline"] == late.legal_deadline.isoformat()
    assert items[late.reference]["deadline"] == late.legal_deadline.isoformat()
    assert items[decided_late.reference]["deadline"] == decided_late.legal_deadline.isoformat()
    # Once the rejection is notified (late), the clock stops: no deadline, not overdue.
    from notices.services import case_notification_record

    case_notification_record(
        actor=world["intake"],
        case=decided_late.reference,
        recipient_role="agent",
        channel="hand",
        sent_at=timezone.now(),
    )
    assert refs("true") == {late.reference, old_proposal.reference}
    items = {i["reference"]: i for i in api_client.get(LIST_URL).json()["results"]}
    assert items[decided_late.reference]["deadline"] is None


def test_overdue_follows_the_collectivity_months(world, api_client):
    world.collectivity.rejection_notice_months = 2  # a province or a region: OL 112-14 art. 116
    world.collectivity.save()
    yesterday = timezone.now() - datetime.timedelta(days=1)
    late_for_two_months = _petition_filed_at(
        world, timezone.now() - datetime.timedelta(days=75), reviewed_at=yesterday
    )
    refs = [i["reference"] for i in api_client.get(LIST_URL, {"overdue": "true"}).json()["results"]]
    assert refs == [late_for_two_months.reference]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "letter"},
        {"state": "lost"},
        {"committee": "abc"},
        {"committee": "1.5"},
        {"committee": "0"},
        {"committee": "99999999999999999999999999"},
        {"committee": "1e400"},
        {"year": "twenty"},
        {"year": "-3"},
        {"year": "99999999999999999999"},
        {"overdue": "maybe"},
        {"collectivity": "no such slug!"},
        {"search": "x" * 500},
        {"search": "lighting\x00"},
    ],
)
def test_invalid_filters_are_a_400(world, api_client, params):
    body = assert_error(api_client.get(LIST_URL, params), 400, "invalid")
    assert set(body["fields"]) <= set(params)


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1"])
def test_invalid_pages_are_a_404_with_the_error_shape(world, api_client, page):
    world.case_in("submitted")
    assert_error(api_client.get(LIST_URL, {"page": page}), 404, "not_found")


def test_unknown_collectivity_filter_is_a_404(world, api_client):
    assert_error(api_client.get(LIST_URL, {"collectivity": "atlantis"}), 404, "not_found")


def test_list_is_paginated_by_fifty(world, api_client):
    for _ in range(51):
        world.case_in("submitted")
    first = api_client.get(LIST_URL).json()
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["next"]
    second = api_client.get(LIST_URL, {"page": 2}).json()
    assert len(second["results"]) == 1


def _list_queries(api_client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(LIST_URL, {"overdue": "false"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(world, api_client):
    states = ["in_committee", "on_agenda", "in_implementation"]
    for state in states:
        world.case_in(state)
    few = _list_queries(api_client)
    for i in range(17):
        world.case_in(states[i % 3], "proposal" if i % 2 else "advisory_opinion")
    world.case_in("submitted", "petition")
    assert api_client.get(LIST_URL).json()["count"] == 21
    assert _list_queries(api_client) == few


def test_list_does_not_accept_writes_other_than_post(world, api_client):
    assert_error(api_client.delete(LIST_URL), 405, "method_not_allowed")

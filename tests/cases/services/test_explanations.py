"""Explanations that mean something (docs/domain.md §3.2): the reason for following or not following a
linked opinion is a justification like any other (the collectivity's minimum of letters), and a
rejection names a reason code chosen explicitly, never a silent "other"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from audit.models import TransitionEntry
from cases import lifecycle, services
from cases import states as S
from cases.forms import TransitionForm
from cases.models import OpinionOutcome
from core import errors, roles

LONG_REASON = "The commission's advice on women-headed households shaped the distribution plan."


@pytest.fixture
def with_opinion(world):
    target = world.case_in("on_agenda", "proposal")
    opinion = world.case_in("in_committee", "advisory_opinion", related_case=target.reference)
    return target, opinion


@pytest.mark.parametrize("reason", ["Sound.", "It was good advice.", "   ", "." * 80])
def test_an_opinion_answered_with_too_short_a_reason_is_refused(world, with_opinion, reason):
    target, opinion = with_opinion
    minimum = world.collectivity.justification_min_chars
    before = TransitionEntry.objects.count()
    payload = world.payload_for("adopt")
    payload["opinions"] = [{"reference": opinion.reference, "followed": False, "reason": reason}]
    with translation.override("en"), pytest.raises(errors.GuardFailed) as refused:
        services.case_transition(
            actor=world["secretariat"], case=target.reference, name="adopt", data=payload
        )
    assert "opinions" in refused.value.field_errors
    assert opinion.reference in refused.value.detail
    if reason.strip(" ."):
        assert f"at least {minimum} letters" in refused.value.detail
    assert TransitionEntry.objects.count() == before
    target.refresh_from_db()
    assert target.state == S.ON_AGENDA
    assert not OpinionOutcome.objects.filter(opinion=opinion).exists()


def test_the_minimum_follows_the_collectivity_setting(world, with_opinion):
    target, opinion = with_opinion
    world.collectivity.justification_min_chars = 10
    world.collectivity.save()
    payload = world.payload_for("adopt")
    payload["opinions"] = [
        {"reference": opinion.reference, "followed": True, "reason": "It was good advice."}
    ]
    decided = services.case_transition(
        actor=world["secretariat"], case=target.reference, name="adopt", data=payload
    )
    assert decided.state == S.ADOPTED
    assert OpinionOutcome.objects.get(opinion=opinion).reason == "It was good advice."


def test_a_long_enough_reason_passes(world, with_opinion):
    target, opinion = with_opinion
    payload = world.payload_for("reject")
    payload["opinions"] = [{"reference": opinion.reference, "followed": False, "reason": LONG_REASON}]
    decided = services.case_transition(
        actor=world["secretariat"], case=target.reference, name="reject", data=payload
    )
    assert decided.state == S.REJECTED
    assert OpinionOutcome.objects.get(opinion=opinion).followed is False


@pytest.mark.parametrize("missing", [None, "", []])
def test_reject_without_a_reason_code_is_refused(world, missing):
    case = world.case_in("on_agenda")
    payload = world.payload_for("reject")
    if missing is None:
        payload.pop("reason_code")
    else:
        payload["reason_code"] = missing
    before = TransitionEntry.objects.filter(case_id=case.pk).count()
    with pytest.raises(errors.GuardFailed) as refused:
        services.case_transition(actor=world["secretariat"], case=case.reference, name="reject", data=payload)
    assert "reason_code" in refused.value.field_errors
    case.refresh_from_db()
    assert case.state == S.ON_AGENDA and case.decision_reason_code == ""
    assert TransitionEntry.objects.filter(case_id=case.pk).count() == before


def test_other_chosen_explicitly_is_recorded(world):
    case = world.case_in("on_agenda")
    payload = {**world.payload_for("reject"), "reason_code": "other"}
    decided = services.case_transition(
        actor=world["secretariat"], case=case.reference, name="reject", data=payload
    )
    assert decided.decision_reason_code == "other"


def test_the_president_rejecting_a_proposal_names_the_reason_too(world):
    case = world.case_in("reported")
    payload = {"justification": world.payload_for("reject")["justification"]}
    with pytest.raises(errors.GuardFailed) as refused:
        services.case_transition(actor=world["president"], case=case.reference, name="reject", data=payload)
    assert "reason_code" in refused.value.field_errors
    payload["reason_code"] = "budget"
    decided = services.case_transition(
        actor=world["president"], case=case.reference, name="reject", data=payload
    )
    assert decided.decision_reason_code == "budget"


def test_the_api_requires_the_reason_code(world):
    case = world.case_in("on_agenda")
    payload = world.payload_for("reject")
    payload.pop("reason_code")
    url = reverse("api:case-transition", kwargs={"reference": case.reference, "name": "reject"})
    client = APIClient()
    client.force_authenticate(world["secretariat"])
    answer = client.post(url, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "guard_failed"
    assert "reason_code" in body["fields"]
    case.refresh_from_db()
    assert case.state == S.ON_AGENDA
    assert client.post(url, {**payload, "reason_code": "budget"}, format="json").status_code == 200


def test_the_staff_form_offers_an_empty_choice_first_and_requires_it(world):
    case = world.case_in("on_agenda")
    spec = lifecycle.TRANSITIONS["reject"]
    form = TransitionForm(spec=spec, case=case)
    choices = list(form.fields["reason_code"].choices)
    assert choices[0][0] == ""
    assert form.fields["reason_code"].required
    data = {k: v for k, v in world.payload_for("reject").items() if k != "reason_code"}
    bound = TransitionForm({**data, "expected_state": case.state}, spec=spec, case=case)
    assert not bound.is_valid()
    assert "reason_code" in bound.errors


def test_the_staff_page_refuses_a_rejection_without_reason(client, world):
    case = world.case_in("on_agenda")
    client.force_login(world[roles.SECRETARIAT])
    data = {k: v for k, v in world.payload_for("reject").items() if k != "reason_code"}
    response = client.post(
        reverse("staff:transition", args=[case.reference, "reject"]),
        {**data, "reason_code": "", "expected_state": case.state},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == S.ON_AGENDA

"""Audited actions that are not transitions: progress, milestones, corrections, linked opinions."""

import pytest
from django.core.management import call_command

from audit.models import TransitionEntry
from cases import services
from cases.models import Case, OpinionOutcome, ProgressUpdate
from core import errors
from notifications.models import OutboxEvent
from organisation import services as org_services
from tests.factories import JUSTIFICATION


def _counts():
    return (TransitionEntry.objects.count(), OutboxEvent.objects.count(), ProgressUpdate.objects.count())


def test_progress_update_is_audited(world):
    case = world.case_in("in_implementation")
    before = _counts()
    services.case_progress_add(
        actor=world["service"], case=case.reference, percent=40, note="Poles installed"
    )
    case.refresh_from_db()
    assert case.progress_percent == 40
    assert _counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert TransitionEntry.objects.filter(case=case).last().transition == "progress"
    call_command("verify_audit")


@pytest.mark.parametrize(
    "actor, percent, note, error",
    [
        ("outsider", 40, "ok", errors.TransitionNotAllowed),
        ("citizen", 40, "ok", errors.TransitionNotAllowed),
        ("service", 140, "ok", errors.GuardFailed),
        ("service", "abc", "ok", errors.GuardFailed),
        ("service", 40, "  ", errors.GuardFailed),
    ],
)
def test_progress_refused(world, actor, percent, note, error):
    case = world.case_in("in_implementation")
    user = world.outsider_service_member if actor == "outsider" else world[actor]
    before = _counts()
    with pytest.raises(error):
        services.case_progress_add(actor=user, case=case.reference, percent=percent, note=note)
    assert _counts() == before


def test_progress_only_in_implementation(world):
    case = world.case_in("adopted")
    with pytest.raises(errors.InvalidTransition):
        services.case_progress_add(actor=world["service"], case=case.reference, percent=10, note="early")


def test_milestones(world):
    case = world.case_in("in_implementation")
    milestone = services.case_milestone_add(
        actor=world["service"], case=case, title="Tender", planned_on="2099-01-31"
    )
    services.case_milestone_reach(actor=world["service"], milestone_id=milestone.pk)
    milestone.refresh_from_db()
    assert milestone.reached_on is not None
    with pytest.raises(errors.GuardFailed):
        services.case_milestone_add(actor=world["service"], case=case, title="", planned_on="tomorrow")
    call_command("verify_audit")


def test_correction_by_president_keeps_the_original_in_history(world):
    case = world.case_in("adopted")
    corrected = services.case_correct(
        actor=world["president"],
        case=case.reference,
        changes={"deliberation_number": "18/2027"},
        justification=JUSTIFICATION,
    )
    assert corrected.deliberation_number == "18/2027"
    entry = TransitionEntry.objects.filter(case=case).last()
    assert entry.transition == "case_correct"
    assert entry.payload["public"]["changes"]["deliberation_number"] == ["17/2027", "18/2027"]
    call_command("verify_audit")


@pytest.mark.parametrize("role", ["secretariat", "bureau", "citizen", "followup"])
def test_only_the_president_corrects(world, role):
    case = world.case_in("adopted")
    with pytest.raises(errors.TransitionNotAllowed):
        services.case_correct(
            actor=world[role], case=case, changes={"votes_for": 3}, justification=JUSTIFICATION
        )


def test_correction_needs_reason_and_known_fields(world):
    case = world.case_in("rejected")
    before = TransitionEntry.objects.count()
    for changes, justification in [
        ({"votes_for": 3}, "short"),
        ({"state": "adopted"}, JUSTIFICATION),
        ({}, JUSTIFICATION),
        ({"votes_for": -1}, JUSTIFICATION),
        ({"deliberation_number": "17/2027"}, JUSTIFICATION),
    ]:
        with pytest.raises(errors.GuardFailed):
            services.case_correct(
                actor=world["president"], case=case, changes=changes, justification=justification
            )
    assert TransitionEntry.objects.count() == before
    undecided = world.case_in("on_agenda")
    with pytest.raises(errors.InvalidTransition):
        services.case_correct(
            actor=world["president"], case=undecided, changes={"votes_for": 1}, justification=JUSTIFICATION
        )


def test_decision_answers_every_linked_opinion(world):
    target = world.case_in("on_agenda", "petition")
    opinion = world.case_in("in_committee", "advisory_opinion", related_case=target.reference)
    payload = world.payload_for("adopt")
    before = TransitionEntry.objects.count()
    with pytest.raises(errors.GuardFailed) as refused:
        services.case_transition(
            actor=world["secretariat"], case=target.reference, name="adopt", data=payload
        )
    assert "opinions" in refused.value.field_errors
    assert TransitionEntry.objects.count() == before
    payload["opinions"] = [
        {
            "reference": opinion.reference,
            "followed": True,
            "reason": "The opinion was sound and the plan follows it.",
        }
    ]
    decided = services.case_transition(
        actor=world["secretariat"], case=target.reference, name="adopt", data=payload
    )
    assert decided.state == "adopted"
    outcome = OpinionOutcome.objects.get(opinion=opinion)
    assert outcome.followed and outcome.decided_case == decided
    assert TransitionEntry.objects.filter(case=opinion).last().transition == "opinion_outcome"
    call_command("verify_audit")


def test_link_opinion_later(world):
    target = world.case_in("in_committee", "proposal")
    opinion = world.case_in("submitted", "children_recommendation")
    linked = services.case_link_opinion(
        actor=world["bureau"], opinion=opinion.reference, target=target.reference
    )
    assert linked.related_case == Case.objects.get(pk=target.pk)
    with pytest.raises(errors.TransitionNotAllowed):
        services.case_link_opinion(actor=world["citizen"], opinion=opinion.reference, target=target.reference)


def test_session_calendar_is_generated_once(world):
    from organisation.models import CouncilSession

    created = org_services.session_calendar_generate(collectivity=world.collectivity, year=2028)
    assert [s.date.month for s in created] == [2, 5, 10]
    assert all(s.date.weekday() < 5 and s.date.day <= 7 for s in created)
    assert org_services.session_calendar_generate(collectivity=world.collectivity, year=2028) == []
    assert CouncilSession.objects.filter(date__year=2028).count() == 3


def test_extraordinary_session_by_secretariat_only(world):
    session = org_services.session_create(actor=world["secretariat"], date="2027-03-15", kind="extraordinary")
    assert session.kind == "extraordinary"
    with pytest.raises(errors.TransitionNotAllowed):
        org_services.session_create(actor=world["citizen"], date="2027-03-16")
    with pytest.raises(errors.InvalidInput):
        org_services.session_create(actor=world["secretariat"], date="2027-03-15", kind="extraordinary")


def test_agenda_puts_petitions_first(world):
    from cases.selectors import agenda_candidates

    proposal = world.case_in("reported", "proposal")
    petition = world.case_in("reported", "petition")
    refs = [c.reference for c in agenda_candidates(collectivity=world.collectivity)]
    assert refs.index(petition.reference) < refs.index(proposal.reference)


def test_staff_page_forms_for_actions(world, client):
    from django.urls import reverse

    case = world.case_in("in_implementation")
    client.force_login(world["service"])
    page = client.get(reverse("staff:case", args=[case.reference]))
    assert reverse("staff:progress", args=[case.reference]) in page.content.decode()
    response = client.post(
        reverse("staff:progress", args=[case.reference]), {"percent": 55, "note": "Half done"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.progress_percent == 55
    bad = client.post(reverse("staff:progress", args=[case.reference]), {"percent": 555, "note": "x"})
    assert bad.status_code == 302
    case.refresh_from_db()
    assert case.progress_percent == 55
    decided = world.case_in("adopted")
    client.force_login(world["president"])
    page = client.get(reverse("staff:case", args=[decided.reference]))
    assert reverse("staff:correct", args=[decided.reference]) in page.content.decode()
    client.post(
        reverse("staff:correct", args=[decided.reference]),
        {"votes_for": 16, "justification": JUSTIFICATION},
    )
    decided.refresh_from_db()
    assert decided.votes_for == 16
    public = client.get(reverse("public:case", args=[decided.reference])).content.decode()
    assert "17/2027" in public  # the original deliberation number stays in the public history


def test_decision_form_asks_for_each_linked_opinion(world, client):
    from django.urls import reverse

    target = world.case_in("on_agenda", "petition")
    opinion = world.case_in("in_committee", "advisory_opinion", related_case=target.reference)
    client.force_login(world["secretariat"])
    body = client.get(reverse("staff:case", args=[target.reference])).content.decode()
    assert f"opinion_{opinion.pk}_followed" in body
    data = {**world.payload_for("adopt"), "expected_state": "on_agenda"}
    refused = client.post(reverse("staff:transition", args=[target.reference, "adopt"]), data)
    assert refused.status_code == 400
    data.update(
        {
            f"opinion_{opinion.pk}_followed": "no",
            f"opinion_{opinion.pk}_reason": "Outside the budget year; the council plans it for the next one.",
        }
    )
    ok = client.post(reverse("staff:transition", args=[target.reference, "adopt"]), data)
    assert ok.status_code == 302
    assert OpinionOutcome.objects.get(opinion=opinion).followed is False
    opinion_page = client.get(reverse("staff:case", args=[opinion.reference])).content.decode()
    assert "Outside the budget year; the council plans it for the next one." in opinion_page

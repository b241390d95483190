"""Opinions still asked of a committee lapse when the case leaves the committee stages (docs/domain.md
§3.6): the council decides, or the filer withdraws. The transition closes them in its own
transaction, with their history rows and no audit entry of their own; a lapsed request is out of the
committee's inbox and counts, cannot be answered, and does not stop a new request."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import TransitionEntry
from cases import committee_selectors, services
from cases.models import CommitteeReferral
from cases.services.committees import lapse_open_referrals
from core import errors
from followup.response_times import committee_work
from tests.cases.conftest import counts
from tests.factories import JUSTIFICATION, CommitteeFactory

OPINION = "The finance committee sees no objection: the budget line exists."
History = CommitteeReferral.history.model

backfill = importlib.import_module("cases.migrations.0005_committee_referral_lapsed_at").lapse_left_behind
backfill_leads = importlib.import_module(
    "cases.migrations.0006_lead_referrals_lapse"
).lapse_lead_referrals_left_behind


def _ask(world, case, committee=None):
    return services.case_request_committee_opinion(
        actor=world["bureau"], case=case.reference, committee=(committee or world.other_committee).pk
    )


def _file(world, case, committee=None, actor=None):
    return services.case_file_committee_opinion(
        actor=actor or world.outsider_committee_member,
        case=case.reference,
        committee=(committee or world.other_committee).pk,
        report=OPINION,
    )


def _walk(world, case, steps):
    for name in steps:
        actor, data = world.actor_for(name, case), world.payload_for(name)
        if name in ("adopt", "reject") and case.state == "reported":
            # A proposal the president decides without a session (docs/domain.md §3.2).
            actor, data = world["president"], {"justification": JUSTIFICATION}
            if name == "reject":
                data["reason_code"] = "budget"
        case = services.case_transition(actor=actor, case=case, name=name, data=data)
    return case


def _snapshot(case):
    return (
        counts(case),
        History.objects.count(),
        list(
            CommitteeReferral.objects.filter(case=case)
            .order_by("id")
            .values_list("reported_at", "report", "lapsed_at")
        ),
    )


LEAVING = {
    "withdrawn_in_committee": ["withdraw"],
    "withdrawn_reported": ["report", "withdraw"],
    "adopted_in_session": ["report", "schedule", "adopt"],
    "rejected_in_session": ["report", "schedule", "reject"],
    "adopted_by_the_president": ["report", "adopt"],
    "rejected_by_the_president": ["report", "reject"],
}


@pytest.mark.parametrize("steps", list(LEAVING.values()), ids=list(LEAVING))
def test_leaving_the_committee_stages_lapses_what_is_unreported_only(world, steps):
    case = world.case_in("in_committee")
    third = CommitteeFactory(collectivity=world.collectivity)
    third_member = world.outsider_committee_member  # sits on both asked committees
    third.members.add(third_member)
    open_one = _ask(world, case)
    answered = _ask(world, case, committee=third)
    _file(world, case, committee=third)
    # Another case's open opinion is not touched.
    elsewhere = world.case_in("in_committee")
    other_open = _ask(world, elsewhere)
    answered_history = History.objects.filter(id=answered.pk).count()
    entries_before = TransitionEntry.objects.filter(case=case).count()

    case = _walk(world, case, steps)

    last = TransitionEntry.objects.filter(case=case).order_by("seq").last()
    assert last.transition == steps[-1]
    # Only the transitions themselves were audited: no entry per lapsed request.
    assert TransitionEntry.objects.filter(case=case).count() == entries_before + len(steps)
    open_one.refresh_from_db()
    assert open_one.lapsed and not open_one.pending
    assert open_one.lapsed_at == last.created_at
    assert open_one.reported_at is None and open_one.report == ""
    # The history row of the lapse, as simple-history would have written it.
    row = History.objects.filter(id=open_one.pk).order_by("-history_id").first()
    assert row.lapsed_at == open_one.lapsed_at and row.history_type == "~"
    assert row.history_date == open_one.lapsed_at
    assert row.history_change_reason == f"transition:{steps[-1]}"
    assert row.history_user_id == last.actor_id
    assert (row.case_id, row.committee_id, row.role, row.due_on) == (
        case.pk,
        world.other_committee.pk,
        "opinion",
        open_one.due_on,
    )
    answered.refresh_from_db()
    assert answered.lapsed_at is None and answered.report == OPINION
    assert History.objects.filter(id=answered.pk).count() == answered_history
    other_open.refresh_from_db()
    assert other_open.pending
    # The lead committee's referral: reported, it is untouched; withdrawn before its report, it
    # lapses with the opinions.
    lead = CommitteeReferral.objects.get(case=case, role="lead")
    if "report" in steps:
        assert lead.reported_at is not None and lead.lapsed_at is None
    else:
        assert lead.lapsed and lead.lapsed_at == last.created_at
        assert History.objects.filter(id=lead.pk).order_by("-history_id").first().lapsed_at == lead.lapsed_at
    call_command("verify_audit")


@pytest.mark.parametrize("steps", [["report"], ["report", "schedule"], ["report", "schedule", "defer"]])
def test_steps_within_the_committee_stages_leave_the_opinion_open(world, steps):
    case = world.case_in("in_committee")
    referral = _ask(world, case)
    case = _walk(world, case, steps)
    referral.refresh_from_db()
    assert referral.pending and referral.lapsed_at is None
    assert _file(world, case).reported_at is not None


def test_a_transition_with_nothing_open_writes_nothing(world):
    case = world.case_in("on_agenda")
    history = History.objects.count()
    _walk(world, case, ["adopt"])
    assert History.objects.count() == history
    assert not CommitteeReferral.objects.filter(lapsed_at__isnull=False).exists()


def test_answering_a_lapsed_request_is_refused_and_changes_nothing(world, client):
    case = world.case_in("in_committee")
    _ask(world, case)
    case = _walk(world, case, ["report", "schedule", "adopt"])
    before = _snapshot(case)
    with translation.override("en"), pytest.raises(errors.OpinionLapsed) as refused:
        _file(world, case)
    assert refused.value.code == "opinion_lapsed" and refused.value.http_status == 409
    assert "lapsed" in refused.value.detail
    assert _snapshot(case) == before

    # The API says the same.
    client.force_login(world.outsider_committee_member)
    url = reverse("api:case-committee-opinion", args=[case.reference, world.other_committee.pk])
    response = client.post(url, {"report": OPINION}, content_type="application/json")
    assert response.status_code == 409 and response.json()["error"] == "opinion_lapsed"
    assert _snapshot(case) == before


def test_a_committee_never_asked_is_still_told_nothing_is_pending(world):
    case = world.case_in("in_committee")
    case = _walk(world, case, ["withdraw"])
    with pytest.raises(errors.InvalidTransition) as refused:
        _file(world, case)
    assert not isinstance(refused.value, errors.OpinionLapsed)


def test_a_lapsed_request_leaves_the_inbox_and_the_counts(world, client):
    case = world.case_in("in_committee")
    referral = _ask(world, case)
    member = world.outsider_committee_member
    assert [r.pk for r in committee_selectors.pending_opinions_for(member)] == [referral.pk]
    case = _walk(world, case, ["report"])
    assert committee_selectors.pending_opinions_by_case([case.pk])[case.pk] == [referral]

    case = _walk(world, case, ["withdraw"])

    assert not committee_selectors.pending_opinions_for(member).exists()
    assert committee_selectors.pending_opinions_by_case([case.pk]) == {}
    assert committee_selectors.case_opinions_pending(case) == []
    referral.refresh_from_db()
    assert not committee_selectors.opinion_is_overdue(referral, today=datetime.date(2999, 1, 1))
    start = timezone.now() - datetime.timedelta(days=1)
    work = {w.committee_id: w for w in committee_work(start=start, end=timezone.now())}
    assert world.other_committee.pk not in work or work[world.other_committee.pk].opinion.open_now == 0
    client.force_login(member)
    assert 'id="opinions"' not in client.get(reverse("workflows:inbox")).content.decode()

    # The API lists it, lapsed and not overdue.
    rows = client.get(reverse("api:case-committees", args=[case.reference])).json()
    (row,) = [r for r in rows if r["role"] == "opinion"]
    assert row["lapsed_at"] is not None and row["reported_at"] is None and row["overdue"] is False


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        (["withdraw"], "le dossier a été retiré"),
        (["report", "schedule", "adopt"], "le conseil a statué"),
    ],
)
def test_the_staff_case_page_shows_the_lapsed_request(world, client, steps, reason):
    case = world.case_in("in_committee")
    _ask(world, case)
    case = _walk(world, case, steps)
    body = _staff_page_in_french(world, client, case)
    assert "caduque" in body and f"{reason} avant que cet avis ne soit rendu" in body
    assert "has not reported yet" not in body


def test_a_lapsed_request_does_not_stop_a_new_one(world):
    """Should a case come back to the committee with a request lapsed (no step does so today: a
    return to committee, `defer`, keeps the request open), the committee can be asked afresh; two
    open requests to one committee stay refused by the constraint."""
    case = world.case_in("in_committee")
    first = _ask(world, case)
    with transaction.atomic():
        lapse_open_referrals(case, actor=world["secretariat"], at=timezone.now(), reason="test")
    first.refresh_from_db()
    assert first.lapsed
    second = _ask(world, case)
    assert second.pk != first.pk and second.pending
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeReferral.objects.create(case=case, committee=world.other_committee, role="opinion")
    assert _file(world, case).pk == second.pk


def test_the_migration_lapses_the_opinions_left_behind(world):
    decided = world.case_in("in_committee")
    left_behind = _ask(world, decided)
    decided = _walk(world, decided, ["report", "schedule", "adopt"])
    still_open = _ask(world, world.case_in("in_committee"))
    # As the rows stood before lapsing existed.
    CommitteeReferral.objects.filter(pk=left_behind.pk).update(lapsed_at=None)

    backfill(apps, None)

    left_behind.refresh_from_db()
    still_open.refresh_from_db()
    assert left_behind.lapsed_at == decided.decided_at
    assert still_open.pending


def test_the_migration_lapses_the_lead_referrals_left_behind(world):
    withdrawn = _walk(world, world.case_in("in_committee"), ["withdraw"])
    reported = _walk(world, world.case_in("in_committee"), ["report"])
    in_committee = world.case_in("in_committee")
    # As the rows stood before the lead referral lapsed too.
    CommitteeReferral.objects.filter(case=withdrawn).update(lapsed_at=None)

    backfill_leads(apps, None)

    lead = CommitteeReferral.objects.get(case=withdrawn, role="lead")
    assert lead.lapsed_at == withdrawn.closed_at
    assert CommitteeReferral.objects.get(case=reported, role="lead").lapsed_at is None
    assert CommitteeReferral.objects.get(case=in_committee, role="lead").pending


def test_the_staff_case_page_says_the_lead_committee_never_reported(world, client):
    case = _walk(world, world.case_in("in_committee"), ["withdraw"])
    body = _staff_page_in_french(world, client, case)
    assert "le dossier a été retiré avant que la commission ne rende son rapport" in body


def _staff_page_in_french(world, client, case) -> str:
    bureau = world["bureau"]
    bureau.language = "fr"
    bureau.save(update_fields=["language"])
    client.force_login(bureau)
    page = client.get(reverse("staff:case", args=[case.reference]), HTTP_ACCEPT_LANGUAGE="fr")
    body = page.content.decode()
    assert 'lang="fr"' in body
    return body

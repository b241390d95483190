"""`manage.py seed_demo` (docs/domain.md §11): the Demnate demo, seeded once per module.

The module fixture runs the command twice (the second time with another password) inside a
transaction rolled back when the module ends; each test runs in its own savepoint.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import TransitionEntry
from cases import selectors as case_selectors
from cases import states as S
from cases.models import Case
from core import roles, text
from demo import data as demo
from organisation.models import Association, Collectivity, Committee, CouncilSession, Service
from tests.factories import ensure_role_groups, path_to

KINDS = ("petition", "proposal", "advisory_opinion", "children_recommendation")
SECOND_PASSWORD = "autre-mot-de-passe"
COUNTED = (Collectivity, Committee, Service, CouncilSession, Association, User, Case, TransitionEntry)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@dataclass(frozen=True)
class Seeded:
    first_output: str
    second_output: str
    after_first: dict[str, int]
    after_second: dict[str, int]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # A transactional test run earlier on this worker flushed the rows the migrations wrote.
        ensure_role_groups()
        first, second = io.StringIO(), io.StringIO()
        call_command("seed_demo", stdout=first)
        after_first = _counts()
        call_command("seed_demo", "--password", SECOND_PASSWORD, stdout=second)
        yield Seeded(first.getvalue(), second.getvalue(), after_first, _counts())
        transaction.set_rollback(True)


def test_every_kind_and_every_state(seeded, db):
    demnate = Collectivity.objects.get(slug="demnate")
    cases = Case.objects.filter(collectivity=demnate)
    assert cases.count() >= 60
    pairs = set(cases.values_list("kind", "state"))
    assert {kind for kind, _state in pairs} == set(KINDS)
    for kind in KINDS:
        reachable = {state for state in S.ALL_STATES if path_to(kind, state) is not None}
        present = {state for k, state in pairs if k == kind}
        assert present == reachable, f"{kind}: missing {sorted(reachable - present)}"
    assert {state for _kind, state in pairs} == set(S.ALL_STATES)
    assert "Seeded" in seeded.first_output and "petition" not in seeded.first_output.split("state")[0]


def test_running_it_again_duplicates_nothing(seeded, db):
    assert seeded.after_first == seeded.after_second
    assert "already seeded" in seeded.second_output
    assert Collectivity.objects.filter(slug="demnate").count() == 1
    assert _counts() == seeded.after_second


def test_one_user_per_role_group_with_a_working_password(seeded, db, client):
    demnate = Collectivity.objects.get(slug="demnate")
    for group in roles.ROLE_GROUPS:
        user = User.objects.get(username=group)
        assert group in user.group_names()
        assert user.email == f"{group}@demnate.example"
        assert user.language == "ar"
        if group in roles.STAFF_GROUPS:
            assert user.collectivity_id == demnate.pk
        # The second run reset every demo password to the one it was given.
        # Checked on the user: logging in is django-axes' business (tests/accounts/test_lockout.py).
        assert user.check_password(SECOND_PASSWORD), group
        assert not user.check_password(demo.DEFAULT_PASSWORD), group


def test_committee_and_service_users_sit_on_the_lowest_ids(seeded, db):
    committee = Committee.objects.order_by("id").first()
    service = Service.objects.order_by("id").first()
    assert committee.members.filter(username="committee").exists()
    assert committee.chair.username == "committee"
    assert service.members.filter(username="service").exists()
    assert service.head.username == "service"
    association = User.objects.get(username="association").associations.get()
    assert association.representative.username == "association"
    # Scoping shows: other committees and services have their own members and cases.
    assert Committee.objects.exclude(pk=committee.pk).filter(members__isnull=False).distinct().count() >= 3
    assert Service.objects.exclude(pk=service.pk).filter(members__isnull=False).distinct().count() >= 3
    assert Case.objects.filter(committee=committee).exists()
    assert Case.objects.exclude(committee=committee).exclude(committee=None).exists()
    assert Case.objects.filter(service=service).exists()


def test_demnate_and_its_organisation(seeded, db):
    demnate = Collectivity.objects.get(slug="demnate")
    assert (demnate.code, demnate.name_fr, demnate.name_ar) == ("DMN", "Commune de Demnate", "جماعة دمنات")
    assert demnate.type == Collectivity.Type.COMMUNE and not demnate.has_arrondissements
    assert demnate.population_legal == 23459
    assert demnate.petition_min_signatures == 100
    committees = Committee.objects.filter(collectivity=demnate).count()
    assert demnate.standing_committees_min <= committees <= demnate.standing_committees_max
    assert Service.objects.filter(collectivity=demnate).count() == 4
    ordinary = CouncilSession.objects.filter(collectivity=demnate, kind=CouncilSession.Kind.ORDINARY)
    assert {(s.date.year, s.date.month) for s in ordinary} == {
        (year, month) for year in (2025, 2026, 2027) for month in (2, 5, 10)
    }
    assert all(s.date.day <= 7 for s in ordinary)
    assert CouncilSession.objects.filter(
        collectivity=demnate, kind=CouncilSession.Kind.EXTRAORDINARY
    ).exists()
    associations = Association.objects.filter(collectivity=demnate)
    assert associations.count() >= 6
    three_years_ago = timezone.localdate() - datetime.timedelta(days=3 * 365)
    assert associations.filter(founded_on__gt=three_years_ago).exists()
    assert associations.filter(founded_on__lt=three_years_ago).exists()
    assert associations.filter(charter_signed_on__isnull=False).exists()
    assert associations.filter(charter_promoter=True).exists()


def test_histories_are_back_dated_and_consistent(seeded, db):
    now = timezone.now()
    entries = list(TransitionEntry.objects.order_by("case_id", "seq"))
    assert all(e.created_at <= now for e in entries)
    years = {timezone.localtime(e.created_at).year for e in entries}
    assert {2025, 2026} <= years
    by_case: dict[int, list] = {}
    for e in entries:
        by_case.setdefault(e.case_id, []).append(e)
    for case in Case.objects.all():
        chain = by_case.get(case.pk, [])
        stamps = [case.created_at] + [e.created_at for e in chain]
        assert stamps == sorted(stamps), case.reference
        assert case.audit_count == len(chain)
    # Decisions are explained and numbered; some cases have waited for months.
    decisions = Case.objects.filter(decided_at__isnull=False)
    assert decisions.exists()
    for case in decisions:
        assert text.letter_count(case.decision_justification) >= 30, case.reference
        if case.session_id and case.state not in (S.INADMISSIBLE,):
            assert re.fullmatch(r"\d+/20\d\d", case.deliberation_number), case.reference
            assert case.votes_for is not None
    months_ago = now - datetime.timedelta(days=100)
    assert Case.objects.filter(state__in=S.OPEN_STATES, state_entered_at__lt=months_ago).count() >= 5
    assert Case.objects.filter(
        state__in=S.OPEN_STATES, state_entered_at__gt=now - datetime.timedelta(days=15)
    ).exists()
    assert Case.objects.filter(state=S.IN_IMPLEMENTATION, planned_end__lt=timezone.localdate()).exists()
    # Desk filings keep the person's name; opinions point at the case they are about.
    assert (
        Case.objects.filter(channel=Case.Channel.DESK, filed_by__username="intake")
        .exclude(submitter_name="")
        .exists()
    )
    assert Case.objects.filter(kind="advisory_opinion", related_case__kind="petition").exists()
    petitions = Case.objects.filter(kind="petition").exclude(state=S.DRAFT)
    assert all(p.reasons and p.objectives for p in petitions)


def test_filed_petitions_meet_the_filing_conditions(seeded, db):
    """OL 113-14 art. 123-124: citizens' petitions carry the minimum of signatures, associations'
    petitions the association's documents; both were in place before the filing."""
    pass  # import removed

    demnate = Collectivity.objects.get(slug="demnate")
    filed = Case.objects.filter(collectivity=demnate, kind="petition", submitted_at__isnull=False)
    assert (
        filed.filter(association__isnull=True).exists() and filed.filter(association__isnull=False).exists()
    )
    for case in filed:
        if case.association_id is None:
            assert case_selectors.case_signature_count(case) >= demnate.petition_min_signatures, (
                case.reference
            )
            assert all(s.created_at < case.submitted_at for s in case.signatures.all())
        else:
            purposes = set(case.attachments.values_list("purpose", flat=True))
            assert {"final_receipt", "statutes", "mandate"} <= purposes, case.reference
    # A petition still collecting signatures shows its progress.
    collecting = Case.objects.filter(kind="petition", state=S.DRAFT, association__isnull=True)
    assert any(
        0 < case_selectors.case_signature_count(c) < demnate.petition_min_signatures for c in collecting
    )


def test_referred_petitions_have_a_complete_checklist(seeded, db):
    """OL 113-14 art. 125 §2-3: every demo petition that reached a committee was found admissible on
    each condition of its checklist, the direct common interest included."""
    from petitions import admissibility

    referred = Case.objects.filter(kind="petition", committee__isnull=False)
    assert referred.filter(association__isnull=True).exists()
    for case in referred:
        items = admissibility.checklist_items(case)
        assert items and all(item["met"] is True for item in items), case.reference
        if case.association_id is None:
            assert "direct_interest" in [item["code"] for item in items]


def test_verify_audit_passes_after_seeding(seeded, db):
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=io.StringIO())
    assert "intact" in out.getvalue()


def test_the_plan_is_deterministic():
    end = datetime.datetime(2026, 11, 27, 17, 0, tzinfo=datetime.UTC)
    sessions = demo.session_calendar()

    def snapshot():
        return [
            (p.spec.key, p.created, [(s.name, s.at, sorted(s.data.items()), s.session) for s in p.steps])
            for p in demo.Planner(end=end, sessions=sessions).plan()
        ]

    assert snapshot() == snapshot()


def test_a_failing_case_is_named(db, monkeypatch):
    broken = demo.Spec(
        "X01",
        "petition",
        S.SUBMITTED,
        "citizen",
        "عريضة بدون أسباب",
        "وصف العريضة",
        reasons="",
        objectives="",
    )
    monkeypatch.setattr(demo, "CASES", (broken,))
    # A transactional test run earlier on this worker may have flushed the role groups the
    # migrations wrote; without them seed_demo stops before the case this test is about.
    ensure_role_groups()
    before = _counts()
    with pytest.raises(CommandError) as excinfo:
        call_command("seed_demo", stdout=io.StringIO())
    message = str(excinfo.value)
    assert "[X01]" in message and "عريضة بدون أسباب" in message and "submit" in message
    # All or nothing: the failed run left nothing behind.
    assert _counts() == before
    assert not Case.objects.filter(title="عريضة بدون أسباب").exists()


def test_the_action_plan_is_seeded_from_the_charter(seeded, db):
    from followup.models import ActionActivity, ActionAxis, ActionIndicator

    demnate = Collectivity.objects.get(slug="demnate")
    axes = list(ActionAxis.objects.filter(collectivity=demnate).order_by("number"))
    assert [a.number for a in axes] == [1, 2, 3, 4, 5, 6]  # seeded once, not twice
    assert "مجلس الطفل" in axes[3].title_ar and "Conseil de l'enfant" in axes[3].title_fr
    assert ActionActivity.objects.filter(axis__collectivity=demnate).count() == 9
    indicators = ActionIndicator.objects.filter(axis__collectivity=demnate)
    assert indicators.count() == 17  # 2 + 3 + 2 + 3 + (2 + the two of charter 7.3) + 3
    assert all(i.title_ar and i.title_fr for i in indicators)
    assert indicators.exclude(binding="").count() >= 9


def test_a_petition_is_open_for_signing(seeded, db, client):
    # Issue 13: the demo's /petitions/ is not empty; the list links to the signing page.
    from petitions.selectors import petitions_collecting

    open_for_signing = list(petitions_collecting())
    assert open_for_signing
    html = client.get("/petitions/").content.decode()
    assert open_for_signing[0].reference in html


def test_the_demo_shows_opinions_of_further_committees(seeded, db):
    """docs/domain.md §3.6: one opinion waits in the `committee` user's inbox, one is filed and public."""
    from django.contrib.auth import get_user_model

    from cases import committee_selectors
    from cases.models import CommitteeReferral

    member = get_user_model().objects.get(username="committee")
    assert committee_selectors.pending_opinions_for(member).exists()
    filed = CommitteeReferral.objects.filter(role="opinion", reported_at__isnull=False)
    assert filed.count() == 1 and filed.get().report
    # Only a second committee is ever asked, never the case's lead committee.
    for referral in CommitteeReferral.objects.filter(role="opinion").select_related("case"):
        assert referral.committee_id != referral.case.committee_id


def test_the_charter_bodies_fill_their_screens(seeded, db, client):
    from organisation.models import Association, Partnership
    from participation.models import (
        ChildMember,
        ChildSummary,
        CommissionMember,
        DecisionRating,
        OpinionRequest,
    )
    from participation.selectors import late_opinion_requests

    assert CommissionMember.objects.filter(role="secretary", user__username="equality_commission").exists()
    assert CommissionMember.objects.count() >= 5 and ChildMember.objects.count() >= 5
    assert OpinionRequest.objects.filter(opinion__isnull=False).exists()
    assert late_opinion_requests(collectivity=None).exists()
    assert Partnership.objects.exists() and Association.objects.filter(status="pending").exists()
    assert DecisionRating.objects.count() >= 3
    decided_children = Case.objects.filter(kind="children_recommendation", decided_at__isnull=False)
    assert decided_children.exists()
    assert ChildSummary.objects.count() == decided_children.count()
    for role, path in (
        ("equality_commission", "/staff/bodies/commission/"),
        ("children_council", "/staff/bodies/children/"),
        ("bureau", "/staff/bodies/associations/"),
        ("followup", "/staff/audit/"),
    ):
        client.force_login(User.objects.get(username=role))
        assert client.get(path).status_code == 200, path
    client.logout()
    assert client.get("/associations/").status_code == 200

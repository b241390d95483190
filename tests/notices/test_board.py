"""The notice board of OL 113-14 art. 273: decisions posted within `decision_posting_days` of the
session, a printable A3 notice, the posting recorded, late postings flagged in the follow-up audit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from audit.models import TransitionEntry
from cases import services as case_services
from cases.models import Case
from core import roles
from core.errors import GuardFailed, TransitionNotAllowed
from notices import rules, selectors, services
from notices.models import DecisionPosting
from organisation.models import CouncilSession
from tests.notices.conftest import day

pytestmark = pytest.mark.django_db


def _ruled_by_president(world, decided: int = 40):
    """A proposal the president adopted on day `decided` (no session): its posting is due 8 days on."""
    case = world.new_case("proposal")
    for n, name in enumerate(["submit", "start_review", "refer_to_committee", "report"]):
        case = case_services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name), at=day(n)
        )
    data = {**world.payload_for("adopt")}
    return case_services.case_transition(
        actor=world[roles.PRESIDENT], case=case, name="adopt", data=data, at=day(decided)
    )


def test_posting_is_due_after_the_session_end():
    from organisation.models import Collectivity

    collectivity = Collectivity(decision_posting_days=8)
    session = CouncilSession(pk=1, date=datetime.date(2027, 2, 1), end_date=datetime.date(2027, 2, 5))
    case = Case(collectivity=collectivity, session=session, decided_by_president=False)
    decided = timezone.make_aware(datetime.datetime(2027, 2, 3, 11, 0))
    assert rules.posting_due_on(case, decided) == datetime.date(2027, 2, 13)
    collectivity.decision_posting_days = 3
    assert rules.posting_due_on(case, decided) == datetime.date(2027, 2, 8)
    ruling = Case(collectivity=collectivity, decided_by_president=True)
    assert rules.posting_due_on(ruling, decided) == datetime.date(2027, 2, 6)


def test_board_lists_decisions_and_flags_late_postings(world, client):
    council = world.case_in("adopted", kind="proposal")
    ruled = _ruled_by_president(world, decided=40)
    rows = {row["case"].reference: row for row in selectors.notice_board(collectivity=world.collectivity)}
    assert set(rows) == {council.reference, ruled.reference}
    # Decided on day 40 (14 February 2026), not posted by day 48: late.
    assert rows[ruled.reference]["due_on"] == datetime.date(2026, 2, 22)
    assert rows[ruled.reference]["late"] is True
    assert rows[council.reference]["late"] is False
    with translation.override("en"):
        page = client.get("/notice-board/")
    assert page.status_code == 200
    html = page.content.decode()
    assert council.reference in html and ruled.reference in html
    assert "late" in html


def test_posting_recorded_with_an_audit_entry(world):
    ruled = _ruled_by_president(world, decided=40)
    posting = services.decision_posting_record(
        actor=world[roles.SECRETARIAT], case=ruled.reference, posted_on=datetime.date(2026, 2, 20)
    )
    assert posting.due_on == datetime.date(2026, 2, 22)
    assert not posting.late
    entry = TransitionEntry.objects.filter(case=ruled, transition="board_posting").get()
    assert entry.payload["public"]["posted_on"] == "2026-02-20"
    row = selectors.notice_board(collectivity=world.collectivity)[0]
    assert row["posted_on"] == datetime.date(2026, 2, 20) and row["late"] is False
    with pytest.raises(GuardFailed):  # once per decision
        services.decision_posting_record(
            actor=world[roles.SECRETARIAT], case=ruled.reference, posted_on=datetime.date(2026, 2, 21)
        )


def test_posting_refusals(world):
    ruled = _ruled_by_president(world, decided=40)
    with pytest.raises(TransitionNotAllowed):
        services.decision_posting_record(
            actor=world[roles.CITIZEN], case=ruled.reference, posted_on=datetime.date(2026, 2, 20)
        )
    with pytest.raises(GuardFailed) as exc:
        services.decision_posting_record(
            actor=world[roles.SECRETARIAT], case=ruled.reference, posted_on=datetime.date(2026, 2, 1)
        )
    assert "posted_on" in exc.value.field_errors
    with pytest.raises(GuardFailed):
        services.decision_posting_record(
            actor=world[roles.SECRETARIAT],
            case=ruled.reference,
            posted_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    undecided = world.case_in("reported")
    with pytest.raises(GuardFailed):
        services.decision_posting_record(
            actor=world[roles.SECRETARIAT], case=undecided.reference, posted_on=timezone.localdate()
        )
    assert not DecisionPosting.objects.exists()


def test_late_posting_is_flagged_in_the_followup_audit(world, client):
    ruled = _ruled_by_president(world, decided=40)
    services.decision_posting_record(
        actor=world[roles.SECRETARIAT], case=ruled.reference, posted_on=datetime.date(2026, 3, 2)
    )
    client.force_login(world[roles.FOLLOWUP])
    with translation.override("en"):
        page = client.get("/staff/audit/?from=2026-01-01&to=2026-06-30")
    assert page.status_code == 200
    [row] = page.context["postings"]
    assert row["reference"] == ruled.reference and row["late"] is True
    assert row["posted_on"] == datetime.date(2026, 3, 2)
    api = client.get("/api/v1/audit/response-times/?from=2026-01-01&to=2026-06-30").json()
    assert api["postings"][0]["late"] is True


def test_staff_records_the_posting_from_the_case_page(world, client):
    ruled = _ruled_by_president(world, decided=40)
    client.force_login(world[roles.SECRETARIAT])
    page = client.get(f"/staff/cases/{ruled.reference}/")
    assert f"/staff/cases/{ruled.reference}/posting/" in page.content.decode()
    response = client.post(f"/staff/cases/{ruled.reference}/posting/", {"posted_on": "2026-02-25"})
    assert response.status_code == 302
    assert DecisionPosting.objects.get(case=ruled).late is True
    bad = client.post(f"/staff/cases/{ruled.reference}/posting/", {"posted_on": "not a day"})
    assert bad.status_code == 302
    assert DecisionPosting.objects.count() == 1


def test_a3_notice_prints(world, client):
    council = world.case_in("adopted", kind="proposal")
    with translation.override("en"):
        page = client.get(f"/notice-board/{council.reference}/print/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "notice_a3.css" in html and council.reference in html
    assert client.get("/notice-board/DMN-PRO-2099-0001/print/").status_code == 404
    undecided = world.case_in("reported")
    assert client.get(f"/notice-board/{undecided.reference}/print/").status_code == 404


def test_the_audit_of_postings_reads_the_same_queries_for_one_decision_or_four(world):
    """The follow-up audit lists the postings due in a period without a query per decision."""
    import datetime as _dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notices import selectors as _selectors

    def count():
        # A wide period: the test sessions are dated some way ahead, and the posting follows them.
        with CaptureQueriesContext(connection) as ctx:
            rows = _selectors.board_postings_for_audit(
                collectivity_id=None, start=_dt.date(2000, 1, 1), end=_dt.date(2100, 1, 1)
            )
        return len(ctx.captured_queries), len(rows)

    world.case_in("adopted", "proposal")
    one, rows_one = count()
    for _n in range(3):
        world.case_in("rejected", "proposal")
    four, rows_four = count()
    assert (rows_one, rows_four) == (1, 4)
    assert one == four

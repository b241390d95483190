"""`import_cases` (README: bringing a commune's past in): the past played through the services,
every row or none, a dry run keeps nothing, a fatal error keeps nothing."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from audit.models import AuditDigest, TransitionEntry
from backfill.importer import ImportFatal, import_cases, read_file
from backfill.models import ImportedCase
from cases import selectors
from cases.models import Case
from core import roles
from notifications.models import OutboxEvent
from petitions.models import AdmissibilityCheck, Signature
from tests.factories import CouncilSessionFactory, World

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Le conseil a examiné le dossier et a décidé en connaissance de cause, après débat."
SESSION_DAY = datetime.date(2025, 10, 6)


@pytest.fixture
def world():
    w = World()
    w.past_session = CouncilSessionFactory(collectivity=w.collectivity, date=SESSION_DAY)
    return w


def row(world, **kw) -> dict:
    base = {
        "kind": "proposal",
        "title": "Éclairage public du quartier Derb Jdid",
        "description": "La rue n'a pas d'éclairage et les habitants se sentent en danger la nuit.",
        "filed_on": "2025-06-02",
        "state": "submitted",
        "submitter_name": "Fatima Zahra Amrani",
    }
    if kw.get("kind") == "petition":
        base["reasons"] = "Les habitants se sentent en danger la nuit."
        base["objectives"] = "Installer dix lampadaires."
    base.update(kw)
    return base


def decided(world, state="adopted", **kw) -> dict:
    data = {
        "state": state,
        "reviewed_on": "2025-06-05",
        "committee": world.committee.name_fr,
        "referred_on": "2025-06-20",
        "report": "La commission a étudié le dossier et recommande son adoption.",
        "recommendation": "adopt" if state != "rejected" else "reject",
        "reported_on": "2025-07-15",
        "session_date": SESSION_DAY.isoformat(),
        "scheduled_on": "2025-09-10",
        "decided_on": "2025-10-07",
        "deliberation_number": "45/2025",
        "votes_for": "15" if state != "rejected" else "3",
        "votes_against": "3" if state != "rejected" else "15",
        "votes_abstain": "1",
        "members_present": "21",
        "justification": JUSTIFICATION,
    }
    if state == "rejected":
        data["reason_code"] = "budget"
    data.update(kw)
    return row(world, **data)


def run(world, rows, **kw):
    return import_cases(collectivity=world.collectivity, actor=world[roles.BUREAU], rows=rows, **kw)


def test_an_implemented_proposal_keeps_its_real_dates_and_chain(world):
    report = run(
        world,
        [
            decided(
                world,
                state="implemented",
                register_number="REG-2025-7",
                service=world.service.name_ar,
                implementation_started_on="2025-10-20",
                planned_end="2026-03-31",
                completed_on="2026-02-15",
                evidence="Dix lampadaires posés rue Derb Jdid; procès-verbal de réception du 15/02/2026.",
            )
        ],
    )
    assert report.errors == [] and report.kept
    case = Case.objects.get(reference=report.imported[0][1])
    assert case.state == "implemented"
    local = timezone.localtime
    assert local(case.submitted_at).date() == datetime.date(2025, 6, 2)
    assert local(case.decided_at).date() == datetime.date(2025, 10, 7)
    assert case.session_id == world.past_session.pk and case.committee_id == world.committee.pk
    assert (case.votes_for, case.votes_against, case.votes_abstain) == (15, 3, 1)
    entries = list(TransitionEntry.objects.filter(case_id=case.pk).order_by("seq"))
    assert [e.transition for e in entries if e.from_state != e.to_state] == [
        "submit",
        "start_review",
        "refer_to_committee",
        "report",
        "schedule",
        "adopt",
        "plan_implementation",
        "complete",
    ]
    assert [local(e.created_at).date() for e in entries] == sorted(
        local(e.created_at).date() for e in entries
    )
    provenance = ImportedCase.objects.get(case=case)
    assert (provenance.register_number, provenance.row, provenance.imported_by) == (
        "REG-2025-7",
        2,
        world[roles.BUREAU],
    )
    # Notified at the time: nothing of 2025 is sent now.
    events = OutboxEvent.objects.filter(subject_type="case", subject_id=case.pk)
    assert events.exists() and set(events.values_list("status", flat=True)) == {"skipped"}
    call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_citizens_petition_counts_its_paper_signatures(world):
    report = run(world, [decided(world, kind="petition", signature_count="140")])
    assert report.errors == [], report.errors
    case = Case.objects.get(reference=report.imported[0][1])
    assert case.state == "adopted" and case.channel == "paper"
    assert not Signature.objects.filter(case=case).exists()  # the lists stay on paper
    assert selectors.case_signature_count(case) == 140
    assert AdmissibilityCheck.objects.filter(case=case, met=True).count() >= 5
    assert TransitionEntry.objects.filter(case_id=case.pk, transition="paper_history_recorded").exists()


def test_an_associations_petition_rejected(world):
    report = run(
        world,
        [decided(world, kind="petition", state="rejected", association=world.association.name_fr)],
    )
    assert report.errors == [], report.errors
    case = Case.objects.get(reference=report.imported[0][1])
    assert case.state == "rejected" and case.association_id == world.association.pk
    assert case.decision_reason_code == "budget"


def test_a_petition_with_too_few_signatures_is_refused_by_the_filing_guard(world):
    report = run(world, [row(world, kind="petition", signature_count="3")])
    assert report.imported == [] and not report.kept
    assert [(e.row, e.column) for e in report.errors] == [(2, "signature_count")]
    assert not Case.objects.exists()


def test_withdrawn_inadmissible_and_president_rulings(world):
    report = run(
        world,
        [
            row(world, state="withdrawn", reviewed_on="2025-06-04", withdrawn_on="2025-06-10"),
            row(
                world,
                title="Piscine municipale",
                state="inadmissible",
                inadmissible_reason="competence",
                decided_on="2025-06-30",
                justification=JUSTIFICATION,
            ),
            decided(
                world, title="Marché couvert", decided_by_president="oui", scheduled_on="", session_date=""
            ),
        ],
    )
    assert report.errors == [], report.errors
    states = dict(Case.objects.values_list("title", "state"))
    assert states == {
        "Éclairage public du quartier Derb Jdid": "withdrawn",
        "Piscine municipale": "inadmissible",
        "Marché couvert": "adopted",
    }
    assert Case.objects.get(title="Marché couvert").decided_by_president


def test_a_dry_run_keeps_nothing(world):
    report = run(world, [decided(world), row(world, title="Deuxième")], dry_run=True)
    assert report.valid == 2 and report.errors == [] and not report.kept
    assert not Case.objects.exists() and not TransitionEntry.objects.exists()
    assert not ImportedCase.objects.exists() and not OutboxEvent.objects.exists()


def test_any_bad_row_keeps_nothing_unless_asked_to_skip_it(world):
    rows = [
        decided(world),
        row(world, title="Sans date", filed_on="31/13/2025"),
        # The votes contradict the decision: the service refuses it, the row is reported.
        decided(world, title="Votes contraires", votes_for="2", votes_against="10"),
        row(world, title="Sans type", kind="complaint"),
    ]
    report = run(world, rows)
    assert not report.kept and not Case.objects.exists() and not TransitionEntry.objects.exists()
    # The rows wrong on their face refuse the file before anything is played.
    assert sorted({e.row for e in report.errors}) == [3, 5]
    assert sorted({e.row for e in run(world, rows, dry_run=True).errors}) == [3, 4, 5]
    with translation.override("en"):
        report = run(world, rows, skip_invalid=True)
    assert report.kept and report.valid == 1
    assert list(Case.objects.values_list("title", flat=True)) == [rows[0]["title"]]
    by_row = {e.row: e for e in report.errors}
    assert by_row[3].column == "filed_on" and "date" in by_row[3].message
    assert by_row[5].column == "kind"
    # Nothing half-imported: the refused decision left no case behind.
    assert not Case.objects.filter(title="Votes contraires").exists()


def test_dates_out_of_order_or_in_the_future_are_row_errors(world):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    report = run(
        world,
        [
            decided(world, referred_on="2025-05-01"),
            row(world, title="Futur", filed_on=future),
            decided(world, title="Sans séance", session_date="2025-10-09"),
        ],
    )
    columns = {(e.row, e.column) for e in report.errors}
    assert (2, "referred_on") in columns
    assert (3, "filed_on") in columns
    assert (4, "session_date") in columns


def test_a_second_import_of_the_same_register_adds_nothing(world):
    rows = [row(world, register_number="R-1"), row(world, register_number="R-2", title="Autre")]
    assert run(world, rows).valid == 2
    again = run(world, rows)
    assert again.valid == 0 and [n for _r, n in again.skipped] == ["R-1", "R-2"]
    assert Case.objects.count() == 2
    twice = run(world, [row(world, register_number="R-3"), row(world, register_number="R-3", title="Bis")])
    assert [e.column for e in twice.errors] == ["register_number"] and Case.objects.count() == 2


def test_fatal_errors_keep_nothing(world):
    with pytest.raises(ImportFatal):
        read_file(io.BytesIO(b"kind,title,colour\nproposal,x,red\n"), "cases.csv")
    with pytest.raises(ImportFatal):
        read_file(io.BytesIO(b"kind,title\nproposal,x\n"), "cases.csv")
    with pytest.raises(ImportFatal):
        read_file(io.BytesIO(b"%PDF"), "cases.pdf")
    # Only the bureau imports the register.
    with pytest.raises(ImportFatal):
        import_cases(collectivity=world.collectivity, actor=world[roles.CITIZEN], rows=[row(world)])
    # A published digest covering the imported days would no longer verify.
    AuditDigest.objects.create(day=datetime.date(2025, 8, 1), digest="0" * 64, chains=0, entries=0)
    with pytest.raises(ImportFatal, match="2025-08-01"):
        run(world, [row(world)])
    assert not Case.objects.exists()


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    columns = sorted({k for r in rows for k in r})
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.mark.slow
def test_a_thousand_rows_with_ten_bad_ones(world, tmp_path):
    rows = [row(world, title=f"Proposition numéro {n}", register_number=f"P-{n}") for n in range(1000)]
    for n in range(0, 1000, 100):
        rows[n]["filed_on"] = "hier"  # ten bad rows
    path = tmp_path / "register.csv"
    path.write_bytes(_csv(rows))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_cases", str(path), "--as", world[roles.BUREAU].username, "--dry-run", stdout=out, stderr=err
    )
    assert "990 row(s) would be imported, 10 row(s) with errors" in out.getvalue()
    assert err.getvalue().count("[filed_on]") == 10
    assert not Case.objects.exists()
    # Without --skip-invalid the real run keeps nothing either.
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_cases", str(path), "--as", world[roles.BUREAU].username, stdout=out, stderr=err)
    assert not Case.objects.exists()


def test_the_command_reads_xlsx_and_never_prints_a_name(world, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    data = [
        decided(world, state="rejected"),
        row(world, title="Deuxième", filed_on=datetime.date(2025, 7, 1)),
    ]
    columns = sorted({k for r in data for k in r})
    sheet.append(columns)
    for r in data:
        sheet.append([r.get(c) for c in columns])
    path = tmp_path / "register.xlsx"
    book.save(path)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cases", str(path), "--as", world[roles.BUREAU].username, stdout=out, stderr=err)
    assert "Imported 2 case(s)" in out.getvalue()
    assert Case.objects.filter(state="rejected").count() == 1
    assert "Amrani" not in out.getvalue() + err.getvalue()
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_cases", str(tmp_path / "none.csv"), "--as", world[roles.BUREAU].username)
    with pytest.raises(CommandError, match="colour"):
        bad = tmp_path / "bad.csv"
        bad.write_bytes(b"kind,title,description,filed_on,state,colour\n")
        call_command("import_cases", str(bad), "--as", world[roles.BUREAU].username)


def test_imported_cases_hold_the_desk_invariant(world):
    report = run(
        world, [decided(world), decided(world, title="Rejeté", state="rejected"), row(world, title="x3")]
    )
    assert report.kept
    out = io.StringIO()
    call_command("check_workflows", stdout=out, stderr=io.StringIO())


def test_a_petition_on_another_session_than_its_mandatory_one_needs_a_derogation(world):
    later = CouncilSessionFactory(collectivity=world.collectivity, date=datetime.date(2026, 2, 2))
    rows = [
        decided(
            world,
            kind="petition",
            signature_count="140",
            session_date=later.date.isoformat(),
            scheduled_on="2026-01-10",
            decided_on="2026-02-03",
        )
    ]
    refused = run(world, rows, dry_run=True)
    assert refused.valid == 0 and refused.errors
    rows[0]["derogation"] = "La session d'octobre 2025 a été annulée faute de quorum, reportée en février."
    accepted = run(world, rows)
    assert accepted.errors == [], accepted.errors
    case = Case.objects.get(reference=accepted.imported[0][1])
    assert case.session_id == later.pk and case.schedule_derogation

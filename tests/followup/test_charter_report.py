"""The periodic charter report on the hand-dated commune of conftest.py, period [2026-09-01, 2026-10-01):
every format, the frozen published report, its hash and signature, the archive and the pages."""

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from audit import signing
from core import roles
from core.errors import TransitionNotAllowed
from followup import charter_report, report_services
from followup.charter_report import build_figures, flatten
from followup.models import CharterReport, ReportFrozen
from tests.followup.conftest import FROM, TO


@pytest.fixture
def figures(commune, world):
    return build_figures(world.collectivity, FROM, TO)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_figures_carry_the_period_and_every_list(figures):
    ind = figures["indicators"]
    assert (figures["from"], figures["to"]) == ("2026-09-01", "2026-10-01")
    assert ind["period"]["implementation_rate"] == 0.3333  # A implemented of A D F adopted
    # Every decision of the period with its justification: A B D F (C's falls on 1 Oct, out).
    decided = {d["reference"]: d for d in figures["decisions"]}
    assert len(decided) == 4
    assert all(d["justification"] for d in figures["decisions"])
    assert sorted(d["decision"] for d in figures["decisions"]).count("rejected") == 1
    # The previous period: the same 30 days just before.
    assert (figures["previous"]["from"], figures["previous"]["to"]) == ("2026-08-02", "2026-09-01")
    change = {c["key"]: c for c in figures["previous"]["changes"]}
    assert change["decided"]["current"] == 4
    assert change["decided"]["change"] == 4 - change["decided"]["previous"]
    assert {"stage", "committee", "service"} == set(figures["response_times"])
    # Adopted cases: A D F decided in the period, C still waiting to be carried out.
    assert len(figures["adopted_cases"]) == 4


def test_pdf_text_has_the_period_and_the_implementation_rate(figures):
    for lang in ("fr", "ar"):
        text = _pdf_text(charter_report.to_pdf(figures, lang=lang))
        assert "2026-09-01" in text and "2026-09-30" in text, lang
        assert "33.3" in text, lang


def test_pdf_charts_are_inline_svg_without_javascript(figures):
    html = charter_report.to_html(figures, lang="ar", for_pdf=True)
    assert "<svg" in html and "<script" not in html
    assert 'dir="rtl"' in html and "Amiri" in html


def test_xlsx_carries_the_same_figures_as_the_json(figures):
    book = load_workbook(io.BytesIO(charter_report.to_xlsx(figures, lang="ar")), read_only=True)
    # An empty cell is an unknown figure (JSON null).
    sheet = book["figures"].iter_rows(min_row=2, values_only=True)
    rows = {row[0]: (row[1] if len(row) > 1 else None) for row in sheet}
    expected = dict(flatten(json.loads(charter_report.to_json(figures))["indicators"], "indicators"))
    assert rows["from"] == "2026-09-01" and rows["to"] == "2026-10-01"
    assert rows["indicators.period.implementation_rate"] == 0.3333
    for key, value in expected.items():
        assert rows[key] == value, key
    assert len(book.sheetnames) > 5


def test_csv_and_html(figures):
    text = charter_report.to_csv(figures, lang="fr")
    found = {row[0]: row[1] for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if len(row) == 2}
    assert found["indicators.period.implementation_rate"] == "0.3333"
    assert found["indicators.period.decided"] == "4"
    html = charter_report.to_html(figures, lang="fr")
    assert "2026-09-30" in html and "33.3 %" in html


@pytest.mark.parametrize("fmt", ["html", "csv", "xlsx", "pdf"])
def test_command_writes_each_format(commune, world, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    call_command(
        "charter_report", "--from", "2026-09-01", "--to", "2026-10-01", "--format", fmt, "--output", str(out),
        stdout=io.StringIO(),
    )  # fmt: skip
    data = out.read_bytes()
    assert data
    if fmt == "pdf":
        assert data.startswith(b"%PDF") and "33.3" in _pdf_text(data)
    if fmt == "xlsx":
        load_workbook(io.BytesIO(data))


def test_command_refuses_bad_dates(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "charter_report", "--from", "2026-13-01", "--to", "2026-10-01", "--format", "csv",
            "--output", str(tmp_path / "x.csv"),
        )  # fmt: skip


@pytest.fixture
def published(commune, world):
    actor = world[roles.FOLLOWUP]
    report = report_services.report_create(
        actor=actor, collectivity=world.collectivity, date_from=FROM, date_to=TO
    )
    report_services.report_update(
        actor=actor,
        report=report,
        data={
            "difficulties": "Few associations came to the trainings.",
            "recommendations": "Meet in the evening.",
        },
    )
    return report_services.report_publish(actor=actor, report=report)


def test_published_report_is_frozen_and_verifies(published):
    report = CharterReport.objects.get(pk=published.pk)
    assert report.is_published
    assert report.figures["commentary"]["difficulties"] == "Few associations came to the trainings."
    assert report.figures["indicators"]["period"]["implementation_rate"] == 0.3333
    assert hashlib.sha256(report.pdf("ar")).hexdigest() == report.pdf_ar_sha256
    assert hashlib.sha256(report.pdf("fr")).hexdigest() == report.pdf_fr_sha256
    assert report_services.verify(report) == {
        "figures": True,
        "pdf_ar": True,
        "pdf_fr": True,
        "signature": True,
    }
    assert signing.verify(
        report_services.public_key_of(report), report_services.message(report), report.signature
    )
    assert "33.3" in _pdf_text(report.pdf("fr"))


def test_published_report_cannot_be_edited(published, world):
    actor = world[roles.FOLLOWUP]
    report = CharterReport.objects.get(pk=published.pk)
    # Service level: a translated refusal, nothing changed.
    with pytest.raises(ReportFrozen):
        report_services.report_update(actor=actor, report=report, data={"summary": "rewritten"})
    with pytest.raises(ReportFrozen):
        report_services.report_publish(actor=actor, report=report)
    with pytest.raises(ReportFrozen):
        report_services.report_delete(actor=actor, report=report)
    # Model level: save, delete and bulk updates are refused whatever the path.
    report.summary = "rewritten"
    with pytest.raises(ReportFrozen):
        report.save()
    with pytest.raises(ReportFrozen):
        report.delete()
    with pytest.raises(ReportFrozen):
        CharterReport.objects.filter(pk=report.pk).update(summary="rewritten")
    with pytest.raises(ReportFrozen):
        CharterReport.objects.filter(pk=report.pk).delete()
    fresh = CharterReport.objects.get(pk=report.pk)
    assert fresh.summary == "" and report_services.verify(fresh)["figures"]
    with translation.override("en"):
        assert str(ReportFrozen().message) == "This report is published: it can no longer be changed."


def test_tampered_figures_fail_verification(published):
    report = CharterReport.objects.get(pk=published.pk)
    report.figures["indicators"]["period"]["implementation_rate"] = 0.9
    assert report_services.verify(report)["figures"] is False


def test_only_followup_prepares_reports(world):
    with pytest.raises(TransitionNotAllowed):
        report_services.report_create(
            actor=world[roles.BUREAU], collectivity=world.collectivity, date_from=FROM, date_to=TO
        )


def test_archive_lists_published_reports_only(published, world, client):
    draft = report_services.report_create(
        actor=world[roles.FOLLOWUP],
        collectivity=world.collectivity,
        date_from=datetime.date(2026, 10, 1),
        date_to=datetime.date(2026, 11, 1),
    )
    for lang in ("ar", "fr"):
        page = client.get(reverse("followup:reports"), HTTP_ACCEPT_LANGUAGE=lang)
        assert page.status_code == 200
        body = page.content.decode()
        assert published.pdf_ar_sha256 in body and published.figures_sha256 in body
        assert reverse("followup:report_pdf", args=[published.pk, "fr"]) in body
        assert reverse("followup:report_pdf", args=[draft.pk, "fr"]) not in body
    pdf = client.get(reverse("followup:report_pdf", args=[published.pk, "ar"]))
    assert pdf.status_code == 200 and hashlib.sha256(pdf.content).hexdigest() == published.pdf_ar_sha256
    data = client.get(reverse("followup:report_figures", args=[published.pk]))
    assert hashlib.sha256(data.content).hexdigest() == published.figures_sha256
    assert client.get(reverse("followup:report_pdf", args=[draft.pk, "ar"])).status_code == 404
    assert client.get(reverse("followup:report_pdf", args=[published.pk, "xx"])).status_code == 404


def test_staff_pages_build_and_publish(commune, world, client):
    client.force_login(world[roles.FOLLOWUP])
    answer = client.post(
        reverse("followup:staff_reports"), {"date_from": "2026-09-01", "date_to": "2026-10-01"}
    )
    assert answer.status_code == 302
    report = CharterReport.objects.get()
    answer = client.post(
        reverse("followup:staff_report", args=[report.pk]),
        {"summary": "Good", "difficulties": "Late reports", "recommendations": "Shorter deadlines"},
    )
    assert answer.status_code == 302
    preview = client.get(
        reverse("followup:staff_report_preview", args=[report.pk]), {"format": "html", "lang": "fr"}
    )
    assert preview.status_code == 200 and "Late reports" in preview.content.decode()
    assert client.post(reverse("followup:staff_report_publish", args=[report.pk])).status_code == 302
    again = client.post(reverse("followup:staff_report", args=[report.pk]), {"summary": "x"})
    assert again.status_code == 409
    assert CharterReport.objects.get().summary == "Good"
    # Bad dates: the form's translated error, nothing created.
    bad = client.post(reverse("followup:staff_reports"), {"date_from": "2026-10-01", "date_to": "2026-09-01"})
    assert bad.status_code == 400 and CharterReport.objects.count() == 1


def test_staff_pages_refuse_other_roles(world, client):
    client.force_login(world[roles.BUREAU])
    assert client.get(reverse("followup:staff_reports")).status_code == 403


def test_printed_formats_cut_the_lists_in_sql_and_keep_the_totals(commune, world):
    full = build_figures(world.collectivity, FROM, TO)
    cut = build_figures(world.collectivity, FROM, TO, limit=2)
    for name in ("decisions", "overdue", "adopted_cases"):
        assert cut["totals"][name] == full["totals"][name] == len(full[name])
        assert cut[name] == full[name][:2]
    html = charter_report.to_html(cut, lang="fr")
    assert "4 decisions" in html or "4 décisions" in html


def test_list_totals_come_from_the_indicators(commune, world):
    """The printed formats count their lists from the indicators (no query of their own): the
    counts equal the full lists."""
    from followup.charter_report import _list_totals

    full = build_figures(world.collectivity, FROM, TO)
    assert _list_totals(full["indicators"]) == {
        name: len(full[name]) for name in ("decisions", "overdue", "adopted_cases")
    }
    assert all(full["totals"][name] for name in ("decisions", "adopted_cases"))

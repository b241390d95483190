"""Issue 13, item 6: the journeys of each role, in Arabic at 390 px and in French at 1366 px; every
page visited fits the screen and passes axe-core with no serious or critical violation (journey.py)."""

import re

import pytest

from cases import services
from cases.models import Case
from tests.browser.journey import browser_marks

pytestmark = browser_marks


# What a citizen writes, in the language of the journey (mixed Arabic and Latin text is the rule).
PROPOSAL = {
    "ar": ("مقاعد في الحديقة العمومية", "لا توجد في الحديقة أي مقاعد للجلوس."),
    "fr": ("Des bancs dans le jardin public", "Le jardin n'a aucun banc pour s'asseoir."),
}


def test_citizen_files_a_proposal_and_tracks_it(world, journey):
    world.case_in("in_committee", "proposal", title="إصلاح الرصيف أمام المدرسة الابتدائية")
    world.case_in("adopted", "proposal", title="Éclairage du terrain de sport")
    journey.visit("/", shot="home")
    journey.visit("/register/", shot="register")
    journey.login(world["citizen"], "pw-citizen-1")
    journey.visit("/file/")
    page = journey.visit("/file/?kind=proposal")
    title, description = PROPOSAL[journey.lang]
    page.select_option("select[name=kind]", "proposal")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", description)
    journey.submit(page.locator("main form button[type=submit]").last)
    assert "/file/done/" in page.url
    case = Case.objects.get(title=title)
    assert case.state == "submitted"
    code = page.locator(".code").first.inner_text().strip()
    assert services.tracking_code_matches(case, code)

    journey.visit("/my/")
    journey.visit(f"/register/{case.reference}/")
    journey.logout()  # tracking needs no account
    journey.visit("/track/")
    page.fill("input[name=reference]", case.reference)
    page.fill("input[name=code]", code)
    journey.submit(page.locator("main form button[type=submit]").last, shot="track")
    assert page.locator("#tracked-title").inner_text().startswith(case.reference)


def test_agent_drafts_a_petition_opens_signing_and_files_it(world, journey):
    journey.login(world["citizen"], "pw-agent-1")
    page = journey.visit("/file/?kind=petition")
    page.select_option("select[name=kind]", "petition")
    page.fill("input[name=title]", "Éclairer la route du souk")
    page.fill("textarea[name=description]", "La route du souk est sombre la nuit.")
    page.fill("textarea[name=reasons]", "Des accidents ont eu lieu l'hiver dernier.")
    page.fill("textarea[name=objectives]", "Installer vingt lampadaires.")
    page.check("input[name=draft]")
    journey.submit(page.locator("main form button[type=submit]").last)
    case = Case.objects.get(title="Éclairer la route du souk")
    assert case.state == "draft"

    journey.visit("/my/")
    card = page.locator(f"#case-{case.reference}")
    journey.submit(card.locator("form[action$='/signing/'] button[type=submit]"))
    case.refresh_from_db()
    assert case.signing_open
    journey.visit(f"/petitions/{case.reference}/sign/")
    journey.visit("/petitions/")

    # The residents sign (the desk types the paper forms in), then the agent files it.
    world.sign(case, world.collectivity.petition_min_signatures)
    journey.visit(f"/my/{case.reference}/signatures/")
    journey.visit("/my/")
    card = page.locator(f"#case-{case.reference}")
    journey.submit(card.locator(f"#transition-{case.reference}-submit button[type=submit]"))
    case.refresh_from_db()
    assert case.state == "submitted"
    journey.visit(f"/cases/{case.reference}/receipt/")


def _take_from_inbox(journey, case):
    page = journey.visit("/staff/inbox/")
    row = page.locator("tr, .card, li", has_text=case.reference).last
    journey.submit(row.locator("form button").first)
    assert f"/staff/cases/{case.reference}/" in page.url
    return page


def _open_panel(journey, case, name):
    """Open a transition's form and check the page again: axe skips what a closed <details> hides."""
    panel = journey.page.locator(f"#transition-{case.reference}-{name}")
    if panel.evaluate("e => e.tagName") == "DETAILS" and panel.get_attribute("open") is None:
        panel.locator("summary").click()
        journey.check()
    return panel


def test_committee_member_reads_the_inbox_and_reports(world, journey):
    case = world.case_in("in_committee", "proposal")
    journey.login(world["committee"], "pw-committee-1")
    journey.visit("/staff/")
    _take_from_inbox(journey, case)
    panel = _open_panel(journey, case, "report")
    panel.locator("textarea[name=report]").fill("La commission a étudié le dossier et le recommande.")
    panel.locator("select[name=recommendation]").select_option("adopt")
    journey.submit(panel.locator("button[type=submit]"))
    assert Case.objects.get(pk=case.pk).state == "reported"


def test_secretariat_builds_the_agenda_and_records_the_decision(world, journey):
    case = world.case_in("reported", "proposal")
    journey.login(world["secretariat"], "pw-secretariat-1")
    _take_from_inbox(journey, case)
    panel = _open_panel(journey, case, "schedule")
    panel.locator("select[name=session]").select_option(str(world.session.pk))
    journey.submit(panel.locator("button[type=submit]"))
    assert Case.objects.get(pk=case.pk).state == "on_agenda"

    journey.visit("/staff/sessions/")
    journey.visit(f"/staff/sessions/{world.session.pk}/")
    journey.visit(f"/staff/sessions/{world.session.pk}/print/")

    journey.visit(f"/staff/cases/{case.reference}/")
    panel = _open_panel(journey, case, "adopt")
    for name, value in world.payload_for("adopt").items():
        field = panel.locator(f"[name={name}]")
        if not field.count():
            continue
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    journey.submit(panel.locator("button[type=submit]"))
    assert Case.objects.get(pk=case.pk).state == "adopted"
    journey.visit(f"/register/{case.reference}/")


def test_service_reports_progress_and_completes(world, journey):
    case = world.case_in("in_implementation", "proposal")
    journey.login(world["service"], "pw-service-1")
    journey.visit("/staff/")
    page = journey.visit(f"/staff/cases/{case.reference}/")
    progress = page.locator("details", has=page.locator("form[action$='/progress/']"))
    progress.locator("summary").click()
    journey.check()
    progress.locator("input[name=percent]").fill("60")
    progress.locator("textarea[name=note]").fill("Les fondations sont coulées.")
    journey.submit(progress.locator("button[type=submit]"))
    assert Case.objects.get(pk=case.pk).progress_percent == 60

    panel = _open_panel(journey, case, "complete")
    panel.locator("[name=evidence]").fill("Procès-verbal de réception des travaux, 12 mai.")
    journey.submit(panel.locator("button[type=submit]"))
    assert Case.objects.get(pk=case.pk).state == "implemented"
    journey.visit(f"/register/{case.reference}/")


def test_followup_team_reads_the_dashboard_and_exports_it(world, journey):
    world.case_in("in_committee", "proposal")
    world.case_in("adopted", "proposal")
    journey.login(world["followup"], "pw-followup-1")
    journey.visit("/staff/")
    page = journey.visit("/staff/audit/")
    link = page.locator("a[href*='format=csv']").first
    with page.expect_download() as download:
        link.click()
    assert re.search(r"\.csv$", download.value.suggested_filename)
    journey.visit("/indicators/")


def test_the_checks_catch_a_wide_page_and_an_inaccessible_one(journey):
    """The helper itself: a page wider than the screen, an image without a text alternative."""
    page = journey.page
    html = f'<html lang="{journey.lang}"><body><main>%s</main></body></html>'
    page.set_content(html % '<div style="width: 3000px">x</div>')
    with pytest.raises(AssertionError, match="px wide"):
        journey.check()
    page.set_content(html % '<img src="x.png">')
    with pytest.raises(AssertionError, match="image-alt"):
        journey.check()

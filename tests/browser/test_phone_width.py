"""Issue 13, item 1 (and the start of item 6): on a 390 px phone, in Arabic, no staff or public page
is wider than the screen (`scrollWidth <= innerWidth`), the tables scroll inside their labelled
boxes. Headless system Chromium."""

import shutil

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian package chromium is not installed"),
]

LONG_TITLE = "Réparer le trottoir de l'école primaire Ibn Khaldoun et installer des bancs publics"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "ar-MA",
        "extra_http_headers": {"Accept-Language": "ar"},
        "viewport": {"width": 390, "height": 844},
    }


def _login(page, live_server, user, password):
    user.set_password(password)
    user.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _assert_fits(page, url):
    page.goto(url)
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{url}: {width} px wide on a {inner} px screen"


@pytest.mark.parametrize(
    ("role", "state"),
    [
        ("bureau", "submitted"),
        ("committee", "in_committee"),
        ("service", "in_implementation"),
        ("secretariat", "reported"),
    ],
)
def test_staff_pages_fit_a_phone(world, live_server, page, role, state):
    case = world.case_in(state, "petition" if role == "bureau" else "proposal", title=LONG_TITLE)
    _login(page, live_server, world[role], f"pw-{role}-1")
    for path in ("/staff/", "/staff/inbox/", "/staff/cases/", f"/staff/cases/{case.reference}/"):
        _assert_fits(page, f"{live_server.url}{path}")


def test_public_pages_fit_a_phone(world, live_server, page):
    case = world.case_in("in_committee", "proposal", title=LONG_TITLE)
    for path in (
        "/",
        "/register/",
        f"/register/{case.reference}/",
        "/track/",
        "/audit/digests/",
        "/petitions/",
    ):
        _assert_fits(page, f"{live_server.url}{path}")


def test_citizen_and_secretariat_pages_fit_a_phone(world, live_server, page):
    case = world.case_in("on_agenda", "proposal", title=LONG_TITLE)
    _login(page, live_server, world["citizen"], "pw-citizen-1")
    for path in ("/file/", "/file/?kind=petition", "/my/", "/notifications/"):
        _assert_fits(page, f"{live_server.url}{path}")
    page.context.clear_cookies()
    _login(page, live_server, world["secretariat"], "pw-secretariat-1")
    for path in (
        "/staff/sessions/",
        f"/staff/sessions/{case.session_id}/",
        f"/staff/sessions/{case.session_id}/print/",
    ):
        _assert_fits(page, f"{live_server.url}{path}")


def test_followup_dashboard_fits_a_phone(world, live_server, page):
    world.case_in("in_committee", "proposal")
    _login(page, live_server, world["followup"], "pw-followup-1")
    _assert_fits(page, f"{live_server.url}/staff/audit/")
    heights = page.evaluate("[...document.querySelectorAll('.chart canvas')].map(c => c.clientHeight)")
    assert heights and all(h >= 150 for h in heights), heights


def test_followup_dashboard_at_1366_in_french(world, live_server, browser):
    world.case_in("in_committee", "proposal")
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="fr-FR", extra_http_headers={"Accept-Language": "fr"}
    )
    page = context.new_page()
    try:
        _login(page, live_server, world["followup"], "pw-followup-2")
        page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
        _assert_fits(page, f"{live_server.url}/staff/audit/")
        assert page.locator("html").get_attribute("lang") == "fr"
        boxes = page.locator(".table-wrap")
        assert boxes.count() >= 2
        # Each scroll box is reached with the keyboard, and named.
        for i in range(boxes.count()):
            assert boxes.nth(i).get_attribute("tabindex") == "0"
            assert boxes.nth(i).get_attribute("aria-label")
        heights = page.evaluate("[...document.querySelectorAll('.chart canvas')].map(c => c.clientHeight)")
        assert heights and all(h >= 150 for h in heights), heights
    finally:
        context.close()

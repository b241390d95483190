"""What every browser journey shares (issue 13, item 6): a browser context in Arabic on a 390 px phone
or in French at 1366 px, logging in, and the two checks run on every page a journey visits:

- the page is no wider than the screen (`document.documentElement.scrollWidth <= innerWidth`);
- axe-core (vendored under tests/browser/vendor/axe-core/, a test-only asset the site never serves)
  finds no serious or critical violation.

`MITHAQ_SCREENSHOTS=docs/screenshots` saves the pages a journey names with `shot=` (make screenshots).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# Arabic (the default language, right to left) on a phone; French on a laptop screen.
SCREENS = {"ar": {"width": 390, "height": 844}, "fr": {"width": 1366, "height": 768}}
LOCALES = {"ar": "ar-MA", "fr": "fr-MA"}

# Generous: two cores shared by several people, a live server in a thread.
TIMEOUT_MS = 60_000

browser_marks = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian package chromium is not installed"),
]


@dataclass
class Journey:
    page: object
    base: str
    lang: str
    visited: list[str] = field(default_factory=list)

    # Moving about ------------------------------------------------------------------------------

    def visit(self, path: str, *, shot: str | None = None):
        self.page.goto(f"{self.base}{path}", wait_until="load")
        self.check(shot=shot)
        return self.page

    def submit(self, button, *, shot: str | None = None):
        """Click a button that posts a form, wait for the page it leads to, and check that page."""
        with self.page.expect_navigation(wait_until="load"):
            button.click()
        self.check(shot=shot)
        return self.page

    def logout(self) -> None:
        """Forget the session, keep the language."""
        self.page.context.clear_cookies()
        self._language_cookie()

    def login(self, user, password: str) -> None:
        user.set_password(password)
        user.save()
        self.logout()
        self.visit("/accounts/login/")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", password)
        self.submit(self.page.locator("main form button[type=submit]").last)
        assert "/accounts/login/" not in self.page.url, f"{user.username} could not log in"

    def _language_cookie(self) -> None:
        self.page.context.add_cookies([{"name": "django_language", "value": self.lang, "url": self.base}])

    # The checks on every page --------------------------------------------------------------------

    def check(self, *, shot: str | None = None) -> None:
        page = self.page
        url = page.url.removeprefix(self.base)
        self.visited.append(url)
        assert page.locator("html").get_attribute("lang") == self.lang, f"{url}: not in {self.lang}"
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"{url} ({self.lang}): {width} px wide on a {inner} px screen"
        self.assert_accessible(url)
        directory = os.environ.get("MITHAQ_SCREENSHOTS")
        if shot and directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            screen = "phone" if SCREENS[self.lang]["width"] < 600 else "desktop"
            page.screenshot(path=str(Path(directory) / f"{shot}-{screen}-{self.lang}.png"))

    def assert_accessible(self, url: str) -> None:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ["violations"]});
                return result.violations
                    .filter(v => v.impact === "serious" || v.impact === "critical")
                    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
            }"""
        )
        assert not violations, f"{url} ({self.lang}): axe found " + "; ".join(
            f"{v['impact']} {v['id']} ({v['help']}) at {v['nodes']}" for v in violations
        )


def open_journey(browser, live_server, lang: str) -> Journey:
    context = browser.new_context(
        viewport=SCREENS[lang],
        locale=LOCALES[lang],
        extra_http_headers={"Accept-Language": lang},
        # The site's CSP (script-src 'self') would refuse the injected axe-core; nothing else changes.
        bypass_csp=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    journey = Journey(page=context.new_page(), base=live_server.url, lang=lang)
    journey._language_cookie()
    return journey

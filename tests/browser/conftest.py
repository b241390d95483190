"""The `journey` fixture: each journey runs twice, in Arabic on a 390 px phone and in French at 1366 px
(tests/browser/journey.py holds the login and the checks run on every page)."""

import pytest

from tests.browser.journey import open_journey


@pytest.fixture(params=["ar", "fr"])
def journey(request, browser, live_server):
    journey = open_journey(browser, live_server, request.param)
    yield journey
    journey.page.context.close()

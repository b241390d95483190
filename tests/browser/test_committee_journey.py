"""Browser journey (headless system Chromium, Arabic): a committee member logs in, opens the inbox,
takes the task, files the report and recommendation, and the case moves to the secretariat."""

import shutil

import pytest

from cases.models import Case
from workflows.desk import active_tasks

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian package chromium is not installed"),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ar-MA", "extra_http_headers": {"Accept-Language": "ar"}}


def test_committee_member_files_the_report(world, live_server, page):
    case = world.case_in("in_committee", "petition")
    user = world["committee"]
    user.set_password("pw-committee-1")
    user.save()

    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.fill("input[name=username]", "committee")
    page.fill("input[name=password]", "pw-committee-1")
    page.locator("form button[type=submit], form input[type=submit]").last.click()

    page.goto(f"{live_server.url}/staff/inbox/")
    row = page.locator("tr", has_text=case.reference)
    assert row.count() == 1
    row.locator("form button").first.click()  # take: opens the case page
    page.wait_for_url(f"**/staff/cases/{case.reference}/")
    assert active_tasks(case.pk).get().owner_id == user.pk

    panel = page.locator(f"#transition-{case.reference}-report")
    panel.locator("summary").click()
    panel.locator("textarea[name=report]").fill("درست اللجنة الملف وتوصي بالمصادقة عليه.")
    panel.locator("select[name=recommendation]").select_option("adopt")
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()

    case = Case.objects.get(pk=case.pk)
    assert case.state == "reported"
    task = active_tasks(case.pk).get()
    assert task.flow_task.name == "agenda"
    assert task.owner_permission == "workflows.desk_secretariat"
    assert page.locator("html").get_attribute("dir") == "rtl"

"""Issue 13, item 1: the problems a walk through every page found, each checked on the rendered
HTML (or the stylesheet it relies on)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case
from core.text import fr_de

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "mithaq.css").read_text()
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _rule(selector: str) -> str:
    """The declarations of the first rule whose selector list is exactly `selector`."""
    match = re.search(r"(?:^|\n)" + re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, f"no CSS rule for {selector}"
    return match.group(1)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _lateify(case: Case, days: int) -> None:
    """Move the case's current deadline `days` into the past (what a long stay leaves)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET deadline_on = %s, state_entered_at = %s WHERE id = %s",
            [
                timezone.localdate() - datetime.timedelta(days=days),
                timezone.now() - datetime.timedelta(days=days + 30),
                case.pk,
            ],
        )


# 1. Staff pages on a phone: table boxes hold their content and are reachable by keyboard ----------


def test_table_wrap_is_a_positioned_scroll_box():
    rule = _rule(".table-wrap")
    assert "position: relative" in rule and "overflow-x: auto" in rule


def test_every_table_box_is_keyboard_reachable_and_labelled():
    for path in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<div class=\"table-wrap\"[^>]*>", path.read_text()):
            assert 'tabindex="0"' in tag and "aria-label=" in tag and 'role="region"' in tag, (path, tag)


def test_inbox_rows_are_cards_on_a_phone(client, world):
    world.case_in("submitted", "proposal")
    client.force_login(world["bureau"])
    html = client.get(reverse("workflows:inbox")).content.decode()
    assert 'class="cases cards"' in html
    assert 'data-label="' in html
    assert "table.cards td[data-label]::before" in CSS


# 2. Inboxes show lateness like the public tracking page -------------------------------------------


def test_committee_inbox_shows_the_deadline_and_how_late(client, world):
    case = world.case_in("in_committee", "proposal")
    _lateify(case, 220)
    client.force_login(world["committee"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("workflows:inbox")).content.decode()
    row = html[html.index(case.reference) :]
    row = row[: row.index("</tr>")]
    assert "en retard de 220 jours" in row
    assert "badge--late" in row
    assert 'class="is-overdue"' in html
    assert "tr.is-overdue" in CSS and ".badge--late" in CSS
    # The late filter keeps the late task.
    late_only = client.get(reverse("workflows:inbox") + "?overdue=1").content.decode()
    assert case.reference in late_only


def test_inbox_late_filter_drops_tasks_on_time(client, world):
    on_time = world.case_in("in_committee", "proposal")
    client.force_login(world["committee"])
    assert on_time.reference in client.get(reverse("workflows:inbox")).content.decode()
    assert on_time.reference not in client.get(reverse("workflows:inbox") + "?overdue=1").content.decode()


# 4. Filing: what the person wants, and a petition is not a dead end -------------------------------


def test_filing_first_screen_explains_each_kind(client, world):
    client.force_login(world["citizen"])
    html = client.get(reverse("public:file")).content.decode()
    assert "?kind=petition" in html and "?kind=proposal" in html
    with translation.override("en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        html = client.get(reverse("public:file")).content.decode()
    assert "Que voulez-vous faire" in html


def test_choosing_a_petition_ticks_the_draft_and_explains_signing(client, world):
    client.force_login(world["citizen"])
    response = client.get(reverse("public:file") + "?kind=petition")
    form = response.context["form"]
    assert form.initial == {"kind": "petition", "draft": True}
    html = response.content.decode()
    assert 'id="petition-steps"' in html
    assert re.search(r'name="draft"[^>]*checked', html)


def test_sending_a_petition_without_signatures_says_to_save_it_as_a_draft(client, world):
    client.force_login(world["citizen"])
    with translation.override("en"):
        response = client.post(
            reverse("public:file"),
            {
                "kind": "petition",
                "title": "Lights in Derb Jdid",
                "description": "The street has no lights.",
                "reasons": "Safety at night.",
                "objectives": "Ten street lights.",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code >= 400
    errors = response.context["form"].errors
    assert "draft" in errors
    assert not Case.objects.filter(title="Lights in Derb Jdid").exists()


# 5. Tracking code wording: the receipt does not print it, and the tracking page agrees ------------


def test_tracking_page_does_not_promise_the_code_on_the_receipt(client, db):
    with translation.override("en"):
        from cases.forms import TrackForm

        help_text = str(TrackForm().fields["code"].help_text)
    assert "printed on the receipt" not in help_text
    assert "receipt does not print it" in help_text


# 6. Notification pages use the stylesheet's classes -----------------------------------------------


def _classes(html: str) -> set[str]:
    found = set()
    for value in re.findall(r'class="([^"{}]*)"', html):
        found.update(value.split())
    return found


@pytest.mark.parametrize("template", ["list.html", "follow.html", "follow_confirm.html", "unsubscribe.html"])
def test_notification_templates_use_existing_classes(template):
    text = (TEMPLATES / "notifications" / template).read_text()
    assert not re.search(r'class="[^"]*\bbtn\b', text)
    styled = {n for n in _classes(text) if n.startswith(("button", "alert", "notification", "form", "field"))}
    assert styled
    for name in styled:
        assert re.search(r"\." + re.escape(name) + r"\b", CSS), f"{template}: .{name} is not in mithaq.css"


# 7. The disabled "Sign" button looks disabled and the form says why first -------------------------


def test_unverified_user_sees_why_before_the_form(client, world):
    case = world.new_case("petition")
    from petitions.signatures import petition_signing_set

    petition_signing_set(actor=world["citizen"], case=case, open_=True)
    user = world["association"]
    user.email_verified = False
    user.save()
    client.force_login(user)
    html = client.get(reverse("petitions:sign", args=[case.reference])).content.decode()
    assert 'id="verify-first"' in html
    assert html.index('id="verify-first"') < html.index("<fieldset")
    assert re.search(r'<fieldset class="plain" disabled aria-describedby="verify-first">', html)
    assert ".button:disabled" in CSS


# 8. Charts have a sized box; the tables scroll by keyboard ----------------------------------------


def test_response_times_charts_are_sized(client, world):
    client.force_login(world["followup"])
    html = client.get(reverse("followup:response_times")).content.decode()
    assert '<figure class="chart">' in html
    assert not re.search(r"<canvas[^>]*height=", html)
    assert "block-size" in _rule(".chart")
    js = (Path(settings.BASE_DIR) / "static" / "js" / "response_times.js").read_text()
    assert "maintainAspectRatio: false" in js
    assert '"ar-MA"' in js  # Western digits in the axes
    assert html.count('class="table-wrap" tabindex="0"') == html.count('class="table-wrap"') >= 2


# 9. The public register on a phone ----------------------------------------------------------------


def test_register_filters_fold_and_rows_become_cards(client, world):
    world.case_in("submitted", "proposal")
    html = client.get(reverse("public:register")).content.decode()
    assert '<details class="filters-box">' in html
    assert 'data-label="' in html and 'class="cases cards"' in html
    filtered = client.get(reverse("public:register") + "?kind=proposal").content.decode()
    assert '<details class="filters-box" open>' in filtered


# 10. Plural forms and the Arabic comma ------------------------------------------------------------


def test_tracking_limits_use_arabic_plural_forms(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get(reverse("public:track")).content.decode()
    # 20 takes the singular noun in Arabic (11-99), 10 the plural of paucity (3-10).
    assert "20 محاولة" in html and "10 دقائق" in html
    assert "20 محاولات" not in html and "10 دقيقة" not in html


def test_receipt_date_has_no_latin_comma_in_arabic(client, world):
    case = world.case_in("submitted", "proposal")
    client.force_login(world["citizen"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get(reverse("cases:receipt", args=[case.reference])).content.decode()
    assert "،" in html
    assert not re.search(r"\d{4}, \d{2}:\d{2}", html)


# 11. The staff list: most stuck first, sortable, filterable by overdue ----------------------------


def test_staff_list_puts_the_most_stuck_first_and_sorts(client, world):
    fresh = world.case_in("submitted", "proposal")
    stuck = world.case_in("submitted", "proposal")
    _lateify(stuck, 40)
    client.force_login(world["bureau"])
    page = client.get(reverse("staff:cases")).context["page"]
    refs = [c.reference for c in page.object_list]
    assert refs.index(stuck.reference) < refs.index(fresh.reference)
    reverse_order = client.get(reverse("staff:cases") + "?sort=-days").context["page"]
    refs = [c.reference for c in reverse_order.object_list]
    assert refs.index(fresh.reference) < refs.index(stuck.reference)
    late = client.get(reverse("staff:cases") + "?overdue=on")
    refs = [c.reference for c in late.context["page"].object_list]
    assert refs == [stuck.reference]
    html = late.content.decode()
    assert 'aria-sort="descending"' in html and 'class="sort"' in html


# 12. The service's case page ----------------------------------------------------------------------


def test_service_page_at_zero_percent_does_not_lead_with_completion(client, world):
    case = world.case_in("in_implementation", "proposal")
    client.force_login(world["service"])
    html = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    actions = html[html.index('id="actions-title"') :]
    assert 'id="progress-first"' in actions
    assert actions.index('id="progress-first"') < actions.index(f"transition-{case.reference}-complete")
    assert 'class="button button--primary">Take' not in html


# 13. Login keeps the language chosen on the login page --------------------------------------------


def test_login_keeps_the_language_chosen_on_the_login_page(client, world):
    user = world["bureau"]
    user.language = "ar"
    user.set_password("a-long-password-1")
    user.save()
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("login")})
    response = client.post(reverse("login"), {"username": "bureau", "password": "a-long-password-1"})
    assert response.status_code == 302
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    assert cookie is None or cookie.value == "fr"
    assert 'dir="ltr"' in client.get(reverse("public:register")).content.decode()


# 14. The printable agenda -------------------------------------------------------------------------


def test_printable_agenda_has_landmark_viewport_and_columns(client, world):
    case = world.case_in("on_agenda", "proposal")
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("workflows:session_print", args=[case.session_id])).content.decode()
    assert "<main" in html and 'name="viewport"' in html
    assert f'<td class="ref" dir="ltr">{case.reference}</td>' in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "agenda_print.css").read_text()
    assert re.search(r"\.ref\s*\{[^}]*white-space:\s*nowrap", css)
    with translation.override("fr"):
        columns = [translation.gettext(c) for c in ("Kind", "Time", "Venue")]
    for column in columns:
        assert f">{column}</th>" in html


# 15. Audit words, short hashes, the demo's petitions, aria-describedby, focus ring ----------------


def test_digests_page_keeps_the_command_for_staff_in_a_details_block(client, world):
    html = client.get(reverse("audit:digests")).content.decode()
    assert "manage.py" not in html  # citizens read words, not commands
    client.force_login(world["followup"])
    html = client.get(reverse("audit:digests")).content.decode()
    assert "manage.py" not in html.split("<details", 1)[0]
    assert "verify_audit" in html


def test_staff_timeline_shows_short_hashes_with_the_full_one(client, world):
    from audit.models import TransitionEntry

    case = world.case_in("submitted", "proposal")
    entry = TransitionEntry.objects.filter(case_id=case.pk).order_by("-seq").first()
    client.force_login(world["bureau"])
    html = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    full = entry.hash
    assert f'title="{full}">{full[:12]}…</code>' in html


def test_admissibility_checklist_describedby_points_to_existing_ids(client, world):
    case = world.case_in("under_review", "petition")
    client.force_login(world["bureau"])
    html = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    described = [i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()]
    assert described
    missing = [i for i in described if i not in ids and not i.endswith("_error")]
    assert not missing, missing


def test_focus_ring_contrast_is_at_least_3_to_1():
    rule = _rule(":focus-visible")
    colour = re.search(r"outline:\s*\S+\s+solid\s+(#[0-9a-fA-F]{6})", rule).group(1)
    assert _contrast(colour, "#ffffff") >= 3
    # On the green header, the ring is yellow: 3:1 against the header too.
    header = re.search(
        r"outline-color:\s*(#[0-9a-fA-F]{6})", _rule(".site-header :focus-visible, .site-nav :focus-visible")
    )
    assert _contrast(header.group(1), "#0d5c4d") >= 3


# 16. French elision -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("octobre", "d'octobre"),
        ("avril", "d'avril"),
        ("août", "d'août"),
        ("mai", "de mai"),
        ("février", "de février"),
    ],
)
def test_french_elision(month, expected):
    assert fr_de(month) == expected


def test_demo_session_titles_elide():
    from demo.organisation import session_calendar

    titles = {s.title_fr for s in session_calendar(months=(10, 5), years=(2025,))}
    assert "Session ordinaire d'octobre 2025" in titles
    assert "Session ordinaire de mai 2025" in titles
    assert not any("de octobre" in t for t in titles)


def test_a_draft_petition_says_what_comes_next(client, world):
    client.force_login(world["citizen"])
    response = client.post(
        reverse("public:file"),
        {
            "kind": "petition",
            "title": "Lights in Derb Jdid",
            "description": "The street has no lights.",
            "reasons": "Safety at night.",
            "objectives": "Ten street lights.",
            "draft": "on",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("public:file_done")).content.decode()
    assert 'id="next-step"' in html
    assert reverse("public:my_cases") in html

"""Every page renders, right-to-left in Arabic by default and left-to-right in French."""

from pathlib import Path

import pytest
from django.urls import reverse


def _page_urls(world):
    case = world.case_in("submitted")
    return case, [
        (None, reverse("public:home")),
        (None, reverse("public:register")),
        (None, reverse("public:case", args=[case.reference])),
        (None, reverse("public:track")),
        (None, reverse("login")),
        ("citizen", reverse("public:file")),
        ("citizen", reverse("public:my_cases")),
        ("bureau", reverse("staff:cases")),
        ("bureau", reverse("staff:case", args=[case.reference])),
    ]


def test_pages_render_in_arabic_rtl_by_default(client, world):
    _case, pages = _page_urls(world)
    for role, url in pages:
        client.logout()
        if role:
            client.force_login(world[role])
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'lang="ar"' in html, url
        assert 'dir="rtl"' in html, url
        assert "/static/css/mithaq.css" in html


def test_switching_to_french_gives_ltr(client, world):
    _case, pages = _page_urls(world)
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("public:home")})
    assert response.status_code == 302
    for role, url in pages:
        if role:
            client.force_login(world[role])
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'lang="fr"' in html, url
        assert 'dir="ltr"' in html, url
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert 'dir="rtl"' in client.get(reverse("public:home")).content.decode()


def test_header_has_language_switch_and_charter_link(client, db):
    html = client.get(reverse("public:home")).content.decode()
    assert reverse("set_language") in html
    assert "العربية" in html and "Français" in html
    assert 'name="next" value="/"' in html
    assert "AGPL-3.0-or-later" in html


def test_home_shows_counts(client, world):
    world.case_in("implemented")
    world.case_in("draft")
    response = client.get(reverse("public:home"))
    assert response.context["counts"] == {"filed": 1, "open": 0, "decided": 1, "implemented": 1}


@pytest.mark.parametrize("status,url", [(404, "/register/NOPE-0000/"), (404, "/no-such-page/")])
def test_error_pages_are_translated_html(client, db, status, url):
    response = client.get(url)
    assert response.status_code == status
    assert 'dir="rtl"' in response.content.decode()
    assert response.templates[0].name == "errors/error.html"


def test_static_css_is_served_by_the_project():
    from django.contrib.staticfiles import finders

    path = finders.find("css/mithaq.css")
    assert path
    css = Path(path).read_text(encoding="utf-8")
    assert "margin-inline" in css and "@media print" in css
    assert "http" not in css  # no CDN, no downloaded fonts

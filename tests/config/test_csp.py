"""Content-Security-Policy: every page carries it, with no 'unsafe-inline', and no page template
needs it (no inline script, event handler, style element or style attribute)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

REPO = Path(settings.BASE_DIR)
# E-mail bodies are read in mail clients and letters are rendered to PDF by WeasyPrint: neither is
# served as a page under the site's policy.
# Documents printed to PDF or downloaded (letters, the charter report), never served as pages.
NOT_PAGES = {"emails", "letters", "documents"}


INLINE_PATTERNS = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def _page_templates():
    roots = [REPO / "templates"] + sorted(REPO.glob("*/templates"))
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            if NOT_PAGES.intersection(path.relative_to(root).parts):
                continue
            yield path


def _policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_the_scan_sees_the_page_templates():
    names = {p.relative_to(REPO).as_posix() for p in _page_templates()}
    assert "templates/base.html" in names
    assert "templates/petitions/receipt.html" in names
    assert not any("/emails/" in n for n in names)


@pytest.mark.parametrize("kind", sorted(INLINE_PATTERNS))
def test_the_patterns_catch_what_they_name(kind):
    samples = {
        "inline script": "<script>alert(1)</script>",
        "event handler attribute": '<button type="button" onclick="window.print()">',
        "style element": "<style>p{}</style>",
        "style attribute": '<p class="x" style="color:red">',
        "javascript: URL": '<a href="javascript:void(0)">',
    }
    assert INLINE_PATTERNS[kind].search(samples[kind])
    assert not INLINE_PATTERNS[kind].search('<script src="/static/js/print.js" defer></script><p data-print>')


def test_no_page_template_has_inline_script_handler_or_style():
    found = []
    for path in _page_templates():
        text = path.read_text(encoding="utf-8")
        for kind, pattern in INLINE_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(REPO)}:{line}: {kind}")
    assert found == []


def test_print_buttons_use_the_served_script():
    for name in (
        "templates/public/file_done.html",
        "templates/workflows/sessions/print.html",
        "templates/petitions/receipt.html",
    ):
        text = (REPO / name).read_text(encoding="utf-8")
        assert "data-print" in text, name
        assert "js/print.js" in text, name
    assert "[data-print]" in (REPO / "static/js/print.js").read_text(encoding="utf-8")


def test_public_page_has_a_policy_without_unsafe_inline(client, db):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    policy = _policy(response)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_staff_page_and_api_carry_the_policy(client, world):
    client.force_login(world["bureau"])
    response = client.get(reverse("staff:cases"))
    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]
    api = client.get("/api/v1/cases/")
    assert api.status_code == 200
    assert "unsafe-inline" not in api.headers["Content-Security-Policy"]

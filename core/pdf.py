"""HTML to PDF with WeasyPrint (Pango and HarfBuzz shape the Arabic), offline: the letters
(letters/) and the periodic charter report (followup/) both print through here.

The only resources a document may load are the project's own fonts (static/fonts/amiri, SIL Open
Font License): the fetcher refuses every other URL, so rendering never touches the network and a
user's text cannot make the server fetch anything.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders

FONT_FILES = {
    ("normal", "400"): "fonts/amiri/Amiri-Regular.ttf",
    ("normal", "700"): "fonts/amiri/Amiri-Bold.ttf",
}
FONT_FAMILY = "Amiri"


class PdfRenderingError(RuntimeError):
    """WeasyPrint or its system libraries (Pango, HarfBuzz) are missing (README: letters)."""


@cache
def _font_paths() -> dict[tuple[str, str], Path]:
    paths = {}
    for key, name in FONT_FILES.items():
        found = finders.find(name)
        if not found:
            raise PdfRenderingError(f"Font {name} not found in the static files.")
        paths[key] = Path(found).resolve()
    return paths


def font_face_css() -> str:
    """@font-face rules pointing at the vendored font files (file:// URLs)."""
    rules = []
    for (style, weight), path in _font_paths().items():
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: {style}; font-weight: {weight}; '
            f'src: url("{path.as_uri()}") format("truetype"); }}'
        )
    return "\n".join(rules)


@cache
def _fetcher_class():
    # Imported here like HTML below: only called once html_to_pdf has loaded WeasyPrint.
    from weasyprint import URLFetcher

    allowed = frozenset(path.as_uri() for path in _font_paths().values())

    class FontsOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError("PDF documents load only the project's fonts.")
            return super().fetch(url, headers)

    return FontsOnlyFetcher


def fonts_only_fetcher():
    """A WeasyPrint URL fetcher that loads the project's fonts and refuses everything else."""
    return _fetcher_class()(allowed_protocols=["file"], timeout=5)


def html_to_pdf(html: str) -> bytes:
    # Imported here, not at module top: the rest of Mithaq starts even where the Pango libraries
    # are missing, and only the PDF documents answer with the error.
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # not installed, or cffi could not load libpango / libharfbuzz
        raise PdfRenderingError(str(exc)) from exc
    return HTML(string=html, base_url=None, url_fetcher=fonts_only_fetcher()).write_pdf()

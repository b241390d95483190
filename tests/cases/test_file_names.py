"""The name a document is downloaded under (cases.files): no folder, no control or bidi
character, the stored file's real extension last, an ASCII fallback beside the UTF-8 name."""

import pytest

from cases.files import content_disposition, content_type_for, safe_filename


@pytest.mark.parametrize(
    ("name", "stored", "expected"),
    [
        ("rapport.pdf", "cases/2026/11/rapport_x1.pdf", "rapport.pdf"),
        ("Statuts de l'association", "cases/2026/11/a.PDF", "Statuts de l'association.pdf"),
        ("../../etc/passwd", "cases/a.pdf", "_.._etc_passwd.pdf"),
        ("C:\\Users\\x\\photo.exe", "cases/a.jpg", "C__Users_x_photo.exe.jpg"),
        ("تقرير\u202efdp.exe", "cases/a.pdf", "تقريرfdp.exe.pdf"),
        ("\u2066نص\u2069\u200f.txt", "cases/a.txt", "نص.txt"),
        ("a\r\nb\x00c\x7f.pdf", "cases/a.pdf", "abc.pdf"),
        ("", "cases/a.pdf", "document.pdf"),
        ("...", "cases/a.pdf", "document.pdf"),
        ("page.html", "cases/a.html", "page.html"),
        ("x" * 400 + ".pdf", "cases/a.pdf", "x" * 146 + ".pdf"),
    ],
)
def test_safe_filename(name, stored, expected):
    assert safe_filename(name, stored) == expected


def test_content_disposition_gives_both_names():
    assert content_disposition("محضر اللجنة.pdf") == (
        "attachment; filename=\"document.pdf\"; filename*=UTF-8''"
        "%D9%85%D8%AD%D8%B6%D8%B1%20%D8%A7%D9%84%D9%84%D8%AC%D9%86%D8%A9.pdf"
    )
    assert content_disposition('Procès-verbal "final".pdf') == (
        'attachment; filename="Proces-verbal _final.pdf"; '
        "filename*=UTF-8''Proc%C3%A8s-verbal%20%22final%22.pdf"
    )


def test_content_type_for_accepted_extensions_only():
    assert content_type_for("a.PDF") == "application/pdf"
    assert content_type_for("a.jpeg") == "image/jpeg"
    assert content_type_for("a.html") == "application/octet-stream"
    assert content_type_for("") == "application/octet-stream"

import io

import pytest
from django.urls import reverse


def letter_url(case, kind: str, lang: str | None = None) -> str:
    url = reverse("letters:pdf", kwargs={"reference": case.reference, "kind": kind})
    return f"{url}?lang={lang}" if lang else url


def pdf_text(response) -> str:
    """The text of every page, as a reader copying it from the PDF would get it."""
    from pypdf import PdfReader

    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Whitespace folded: a PDF breaks long lines where the page does."""
    return " ".join(text.split())


@pytest.fixture
def citizen_client(client, world):
    client.force_login(world["citizen"])
    return client

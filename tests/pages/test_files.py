"""GET /files/<id>/: who opens which document of a case in which state, the access log of
personal data (Law 09-08), the response headers, and /media/ never served.

The expected table is written out by hand from the README's rules, not computed from cases.files.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from cases.models import CaseAttachment
from core import roles
from petitions.models import SignatureAccessLog
from tests.factories import UserFactory

KINDS = ("public", "private", "cnie_copies", "signed_lists", "statutes")
PERSONAL = ("cnie_copies", "signed_lists", "statutes")
WHO = (
    "anonymous",
    "submitter",
    "other_citizen",
    roles.INTAKE,
    roles.BUREAU,
    "committee_of_case",
    "other_committee",
    roles.SECRETARIAT,
    roles.PRESIDENT,
    roles.SERVICE,
    roles.FOLLOWUP,
    roles.EQUALITY_COMMISSION,
    roles.CHILDREN_COUNCIL,
    "superuser",
)


def _row(public, private, personal):
    return {"public": public, "private": private, **dict.fromkeys(PERSONAL, personal)}


# A draft exists for its submitter alone (and the superuser, who sees every record); the
# identity dossier is the bureau's, even for the filer who uploaded it.
DRAFT = {who: _row(404, 404, 404) for who in WHO} | {
    "submitter": _row(200, 200, 403),
    "superuser": _row(200, 200, 403),
}
# Filed, with the committee (no service yet).
FILED = {
    "anonymous": _row(200, 404, 404),
    "submitter": _row(200, 200, 403),
    "other_citizen": _row(200, 404, 404),
    roles.INTAKE: _row(200, 200, 403),
    roles.BUREAU: _row(200, 200, 200),
    "committee_of_case": _row(200, 200, 403),
    "other_committee": _row(200, 404, 404),
    roles.SECRETARIAT: _row(200, 200, 403),
    roles.PRESIDENT: _row(200, 200, 403),
    roles.SERVICE: _row(200, 404, 404),
    # The follow-up team reads what the public reads (charter 7.4, Law 09-08 minimisation).
    roles.FOLLOWUP: _row(200, 404, 404),
    roles.EQUALITY_COMMISSION: _row(200, 404, 404),
    roles.CHILDREN_COUNCIL: _row(200, 404, 404),
    "superuser": _row(200, 200, 403),
}
# Decided (adopted, the world's service named to implement it).
DECIDED = FILED | {roles.SERVICE: _row(200, 200, 403)}
EXPECTED = {"draft": DRAFT, "in_committee": FILED, "adopted": DECIDED}


def _attach(case, kind: str, name: str | None = None, content: bytes = b"%PDF-1.4 test") -> CaseAttachment:
    purpose = {"public": "report", "private": "information"}.get(kind, kind)
    return CaseAttachment.objects.create(
        case=case,
        purpose=purpose,
        file=ContentFile(content, name=f"{kind}.pdf"),
        name=name or f"{kind}-document.pdf",
        public=kind == "public",
        sha256="0" * 64,
        content_type="application/pdf",
    )


def _user(world, who: str, case):
    if who == "anonymous":
        return None
    if who == "submitter":
        return case.submitter
    if who == "other_citizen":
        return UserFactory(username="other_citizen", groups=[roles.CITIZEN])
    if who == "committee_of_case":
        return world[roles.COMMITTEE]
    if who == "other_committee":
        return world.outsider_committee_member
    if who == "superuser":
        return UserFactory(username="root", is_superuser=True, is_staff=True)
    return world[who]


@pytest.mark.parametrize("state", EXPECTED)
def test_who_opens_which_document(client, world, state):
    case = world.case_in(state, "petition")
    assert case.submitter == world[roles.CITIZEN]
    if state != "draft":
        assert case.committee == world.committee
    documents = {kind: _attach(case, kind) for kind in KINDS}
    got = {}
    logged = {}
    for who in WHO:
        user = _user(world, who, case)
        client.logout()
        if user is not None:
            client.force_login(user)
        before = SignatureAccessLog.objects.count()
        got[who] = {}
        for kind, attachment in documents.items():
            response = client.get(reverse("files:download", args=[attachment.pk]))
            got[who][kind] = response.status_code
            if response.status_code == 200:
                assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        logged[who] = SignatureAccessLog.objects.count() - before
    assert got == EXPECTED[state]
    # One log row per opening of personal data, none for a refusal.
    assert logged == {who: sum(got[who][k] == 200 for k in PERSONAL) for who in WHO}


def test_each_personal_data_opening_is_logged(client, world):
    case = world.case_in("submitted", "petition")
    cnie = _attach(case, "cnie_copies")
    public = _attach(case, "public")
    client.force_login(world[roles.BUREAU])
    url = reverse("files:download", args=[cnie.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(reverse("files:download", args=[public.pk])).status_code == 200
    rows = list(SignatureAccessLog.objects.filter(case=case))
    assert len(rows) == 2
    assert {(r.user, r.attachment, r.what) for r in rows} == {(world[roles.BUREAU], cnie, "file:cnie_copies")}


def test_an_unknown_document_is_not_found(client, world):
    client.force_login(world[roles.BUREAU])
    assert client.get("/files/999999/").status_code == 404
    assert client.get("/files/abc/").status_code == 404
    assert client.post(reverse("files:download", args=[1])).status_code == 405


def test_headers_of_a_private_document(client, world):
    case = world.case_in("in_committee", "petition")
    attachment = _attach(case, "private")
    client.force_login(world[roles.BUREAU])
    response = client.get(reverse("files:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}
    assert response["Content-Disposition"] == (
        "attachment; filename=\"private-document.pdf\"; filename*=UTF-8''private-document.pdf"
    )


def test_a_public_document_may_be_cached(client, world):
    case = world.case_in("in_committee", "petition")
    attachment = _attach(case, "public")
    response = client.get(reverse("files:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_file_name_loses_paths_controls_and_bidi_characters(client, world):
    case = world.case_in("in_committee", "petition")
    # U+202E would show "fdp.exe" reversed; the path would climb out of a download folder.
    # (PostgreSQL stores no NUL character; the unit tests of safe_filename cover it.)
    attachment = _attach(case, "public", name="../..\\تقرير\u202efdp.exe\r\nX-Evil: 1\x07")
    response = client.get(reverse("files:download", args=[attachment.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    ascii_part, utf8_part = disposition.split("; filename*=UTF-8''")
    for forbidden in ("/", "\\", "\u202e", "\r", "\n", "\x07"):
        assert forbidden not in disposition
    assert "%E2%80%AE" not in utf8_part and "%2F" not in utf8_part and "%5C" not in utf8_part
    from urllib.parse import unquote

    shown = unquote(utf8_part)
    assert shown.endswith(".pdf")
    assert "تقرير" in shown and "fdp.exe" in shown
    assert ascii_part.endswith('.pdf"')


def test_a_stored_type_outside_the_accepted_ones_is_not_served(client, world):
    case = world.case_in("in_committee", "petition")
    attachment = _attach(case, "public")
    CaseAttachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    response = client.get(reverse("files:download", args=[attachment.pk]))
    assert response["Content-Type"] == "application/pdf"
    attachment.file.storage.save("cases/odd.html", ContentFile(b"<script>alert(1)</script>"))
    CaseAttachment.objects.filter(pk=attachment.pk).update(content_type="", file="cases/odd.html")
    response = client.get(reverse("files:download", args=[attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"


@override_settings(MITHAQ_ACCEL_REDIRECT="/protected-media/")
def test_production_hands_the_file_to_nginx(client, world):
    case = world.case_in("in_committee", "petition")
    attachment = _attach(case, "cnie_copies")
    client.force_login(world[roles.BUREAU])
    response = client.get(reverse("files:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + attachment.file.name
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert SignatureAccessLog.objects.filter(attachment=attachment).count() == 1
    # A refusal sends nothing to nginx.
    client.force_login(world[roles.COMMITTEE])
    refused = client.get(reverse("files:download", args=[attachment.pk]))
    assert refused.status_code == 403 and "X-Accel-Redirect" not in refused


def test_a_missing_file_is_not_found(client, world):
    case = world.case_in("in_committee", "petition")
    attachment = _attach(case, "public")
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(reverse("files:download", args=[attachment.pk])).status_code == 404


def test_the_upload_services_store_the_type_from_the_extension(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import services

    case = world.new_case("petition")
    upload = SimpleUploadedFile("Statuts.PDF", b"%PDF-1.4", content_type="text/html")
    attachment = services.case_attachment_add(
        actor=case.submitter, case=case, purpose="statutes", file=upload
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.is_personal_data and not attachment.public

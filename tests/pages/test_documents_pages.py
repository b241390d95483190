"""Every page that shows a case links its documents through /files/<id>/, as the reader may
open them: the public page (public documents only), the staff page, the timeline, the bureau's
petition panel, the filer's panel, the API detail; and the admin cannot change a document."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from cases import services
from cases.models import CaseAttachment
from core import roles
from tests.factories import UserFactory


def _upload(name: str, content: bytes = b"%PDF-1.4 content") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _url(attachment) -> str:
    return reverse("files:download", args=[attachment.pk])


def _case_with_documents(world):
    """A citizens' petition with its identity copies, referred to the committee, whose report
    carries a document."""
    case = world.new_case("petition")
    cnie = services.case_attachment_add(
        actor=case.submitter, case=case, purpose="cnie_copies", file=_upload("cnie-Alami.pdf")
    )
    world.sign(case, case.collectivity.petition_min_signatures)
    for name in ("submit", "start_review", "refer_to_committee"):
        if name == "refer_to_committee":
            world.check_admissible(case)
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
    case = services.case_transition(
        actor=world[roles.COMMITTEE],
        case=case,
        name="report",
        data=world.payload_for("report"),
        files={"attachment": _upload("rapport-commission.pdf")},
    )
    report = CaseAttachment.objects.get(case=case, purpose="report")
    note = services.case_attachment_add(
        actor=world[roles.BUREAU], case=case, purpose="other", file=_upload("note-interne.pdf")
    )
    return case, report, note, cnie


def test_the_public_page_links_public_documents_only(client, world):
    case, report, note, cnie = _case_with_documents(world)
    assert report.public and not note.public
    html = client.get(reverse("public:case", args=[case.reference])).content.decode()
    # Listed in the documents section and on the report's timeline entry.
    assert html.count(f'href="{_url(report)}"') == 2
    assert _url(note) not in html and "note-interne" not in html
    assert _url(cnie) not in html and "cnie-Alami" not in html
    client.force_login(world[roles.BUREAU])
    html = client.get(reverse("public:case", args=[case.reference])).content.decode()
    assert _url(note) not in html and _url(cnie) not in html


def test_the_staff_page_links_what_the_reader_may_open(client, world):
    case, report, note, cnie = _case_with_documents(world)
    client.force_login(world[roles.BUREAU])
    html = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    for attachment in (report, note, cnie):
        assert f'href="{_url(attachment)}"' in html
    # The bureau's petition panel lists the filing dossier.
    panel = html.split('id="petition-title"', 1)[1]
    assert f'href="{_url(cnie)}"' in panel

    client.force_login(world[roles.COMMITTEE])
    html = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert f'href="{_url(report)}"' in html and f'href="{_url(note)}"' in html
    # The identity copies are listed by kind, neither linked nor named.
    assert _url(cnie) not in html and "cnie-Alami" not in html
    with translation.override("ar"):
        assert escape(str(_("Copies of identity cards"))) in html
        assert escape(str(_("opened by the council bureau only"))) in html


def test_the_staff_timeline_links_each_document_to_its_entry(client, world):
    case, report, note, cnie = _case_with_documents(world)
    client.force_login(world[roles.BUREAU])
    html = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    timeline = html.split('class="timeline"', 1)[1]
    links = re.findall(r'class="timeline__document"><a href="([^"]+)"', timeline)
    assert sorted(links) == sorted([_url(cnie), _url(report), _url(note)])


def test_the_filer_panel_lists_the_dossier_without_opening_it(client, world):
    case = world.new_case("petition")
    cnie = services.case_attachment_add(
        actor=case.submitter, case=case, purpose="cnie_copies", file=_upload("cnie-Alami.pdf")
    )
    other = services.case_attachment_add(
        actor=case.submitter, case=case, purpose="other", file=_upload("plan.pdf")
    )
    client.force_login(case.submitter)
    html = client.get(reverse("public:my_cases")).content.decode()
    assert "cnie-Alami.pdf" in html and _url(cnie) not in html
    assert f'href="{_url(other)}"' in html


def test_the_api_detail_lists_the_documents_the_requester_may_open(api_client, world):
    case, report, note, cnie = _case_with_documents(world)
    url = reverse("api:case-detail", kwargs={"reference": case.reference})

    def listed():
        body = api_client.get(url).json()
        return {d["url"].replace("http://testserver", "") for d in body["documents"]}

    assert listed() == {_url(report)}
    api_client.force_authenticate(world[roles.COMMITTEE])
    assert listed() == {_url(report), _url(note)}
    api_client.force_authenticate(world[roles.BUREAU])
    assert listed() == {_url(report), _url(note), _url(cnie)}
    api_client.force_authenticate(world[roles.FOLLOWUP])
    assert listed() == {_url(report)}


def test_the_admin_cannot_add_change_or_delete_a_document(client, world):
    case, report, note, cnie = _case_with_documents(world)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    change = reverse("admin:cases_caseattachment_change", args=[report.pk])
    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="file"' not in html and 'name="public"' not in html
    assert f'href="{_url(report)}"' in html and "/media/" not in html
    response = client.post(change, {"public": "", "name": "renamed", "purpose": "other"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.public and report.purpose == "report"
    assert client.get(reverse("admin:cases_caseattachment_add")).status_code == 403
    assert client.get(reverse("admin:cases_caseattachment_delete", args=[report.pk])).status_code == 403

"""The agent's tools on "My cases" and the reception desk's signature page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from cases.models import CaseAttachment
from core import roles
from petitions.models import Signature
from tests.petitions.conftest import upload


@pytest.fixture
def draft(world):
    return world.new_case("petition", title="Shade trees on the avenue")


def _row_panel(response, case):
    html = response.content.decode()
    start = html.index(f'id="case-{case.reference}"')
    return html[start : html.index("</article>", start)]


def test_my_cases_shows_the_count_against_the_minimum_and_opens_signing(client, world, draft):
    world.sign(draft, 37)
    client.force_login(world[roles.CITIZEN])
    panel = _row_panel(client.get(reverse("public:my_cases")), draft)
    assert "37" in panel and "100" in panel and "63" in panel
    assert reverse("petitions:my_signatures", args=[draft.reference]) in panel
    assert reverse("petitions:my_signing", args=[draft.reference]) in panel

    response = client.post(reverse("petitions:my_signing", args=[draft.reference]), {"open": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#case-{draft.reference}")
    draft.refresh_from_db()
    assert draft.signing_open is True
    panel = _row_panel(client.get(reverse("public:my_cases")), draft)
    assert reverse("petitions:sign", args=[draft.reference]) in panel
    assert draft.reference in client.get(reverse("petitions:list")).content.decode()

    client.post(reverse("petitions:my_signing", args=[draft.reference]), {"open": "0"})
    draft.refresh_from_db()
    assert draft.signing_open is False
    assert client.get(reverse("petitions:sign", args=[draft.reference])).status_code == 404


def test_only_the_agent_toggles_signing(client, world, draft):
    client.force_login(world[roles.INTAKE])
    assert (
        client.post(reverse("petitions:my_signing", args=[draft.reference]), {"open": "1"}).status_code == 404
    )
    draft.refresh_from_db()
    assert draft.signing_open is False


def test_the_agent_attaches_documents(client, world, draft):
    client.force_login(world[roles.CITIZEN])
    response = client.post(
        reverse("petitions:my_attachment", args=[draft.reference]),
        {"purpose": "cnie_copies", "file": upload("copies.pdf"), "name": "Copies of the cards"},
    )
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get(case=draft)
    assert (attachment.purpose, attachment.name, attachment.public) == (
        "cnie_copies",
        "Copies of the cards",
        False,
    )
    assert "Copies of the cards" in _row_panel(client.get(reverse("public:my_cases")), draft)
    # A file the service refuses: the message comes back, nothing is attached.
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    client.post(reverse("petitions:my_attachment", args=[draft.reference]), {"purpose": "other", "file": bad})
    assert CaseAttachment.objects.filter(case=draft).count() == 1
    # An association's documents are not among a citizens' petition's purposes.
    client.post(
        reverse("petitions:my_attachment", args=[draft.reference]), {"purpose": "statutes", "file": upload()}
    )
    assert CaseAttachment.objects.filter(case=draft).count() == 1


def test_an_association_sees_which_documents_are_missing(client, world):
    case = world.new_case("petition", actor=world[roles.ASSOCIATION])
    client.force_login(world[roles.ASSOCIATION])
    labels = dict(CaseAttachment.Purpose.choices)
    panel = _row_panel(client.get(reverse("public:my_cases")), case)
    for purpose in ("final_receipt", "statutes", "mandate"):
        assert escape(str(labels[purpose])) in panel
    client.post(
        reverse("petitions:my_attachment", args=[case.reference]), {"purpose": "statutes", "file": upload()}
    )
    panel = _row_panel(client.get(reverse("public:my_cases")), case)
    missing = panel[: panel.index("Attached documents")] if "Attached documents" in panel else panel
    assert escape(str(labels["final_receipt"])) in missing and escape(str(labels["mandate"])) in missing
    assert "Missing document: " + escape(str(labels["statutes"])) not in panel


def test_filed_petitions_show_their_count_without_extra_queries(client, world):
    case = world.case_in("submitted", "petition")
    client.force_login(world[roles.CITIZEN])
    panel = _row_panel(client.get(reverse("public:my_cases")), case)
    assert "100" in panel
    assert reverse("petitions:my_signing", args=[case.reference]) not in panel


# The reception desk -----------------------------------------------------------------------------


def test_the_desk_types_in_one_signature(client, world, draft):
    client.force_login(world[roles.INTAKE])
    url = reverse("staff:signatures_add", args=[draft.reference])
    row = {"full_name": "Hadda Oubella", "cnie": "ee ١٢٣", "address": "Douar Ait Bilal", "link": "activity"}
    assert client.post(url, row).status_code == 302
    signature = Signature.objects.get(case=draft)
    assert (signature.channel, signature.link, signature.created_by) == (
        "paper",
        "activity",
        world[roles.INTAKE],
    )
    again = client.post(url, row)
    assert again.status_code == 400
    assert again.context["paper_form"].errors["cnie"]
    bad = client.post(url, {**row, "cnie": "123"})
    assert bad.status_code == 400 and "AB123456" in bad.content.decode()
    assert Signature.objects.filter(case=draft).count() == 1


def test_the_desk_imports_a_csv_and_sees_each_rejected_row(client, world, draft):
    client.force_login(world[roles.INTAKE])
    content = (
        b"full_name,cnie,address,link\n"
        b"Ali Ait Ali,AB1,Derb 1,resident\n"
        b"Ali Ait Ali,ab1,Derb 1,resident\n"
        b"Zahra,12,Derb 2,resident\n"
        b"Moha,CD2,Derb 3,activity\n"
    )
    response = client.post(
        reverse("staff:signatures_import", args=[draft.reference]),
        {"file": SimpleUploadedFile("lists.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.accepted == 2 and [(r.row, r.code) for r in result.rejected] == [
        (2, "duplicate"),
        (3, "cnie_invalid"),
    ]
    html = response.content.decode()
    assert "AB123456" in html  # the reason of the malformed number, in the page's language
    assert all(escape(r.reason) in html for r in result.rejected)
    # The desk sees masked numbers only, never names.
    assert "Ali Ait Ali" not in html and "•••••AB1" in html
    wrong = client.post(
        reverse("staff:signatures_import", args=[draft.reference]),
        {"file": SimpleUploadedFile("lists.csv", b"nom;cnie\nA;AB9\n", content_type="text/csv")},
    )
    assert wrong.status_code == 400
    assert wrong.context["csv_form"].errors["file"]
    assert Signature.objects.filter(case=draft).count() == 2


def test_the_bureau_has_no_paper_entry_form(client, world, draft):
    client.force_login(world[roles.BUREAU])
    response = client.get(reverse("staff:signatures", args=[draft.reference]))
    # A draft's signatures are the agent's working data: the bureau sees them after filing.
    assert response.status_code == 403
    assert "paper_form" not in response.context
    assert client.post(reverse("staff:signatures_add", args=[draft.reference]), {}).status_code == 403


def test_signatures_page_of_a_proposal_is_a_404(client, world):
    proposal = world.case_in("submitted", "proposal")
    client.force_login(world[roles.BUREAU])
    assert client.get(reverse("staff:signatures", args=[proposal.reference])).status_code == 404

"""Each letter renders as a PDF in Arabic and French, with the reference, the verification URL and
the hash of the audit entry it reports (issue 10 item 4; README: letters)."""

import re

import pytest
from django.utils import translation

from audit.models import TransitionEntry
from cases import services as case_services
from cases.lifecycle import REJECTION_REASONS
from petitions import admissibility
from tests.factories import JUSTIFICATION
from tests.letters.conftest import flat, letter_url, pdf_text

pytestmark = pytest.mark.django_db

# Arabic words only: no digit or bracket whose order a PDF text extractor may turn around.
JUSTIFICATION_AR = "موضوع العريضة يخرج عن صلاحيات المجلس الجماعي كما يحددها القانون التنظيمي للجماعات"
PRIVATE_NOTE = "Seules quatre-vingts signatures sont valides apres verification du bureau"
LANGS = ("ar", "fr")


def inadmissible_petition(world):
    """A petition the bureau checked (one condition unmet, with a note) and declared inadmissible."""
    case = world.case_in("under_review", kind="petition")
    bureau = world["bureau"]
    admissibility.admissibility_record(
        actor=bureau, case=case.reference, results={"signatures": {"met": False, "note": PRIVATE_NOTE}}
    )
    return case_services.case_transition(
        actor=bureau,
        case=case,
        name="declare_inadmissible",
        data={"reason_code": ["signatures", "competence"], "justification": JUSTIFICATION_AR},
    )


def reported_entry(case, transition):
    return TransitionEntry.objects.filter(case=case, transition=transition).order_by("-seq").first()


def compact(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", LANGS)
def test_rejection_letter_names_the_justification_conditions_and_entry(client, world, lang):
    case = inadmissible_petition(world)
    text = pdf_text(client.get(letter_url(case, "rejection", lang)))
    assert case.reference in text
    assert JUSTIFICATION_AR in flat(text)
    # The hash of the declare_inadmissible entry, whole (the PDF may wrap it).
    assert reported_entry(case, "declare_inadmissible").hash in compact(text)
    if lang == "fr":
        with translation.override("fr"):
            assert str(admissibility.CHECKLIST["signatures"]) in flat(text)
    # The bureau's note stays off the public letter (Law 09-08 minimisation).
    assert PRIVATE_NOTE not in flat(text)


def test_rejection_letter_for_the_desk_carries_the_bureau_notes(client, world):
    case = inadmissible_petition(world)
    client.force_login(world["intake"])
    text = pdf_text(client.get(letter_url(case, "rejection", "fr")))
    assert PRIVATE_NOTE in flat(text)


def test_the_verification_url_on_the_letter_answers_with_the_case(client, world):
    case = inadmissible_petition(world)
    text = pdf_text(client.get(letter_url(case, "rejection", "fr")))
    urls = re.findall(r"http://testserver(/\S+?/)(?=\s|$)", text)
    assert urls, text
    path = urls[0]
    assert path == f"/register/{case.reference}/"
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html
    # The public history shows the hash the letter prints, so the paper can be checked.
    assert reported_entry(case, "declare_inadmissible").hash in html


@pytest.mark.parametrize("lang", LANGS)
def test_receipt_for_the_filer(client, world, lang):
    case = world.case_in("submitted", kind="petition")
    client.force_login(world["citizen"])
    text = pdf_text(client.get(letter_url(case, "receipt", lang)))
    assert case.reference in text
    assert reported_entry(case, "submit").hash in compact(text)


@pytest.mark.parametrize("lang", LANGS)
def test_acceptance_letter(client, world, lang):
    case = world.case_in("in_committee", kind="petition")
    text = pdf_text(client.get(letter_url(case, "acceptance", lang)))
    assert case.reference in text
    assert reported_entry(case, "refer_to_committee").hash in compact(text)


@pytest.mark.parametrize("lang", LANGS)
def test_decision_extract(client, world, lang):
    case = world.case_in("rejected", kind="petition")
    text = pdf_text(client.get(letter_url(case, "decision", lang)))
    assert case.reference in text
    assert reported_entry(case, "reject").hash in compact(text)
    if lang == "fr":
        assert "17/2027" in text  # the deliberation number
        with translation.override("fr"):
            assert str(REJECTION_REASONS["budget"]) in text


def test_decision_extract_reports_the_presidents_correction(client, world):
    case = world.case_in("adopted", kind="proposal")
    case_services.case_correct(
        actor=world["president"],
        case=case,
        changes={"deliberation_number": "18/2027"},
        justification="The deliberation number was mistyped in the minutes of the session.",
    )
    text = pdf_text(client.get(letter_url(case, "decision", "fr")))
    assert "18/2027" in text
    assert reported_entry(case, "case_correct").hash in compact(text)


@pytest.mark.parametrize("lang", LANGS)
def test_petition_form_prefilled_from_the_draft(client, world, lang):
    case = world.new_case("petition", title="Eclairage public au Derb Jdid")
    world.sign(case, 3)
    client.force_login(world["citizen"])
    text = pdf_text(client.get(letter_url(case, "petition-form", lang)))
    assert case.reference in text
    assert "Eclairage public au Derb Jdid" in text
    # Blank rows for the minimum number of signatories (100 below 35,000 inhabitants), no signatory.
    assert re.search(r"\b100\b", text)
    assert "Signataire" not in text


def test_bad_language_is_a_clear_400(client, world):
    case = inadmissible_petition(world)
    response = client.get(letter_url(case, "rejection", "en"))
    assert response.status_code == 400
    assert "lang=ar" in response.content.decode()


def test_no_language_follows_the_page_language(client, world):
    case = inadmissible_petition(world)
    response = client.get(letter_url(case, "rejection"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"


def test_rejection_letter_of_a_proposal(client, world):
    case = world.case_in("inadmissible", kind="proposal")
    text = flat(pdf_text(client.get(letter_url(case, "rejection", "fr"))))
    assert case.reference in text
    assert JUSTIFICATION in text
    assert "personne ou de l'association qui a déposé le dossier" in text

"""The decision extract of a council session prints the members present out of the members in office,
the convocation and the quorum (OL 113-14 art. 42); a ruling of the president without a session
prints none of it (README: letters)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.lifecycle import CONVOCATIONS
from tests.factories import JUSTIFICATION
from tests.letters.conftest import flat, letter_url, pdf_text

pytestmark = pytest.mark.django_db

LANGS = ("ar", "fr")


def _labels(lang: str) -> dict[str, str]:
    with translation.override(lang):
        return {
            "present": _("Members present"),
            "convocation": _("Convocation"),
            "quorum": _("Quorum"),
            "first": str(CONVOCATIONS["first"]),
            "second": str(CONVOCATIONS["second"]),
            "third": str(CONVOCATIONS["third"]),
            "article": _("(organic law 113-14, article 42)"),
            "unchecked": _("not checked: the number of members in office is not set"),
            "reached": _("reached (at least %(quorum)s present)") % {"quorum": 15},
            "of": _("%(present)s of %(members)s members in office") % {"present": 22, "members": 29},
        }


def decided_in_session(world, **changes):
    """A proposal the council adopted in session (factory: 22 present of 29 in office, quorum 15)."""
    case = world.case_in("on_agenda", kind="proposal")
    return case_services.case_transition(
        actor=world["secretariat"], case=case, name="adopt", data=dict(world.payload_for("adopt"), **changes)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_session_decision_prints_the_members_present_and_the_convocation(client, world, lang):
    case = decided_in_session(world)
    text = flat(pdf_text(client.get(letter_url(case, "decision", lang))))
    labels = _labels(lang)
    for key in ("present", "convocation", "quorum", "first"):
        assert flat(labels[key]) in text, (lang, key)
    if lang == "fr":
        # Digits are checked in the left-to-right letter: an extractor may reorder them in Arabic.
        assert flat(labels["of"]) in text
        assert flat(labels["reached"]) in text
        assert flat(labels["article"]) in text


def test_the_second_convocation_is_named(client, world):
    case = decided_in_session(world, convocation="second")
    text = flat(pdf_text(client.get(letter_url(case, "decision", "fr"))))
    labels = _labels("fr")
    assert labels["second"] in text and labels["first"] not in text
    assert flat(labels["reached"]) in text


def test_the_third_meeting_claims_no_quorum(client, world):
    # OL 113-14 art. 42: at the third meeting the council deliberates whatever the number present.
    case = decided_in_session(
        world, members_present=9, votes_for=6, votes_against=2, votes_abstain=1, convocation="third"
    )
    text = flat(pdf_text(client.get(letter_url(case, "decision", "fr"))))
    labels = _labels("fr")
    assert flat(labels["third"]) in text
    with translation.override("fr"):
        assert flat(_("%(present)s of %(members)s members in office") % {"present": 9, "members": 29}) in text
    assert labels["quorum"] + " " not in text.replace(labels["third"], "")
    assert flat(labels["reached"]) not in text


def test_without_members_in_office_the_quorum_is_not_checked(client, world):
    case = decided_in_session(world)
    world.collectivity.council_members = None
    world.collectivity.save(update_fields=["council_members"])
    text = flat(pdf_text(client.get(letter_url(case, "decision", "fr"))))
    labels = _labels("fr")
    assert labels["present"] in text and flat(labels["unchecked"]) in text
    assert flat(labels["of"]) not in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_ruling_of_the_president_prints_no_session_facts(client, world, lang):
    """From `reported` the president rules alone on a proposal: no session, no vote, no quorum."""
    case = world.case_in("reported", kind="proposal")
    case = case_services.case_transition(
        actor=world["president"], case=case, name="adopt", data={"justification": JUSTIFICATION}
    )
    assert case.decided_by_president and case.members_present is None
    text = flat(pdf_text(client.get(letter_url(case, "decision", lang))))
    assert case.reference in text
    labels = _labels(lang)
    for key in ("present", "convocation", "quorum", "first", "article"):
        assert flat(labels[key]) not in text, (lang, key)

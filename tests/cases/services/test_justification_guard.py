"""docs/domain.md §3.2: a justification is a written explanation of at least the configured number of
letters (default 30); whitespace and punctuation do not count. Without it the decision is refused
with a clear error and nothing changes."""

import itertools

import pytest

from cases import services
from core import errors
from organisation.models import Collectivity
from tests.cases.conftest import counts
from tests.cases.contract import edge_for

pytestmark = pytest.mark.django_db

BASE = "The council explains, in plain words, why this decision was taken today. "


def with_letters(n: int) -> str:
    """An English sentence (with spaces and punctuation) holding exactly n ASCII letters."""
    out, letters = [], 0
    for ch in itertools.cycle(BASE):
        if letters == n:
            break
        letters += ch.isascii() and ch.isalpha()
        out.append(ch)
    return "".join(out)


# 28 letters of the alphabet, then taa marbuta and alif maqsura: 30 letters, counted by hand.
ARABIC_30 = "ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي ة ى"
ARABIC_29 = ARABIC_30[:-2]
FATHA, SHADDA, SUKUN = "\u064e", "\u0651", "\u0652"


def with_tashkeel(text: str) -> str:
    return "".join(ch + FATHA + SHADDA if not ch.isspace() else ch for ch in text)


# (transition, kind, source state): every edge that carries a justification.
JUSTIFIED = [
    ("declare_inadmissible", "petition", "submitted"),
    ("declare_inadmissible", "proposal", "under_review"),
    ("adopt", "proposal", "on_agenda"),
    ("adopt", "proposal", "reported"),
    ("reject", "advisory_opinion", "on_agenda"),
    ("reject", "proposal", "reported"),
    ("defer", "petition", "on_agenda"),
    ("abandon", "proposal", "adopted"),
    ("abandon", "children_recommendation", "in_implementation"),
]

MISSING = object()

BAD = {
    "missing": MISSING,
    "none": None,
    "blank": "",
    "whitespace only": " \t\n \u00a0  \u3000 ",
    "29 letters": with_letters(29),
    "punctuation only": "..........,,,,,!!!!!" * 4,
    "symbols and emoji": "★☆♥→ 😀😀😀 —–·• %%%% $$$$ " * 5,
    "29 arabic letters": ARABIC_29,
    "29 arabic letters with tashkeel": with_tashkeel(ARABIC_29),
    "tashkeel only": (FATHA + SHADDA + SUKUN + "\u064b\u064c\u064d\u064f\u0650") * 10,
    "29 arabic letters and arabic punctuation": ARABIC_29 + " ، ؟ ؛ ، ؟ ؛ «» ٪",
    "not text": 123456789012345678901234567890,
    "a list": [with_letters(40)],
}
GOOD = {
    "exactly 30 letters": with_letters(30),
    "30 arabic letters": ARABIC_30,
    "30 arabic letters with tashkeel": with_tashkeel(ARABIC_30),
    "french with accents": "Le conseil a décidé ainsi car le budget était épuisé.",
    "padded": "   " + with_letters(30) + "   ",
}


def _attempt(stage, name, kind, state, justification):
    case = stage.case(kind, state)
    (role,) = edge_for(name, state, kind).roles
    data = dict(stage.world.payload_for(name))
    if justification is MISSING:
        data.pop("justification")
    else:
        data["justification"] = justification
    return case, lambda: services.case_transition(actor=stage.actor(role), case=case, name=name, data=data)


def _assert_refused(case, call, field="justification"):
    before = counts(case)
    with pytest.raises(errors.GuardFailed) as info:
        call()
    assert type(info.value) is errors.GuardFailed
    assert info.value.code == "guard_failed"
    assert info.value.http_status == 400
    assert field in info.value.field_errors
    assert all(str(m) for m in info.value.field_errors[field])
    assert counts(case) == before
    return info.value


@pytest.mark.parametrize("variant", BAD)
@pytest.mark.parametrize(("name", "kind", "state"), JUSTIFIED)
def test_insufficient_justification_is_refused(stage, name, kind, state, variant):
    case, call = _attempt(stage, name, kind, state, BAD[variant])
    _assert_refused(case, call)


@pytest.mark.parametrize("variant", GOOD)
@pytest.mark.parametrize(("name", "kind", "state"), JUSTIFIED)
def test_sufficient_justification_passes(stage, name, kind, state, variant):
    case, call = _attempt(stage, name, kind, state, GOOD[variant])
    result = call()
    assert result.state == edge_for(name, state, kind).target
    if name != "defer":
        assert result.decision_justification == GOOD[variant].strip()


def test_too_short_names_the_minimum(stage):
    case, call = _attempt(stage, "defer", "proposal", "on_agenda", with_letters(29))
    error = _assert_refused(case, call)
    assert "30" in " ".join(str(m) for m in error.field_errors["justification"])


@pytest.mark.parametrize(
    ("minimum", "letters", "passes"),
    [(10, 9, False), (10, 10, True), (50, 49, False), (50, 50, True), (30, 29, False), (30, 30, True)],
)
def test_minimum_is_a_setting_of_the_collectivity(stage, minimum, letters, passes):
    collectivity = Collectivity.objects.get(pk=stage.world.collectivity.pk)
    collectivity.justification_min_chars = minimum
    collectivity.save()
    case, call = _attempt(stage, "abandon", "proposal", "adopted", with_letters(letters))
    if passes:
        assert call().state == "not_implemented"
    else:
        error = _assert_refused(case, call)
        assert str(minimum) in " ".join(str(m) for m in error.field_errors["justification"])


def test_tatweel_is_not_a_letter(stage):
    """Kashida only stretches a word; 30 of them explain nothing."""
    case, call = _attempt(stage, "defer", "proposal", "on_agenda", "ب" + "\u0640" * 40)
    _assert_refused(case, call)


def test_request_information_must_say_what_is_missing(stage):
    for value in (MISSING, "", "   ", "?!.."):
        case, call = _attempt(stage, "request_information", "petition", "under_review", value)
        _assert_refused(case, call)


def test_withdraw_reason_is_optional(stage):
    case = stage.case("proposal", "submitted")
    result = services.case_transition(actor=case.submitter, case=case, name="withdraw", data={})
    assert result.state == "withdrawn"

"""Template helpers of the letters: the text direction for the PDF (WeasyPrint does not resolve
dir="auto", so the server picks it) and the links to a case's letters."""

import unicodedata

from django import template
from django.urls import reverse
from django.utils.translation import get_language_info

from cases import states as S
from letters import selectors

register = template.Library()

# After the bureau's referral (OL 113-14 art. 125 §3), and after the council's decision.
ACCEPTED_STATES = frozenset(
    {
        S.IN_COMMITTEE,
        S.REPORTED,
        S.ON_AGENDA,
        S.ADOPTED,
        S.REJECTED,
        S.IN_IMPLEMENTATION,
        S.IMPLEMENTED,
        S.NOT_IMPLEMENTED,
    }
)
DECIDED_STATES = frozenset({S.ADOPTED, S.REJECTED, S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.NOT_IMPLEMENTED})


@register.filter
def text_dir(value) -> str:
    """rtl when the first strong character is right-to-left (Arabic, Tifinagh is ltr), else ltr."""
    for ch in str(value or ""):
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


@register.inclusion_tag("letters/links.html")
def letter_links(case):
    """Links to the letters a case has now, for its staff page and the filer's page. Decided from
    the case's own columns, without a query, so a list of cases does not grow in queries."""
    return {"links": links_for(case), "languages": _languages()}


def _languages():
    return [(code, get_language_info(code)["name_local"]) for code in ("ar", "fr")]


def links_for(case) -> list[dict]:
    kinds = []
    if case.state != S.DRAFT:
        kinds.append(selectors.RECEIPT)
        if case.kind in selectors.ADMISSIBILITY_KINDS and case.state in ACCEPTED_STATES:
            kinds.append(selectors.ACCEPTANCE)
        if case.state == S.INADMISSIBLE:
            kinds.append(selectors.REJECTION)
        if case.state in DECIDED_STATES and case.decided_at is not None:
            kinds.append(selectors.DECISION)
    if case.kind == "petition":
        kinds.append(selectors.PETITION_FORM)
    return [
        {
            "kind": kind,
            "title": selectors.TITLES[kind],
            "url": reverse("letters:pdf", kwargs={"reference": case.reference, "kind": kind}),
        }
        for kind in kinds
    ]

"""Petition helpers of the pages: the public count, and the agent's panel on "My cases"."""

from __future__ import annotations

from django import template
from django.utils import timezone

from cases import files
from cases import selectors as case_selectors
from cases import states as S
from cases.models import Case
from petitions import admissibility, signatures
from petitions import selectors as petition_selectors
from petitions.forms import PetitionAttachmentForm

register = template.Library()


@register.simple_tag
def petition_signature_count(case: Case) -> int | None:
    """Valid, distinct signatures of a citizens' petition; None for anything else."""
    if case.kind != Case.Kind.PETITION or case.association_id is not None:
        return None
    return case_selectors.case_signature_count(case)


def _page_counts(context, request) -> dict[int, int]:
    """The counts of every petition on the page in one query, looked up once per request."""
    cached = getattr(request, "_mithaq_petition_counts", None)
    if cached is None:
        rows = context.get("rows") or []
        cases = [row["case"] for row in rows if isinstance(row, dict) and "case" in row]
        cached = petition_selectors.petition_signature_counts(cases)
        if request is not None:
            request._mithaq_petition_counts = cached
    return cached


@register.inclusion_tag("petitions/my_case_panel.html", takes_context=True)
def petition_agent_panel(context, case: Case) -> dict:
    """What the agent of a petition does before filing (and when the bureau asks for more):
    online signing, the count against the minimum, the documents of Decree 2.16.403."""
    request = context.get("request")
    user = getattr(request, "user", None)
    out = {"show": False, "case": case, "csrf_token": context.get("csrf_token"), "request": request}
    if case.kind != Case.Kind.PETITION or user is None or not signatures.is_agent(user, case):
        return out
    citizens = case.association_id is None
    collecting = case.state in signatures.SIGNING_STATES
    out.update(
        show=True,
        citizens=citizens,
        collecting=collecting,
        is_draft=case.state == S.DRAFT,
        minimum=case.collectivity.petition_min_signatures,
    )
    if citizens:
        counts = _page_counts(context, request)
        out["signature_count"] = counts.get(case.pk)
        if out["signature_count"] is None:
            out["signature_count"] = case_selectors.case_signature_count(case)
        out["missing"] = max(0, out["minimum"] - out["signature_count"])
    if collecting:
        out["attachment_form"] = PetitionAttachmentForm(case=case)
        out["attachments"] = files.documents_for(user=user, case=case)
        if not citizens:
            # OL 113-14 art. 124, Decree 2.16.403 art. 4: each unmet condition, named.
            out["association_unmet"] = admissibility.association_unmet(case, timezone.now())
    return out

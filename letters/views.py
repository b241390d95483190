"""GET /cases/<reference>/letters/<kind>.pdf?lang=ar|fr: a case's letters as PDF (README: letters).

A letter that does not exist, that the reader may not see, or that does not apply yet (no decision,
no filing) is the same 404: the answer never tells whether a private case exists.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases import selectors
from cases import states as S
from cases.views.public import TRACKED_SESSION_KEY
from core.pdf import PdfRenderingError, html_to_pdf
from letters import content
from letters.selectors import KINDS, letter_get, letter_visible
from organisation import selectors as org_selectors

logger = logging.getLogger(__name__)

LETTER_LANGUAGES = ("ar", "fr")


def _language(request) -> str | None:
    """?lang=ar|fr; without it, the page's language. None for anything else."""
    lang = request.GET.get("lang")
    if lang is None:
        # Letters are official paper, in the languages of the administration (ar, fr): a page read
        # in Tamazight prints them in Arabic.
        lang = translation.get_language() or settings.LANGUAGE_CODE
        lang = lang if lang in LETTER_LANGUAGES else settings.LANGUAGE_CODE
    return lang if lang in LETTER_LANGUAGES else None


@never_cache
@require_GET
def letter_pdf(request, reference: str, kind: str):
    case = selectors.case_get(reference=reference)
    # Another collectivity's case is not on this one's site (organisation.tenancy).
    if case is None or kind not in KINDS or not org_selectors.on_site(request, case.collectivity_id):
        raise Http404
    tracked = case.reference in request.session.get(TRACKED_SESSION_KEY, [])
    if not letter_visible(user=request.user, case=case, kind=kind, tracked=tracked):
        raise Http404
    letter = letter_get(case=case, kind=kind)
    if letter is None:
        raise Http404
    lang = _language(request)
    if lang is None:
        detail = _("Choose the language of the letter: %(choices)s.") % {
            "choices": ", ".join(f"lang={code}" for code in LETTER_LANGUAGES)
        }
        return render(
            request,
            "errors/error.html",
            {"title": _("Bad request"), "status": 400, "detail": detail},
            status=400,
        )
    verification_url = (
        request.build_absolute_uri(reverse("public:case", args=[case.reference]))
        if case.state != S.DRAFT
        else None
    )
    with translation.override(lang):
        context = content.letter_context(
            letter,
            user=request.user,
            verification_url=verification_url,
            tracking_url=request.build_absolute_uri(reverse("public:track")),
            lang=lang,
        )
        html = render_to_string(letter.template, context)
    try:
        pdf = html_to_pdf(html)
    except PdfRenderingError:
        logger.exception("letters: PDF rendering unavailable")
        detail = _("Letters cannot be printed on this server for now. The commune has been told.")
        return render(
            request,
            "errors/error.html",
            {"title": _("Service unavailable"), "status": 503, "detail": detail},
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}-{kind}-{lang}.pdf"'
    response["Content-Language"] = lang
    return response

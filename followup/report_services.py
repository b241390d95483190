"""The only writer of charter reports (README: the report): a draft is created for a period, its
commentary edited, then it is published once, frozen and signed.

Publishing computes the figures (followup.charter_report.build_figures, the commentary included),
prints the PDF in Arabic and in French, stores both with their sha256 and the sha256 of the
canonical figures JSON, and signs the lot with the key that signs the audit digests
(audit.signing, Ed25519; the public key is kept in audit.AuditSigningKey). Anyone can check it:
the sha256 of a downloaded file must match, and the signature must verify over `message(report)`.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import signing
from audit.models import AuditSigningKey
from core import roles
from core.errors import InvalidInput, NotFound, TransitionNotAllowed
from core.history import history_stamp
from followup import charter_report
from followup.models import CharterReport, ReportFrozen

logger = logging.getLogger(__name__)

SIGNATURE_FORMAT = "mithaq-charter-report/1"
COMMENTARY_FIELDS = ("summary", "difficulties", "recommendations")
MAX_DAYS = 3660


def can_manage(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or roles.FOLLOWUP in user.group_names()))


def _check(actor) -> None:
    if not can_manage(actor):
        raise TransitionNotAllowed(_("Only the charter follow-up team may prepare the charter report."))


def _period(date_from, date_to) -> tuple[datetime.date, datetime.date]:
    if not isinstance(date_from, datetime.date) or not isinstance(date_to, datetime.date):
        raise InvalidInput(field_errors={"date_from": [_("Give the dates as YYYY-MM-DD.")]})
    if date_from >= date_to:
        raise InvalidInput(field_errors={"date_to": [_("The start of the period must come before its end.")]})
    if (date_to - date_from).days > MAX_DAYS:
        raise InvalidInput(field_errors={"date_to": [_("The period cannot be longer than ten years.")]})
    return date_from, date_to


def _locked(report: CharterReport | int) -> CharterReport:
    pk = report.pk if isinstance(report, CharterReport) else report
    found = CharterReport.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such report."))
    return found


def report_create(*, actor, collectivity, date_from, date_to) -> CharterReport:
    _check(actor)
    date_from, date_to = _period(date_from, date_to)
    report = CharterReport(collectivity=collectivity, date_from=date_from, date_to=date_to, created_by=actor)
    history_stamp(report, user=actor)
    report.save()
    return report


def report_update(*, actor, report: CharterReport | int, data: Mapping) -> CharterReport:
    """Change a draft's period or commentary; a published report is refused (ReportFrozen)."""
    _check(actor)
    unknown = set(data) - {*COMMENTARY_FIELDS, "date_from", "date_to"}
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))[:200]})
    with transaction.atomic():
        locked = _locked(report)
        if locked.is_published:
            raise ReportFrozen()
        if "date_from" in data or "date_to" in data:
            locked.date_from, locked.date_to = _period(
                data.get("date_from", locked.date_from), data.get("date_to", locked.date_to)
            )
        for name in COMMENTARY_FIELDS:
            if name in data:
                setattr(locked, name, str(data[name] or "").strip())
        try:
            locked.full_clean(exclude=["collectivity", "created_by", "published_by"])
        except Exception as exc:  # ValidationError
            raise InvalidInput(
                field_errors={k: [str(m) for m in v] for k, v in getattr(exc, "message_dict", {}).items()}
            ) from None
        history_stamp(locked, user=actor)
        locked.save()
    return locked


def report_delete(*, actor, report: CharterReport | int) -> None:
    _check(actor)
    with transaction.atomic():
        locked = _locked(report)
        if locked.is_published:
            raise ReportFrozen()
        locked.delete()


def commentary(report: CharterReport) -> dict:
    return {name: getattr(report, name) for name in COMMENTARY_FIELDS}


def message(report: CharterReport) -> bytes:
    """The canonical bytes that are signed: anyone can rebuild them from the published fields."""
    document = {
        "format": SIGNATURE_FORMAT,
        "collectivity": report.collectivity.slug,
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "published_at": report.published_at_iso or None,
        "figures_sha256": report.figures_sha256,
        "pdf_ar_sha256": report.pdf_ar_sha256,
        "pdf_fr_sha256": report.pdf_fr_sha256,
        "key_id": report.key_id,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


def report_publish(*, actor, report: CharterReport | int) -> CharterReport:
    """Freeze the report: figures, both PDFs, their hashes and the signature, written once."""
    _check(actor)
    with transaction.atomic():
        locked = _locked(report)
        if locked.is_published:
            raise ReportFrozen()
        figures = charter_report.build_figures(
            locked.collectivity, locked.date_from, locked.date_to, commentary=commentary(locked)
        )
        now = timezone.now()
        figures["published_at"] = timezone.localtime(now).isoformat(timespec="seconds")
        figures_bytes = charter_report.to_json(figures)
        locked.status = CharterReport.Status.PUBLISHED
        locked.published_at = now
        locked.published_by = actor
        locked.figures = json.loads(figures_bytes)
        locked.figures_sha256 = charter_report.sha256(figures_bytes)
        for lang in ("ar", "fr"):
            pdf = charter_report.to_pdf(figures, lang=lang, report=locked)
            setattr(locked, f"pdf_{lang}", pdf)
            setattr(locked, f"pdf_{lang}_sha256", charter_report.sha256(pdf))
        if (settings.MITHAQ_AUDIT_SIGNING_KEY or "").strip():
            public = signing.current_key()
            locked.key_id = public.key_id
            locked.signature = signing.sign(message(locked))[1]
            if not AuditSigningKey.objects.filter(key_id=public.key_id).exists():
                AuditSigningKey.objects.create(key_id=public.key_id, public_key=public.public_key)
        else:
            logger.warning(
                "charter report %s published unsigned: MITHAQ_AUDIT_SIGNING_KEY is not set", locked.pk
            )
        history_stamp(locked, user=actor, reason="published")
        # The one save of a published report (the model refuses any later one).
        super(CharterReport, locked).save()
    return locked


def figures_bytes(report: CharterReport) -> bytes:
    """The published figures as the canonical JSON whose sha256 is stored."""
    return charter_report.to_json(report.figures)


def verify(report: CharterReport) -> dict:
    """Recompute every hash and check the signature: what /reports/ shows and the tests assert."""
    stored_keys = dict(AuditSigningKey.objects.values_list("key_id", "public_key"))
    signed = bool(report.signature) and report.key_id in stored_keys
    return {
        "figures": charter_report.sha256(figures_bytes(report)) == report.figures_sha256,
        "pdf_ar": charter_report.sha256(report.pdf("ar") or b"") == report.pdf_ar_sha256,
        "pdf_fr": charter_report.sha256(report.pdf("fr") or b"") == report.pdf_fr_sha256,
        "signature": signed and signing.verify(stored_keys[report.key_id], message(report), report.signature),
    }


def public_key_of(report: CharterReport) -> str:
    return (
        AuditSigningKey.objects.filter(key_id=report.key_id).values_list("public_key", flat=True).first()
        or ""
    )

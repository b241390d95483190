"""Documents attached to a case: the upload checks and the audited record of each file."""

from __future__ import annotations

import hashlib as _hashlib
import os

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import lifecycle
from cases import states as S
from cases.files import CONTENT_TYPES, content_type_for
from cases.models import Case, CaseAttachment
from cases.services.record import (
    append_action,
    locked_for_action,
)
from core.errors import InvalidInput, TransitionNotAllowed


def check_upload(file) -> dict[str, list[str]]:

    filename = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if not filename or size is None:
        return {"attachment": [_("Choose a file.")]}
    if size > ATTACHMENT_MAX_BYTES:
        return {"attachment": [_("The file is too large (at most 10 MB).")]}
    if os.path.splitext(filename)[1].lower() not in ATTACHMENT_TYPES:
        return {"attachment": [_("Accepted files: PDF, images, office documents, CSV or text.")]}
    return {}


def store_upload(case: Case, file, purpose: str, *, actor, at):


    digest = _hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
        digest.update(chunk)
    file.seek(0)
    attachment = CaseAttachment(
        case=case,
        purpose=purpose,
        file=file,
        name=os.path.basename(file.name)[:200],
        public=purpose in ("report", "evidence"),
        uploaded_by=actor,
        uploaded_at=at,
        sha256=digest.hexdigest(),
        content_type=content_type_for(file.name),
    )
    attachment._history_user = actor
    attachment.save()
    return attachment


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


ATTACHMENT_TYPES = frozenset(CONTENT_TYPES)


# Scans carrying signatories' personal data (Law 09-08): never public, the bureau only.
PERSONAL_PURPOSES = frozenset({"signed_lists", "cnie_copies"})


def case_attachment_add(*, actor, case: Case | str | int, purpose: str, file, name: str = "", at=None):
    """Attach a file to a case: the filer (agent, association, desk) while the file is open to
    them, the committee its report, the service its evidence; audited (name and digest only)."""


    at = at or timezone.now()
    errors: dict[str, list[str]] = {}
    if purpose not in CaseAttachment.Purpose.values:
        errors["purpose"] = [_("Unknown kind of document.")]
    filename = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if not filename or size is None:
        errors["file"] = [_("Choose a file.")]
    else:
        if size > ATTACHMENT_MAX_BYTES:
            errors["file"] = [_("The file is too large (at most 10 MB).")]
        if os.path.splitext(filename)[1].lower() not in ATTACHMENT_TYPES:
            errors["file"] = [_("Accepted files: PDF, images, office documents, CSV or text.")]
    if errors:
        raise InvalidInput(_("The document cannot be attached."), field_errors=errors)
    with transaction.atomic():
        locked = locked_for_action(case)
        filer = lifecycle.P.is_submitter(actor, locked) or lifecycle.P.is_intake(actor, locked)
        allowed = (
            (filer and locked.state in (S.DRAFT, S.AWAITING_INFORMATION, S.SUBMITTED))
            or (purpose == "report" and lifecycle.P.is_committee_member_of_case(actor, locked) and locked.state == S.IN_COMMITTEE)
            or (purpose == "evidence" and lifecycle.P.is_service_of_case(actor, locked) and locked.state == S.IN_IMPLEMENTATION)
            or lifecycle.P.is_bureau_member(actor, locked)
        )
        if not allowed:
            raise TransitionNotAllowed(_("You may not attach documents to this case now."))
        digest = _hashlib.sha256()
        for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
            digest.update(chunk)
        file.seek(0)
        attachment = CaseAttachment(
            case=locked,
            purpose=purpose,
            file=file,
            name=(name or os.path.basename(filename))[:200],
            public=purpose in ("report", "evidence"),
            uploaded_by=actor,
            uploaded_at=at,
            sha256=digest.hexdigest(),
            content_type=content_type_for(filename),
        )
        attachment._history_user = actor
        attachment.save()
        role = next((g for g in sorted(actor.group_names())), "")
        append_action(
            locked,
            name="attachment_add",
            actor=actor,
            role=role,
            at=at,
            public=_attachment_public_payload(attachment),
            private=_attachment_private_payload(attachment),
        )
    return attachment


def _attachment_public_payload(attachment) -> dict:
    """The public history names a public document; of another it tells the kind alone (its name
    may name a person), and of the identity dossier nothing (Law 09-08)."""
    if attachment.public:
        return {"document": attachment.name, "purpose": attachment.purpose}
    if attachment.purpose in PERSONAL_PURPOSES:
        return {}
    return {"purpose": attachment.purpose}


def _attachment_private_payload(attachment) -> dict:
    private = {"sha256": attachment.sha256, "purpose": attachment.purpose}
    if not attachment.public and attachment.purpose not in PERSONAL_PURPOSES:
        private["document"] = attachment.name
    return private

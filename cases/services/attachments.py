"""Documents attached to a case: the upload checks and the audited record of each file."""

from __future__ import annotations

import hashlib
import os

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import lifecycle
from cases import states as S
from cases.files import CONTENT_TYPES, content_type_for
from cases.models import Case, CaseAttachment
from cases.services.record import actor_role, append_action, locked_for_action
from core.errors import InvalidInput, TransitionNotAllowed
from core.history import history_stamp

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = frozenset(CONTENT_TYPES)
# Scans carrying signatories' personal data (Law 09-08): never public, the bureau only.
PERSONAL_PURPOSES = frozenset({"signed_lists", "cnie_copies"})
# Kinds of documents published with the case: the committee's report, the evidence of implementation.
PUBLIC_PURPOSES = frozenset({"report", "evidence"})


def upload_problems(file) -> list[str]:
    """What is wrong with an uploaded file (every problem at once); empty when it may be stored."""
    filename = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if not filename or size is None:
        return [_("Choose a file.")]
    problems = []
    if size > ATTACHMENT_MAX_BYTES:
        problems.append(_("The file is too large (at most 10 MB)."))
    if os.path.splitext(filename)[1].lower() not in ATTACHMENT_TYPES:
        problems.append(_("Accepted files: PDF, images, office documents, CSV or text."))
    return problems


def check_upload(file) -> dict[str, list[str]]:
    """The problems of a file a transition carries, under its form field `attachment`."""
    problems = upload_problems(file)
    return {"attachment": problems} if problems else {}


def store_upload(case: Case, file, purpose: str, *, actor, at, name: str = "") -> CaseAttachment:
    """Store a checked upload with its digest and the type decided from its extension."""
    digest = hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
        digest.update(chunk)
    file.seek(0)
    name_max = CaseAttachment._meta.get_field("name").max_length
    attachment = CaseAttachment(
        case=case,
        purpose=purpose,
        file=file,
        name=(name or os.path.basename(file.name))[:name_max],
        public=purpose in PUBLIC_PURPOSES,
        uploaded_by=actor,
        uploaded_at=at,
        sha256=digest.hexdigest(),
        content_type=content_type_for(file.name),
    )
    history_stamp(attachment, user=actor)
    attachment.save()
    return attachment


def case_attachment_add(*, actor, case: Case | str | int, purpose: str, file, name: str = "", at=None):
    """Attach a file to a case: the filer (agent, association, desk) while the file is open to
    them, the committee its report, the service its evidence; audited (name and digest only)."""
    at = at or timezone.now()
    errors: dict[str, list[str]] = {}
    if purpose not in CaseAttachment.Purpose.values:
        errors["purpose"] = [_("Unknown kind of document.")]
    if problems := upload_problems(file):
        errors["file"] = problems
    if errors:
        raise InvalidInput(_("The document cannot be attached."), field_errors=errors)
    with transaction.atomic():
        locked = locked_for_action(case)
        if not _may_attach(actor, locked, purpose):
            raise TransitionNotAllowed(_("You may not attach documents to this case now."))
        attachment = store_upload(locked, file, purpose, actor=actor, at=at, name=name)
        append_action(
            locked,
            name="attachment_add",
            actor=actor,
            role=actor_role(actor),
            at=at,
            public=_attachment_public_payload(attachment),
            private=_attachment_private_payload(attachment),
        )
    return attachment


def _may_attach(actor, case: Case, purpose: str) -> bool:
    filer = lifecycle.P.is_submitter(actor, case) or lifecycle.P.is_intake(actor, case)
    return bool(
        (filer and case.state in (S.DRAFT, S.AWAITING_INFORMATION, S.SUBMITTED))
        or (
            purpose == "report"
            and lifecycle.P.is_committee_member_of_case(actor, case)
            and case.state == S.IN_COMMITTEE
        )
        or (
            purpose == "evidence"
            and lifecycle.P.is_service_of_case(actor, case)
            and case.state == S.IN_IMPLEMENTATION
        )
        or lifecycle.P.is_bureau_member(actor, case)
    )


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

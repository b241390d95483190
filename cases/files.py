"""Who may open a case's documents, and how a document is named and typed when it is handed out.

One rule, the case page's: a filed case's public documents are for everyone; its other documents
for whoever sees the case's private fields (its submitter and the staff scoped to it); the petition
filing dossier (identity copies, signed lists, the association's legal documents) for the council
bureau alone, every opening logged (Law 09-08). What a user may not know exists is "not found";
a document listed on a page the user can see, but not theirs to open, is "forbidden".
"""

from __future__ import annotations

import enum
import os
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse
from django.utils.translation import gettext as _

from cases import hooks, lifecycle, selectors
from cases import states as S
from cases.models import Case, CaseAttachment
from core import roles
from core.errors import NotFound, TransitionNotAllowed

# The types the upload service accepts, decided by the server from the extension: a client's
# claimed type is not trusted.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def content_type_for(filename: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(filename or "")[1].lower(), FALLBACK_CONTENT_TYPE)


def served_content_type(attachment: CaseAttachment) -> str:
    """The stored type if it is one the upload accepts, else the stored file's extension's, else
    an opaque type: never a type a browser would render as a page."""
    if attachment.content_type in CONTENT_TYPES.values():
        return attachment.content_type
    return content_type_for(attachment.file.name)


# Access ---------------------------------------------------------------------------------------


class Access(enum.Enum):
    HIDDEN = "hidden"  # 404: the user may not know the document exists
    DENIED = "denied"  # 403: listed on a page the user sees, not theirs to open
    ALLOWED = "allowed"


def _followup_only(user, case: Case) -> bool:
    """The follow-up team reads what the public reads plus the figures (charter 7.4 seats
    association representatives on it; Law 09-08 minimisation): no private documents."""
    groups = user.group_names()
    return (
        roles.FOLLOWUP in groups
        and not (groups & (roles.STAFF_GROUPS - {roles.FOLLOWUP}))
        and not user.is_superuser
        and not lifecycle.P.is_submitter(user, case)
    )


def sees_private_documents(user, case: Case) -> bool:
    """Who sees the case's private fields sees its documents listed (the follow-up team, the
    public's documents only)."""
    if user is None or not user.is_authenticated:
        return False
    return selectors.case_can_view_private(user=user, case=case) and not _followup_only(user, case)


def attachment_access(user, attachment: CaseAttachment, *, private_view: bool | None = None) -> Access:
    """`private_view`: sees_private_documents(user, case), when the caller has it already."""
    case = attachment.case
    if private_view is None:
        private_view = sees_private_documents(user, case)
    if case.state == S.DRAFT and not private_view:
        return Access.HIDDEN
    if attachment.is_personal_data:
        if lifecycle.P.is_bureau_member(user, case):
            return Access.ALLOWED
        # The staff case page and the filer's panel list the dossier without opening it.
        return Access.DENIED if private_view else Access.HIDDEN
    if attachment.public and case.state != S.DRAFT:
        return Access.ALLOWED
    return Access.ALLOWED if private_view else Access.HIDDEN


def attachment_for_download(*, user, attachment_id: int) -> CaseAttachment:
    """The document if this user may open it; an opening of personal data is logged first."""
    attachment = CaseAttachment.objects.select_related("case").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such document."))
    access = attachment_access(user, attachment)
    if access is Access.HIDDEN:
        raise NotFound(_("No such document."))
    if access is Access.DENIED:
        raise TransitionNotAllowed(_("This document is reserved to the council bureau."))
    if attachment.is_personal_data:
        hooks.personal_data_accessed(user, attachment)
    return attachment


def download_url(attachment: CaseAttachment) -> str:
    return reverse("files:download", kwargs={"attachment_id": attachment.pk})


@dataclass
class Document:
    """One line of a documents list: the link is empty when the reader may not open it."""

    attachment: CaseAttachment
    url: str
    # A filer's file name may carry a person's name or number: withheld from other staff.
    name: str

    @property
    def purpose_label(self) -> str:
        return self.attachment.get_purpose_display()


def documents_for(*, user, case: Case, public_page: bool = False, purposes=None) -> list[Document]:
    """The case's documents as the reader may see them. The public page lists public documents
    only, whoever reads it; the staff page and the filer's panel list every document, linked
    where the reader may open it."""
    attachments = (
        list(case.attachments.all())
        if purposes is None
        else list(case.attachments.filter(purpose__in=purposes))
    )
    out = []
    private_view = None if public_page or not attachments else sees_private_documents(user, case)
    for attachment in attachments:
        attachment.case = case
        if public_page:
            if attachment.public and case.state != S.DRAFT:
                out.append(Document(attachment, download_url(attachment), attachment.name))
            continue
        access = attachment_access(user, attachment, private_view=private_view)
        if access is Access.ALLOWED:
            out.append(Document(attachment, download_url(attachment), attachment.name))
        elif access is Access.DENIED:
            # Its filer knows the name already; other staff see the kind of document only.
            withheld = attachment.is_personal_data and not lifecycle.P.is_submitter(user, case)
            out.append(Document(attachment, "", "" if withheld else attachment.name))
    return out


def attach_to_timeline(timeline, *, documents: list[Document]) -> None:
    """Link each timeline entry to the documents it carried (matched by digest, else by name,
    at the entry's own time), among the documents this reader is shown."""
    for item in timeline:
        if getattr(item, "kind", "") != "transition":
            continue
        digest, name = _carried(item)
        if not digest and not name:
            continue
        matches = [
            d
            for d in documents
            if d.url
            and ((digest and d.attachment.sha256 == digest) or (not digest and d.attachment.name == name))
        ]
        same_time = [d for d in matches if d.attachment.uploaded_at == item.at]
        item.documents = (same_time or matches)[:1]


def _carried(item) -> tuple[str, str]:
    for payload in (item.public or {}, item.private or {}):
        carried = payload.get("attachment")
        if isinstance(carried, dict):
            return str(carried.get("sha256") or ""), str(carried.get("name") or "")
    if item.transition == "attachment_add":
        return str((item.private or {}).get("sha256") or ""), str((item.public or {}).get("document") or "")
    return "", ""


# Names ----------------------------------------------------------------------------------------

# Characters a file name could use to hide its real extension or escape a folder.
_UNSAFE = re.compile(r'[/\\:*?"<>|]')
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
NAME_MAX = 150


def safe_filename(name: str, stored_name: str = "") -> str:
    """The original name for the download: no path separator, no control or bidi character
    (U+202E would show "gpj.exe" as "exe.jpg"), the stored file's extension kept."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    ext = os.path.splitext(stored_name or "")[1].lower()
    if ext not in CONTENT_TYPES:
        ext = ""
    if ext and text.lower().endswith(ext):
        text = text[: -len(ext)]
    stem = text[: NAME_MAX - len(ext)].rstrip(" .") or "document"
    return stem + ext


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback for old clients, and the UTF-8 name in filename*."""
    stem, ext = os.path.splitext(filename)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9._ ()\-]", "_", ascii_stem).strip(" ._") or "document"
    ascii_ext = ext if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", ext) else ""
    return f"attachment; filename=\"{ascii_stem}{ascii_ext}\"; filename*=UTF-8''{quote(filename, safe='')}"

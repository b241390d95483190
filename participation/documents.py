"""Who opens a meeting's documents: public minutes for everyone; the rest for the commune's staff
and the organising body; the attendance sheet's scan, which names private persons (Law 09-08),
only for those who manage the meeting."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from core.errors import NotFound
from participation import predicates as P
from participation.models import MeetingDocument

logger = logging.getLogger(__name__)


def is_public(document: MeetingDocument) -> bool:
    return (
        document.public
        and document.purpose != MeetingDocument.Purpose.ATTENDANCE_SHEET
        and document.meeting.public
    )


def may_open(user, document: MeetingDocument) -> bool:
    if is_public(document):
        return True
    if document.purpose == MeetingDocument.Purpose.ATTENDANCE_SHEET:
        return P.can_manage_meeting(user, document.meeting)
    return P.can_read_meetings(user) and P.in_meeting_collectivity(user, document.meeting)


def document_for_download(*, user, document_id: int) -> MeetingDocument:
    """The document if this user may open it; otherwise not found (its existence is not told)."""
    document = MeetingDocument.objects.select_related("meeting").filter(pk=document_id).first()
    if document is None or not may_open(user, document):
        raise NotFound(_("No such document."))
    if document.purpose == MeetingDocument.Purpose.ATTENDANCE_SHEET:
        # Law 09-08: every opening of personal data is recorded (ids only, no name in the log).
        logger.info(
            "attendance sheet %s of meeting %s opened by user %s", document.pk, document.meeting_id, user.pk
        )
    return document

"""The only writers of participation records (docs/architecture.md, house rules): one
transaction per call, the meeting row locked, the permission checked first."""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.files import CONTENT_TYPES, content_type_for
from cases.models import Case
from core.errors import DomainError, InvalidInput, NotFound, TransitionNotAllowed
from organisation.models import Collectivity
from participation import predicates as P
from participation.models import (
    AgeBand,
    AttendanceCount,
    Disability,
    EvaluationTally,
    Gender,
    Meeting,
    MeetingDocument,
    ParticipantType,
)
from participation.sheets import read_sheet

MEETING_FIELDS = (
    "kind",
    "topic",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "organiser",
    "committee",
    "service",
    "public",
    "cancelled",
    "evaluation_open",
)
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
ANSWERS = {
    EvaluationTally.Question.SATISFACTION: ("1", "2", "3", "4", "5"),
    EvaluationTally.Question.CLARITY: ("1", "2", "3", "4", "5"),
    EvaluationTally.Question.COME_AGAIN: ("yes", "no"),
}


class EvaluationClosed(DomainError):
    code = "evaluation_closed"
    http_status = 409
    default_message = gettext_lazy("This meeting does not take evaluations online now.")


def _check(actor, meeting: Meeting) -> None:
    if not P.can_manage_meeting(actor, meeting):
        raise TransitionNotAllowed(_("You may not manage this meeting."))


def _lock(meeting: Meeting | int) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    locked = Meeting.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("No such meeting."))
    return locked


def _validated(meeting: Meeting) -> None:
    try:
        meeting.full_clean(exclude=["cases", "evaluation_token", "created_by"])
    except ValidationError as exc:
        raise InvalidInput(
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from None


def _apply(meeting: Meeting, data: Mapping) -> None:
    unknown = set(data) - set(MEETING_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in data.items():
        setattr(meeting, name, value)
    if meeting.organiser != Meeting.Organiser.COMMITTEE:
        meeting.committee = None
    if meeting.organiser != Meeting.Organiser.SERVICE:
        meeting.service = None


def meeting_create(*, actor, collectivity: Collectivity, data: Mapping) -> Meeting:
    """Record a meeting; its organiser's members, the bureau and the follow-up team may."""
    meeting = Meeting(collectivity=collectivity, created_by=actor)
    _apply(meeting, data)
    _check(actor, meeting)
    _validated(meeting)
    with transaction.atomic():
        meeting.save()
    return meeting


def meeting_update(*, actor, meeting: Meeting | int, data: Mapping) -> Meeting:
    """Change a meeting; the new organiser must still be one the actor may manage."""
    with transaction.atomic():
        locked = _lock(meeting)
        _check(actor, locked)
        _apply(locked, data)
        _check(actor, locked)
        _validated(locked)
        locked.save()
    return locked


def _cell_key(key) -> tuple[str, str, str, str]:
    gender, band, disability, participant_type = key
    if (
        gender not in Gender.values
        or band not in AgeBand.values
        or disability not in Disability.values
        or participant_type not in ParticipantType.values
    ):
        raise InvalidInput(_("Unknown attendance category."))
    return gender, band, disability, participant_type


def attendance_set(*, actor, meeting: Meeting | int, cells: Mapping, source: str = "hand") -> Meeting:
    """Replace the meeting's attendance with these counts (aggregates only, Law 09-08)."""
    clean: dict[tuple, int] = {}
    for key, count in cells.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise InvalidInput(_("Counts are whole numbers, zero or more."))
        if count:
            key = _cell_key(key)
            clean[key] = clean.get(key, 0) + count
    with transaction.atomic():
        locked = _lock(meeting)
        _check(actor, locked)
        locked.attendance.all().delete()
        AttendanceCount.objects.bulk_create(
            AttendanceCount(meeting=locked, gender=g, age_band=a, disability=d, participant_type=t, count=n)
            for (g, a, d, t), n in sorted(clean.items())
        )
        locked.attendance_source = source
        locked.attendance_recorded_at = timezone.now()
        locked.save(update_fields=["attendance_source", "attendance_recorded_at"])
    return locked


def attendance_import(*, actor, meeting: Meeting | int, content: bytes, filename: str) -> int:
    """Count an attendance sheet and keep the counts only; any bad row imports nothing.
    Returns the number of participants counted."""
    target = meeting if isinstance(meeting, Meeting) else Meeting.objects.filter(pk=meeting).first()
    if target is None:
        raise NotFound(_("No such meeting."))
    _check(actor, target)  # before reading a sheet of personal data it has no business with
    counts = read_sheet(content=content, filename=filename)
    attendance_set(actor=actor, meeting=target, cells=dict(counts.cells), source="import")
    return counts.participants


def _clean_answers(answers: Mapping, *, allow_missing: bool = False) -> dict[str, str]:
    clean = {}
    for question, allowed in ANSWERS.items():
        value = str(answers.get(question, "") or "").strip().lower()
        if not value and allow_missing:
            continue
        if value not in allowed:
            raise InvalidInput(field_errors={question: [_("Choose one of the answers.")]})
        clean[str(question)] = value
    return clean


def evaluation_paper_set(*, actor, meeting: Meeting | int, counts: Mapping) -> Meeting:
    """Replace the paper cards' tallies: counts maps (question, answer) to a number of cards."""
    clean: dict[tuple[str, str], int] = {}
    for (question, answer), count in counts.items():
        if question not in ANSWERS or answer not in ANSWERS[question]:
            raise InvalidInput(_("Unknown question or answer."))
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise InvalidInput(_("Counts are whole numbers, zero or more."))
        if count:
            clean[(str(question), answer)] = count
    with transaction.atomic():
        locked = _lock(meeting)
        _check(actor, locked)
        locked.evaluations.filter(source=EvaluationTally.Source.PAPER).delete()
        EvaluationTally.objects.bulk_create(
            EvaluationTally(
                meeting=locked, source=EvaluationTally.Source.PAPER, question=q, answer=a, count=n
            )
            for (q, a), n in sorted(clean.items())
        )
    return locked


def evaluation_link_meeting(*, token: str) -> Meeting:
    meeting = Meeting.objects.filter(evaluation_token=token or "-").select_related("collectivity").first()
    if meeting is None:
        raise NotFound(_("No such evaluation form."))
    return meeting


def evaluation_accepts(meeting: Meeting, *, now: datetime.datetime | None = None) -> bool:
    """Online cards are taken once the meeting has begun, until staff close the form."""
    now = now or timezone.now()
    return meeting.evaluation_open and not meeting.cancelled and meeting.starts_at <= now


def evaluation_answer_online(
    *, token: str, answers: Mapping, now: datetime.datetime | None = None
) -> Meeting:
    """One anonymous card through the meeting's link: it adds one to each answer's tally."""
    meeting = evaluation_link_meeting(token=token)
    clean = _clean_answers(answers)
    with transaction.atomic():
        locked = _lock(meeting)
        if not evaluation_accepts(locked, now=now):
            raise EvaluationClosed()
        for question, answer in clean.items():
            _increment(locked, question, answer)
    return locked


def _increment(meeting: Meeting, question: str, answer: str) -> None:
    lookup = {
        "meeting": meeting,
        "source": EvaluationTally.Source.ONLINE,
        "question": question,
        "answer": answer,
    }
    if EvaluationTally.objects.filter(**lookup).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            EvaluationTally.objects.create(**lookup, count=1)
    except IntegrityError:  # another card created the row first; the meeting lock makes this rare
        EvaluationTally.objects.filter(**lookup).update(count=F("count") + 1)


def document_add(
    *, actor, meeting: Meeting | int, uploaded, purpose: str, public: bool = False, name: str = ""
) -> MeetingDocument:
    """Attach minutes or the attendance sheet's scan. The scan names private persons (Law 09-08):
    it is never public."""
    if purpose not in MeetingDocument.Purpose.values:
        raise InvalidInput(field_errors={"purpose": [_("Choose a purpose.")]})
    if purpose == MeetingDocument.Purpose.ATTENDANCE_SHEET and public:
        raise InvalidInput(
            field_errors={"public": [_("An attendance sheet names private persons: it cannot be public.")]}
        )
    filename = os.path.basename(getattr(uploaded, "name", "") or "")
    ext = os.path.splitext(filename)[1].lower()
    if ext not in CONTENT_TYPES:
        raise InvalidInput(
            field_errors={
                "file": [_("Accepted files: %(types)s.") % {"types": ", ".join(sorted(CONTENT_TYPES))}]
            }
        )
    if uploaded.size > DOCUMENT_MAX_BYTES:
        raise InvalidInput(field_errors={"file": [_("The file is larger than 20 MB.")]})
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    with transaction.atomic():
        locked = _lock(meeting)
        _check(actor, locked)
        document = MeetingDocument(
            meeting=locked,
            purpose=purpose,
            name=(name or filename)[:200],
            public=bool(public),
            uploaded_by=actor,
            sha256=digest.hexdigest(),
            content_type=content_type_for(filename),
        )
        document.file.save(f"meeting-{locked.pk}{ext}", uploaded, save=False)
        document.save()
    return document


def meeting_case_link(*, actor, meeting: Meeting | int, reference: str) -> Case:
    """Link a case born in (or discussed at) the meeting: a proposal made in the room."""
    with transaction.atomic():
        locked = _lock(meeting)
        _check(actor, locked)
        case = Case.objects.public().filter(reference=(reference or "").strip().upper()).first()
        if case is None or case.collectivity_id != locked.collectivity_id:
            raise InvalidInput(field_errors={"reference": [_("No filed case has this reference.")]})
        locked.cases.add(case)
    return case


def meeting_case_unlink(*, actor, meeting: Meeting | int, case_id: int) -> None:
    with transaction.atomic():
        locked = _lock(meeting)
        _check(actor, locked)
        locked.cases.remove(*Case.objects.filter(pk=case_id))

"""Reads of participation records; aggregates only ever leave this module (Law 09-08).

`participation_figures` is the one source of the participation indicators (docs/domain.md §8:
participants, women's, youth and vulnerable shares, meetings and trainings held, satisfaction).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from organisation.models import Collectivity, CouncilSession
from participation.models import (
    AgeBand,
    AttendanceCount,
    Disability,
    EvaluationTally,
    Gender,
    Meeting,
    ParticipantType,
)
from participation.services import ANSWERS

# Youth as the High Commission for Planning counts it: 15 to 34 years.
YOUTH_BANDS = (AgeBand.YOUTH,)
SCALE_QUESTIONS = (EvaluationTally.Question.SATISFACTION, EvaluationTally.Question.CLARITY)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(date_to, datetime.time.min), tz)
    return start, end


def meetings_held(*, collectivity: Collectivity, date_from: datetime.date, date_to: datetime.date, now=None):
    """Meetings that took place in [from, to): begun by now, not cancelled."""
    start, end = _bounds(date_from, date_to)
    now = now or timezone.now()
    return Meeting.objects.filter(
        collectivity=collectivity,
        cancelled=False,
        starts_at__gte=start,
        starts_at__lt=end,
        starts_at__lte=now,
    )


def _attendance_totals(queryset) -> dict:
    """One aggregate query over attendance rows."""
    s = lambda q=None: Sum("count", filter=q, default=0)  # noqa: E731
    figures = queryset.aggregate(
        participants=s(),
        women=s(Q(gender=Gender.FEMALE)),
        men=s(Q(gender=Gender.MALE)),
        youth=s(Q(age_band__in=YOUTH_BANDS)),
        disability=s(Q(disability=Disability.YES)),
        training_attendees=s(Q(meeting__kind=Meeting.Kind.TRAINING)),
        **{f"type_{t}": s(Q(participant_type=t)) for t in ParticipantType.values},
    )
    participants = figures["participants"]
    return {
        "participants": participants,
        "women": figures["women"],
        "men": figures["men"],
        "women_share": _share(figures["women"], participants),
        "youth": figures["youth"],
        "youth_share": _share(figures["youth"], participants),
        "disability": figures["disability"],
        "vulnerable_share": _share(figures["disability"], participants),
        "training_attendees": figures["training_attendees"],
        "by_participant_type": {t: figures[f"type_{t}"] for t in ParticipantType.values},
    }


@dataclass
class EvaluationSummary:
    cards: int = 0
    satisfaction_average: float | None = None
    clarity_average: float | None = None
    come_again_yes: int = 0
    come_again_no: int = 0
    come_again_share: float | None = None
    counts: dict = field(default_factory=dict)  # question -> {answer: count}
    paper: dict = field(default_factory=dict)  # (question, answer) -> paper count


def _evaluation_summary(rows) -> EvaluationSummary:
    summary = EvaluationSummary(counts={q: {a: 0 for a in answers} for q, answers in _answers().items()})
    for row in rows:
        question, answer, n = row["question"], row["answer"], row["n"] or 0
        if question in summary.counts and answer in summary.counts[question]:
            summary.counts[question][answer] += n
        if row.get("source") == EvaluationTally.Source.PAPER:
            summary.paper[(question, answer)] = summary.paper.get((question, answer), 0) + n
    for question in SCALE_QUESTIONS:
        tally = summary.counts[question]
        total = sum(tally.values())
        average = round(sum(int(a) * n for a, n in tally.items()) / total, 2) if total else None
        setattr(summary, f"{question}_average", average)
    come_again = summary.counts[EvaluationTally.Question.COME_AGAIN]
    summary.come_again_yes, summary.come_again_no = come_again["yes"], come_again["no"]
    summary.come_again_share = _share(come_again["yes"], come_again["yes"] + come_again["no"])
    summary.cards = max(sum(t.values()) for t in summary.counts.values())
    return summary


def _answers() -> dict:
    return {str(q): a for q, a in ANSWERS.items()}


def participation_figures(
    collectivity: Collectivity, date_from: datetime.date, date_to: datetime.date, *, now=None
) -> dict:
    """Participation in [date_from, date_to) for the indicators (charter 7.3): three queries."""
    held = meetings_held(collectivity=collectivity, date_from=date_from, date_to=date_to, now=now)
    by_kind = {k: 0 for k in Meeting.Kind.values}
    for row in held.values("kind").annotate(n=Count("id")).order_by():
        by_kind[row["kind"]] = row["n"]
    figures = {
        "date_from": date_from,
        "date_to": date_to,
        "meetings_held": sum(by_kind.values()),
        "meetings_by_kind": by_kind,
        "trainings_held": by_kind[Meeting.Kind.TRAINING],
    }
    figures.update(_attendance_totals(AttendanceCount.objects.filter(meeting__in=held)))
    rows = (
        EvaluationTally.objects.filter(meeting__in=held)
        .values("question", "answer")
        .annotate(n=Sum("count"))
        .order_by()
    )
    evaluation = _evaluation_summary(rows)
    figures.update(
        {
            "evaluation_cards": evaluation.cards,
            "satisfaction_average": evaluation.satisfaction_average,
            "clarity_average": evaluation.clarity_average,
            "come_again_share": evaluation.come_again_share,
        }
    )
    return figures


def meeting_attendance(meeting: Meeting) -> dict:
    """The meeting's totals and shares, and its rows for the staff page (one query each)."""
    totals = _attendance_totals(AttendanceCount.objects.filter(meeting=meeting))
    totals["rows"] = list(meeting.attendance.all())
    return totals


def meeting_attendance_public(meeting: Meeting) -> dict:
    """Totals and shares only: small cells of the grid could point at one person."""
    totals = _attendance_totals(AttendanceCount.objects.filter(meeting=meeting))
    return {k: totals[k] for k in ("participants", "women_share", "youth_share", "vulnerable_share")}


def meeting_evaluation(meeting: Meeting) -> EvaluationSummary:
    rows = meeting.evaluations.values("question", "answer", "source").annotate(n=Sum("count")).order_by()
    return _evaluation_summary(rows)


def meeting_get(*, pk: int) -> Meeting | None:
    return (
        Meeting.objects.select_related("collectivity", "committee", "service", "created_by")
        .filter(pk=pk)
        .first()
    )


def meeting_list_for_staff(*, collectivity: Collectivity | None):
    qs = Meeting.objects.select_related("committee", "service").annotate(
        participants=Sum("attendance__count")
    )
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return qs.order_by("-starts_at", "-id")


def meeting_public_get(*, pk: int) -> Meeting | None:
    return Meeting.objects.select_related("committee", "service").filter(pk=pk, public=True).first()


def meeting_public_cases(meeting: Meeting):
    return meeting.cases.public().order_by("reference").only("reference", "title", "kind", "state")


def meeting_documents(meeting: Meeting, *, public_only: bool):
    qs = meeting.documents.all()
    if public_only:
        qs = qs.filter(public=True).exclude(purpose="attendance_sheet")
    return list(qs)


def upcoming_meetings(*, collectivity: Collectivity | None, now=None):
    today = timezone.localdate(now)
    qs = Meeting.objects.select_related("committee", "service").filter(
        public=True, cancelled=False, starts_at__date__gte=today
    )
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return qs.order_by("starts_at", "id")


def upcoming_sessions(*, collectivity: Collectivity | None, now=None):
    today = timezone.localdate(now)
    qs = CouncilSession.objects.filter(Q(date__gte=today) | Q(end_date__gte=today))
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return qs.order_by("date", "id")


def calendar_items(*, collectivity: Collectivity | None, since: datetime.date):
    """The feed's meetings (cancelled ones too, marked so) and sessions since a date."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min), tz)
    meetings = Meeting.objects.select_related("committee", "service").filter(
        public=True, starts_at__gte=start
    )
    sessions = CouncilSession.objects.filter(Q(date__gte=since) | Q(end_date__gte=since))
    if collectivity is not None:
        meetings = meetings.filter(collectivity=collectivity)
        sessions = sessions.filter(collectivity=collectivity)
    return list(meetings.order_by("starts_at", "id")), list(sessions.order_by("date", "id"))

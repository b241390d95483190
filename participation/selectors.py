"""Reads of participation records; aggregates only ever leave this module (Law 09-08).

`participation_figures` is the one source of the participation indicators (docs/domain.md §8:
participants, women's, youth and vulnerable shares, meetings and trainings held, satisfaction).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from cases import states as S
from cases.models import Case
from organisation.models import Association, Collectivity, CouncilSession
from participation.models import (
    AgeBand,
    AttendanceCount,
    ChildMember,
    CommissionMember,
    DecisionRating,
    Disability,
    EvaluationTally,
    Gender,
    Meeting,
    OpinionRequest,
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
    """Participation in [date_from, date_to) for the indicators (charter 7.3, docs/domain.md §8).

    Shares are fractions (0.25 is 25 %) rounded to four places, None when there is nothing to divide.

    Meetings: `meetings_held`, `meetings_by_kind`, `trainings_held`, `participants`, `women`, `men`,
    `women_share`, `youth`, `youth_share`, `disability`, `vulnerable_share`, `training_attendees`,
    `by_participant_type`, `evaluation_cards`, `satisfaction_average`, `clarity_average`,
    `come_again_share`.

    The charter's bodies (the flat keys are the headline figures; each block holds the detail):
    - `commission_women_share` (women / members of the Equality Commission whose mandate runs on
      the period's last day) and `equality_commission` (`commission_figures`);
    - `adherence_share` (registered associations that signed the charter / registered associations,
      target 0.30), `promoter_share` (signatories that promote it / signatories, target 0.20) and
      `adherence` (`adherence_figures`);
    - `children_implementation_rate` (the council's recommendations implemented / taken into
      account) and `children_council` (`children_figures`);
    - `satisfaction_after_decision_average` (1 to 5) and `satisfaction_after_decision`
      (`satisfaction_after_decision`: per kind and committee, never per person).
    """
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
    commission = commission_figures(collectivity, date_from, date_to)
    adherence = adherence_figures(collectivity, date_to, date_from)
    children = children_figures(collectivity, date_from, date_to, now=now)
    satisfaction = satisfaction_after_decision(collectivity, date_from, date_to)
    figures.update(
        {
            "commission_women_share": commission["women_share"],
            "equality_commission": commission,
            "adherence_share": adherence["adherence_share"],
            "promoter_share": adherence["promoter_share"],
            "adherence": adherence,
            "children_implementation_rate": children["implementation_rate"],
            "children_council": children,
            "satisfaction_after_decision_average": satisfaction["average"],
            "satisfaction_after_decision": satisfaction,
        }
    )
    return figures


# The charter's bodies ------------------------------------------------------------------------

ADHERENCE_TARGET = 0.30  # charter 7.3: 30 % of local associations sign in the first year
PROMOTER_TARGET = 0.20  # charter 7.3: 20 % of the signatories promote the charter
# A group of ratings smaller than this shows its count, not its average (it could be one person's).
RATING_MIN_GROUP = 3
TAKEN_STATES = (S.ADOPTED, S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.NOT_IMPLEMENTED)


def _running_on(day: datetime.date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def commission_members_on(collectivity: Collectivity, day: datetime.date):
    return CommissionMember.objects.filter(collectivity=collectivity).filter(
        _running_on(day, "mandate_start", "mandate_end")
    )


def commission_figures(collectivity: Collectivity, date_from: datetime.date, date_to: datetime.date) -> dict:
    """Members on the period's last day (women's share: action plan axis 3) and opinion requests."""
    last_day = date_to - datetime.timedelta(days=1)
    members = commission_members_on(collectivity, last_day).aggregate(
        members=Count("id"), women=Count("id", filter=Q(gender=Gender.FEMALE))
    )
    start, end = _bounds(date_from, date_to)
    requests = OpinionRequest.objects.filter(collectivity=collectivity)
    counts = requests.aggregate(
        requested=Count("id", filter=Q(requested_at__gte=start, requested_at__lt=end)),
        answered=Count("id", filter=Q(answered_at__gte=start, answered_at__lt=end)),
        open=Count("id", filter=Q(opinion__isnull=True)),
        late=Count("id", filter=Q(opinion__isnull=True, due_on__lt=min(date_to, timezone.localdate()))),
    )
    opinions = Case.objects.public().filter(collectivity=collectivity, kind="advisory_opinion")
    return {
        "members": members["members"],
        "women": members["women"],
        "women_share": _share(members["women"], members["members"]),
        "requests_in_period": counts["requested"],
        "requests_answered_in_period": counts["answered"],
        "requests_open": counts["open"],
        "requests_late": counts["late"],
        "opinions_filed_in_period": opinions.filter(submitted_at__gte=start, submitted_at__lt=end).count(),
    }


def adherence_figures(
    collectivity: Collectivity, date_to: datetime.date | None = None, date_from: datetime.date | None = None
) -> dict:
    """Charter adherence (charter 7.3: the share of the local associations that signed the charter)
    among the registry's validated associations, as of date_to; with date_from, also how many
    signed in [date_from, date_to). The one definition: the bodies' pages and the charter's
    indicators (followup.indicators) both read it."""
    qs = Association.objects.filter(collectivity=collectivity, status=Association.Status.REGISTERED)
    signed = Q(charter_signed_on__isnull=False)
    if date_to is not None:
        signed &= Q(charter_signed_on__lt=date_to)
    in_period = signed & Q(charter_signed_on__gte=date_from) if date_from is not None else signed
    row = qs.aggregate(
        registered=Count("id"),
        signed=Count("id", filter=signed),
        signed_in_period=Count("id", filter=in_period),
        promoters=Count("id", filter=signed & Q(charter_promoter=True)),
    )
    adherence = _share(row["signed"], row["registered"])
    promoters = _share(row["promoters"], row["signed"])
    return {
        "associations_registered": row["registered"],
        "associations_signed": row["signed"],
        "associations_signed_in_period": row["signed_in_period"],
        "promoters": row["promoters"],
        "adherence_share": adherence,
        "adherence_target": ADHERENCE_TARGET,
        "adherence_target_met": adherence is not None and adherence >= ADHERENCE_TARGET,
        "promoter_share": promoters,
        "promoter_target": PROMOTER_TARGET,
        "promoter_target_met": promoters is not None and promoters >= PROMOTER_TARGET,
    }


def children_members_on(collectivity: Collectivity, day: datetime.date):
    return ChildMember.objects.filter(collectivity=collectivity).filter(
        _running_on(day, "joined_on", "left_on")
    )


def children_figures(
    collectivity: Collectivity, date_from: datetime.date, date_to: datetime.date, *, now=None
) -> dict:
    """Action plan axis 4: children on the council (by gender), sessions held, and the degree of
    implementation of the council's recommendations (implemented / taken into account, all filed
    so far; not_implemented counts against it)."""
    last_day = date_to - datetime.timedelta(days=1)
    members = children_members_on(collectivity, last_day).aggregate(
        members=Count("id"),
        girls=Count("id", filter=Q(gender=Gender.FEMALE)),
        boys=Count("id", filter=Q(gender=Gender.MALE)),
    )
    sessions = (
        meetings_held(collectivity=collectivity, date_from=date_from, date_to=date_to, now=now)
        .filter(kind=Meeting.Kind.CHILDREN_COUNCIL_SESSION)
        .count()
    )
    recs = (
        Case.objects.public()
        .filter(collectivity=collectivity, kind="children_recommendation")
        .aggregate(
            filed=Count("id"),
            taken=Count("id", filter=Q(state__in=TAKEN_STATES)),
            not_taken=Count("id", filter=Q(state=S.REJECTED)),
            implemented=Count("id", filter=Q(state=S.IMPLEMENTED)),
        )
    )
    return {
        "members": members["members"],
        "girls": members["girls"],
        "boys": members["boys"],
        "sessions_held": sessions,
        "recommendations_filed": recs["filed"],
        "recommendations_taken_into_account": recs["taken"],
        "recommendations_not_taken_into_account": recs["not_taken"],
        "recommendations_implemented": recs["implemented"],
        "implementation_rate": _share(recs["implemented"], recs["taken"]),
    }


def _rating_group(rows, key: str, out_key: str) -> list[dict]:
    return [
        {
            out_key: row[key],
            "ratings": row["n"],
            "average": round(row["total"] / row["n"], 2) if row["n"] >= RATING_MIN_GROUP else None,
        }
        for row in rows
    ]


def satisfaction_after_decision(
    collectivity: Collectivity, date_from: datetime.date, date_to: datetime.date
) -> dict:
    """Ratings given in [from, to): overall, per kind and per committee; a group of fewer than
    RATING_MIN_GROUP ratings shows no average (never per person)."""
    start, end = _bounds(date_from, date_to)
    qs = DecisionRating.objects.filter(case__collectivity=collectivity, rated_at__gte=start, rated_at__lt=end)
    total = qs.aggregate(n=Count("id"), total=Sum("score", default=0))
    by_kind = qs.values("case__kind").annotate(n=Count("id"), total=Sum("score")).order_by("case__kind")
    by_committee = (
        qs.filter(case__committee__isnull=False)
        .values("case__committee")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by("case__committee")
    )
    n = total["n"]
    return {
        "ratings": n,
        "average": round(total["total"] / n, 2) if n >= RATING_MIN_GROUP else None,
        "by_kind": _rating_group(by_kind, "case__kind", "kind"),
        "by_committee": _rating_group(by_committee, "case__committee", "committee"),
    }


def late_opinion_requests(*, collectivity: Collectivity | None, today: datetime.date | None = None):
    """Requests past their due date and still unanswered, or answered late (the follow-up audit)."""
    today = today or timezone.localdate()
    qs = OpinionRequest.objects.select_related("committee", "case", "opinion").filter(
        Q(opinion__isnull=True, due_on__lt=today) | Q(answered_at__date__gt=F("due_on"))
    )
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return qs.order_by("due_on", "id")


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


# Associations' public pages --------------------------------------------------------------------


def association_public_get(*, pk: int) -> Association | None:
    return (
        Association.objects.prefetch_related("partnerships")
        .filter(pk=pk, status=Association.Status.REGISTERED)
        .first()
    )


def association_public_cases(association: Association):
    """The association's filed cases, public fields only (drafts are private)."""
    return (
        Case.objects.public()
        .filter(association=association)
        .only("reference", "kind", "title", "state", "submitted_at")
        .order_by("-submitted_at", "-id")
    )


def association_list_public(*, collectivity: Collectivity | None):
    qs = Association.objects.filter(status=Association.Status.REGISTERED).annotate(
        n_cases=Count("cases", filter=~Q(cases__state=S.DRAFT), distinct=True)
    )
    if collectivity is not None:
        qs = qs.filter(collectivity=collectivity)
    return qs.order_by("name_ar", "id")

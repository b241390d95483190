"""The charter's indicators (docs/domain.md §8; charter 7.3) for a collectivity and a period [from, to).

Every figure is computed in the database (conditional counts, medians), with a fixed number of
queries whatever the number of cases. Each figure is given twice: "period" counts what happened
between `from` (included) and `to` (excluded); "today" counts everything up to now.

- cases_filed: filed cases (submitted_at), by kind, channel and submitter type;
- decided / adopted / rejected: decisions (adopt, reject, or the president's ruling) whose date
  falls in the period; an inadmissibility ruling is not a decision on the merits;
- implementation: the cases adopted in the period (today: every adopted case) and where they
  stand now; implementation_rate = implemented / adopted, so an abandoned case
  (not_implemented) counts against it and is never hidden;
- explained_rate: decisions with a published justification / decisions (the charter asks 100 %).
"""

from __future__ import annotations

import datetime

from django.db.models import Case as When_
from django.db.models import CharField, Count, F, Q, Value, When
from django.utils import timezone

from audit.models import TransitionEntry
from cases import register_cache
from cases import states as S
from cases.models import Case
from followup.sql import DaysBetween, LeftOnTime, median, median_by, rate
from notifications.models import Follower
from organisation.models import Association, Committee
from participation.selectors import participation_figures
from petitions.models import Signature

ADOPTED_STATES = (S.ADOPTED, S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.NOT_IMPLEMENTED)
SUBMITTER_TYPES = ("citizen", "association", "equality_commission", "children_council", "desk")
STAGES = (
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.AWAITING_INFORMATION,
    S.IN_COMMITTEE,
    S.REPORTED,
    S.ON_AGENDA,
    S.ADOPTED,
    S.IN_IMPLEMENTATION,
)
FUNNEL_STEPS = ("filed", "admissible", "decided", "adopted", "implemented")
# Charter adherence targets of Demnate's action plan (first year).
ADHERENCE_TARGET = 0.30
PROMOTER_TARGET = 0.20


def submitter_type():
    """Who filed: the Equality Commission and the Children's Council by their case kinds, an
    association by name, the reception desk on a person's behalf, otherwise a citizen online."""
    return When_(
        When(kind=Case.Kind.ADVISORY_OPINION, then=Value("equality_commission")),
        When(kind=Case.Kind.CHILDREN_RECOMMENDATION, then=Value("children_council")),
        When(association__isnull=False, then=Value("association")),
        When(filed_by__isnull=False, then=Value("desk")),
        default=Value("citizen"),
        output_field=CharField(),
    )


def period_bounds(
    date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[from, to) as aware datetimes at the commune's midnight."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(date_from, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(date_to, datetime.time(), tzinfo=tz),
    )


def base_cases(collectivity, *, kind: str | None = None, committee=None):
    """Filed cases of the collectivity (drafts are not filed), narrowed by the filters."""
    qs = Case.objects.filter(collectivity=collectivity, submitted_at__isnull=False).exclude(state=S.DRAFT)
    if kind:
        qs = qs.filter(kind=kind)
    if committee is not None:
        qs = qs.filter(committee=committee)
    return qs


def compute_indicators(
    collectivity, date_from: datetime.date, date_to: datetime.date, kind=None, committee=None
) -> dict:
    """Every indicator of docs/domain.md §8 as a plain, JSON-ready dict."""
    start, end = period_bounds(date_from, date_to)
    cases = base_cases(collectivity, kind=kind, committee=committee)
    in_period = {"filed": Q(submitted_at__gte=start, submitted_at__lt=end)}
    in_period["decided"] = Q(decided_at__gte=start, decided_at__lt=end, state__in=S.DECIDED_STATES)
    in_period["implemented_at"] = Q(closed_at__gte=start, closed_at__lt=end, state=S.IMPLEMENTED)
    always = {
        "filed": Q(),
        "decided": Q(state__in=S.DECIDED_STATES),
        "implemented_at": Q(state=S.IMPLEMENTED),
    }

    counts = _counts(cases, in_period, always)
    period = _block(counts, "p")
    today = _block(counts, "t")
    today["overdue_now"] = counts["overdue_now"]
    breakdown = _filed_breakdown(cases, in_period["filed"])
    period["cases_filed"].update(breakdown["p"])
    today["cases_filed"].update(breakdown["t"])
    for name, scope in (("period", in_period), ("today", always)):
        block = period if name == "period" else today
        block["median_days_to_decision"] = median(
            cases.filter(scope["decided"]), DaysBetween(F("submitted_at"), F("decided_at"))
        )
        block["median_days_to_implementation"] = median(
            cases.filter(scope["implemented_at"]), DaysBetween(F("submitted_at"), F("closed_at"))
        )
    return {
        "collectivity": collectivity.slug,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "kind": kind or None,
        "committee": committee.pk if committee is not None else None,
        "period": period,
        "today": today,
        "on_time_rate": _on_time(collectivity, start, end, kind, committee),
        "funnel": _funnel(cases.filter(in_period["filed"])),
        "committees": _league(collectivity, cases, start, end, kind, committee),
        **_participation(collectivity, cases, start, end, date_from, date_to),
    }


def _counts(cases, in_period: dict, always: dict) -> dict:
    """Every plain count of both blocks in one aggregate query."""
    adopted_p = in_period["decided"] & Q(state__in=ADOPTED_STATES)
    adopted_t = Q(state__in=ADOPTED_STATES)
    explained = ~Q(decision_justification="")
    aggregates = {}
    for suffix, scope, adopted in (("p", in_period, adopted_p), ("t", always, adopted_t)):
        aggregates.update(
            {
                f"filed_{suffix}": Count("id", filter=scope["filed"]),
                f"decided_{suffix}": Count("id", filter=scope["decided"]),
                f"explained_{suffix}": Count("id", filter=scope["decided"] & explained),
                f"adopted_{suffix}": Count("id", filter=adopted),
                f"rejected_{suffix}": Count("id", filter=scope["decided"] & Q(state=S.REJECTED)),
                f"awaiting_{suffix}": Count("id", filter=adopted & Q(state=S.ADOPTED)),
                f"in_implementation_{suffix}": Count("id", filter=adopted & Q(state=S.IN_IMPLEMENTATION)),
                f"implemented_{suffix}": Count("id", filter=adopted & Q(state=S.IMPLEMENTED)),
                f"not_implemented_{suffix}": Count("id", filter=adopted & Q(state=S.NOT_IMPLEMENTED)),
            }
        )
    today = timezone.localdate()
    aggregates["overdue_now"] = Count("id", filter=Q(state__in=S.OPEN_STATES, deadline_on__lt=today))
    return cases.aggregate(**aggregates)


def _block(counts: dict, suffix: str) -> dict:
    c = {key[: -len(suffix) - 1]: value for key, value in counts.items() if key.endswith("_" + suffix)}
    return {
        "cases_filed": {"total": c["filed"]},
        "decided": c["decided"],
        "adopted": c["adopted"],
        "rejected": c["rejected"],
        "adoption_rate": rate(c["adopted"], c["decided"]),
        "awaiting_implementation": c["awaiting"],
        "in_implementation": c["in_implementation"],
        "implemented": c["implemented"],
        "not_implemented": c["not_implemented"],
        "implementation_rate": rate(c["implemented"], c["adopted"]),
        "explained": c["explained"],
        "explained_rate": rate(c["explained"], c["decided"]),
    }


def _filed_breakdown(cases, in_period: Q) -> dict:
    """Filed cases by kind, channel and submitter type, in the period ("p") and so far ("t"): one
    query grouped by the three, summed per dimension here (a few dozen groups at most)."""
    rows = (
        cases.order_by()
        .annotate(submitter_type=submitter_type())
        .values("kind", "channel", "submitter_type")
        .annotate(p=Count("id", filter=in_period), t=Count("id"))
    )
    out = {
        key: {
            "by_kind": dict.fromkeys(Case.Kind.values, 0),
            "by_channel": dict.fromkeys(Case.Channel.values, 0),
            "by_submitter_type": dict.fromkeys(SUBMITTER_TYPES, 0),
        }
        for key in ("p", "t")
    }
    for row in rows:
        for key in ("p", "t"):
            out[key]["by_kind"][row["kind"]] = out[key]["by_kind"].get(row["kind"], 0) + row[key]
            out[key]["by_channel"][row["channel"]] = out[key]["by_channel"].get(row["channel"], 0) + row[key]
            kind = row["submitter_type"]
            out[key]["by_submitter_type"][kind] = out[key]["by_submitter_type"].get(kind, 0) + row[key]
    return out


def _stays(collectivity, start, end, kind, committee):
    """Stays in a state that ended in the period (each audit entry closes one: docs/domain.md §6)."""
    qs = (
        TransitionEntry.objects.filter(
            case__collectivity=collectivity,
            created_at__gte=start,
            created_at__lt=end,
            stay_started_at__isnull=False,
        )
        .exclude(from_state=F("to_state"))
        .exclude(from_state=S.DRAFT)
    )
    if kind:
        qs = qs.filter(case__kind=kind)
    if committee is not None:
        qs = qs.filter(case__committee=committee)
    return qs


def _on_time(collectivity, start, end, kind, committee) -> dict:
    """Per stage: stays that ended in the period with a deadline, and the share left in time."""
    on_time = LeftOnTime(F("created_at"), F("stay_deadline"))
    rows = (
        _stays(collectivity, start, end, kind, committee)
        .filter(stay_deadline__isnull=False)
        .order_by()
        .values("from_state")
        .annotate(measured=Count("id"), on_time=Count("id", filter=on_time))
        .values_list("from_state", "measured", "on_time")
    )
    found = {stage: (measured, ok) for stage, measured, ok in rows}
    out = {}
    for stage in STAGES:
        measured, ok = found.get(stage, (0, 0))
        out[stage] = {"measured": measured, "on_time": ok, "rate": rate(ok, measured)}
    return out


def _funnel(filed) -> dict:
    """Cases filed in the period and how far they went, per kind, committee and submitter type:
    one query grouped by the three, summed per dimension here. Admissible = referred to a
    committee: refer_to_committee is the only transition that names the committee (cases.services)."""
    counts = {
        "filed": Count("id"),
        "admissible": Count("id", filter=Q(committee__isnull=False)),
        "decided": Count("id", filter=Q(state__in=S.DECIDED_STATES)),
        "adopted": Count("id", filter=Q(state__in=ADOPTED_STATES)),
        "implemented": Count("id", filter=Q(state=S.IMPLEMENTED)),
    }
    rows = list(
        filed.order_by()
        .annotate(submitter_type=submitter_type())
        .values("kind", "committee_id", "submitter_type")
        .annotate(**counts)
    )
    out: dict = {}
    for dimension, column in (
        ("kind", "kind"),
        ("committee", "committee_id"),
        ("submitter_type", "submitter_type"),
    ):
        sums: dict = {}
        for row in rows:
            target = sums.setdefault(row[column], dict.fromkeys(FUNNEL_STEPS, 0))
            for step in FUNNEL_STEPS:
                target[step] += row[step]
        ordered = sorted(
            sums.items(), key=lambda kv: (kv[0] is None, str(kv[0]) if kv[0] is not None else "")
        )
        out[dimension] = [{"key": key, **_steps(values)} for key, values in ordered]
    total = dict.fromkeys(FUNNEL_STEPS, 0)
    for row in rows:
        for step in FUNNEL_STEPS:
            total[step] += row[step]
    decided = filed.filter(state__in=S.DECIDED_STATES)
    out["all"] = _steps(total)
    out["all"]["median_days_to_decision"] = median(decided, DaysBetween(F("submitted_at"), F("decided_at")))
    out["all"]["median_days_to_implementation"] = median(
        filed.filter(state=S.IMPLEMENTED), DaysBetween(F("submitted_at"), F("closed_at"))
    )
    return out


def _steps(row: dict) -> dict:
    """Counts and the rate of each step against the one before (adopted against decided)."""
    previous = {
        "admissible": "filed",
        "decided": "admissible",
        "adopted": "decided",
        "implemented": "adopted",
    }
    out = {step: row[step] for step in FUNNEL_STEPS}
    out["rates"] = {step: rate(row[step], row[before]) for step, before in previous.items()}
    return out


def _league(collectivity, cases, start, end, kind, committee) -> list[dict]:
    """Each committee: cases referred to it and filed in the period, its stays closed in the
    period (on-time share) and their median length."""
    committees = Committee.objects.filter(collectivity=collectivity).order_by("id")
    if committee is not None:
        committees = committees.filter(pk=committee.pk)
    filed = dict(
        cases.filter(submitted_at__gte=start, submitted_at__lt=end, committee__isnull=False)
        .order_by()
        .values("committee_id")
        .annotate(n=Count("id"))
        .values_list("committee_id", "n")
    )
    stays = _stays(collectivity, start, end, kind, committee).filter(from_state=S.IN_COMMITTEE)
    deadline = Q(stay_deadline__isnull=False)
    timing = median_by(
        stays,
        "case__committee_id",
        DaysBetween(F("stay_started_at"), F("created_at")),
        n=Count("id", filter=deadline),
        ok=Count("id", filter=deadline & Q(LeftOnTime(F("created_at"), F("stay_deadline")))),
    )
    rows = []
    for c in committees:
        row = timing.get(c.pk, {"median": None, "n": 0, "ok": 0})
        measured, ok = row["n"], row["ok"]
        rows.append(
            {
                "id": c.pk,
                "name_ar": c.name_ar,
                "name_fr": c.name_fr,
                "cases": filed.get(c.pk, 0),
                "stays": measured,
                "on_time_rate": rate(ok, measured),
                "median_days": row["median"],
            }
        )
    rows.sort(
        key=lambda r: (-(r["on_time_rate"] or 0), r["median_days"] if r["median_days"] is not None else 1e9)
    )
    return rows


def _participation(collectivity, cases, start, end, date_from, date_to) -> dict:
    """The figures of docs/domain.md §8 that come from records other than cases: the meetings held
    in the period and their attendance counts and evaluation cards (participation.selectors), the
    associations' adherence, the opinions' outcomes, the digital figures. A share over no
    participants, or an average over no card, is null (unknown), never zero; council membership is
    not recorded yet, so its figures are null."""
    assoc = Association.objects.filter(collectivity=collectivity).aggregate(
        registered=Count("id"),
        signed=Count("id", filter=Q(charter_signed_on__isnull=False)),
        signed_in_period=Count(
            "id", filter=Q(charter_signed_on__gte=start.date(), charter_signed_on__lt=end.date())
        ),
        promoters=Count("id", filter=Q(charter_signed_on__isnull=False, charter_promoter=True)),
    )
    opinions = cases.filter(
        kind__in=(Case.Kind.ADVISORY_OPINION, Case.Kind.CHILDREN_RECOMMENDATION)
    ).aggregate(
        **{
            f"{k}_{name}": Count("id", filter=Q(kind=kind) & q)
            for k, kind in (("eq", Case.Kind.ADVISORY_OPINION), ("ch", Case.Kind.CHILDREN_RECOMMENDATION))
            for name, q in (
                ("filed", Q(submitted_at__gte=start, submitted_at__lt=end)),
                ("filed_total", Q()),
                ("taken", Q(state__in=ADOPTED_STATES)),
                ("not_taken", Q(state=S.REJECTED)),
                ("implemented", Q(state=S.IMPLEMENTED)),
            )
        }
    )
    signatures = Signature.objects.filter(
        case__collectivity=collectivity, channel=Signature.Channel.ONLINE, valid=True
    ).aggregate(period=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)), total=Count("id"))
    followers = Follower.objects.filter(
        subject_type="case",
        subject_id__in=cases.values("pk"),
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
    ).count()

    def outcome(prefix: str) -> dict:
        return {
            "filed_in_period": opinions[f"{prefix}_filed"],
            "filed_total": opinions[f"{prefix}_filed_total"],
            "taken_into_account": opinions[f"{prefix}_taken"],
            "not_taken_into_account": opinions[f"{prefix}_not_taken"],
            "implemented": opinions[f"{prefix}_implemented"],
        }

    p = participation_figures(collectivity, date_from, date_to)
    children, commission = p["children_council"], p["equality_commission"]
    return {
        "participation": _meetings(p),
        "adherence": {
            "associations_registered": assoc["registered"],
            "associations_signed": assoc["signed"],
            "associations_signed_in_period": assoc["signed_in_period"],
            "adherence_rate": rate(assoc["signed"], assoc["registered"]),
            "adherence_target": ADHERENCE_TARGET,
            "promoters": assoc["promoters"],
            "promoter_rate": rate(assoc["promoters"], assoc["signed"]),
            "promoter_target": PROMOTER_TARGET,
        },
        # The bodies' own records (participation.selectors): members on the period's last day.
        "children_council": {
            "members": children["members"],
            "sessions_held": children["sessions_held"],
            "implementation_rate": children["implementation_rate"],
            "recommendations": outcome("ch"),
        },
        "equality_commission": {
            "members": commission["members"],
            "women_share": commission["women_share"],
            "opinions": outcome("eq"),
        },
        "satisfaction_after_decision": {
            "ratings": p["satisfaction_after_decision"]["ratings"],
            "average": p["satisfaction_after_decision_average"],
        },
        "digital": {
            "online_signatures_in_period": signatures["period"],
            "online_signatures_total": signatures["total"],
            "case_followers": followers,
        },
    }


def _meetings(p: dict) -> dict:
    """The meetings of participation.selectors.participation_figures, in the indicators' names."""
    return {
        "recorded": p["meetings_held"] > 0,
        "meetings_held": p["meetings_held"],
        "meetings_by_kind": p["meetings_by_kind"],
        "trainings_held": p["trainings_held"],
        "participants": p["participants"],
        "women": p["women"],
        "women_share": p["women_share"],
        "youth": p["youth"],
        "youth_share": p["youth_share"],
        "vulnerable_share": p["vulnerable_share"],
        "training_attendees": p["training_attendees"],
        "by_participant_type": p["by_participant_type"],
        "evaluation_cards": p["evaluation_cards"],
        "satisfaction": p["satisfaction_average"],
        "clarity": p["clarity_average"],
        "come_again_share": p["come_again_share"],
    }


def implementation_headline(collectivity) -> dict:
    """ "X of Y adopted cases implemented", as of today (home page and register)."""
    qs = Case.objects.filter(collectivity=collectivity, state__in=ADOPTED_STATES)
    return register_cache.cached(
        collectivity.pk,
        "implementation",
        {},
        lambda: qs.aggregate(adopted=Count("id"), implemented=Count("id", filter=Q(state=S.IMPLEMENTED))),
    )

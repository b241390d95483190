"""The demo's histories, planned before anything is written (docs/domain.md §11): every date and
every text of every case is drawn here from a fixed random seed, so two databases seeded after
HISTORY_END get the same demo, down to the audit chain heads."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field, replace

from django.utils import timezone

from cases import states as S
from demo.definitions import (
    CHILDREN,
    HISTORY_END,
    HISTORY_START,
    OPINION,
    OPINION_KINDS,
    PETITION,
    SEED,
    SeedError,
    SessionDef,
    Spec,
)
from demo.loader import (
    ABANDON,
    ADOPT,
    BUDGET_LINES,
    CASES,
    CHILDREN_ADOPT,
    DEFER,
    EVIDENCE,
    INADMISSIBLE,
    INFO_PROVIDED,
    INFO_REQUESTS,
    OPINION_ADOPT,
    REJECT,
    REPORT,
    REPORT_CLOSING,
    WITHDRAW,
)
from organisation.models import CouncilSession


@dataclass
class PlannedStep:
    name: str
    at: datetime.datetime
    data: dict = field(default_factory=dict)
    committee: str = ""  # committee key to resolve into data["committee"]
    session: tuple | None = None  # SessionDef key to resolve into data["session"]
    service: str = ""  # service key to resolve into data["service"]


@dataclass
class PlannedCase:
    spec: Spec
    created: datetime.datetime
    draft_first: bool  # created as a draft, then filed by a later `submit` step
    steps: list[PlannedStep]
    # Petitions: what the filing guard asks for (OL 113-14 art. 123-124), while still a draft.
    documents_at: datetime.datetime | None = None  # an association's receipt, statutes, mandate
    signatures_at: datetime.datetime | None = None  # a citizens' petition's signed lists
    signatures: int = 0
    checklist_at: datetime.datetime | None = None  # the bureau's admissibility checklist, all met

    @property
    def submitted_at(self) -> datetime.datetime | None:
        return next((s.at for s in self.steps if s.name == "submit"), None)


def build_path(spec: Spec) -> list[str]:
    """The transitions that bring `spec` from a draft to its state (docs/domain.md §3.2)."""
    opinion = spec.kind in OPINION_KINDS
    target = spec.state
    if target == S.WITHDRAWN:
        return build_path(replace(spec, state=spec.via or S.SUBMITTED, via="")) + ["withdraw"]
    if target == S.DRAFT:
        return []
    path = ["submit"]
    if target == S.SUBMITTED:
        return path
    if target == S.INADMISSIBLE and spec.via == S.SUBMITTED:
        return [*path, "declare_inadmissible"]
    if opinion and target in (S.UNDER_REVIEW, S.AWAITING_INFORMATION, S.INADMISSIBLE):
        raise SeedError(f"{spec.key}: an opinion skips the admissibility review")
    if not opinion:
        path.append("start_review")
        if spec.loop:
            path += ["request_information", "provide_information"]
        if target == S.AWAITING_INFORMATION:
            return [*path, "request_information"]
        if target == S.UNDER_REVIEW:
            return path
        if target == S.INADMISSIBLE:
            return [*path, "declare_inadmissible"]
    path.append("refer_to_committee")
    if spec.defer:
        path += ["report", "schedule", "defer"]
    if target == S.IN_COMMITTEE:
        return path
    path.append("report")
    if target == S.REPORTED:
        return path
    if not spec.president:
        path.append("schedule")
    if target == S.ON_AGENDA:
        return path
    path.append("reject" if target == S.REJECTED else "adopt")
    if target in (S.ADOPTED, S.REJECTED):
        return path
    if target == S.NOT_IMPLEMENTED:
        if spec.via == S.IN_IMPLEMENTATION:
            path.append("plan_implementation")
        return [*path, "abandon"]
    path.append("plan_implementation")
    if target == S.IN_IMPLEMENTATION:
        return path
    return [*path, "complete"]


# Days between a step and the one before it.
GAPS = {
    "submit": (1, 1),
    "start_review": (1, 8),
    "request_information": (3, 12),
    "provide_information": (5, 25),
    "declare_inadmissible": (15, 70),
    "refer_to_committee": (4, 25),
    "report": (15, 50),
    "adopt": (7, 40),  # the president's ruling after the report
    "reject": (7, 40),
    "plan_implementation": (10, 45),
    "complete": (30, 180),
    "abandon": (60, 200),
    "withdraw": (3, 40),
}
SCHEDULE_BEFORE_SESSION = (12, 25)  # the agenda goes to the governor 20 days before (art. 38)
DWELL = {"recent": (1, 14), "old": (110, 300), "": (15, 100)}
MAX_SCHEDULE_AHEAD = 120  # days: a case is put on the agenda of the next session, not a later one


DEMO_COUNCIL = 29  # demo/data/collectivity.json `council_members`


def _within_council(votes: tuple[int, int, int], *, winner: int) -> tuple[int, int, int]:
    """The winning side loses the votes beyond the council's members, so the votes never outnumber
    the members present (OL 113-14 art. 42); drawn first, so the demo's random sequence is kept."""
    extra = max(0, sum(votes) - DEMO_COUNCIL)
    out = list(votes)
    out[winner] -= extra
    return tuple(out)


def _gap_range(prev: str | None, name: str) -> tuple[int, int]:
    if name in ("adopt", "reject", "defer") and prev == "schedule":
        return (0, 2)  # during the session (it sits three days)
    if name == "schedule":
        return SCHEDULE_BEFORE_SESSION
    if name == "declare_inadmissible" and prev == "submit":
        return (5, 30)
    if name == "report" and prev == "defer":
        return (14, 40)
    return GAPS[name]


def _weekday_back(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _weekday_fwd(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


class Planner:
    def __init__(self, *, end: datetime.datetime, sessions: list[SessionDef], seed: int = SEED):
        self.rng = random.Random(seed)
        self.tz = timezone.get_current_timezone()
        self.end = end
        self.end_day = timezone.localtime(end).date()
        self.sessions = sessions
        self.ordinary = [s for s in sessions if s.kind == CouncilSession.Kind.ORDINARY]

    def _at(self, day: datetime.date, hour: int, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def plan(self, specs: tuple[Spec, ...] | None = None) -> list[PlannedCase]:
        specs = CASES if specs is None else specs
        planned = {spec.key: self._plan_case(spec) for spec in specs}
        self._number_deliberations(planned.values())
        self._check(planned)
        return sorted(planned.values(), key=lambda p: (p.created, p.spec.key))

    # Dates -------------------------------------------------------------------------------

    def _plan_case(self, spec: Spec) -> PlannedCase:
        rng = self.rng
        path = build_path(spec)
        gaps = [rng.randint(*_gap_range(path[i - 1] if i else None, name)) for i, name in enumerate(path)]
        times = [(rng.randint(8, 15), rng.randint(0, 59)) for _ in path]
        # Petitions collect signatures (or gather the association's documents) as drafts before
        # filing; the desk types in paper lists brought already signed within a few days.
        if spec.kind == PETITION:
            draft_days = rng.randint(1, 4) if spec.by == "intake" else rng.randint(7, 35)
        else:
            draft_days = rng.randint(1, 6) if rng.random() < 0.3 else 0
        if not path or path[0] != "submit":
            draft_days = max(draft_days, rng.randint(3, 30))
        created_time = (rng.randint(8, 20), rng.randint(0, 59))
        dwell = rng.randint(*DWELL[spec.age])
        if spec.last_on is not None:
            dwell = max(1, (self.end_day - spec.last_on).days)
        if "schedule" in path:
            days, sessions = self._session_dates(spec, path, gaps, dwell, draft_days)
        else:
            days, sessions = self._plain_dates(spec, path, gaps, dwell, draft_days)
        if days:
            created_day = days[0] - datetime.timedelta(days=draft_days)
        else:
            created_day = self.end_day - datetime.timedelta(days=dwell)
        steps = []
        for i, (name, day) in enumerate(zip(path, days, strict=True)):
            hour, minute = times[i]
            if i and path[i - 1] == "schedule" and name in ("adopt", "reject", "defer"):
                hour = 10 + hour % 7  # during the sitting
            steps.append(PlannedStep(name, self._at(day, hour, minute), session=sessions.get(i)))
        created = self._at(created_day, *created_time)
        draft_first = draft_days > 0
        if not draft_first:
            created = steps[0].at
        for i, step in enumerate(steps):
            self._fill(spec, step, prev=steps[i - 1] if i else None)
        plan = PlannedCase(spec=spec, created=created, draft_first=draft_first, steps=steps)
        if spec.kind == PETITION:
            self._petition_extras(plan)
        return plan

    def _petition_extras(self, plan: PlannedCase) -> None:
        spec, rng = plan.spec, self.rng
        filed = plan.submitted_at
        # Between the draft's creation and the filing (or, for a draft, a few hours after creation).
        window_end = filed or plan.created + datetime.timedelta(hours=3)
        midway = plan.created + (window_end - plan.created) * 0.6
        if spec.association or spec.by in ("association", "association_b"):
            plan.documents_at = midway
        else:
            plan.signatures_at = midway
            # Still collecting: short of the minimum; filed: above it (100 below 35,000 inhabitants).
            plan.signatures = rng.randint(104, 160) if filed else rng.randint(20, 80)
        refer = next((s for s in plan.steps if s.name == "refer_to_committee"), None)
        if refer is not None:
            plan.checklist_at = refer.at - datetime.timedelta(hours=2)

    def _plain_dates(self, spec, path, gaps, dwell, draft_days) -> tuple[list[datetime.date], dict]:
        """No session on the way: the last step is `dwell` days before the end, the rest before it."""
        for _attempt in range(12):
            days = self._backward(
                path, gaps, len(path) - 1, _weekday_back(self.end_day - datetime.timedelta(days=dwell))
            )
            first = days[0] if days else self.end_day - datetime.timedelta(days=dwell)
            if first - datetime.timedelta(days=draft_days) >= HISTORY_START:
                return days, {}
            dwell = max(1, dwell // 2)
        raise SeedError(f"{spec.key}: its history does not fit between {HISTORY_START} and {self.end_day}")

    def _backward(self, path, gaps, anchor_index, anchor_day) -> list[datetime.date]:
        days: list[datetime.date | None] = [None] * len(path)
        if not path:
            return []
        days[anchor_index] = anchor_day
        for i in range(anchor_index - 1, -1, -1):
            days[i] = _weekday_back(days[i + 1] - datetime.timedelta(days=gaps[i + 1]))
        return days

    def _session_dates(self, spec, path, gaps, dwell, draft_days) -> tuple[list[datetime.date], dict]:
        """Anchored on the session of the first `schedule`: steps before it run backward from the
        agenda date, steps after it forward from the sitting."""
        if spec.session == "extra":
            candidates = [s for s in self.sessions if s.kind == CouncilSession.Kind.EXTRAORDINARY]
        elif spec.session:
            candidates = [s for s in self.ordinary if s.month == spec.session]
        else:
            candidates = self.ordinary
        limit = self.end_day + datetime.timedelta(days=MAX_SCHEDULE_AHEAD)
        feasible = []
        for session in candidates:
            if session.date > limit:
                continue
            result = self._session_timeline(spec, path, gaps, session, dwell, draft_days)
            if result is not None:
                feasible.append(result)
        if not feasible:
            raise SeedError(f"{spec.key}: no council session fits its history")
        if spec.session or spec.age == "recent":
            return feasible[-1]
        if spec.age == "old":
            return feasible[0]
        return self.rng.choice(feasible)

    def _session_timeline(self, spec, path, gaps, session, dwell, draft_days):
        first = path.index("schedule")
        last_day = self.end_day - datetime.timedelta(days=1)
        agenda_day = session.date - datetime.timedelta(days=gaps[first])
        if spec.state == S.ON_AGENDA and first == len(path) - 1:
            # Put on the agenda of the coming session days ago (or of a past one, never decided).
            agenda_day = min(agenda_day, self.end_day - datetime.timedelta(days=min(dwell, 20)))
        days = self._backward(path, gaps, first, _weekday_back(agenda_day))
        sessions = {first: session.key}
        current = session
        for i in range(first + 1, len(path)):
            name, prev = path[i], path[i - 1]
            if prev == "schedule" and name in ("adopt", "reject", "defer"):
                days[i] = _weekday_fwd(current.date + datetime.timedelta(days=gaps[i]))
            elif name == "schedule":
                later = [
                    s
                    for s in self.ordinary
                    if s.date > current.date and s.date - datetime.timedelta(days=gaps[i] + 3) > days[i - 1]
                ]
                if not later:
                    return None
                current = later[0]
                sessions[i] = current.key
                days[i] = _weekday_back(current.date - datetime.timedelta(days=gaps[i]))
            else:
                days[i] = _weekday_fwd(days[i - 1] + datetime.timedelta(days=gaps[i]))
        if days[0] - datetime.timedelta(days=draft_days) < HISTORY_START or days[-1] > last_day:
            return None
        return days, sessions

    # What each step carries ---------------------------------------------------------------

    def _fill(self, spec: Spec, step: PlannedStep, *, prev: PlannedStep | None) -> None:
        rng = self.rng
        name = step.name
        day = timezone.localtime(step.at).date()
        if name == "request_information":
            step.data = {"justification": rng.choice(INFO_REQUESTS)}
        elif name == "provide_information":
            step.data = {"justification": rng.choice(INFO_PROVIDED)}
        elif name == "declare_inadmissible":
            grounds = list(spec.reason or ("signatures",))
            step.data = {"reason_code": grounds, "justification": spec.decision or INADMISSIBLE[grounds[0]]}
        elif name == "refer_to_committee":
            step.committee = spec.committee or "budget"
        elif name == "report":
            recommendation = self._recommendation(spec)
            step.data = {
                "report": REPORT.format(date=f"{day:%d/%m/%Y}", closing=REPORT_CLOSING[recommendation]),
                "recommendation": recommendation,
            }
        elif name in ("adopt", "reject"):
            data: dict = {"justification": spec.decision or self._decision_text(spec, name)}
            if prev is not None and prev.name == "schedule":
                if name == "adopt":
                    votes = (rng.randint(17, 25), rng.randint(0, 3), rng.randint(0, 3))
                else:
                    votes = (rng.randint(2, 7), rng.randint(13, 20), rng.randint(0, 4))
                votes = _within_council(votes, winner=0 if name == "adopt" else 1)
                data.update(
                    votes_for=votes[0],
                    votes_against=votes[1],
                    votes_abstain=votes[2],
                    # OL 113-14 art. 42: the quorum of the demo council (29 members in office).
                    # No draw here: the rest of the demo keeps its random sequence.
                    members_present=min(29, sum(votes) + sum(votes) % 3),
                )
            if name == "reject":
                data["reason_code"] = (spec.reason or ("other",))[0]
            elif spec.service and not spec.service_at_plan:
                step.service = spec.service
            step.data = data
        elif name == "defer":
            step.data = {"justification": DEFER}
        elif name == "plan_implementation":
            step.data = {
                "planned_end": (day + datetime.timedelta(days=rng.randint(60, 240))).isoformat(),
                "budget_line": rng.choice(BUDGET_LINES).format(year=day.year),
            }
        elif name == "complete":
            step.data = {"evidence": rng.choice(EVIDENCE).format(date=f"{day:%d/%m/%Y}")}
        elif name == "abandon":
            step.data = {"justification": spec.decision or rng.choice(ABANDON)}
        elif name == "withdraw":
            step.data = {"justification": rng.choice(WITHDRAW)}

    def _recommendation(self, spec: Spec) -> str:
        if spec.state == S.REJECTED:
            return "reject"
        if spec.state in (S.ADOPTED, S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.NOT_IMPLEMENTED):
            return self.rng.choice(("adopt", "adopt", "amend"))
        return self.rng.choice(("adopt", "amend", "reject"))

    def _decision_text(self, spec: Spec, name: str) -> str:
        if name == "reject":
            return REJECT[(spec.reason or ("other",))[0]]
        pool = {OPINION: OPINION_ADOPT, CHILDREN: CHILDREN_ADOPT}.get(spec.kind, ADOPT)
        return self.rng.choice(pool)

    def _number_deliberations(self, planned) -> None:
        """Council deliberations are numbered per year in the order they were taken."""
        sittings = [
            (step.at, plan.spec.key, step, plan.steps[i - 1].session)
            for plan in planned
            for i, step in enumerate(plan.steps)
            if step.name in ("adopt", "reject") and i and plan.steps[i - 1].name == "schedule"
        ]
        counters: Counter = Counter()
        sitting = None
        for at, _key, step, session in sorted(sittings, key=lambda t: (t[0], t[1])):
            year = timezone.localtime(at).year
            if sitting != session:
                sitting = session
                counters[year] += self.rng.randint(4, 12)  # the session's other business comes first
            counters[year] += self.rng.randint(1, 3)
            step.data["deliberation_number"] = f"{counters[year]}/{year}"

    def _check(self, planned: dict[str, PlannedCase]) -> None:
        for plan in planned.values():
            extras = [t for t in (plan.documents_at, plan.signatures_at) if t is not None]
            submit = plan.submitted_at
            if submit is not None and any(not plan.created < t < submit for t in extras):
                raise SeedError(f"{plan.spec.key}: its petition documents come after the filing")
            stamps = [plan.created] + [s.at for s in plan.steps][1 if not plan.draft_first else 0 :]
            if any(b <= a for a, b in zip(stamps, stamps[1:], strict=False)):
                raise SeedError(f"{plan.spec.key}: its history is not in increasing order")
            if stamps[-1] >= self.end or plan.created.date() < HISTORY_START:
                raise SeedError(f"{plan.spec.key}: its history leaves {HISTORY_START}..{self.end_day}")
            if plan.spec.related:
                other = planned[plan.spec.related]
                if other.submitted_at is None or other.submitted_at >= plan.created:
                    raise SeedError(f"{plan.spec.key}: filed before the case it is about")


def history_end(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    fixed = datetime.datetime(*HISTORY_END, tzinfo=timezone.get_current_timezone())
    return min(fixed, now - datetime.timedelta(minutes=5))

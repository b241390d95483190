"""Bringing a commune's past in (README, docs/domain.md §12): petitions and proposals from the
former register, with their real dates, states and decisions, played through `cases.services`
as they happened, so the audit chains, the clocks and the indicators are true from the first day.

A file is checked whole before anything is kept: each row is played in its own savepoint and any
row that fails is reported with its reasons; the run keeps every row or none (unless the caller
asks to skip the invalid ones), and a dry run keeps nothing. A row is never half-imported."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditDigest
from backfill.models import ImportedCase
from cases import lifecycle, services
from cases import states as S
from cases.models import Case
from core import roles
from core.errors import DomainError, InvalidInput
from core.sheets import read_table
from notifications.services import dispatch_paused, outbox_skip
from organisation.models import Association, Collectivity, Committee, CouncilSession, Service
from petitions import admissibility, paper

MAX_ROWS = 20_000
MAX_FILE_BYTES = 20 * 1024 * 1024

# The columns of the file (README: bringing a commune's past in). Dates are YYYY-MM-DD or
# DD/MM/YYYY; a step's date defaults to the step before it where the law sets no date of its own.
COLUMNS = {
    "register_number": "the case's number in the former register (a second import skips it)",
    "kind": "petition or proposal",
    "title": "title",
    "description": "what is asked",
    "subject": "subject domain (optional)",
    "reasons": "reasons (optional)",
    "objectives": "objectives (optional)",
    "submitter_name": "a citizen filer's name (kept private, as for the desk's paper filings)",
    "association": "the association's name as in the registry (an association's case)",
    "signature_count": "a citizens' petition: valid signatures verified on paper",
    "filed_on": "filing date",
    "state": "the state the case is in now: submitted, under_review, inadmissible, in_committee, "
    "reported, on_agenda, adopted, rejected, in_implementation, implemented, not_implemented, withdrawn",
    "reviewed_on": "start of the admissibility review (default: filed_on)",
    "inadmissible_reason": "inadmissible: the legal ground (signatures, documents, competence, ...)",
    "committee": "the committee's name",
    "referred_on": "referral to the committee",
    "report": "the committee's report",
    "recommendation": "adopt, reject or amend",
    "reported_on": "the committee's report date",
    "session_date": "the council session's first day (the session must exist: generate_sessions)",
    "scheduled_on": "put on the agenda (default: reported_on)",
    "derogation": "a petition put on another session than its mandatory one: why (OL 113-14 art. 38)",
    "decided_by_president": "yes when the president ruled (no session)",
    "decided_on": "decision date (adopted, rejected, inadmissible)",
    "deliberation_number": "deliberation number",
    "votes_for": "votes for",
    "votes_against": "votes against",
    "votes_abstain": "abstentions",
    "members_present": "members present at the deliberation (quorum, OL 113-14 art. 42)",
    "convocation": "first, second or third convocation (art. 42; default first)",
    "president_vote": "on a tie, the president's side: for or against (art. 43)",
    "reason_code": "rejection reason: outside_competences, budget, duplicate, technical_infeasibility, other",
    "justification": "the written reasons of the decision",
    "service": "the service in charge of implementation",
    "implementation_started_on": "implementation planned on",
    "planned_end": "planned end of the works",
    "budget_line": "budget line (optional)",
    "completed_on": "implementation completed",
    "evidence": "evidence of implementation",
    "abandoned_on": "implementation abandoned",
    "withdrawn_on": "withdrawal date",
}
REQUIRED = ("kind", "title", "description", "filed_on", "state")
KINDS = (Case.Kind.PETITION, Case.Kind.PROPOSAL)
TARGETS = (
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.INADMISSIBLE,
    S.IN_COMMITTEE,
    S.REPORTED,
    S.ON_AGENDA,
    S.ADOPTED,
    S.REJECTED,
    S.IN_IMPLEMENTATION,
    S.IMPLEMENTED,
    S.NOT_IMPLEMENTED,
    S.WITHDRAWN,
)
# Where each step's date comes from, and its fallback (None: no fallback, the column is needed).
STEP_DATE = {
    "submit": ("filed_on", None),
    "start_review": ("reviewed_on", "filed_on"),
    "declare_inadmissible": ("decided_on", None),
    "refer_to_committee": ("referred_on", None),
    "report": ("reported_on", None),
    "schedule": ("scheduled_on", "reported_on"),
    "adopt": ("decided_on", None),
    "reject": ("decided_on", None),
    "plan_implementation": ("implementation_started_on", None),
    "complete": ("completed_on", None),
    "abandon": ("abandoned_on", None),
    "withdraw": ("withdrawn_on", None),
}
DATE_COLUMNS = {name for name, _fb in STEP_DATE.values()} | {"planned_end", "session_date"}
INT_COLUMNS = ("signature_count", "votes_for", "votes_against", "votes_abstain", "members_present")
YES = {"yes", "oui", "نعم", "1", "true", "y", "o"}
NO = {"", "no", "non", "لا", "0", "false", "n"}


class ImportFatal(Exception):
    """The file as a whole cannot be imported (unreadable, wrong columns, ...): nothing is kept."""


@dataclass
class RowError:
    row: int
    message: str
    column: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    imported: list[tuple[int, str]] = field(default_factory=list)  # (row, reference)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, register number) already in
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    kept: bool = False  # whether anything was written

    @property
    def valid(self) -> int:
        return len(self.imported)


# Reading -------------------------------------------------------------------------------------


def read_file(stream, name: str) -> list[dict]:
    """The rows of a CSV (UTF-8, comma or semicolon) or XLSX file as dicts keyed by column."""
    data = stream.read(MAX_FILE_BYTES + 1) if hasattr(stream, "read") else stream
    if len(data) > MAX_FILE_BYTES:
        raise ImportFatal(_("The file is larger than %(n)d MB.") % {"n": MAX_FILE_BYTES // (1024 * 1024)})
    try:
        table = read_table(data, name, max_rows=MAX_ROWS, wrong_type=_("Give a .csv or .xlsx file."))
    except InvalidInput as exc:
        raise ImportFatal(exc.detail) from None
    if not table:
        raise ImportFatal(_("The file is empty."))
    header = [str(h or "").strip().lower() for h in table[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportFatal(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFatal(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if len(set(h for h in header if h)) != len([h for h in header if h]):
        raise ImportFatal(_("A column appears twice."))
    rows = []
    for values in table[1:]:
        if not any(v not in (None, "") for v in values):
            continue  # a blank line
        rows.append({h: values[i] if i < len(values) else None for i, h in enumerate(header) if h})
    if len(rows) > MAX_ROWS:
        raise ImportFatal(_("At most %(n)d rows at once.") % {"n": MAX_ROWS})
    if not rows:
        raise ImportFatal(_("The file has no rows."))
    return rows


# Cleaning ------------------------------------------------------------------------------------


@dataclass
class Plan:
    row: int
    register_number: str
    kind: str
    texts: dict
    association: Association | None
    signature_count: int | None
    target: str
    steps: list[tuple[str, datetime.datetime, dict]]
    committee: Committee | None
    checklist_at: datetime.datetime | None


class _Lookups:
    def __init__(self, collectivity: Collectivity):
        def index(qs):
            out = {}
            for obj in qs:
                for name in (obj.name_ar, obj.name_fr):
                    if name:
                        out[name.strip().casefold()] = obj
            return out

        self.committees = index(Committee.objects.filter(collectivity=collectivity))
        self.services = index(Service.objects.filter(collectivity=collectivity))
        self.associations = index(Association.objects.filter(collectivity=collectivity))
        self.sessions = {s.date: s for s in CouncilSession.objects.filter(collectivity=collectivity)}


def _day(value) -> datetime.date | None | str:
    """A date, None for an empty cell, or "bad"."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return "bad"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def path_to(target: str, *, president: bool, implementation_started: bool, reached: str) -> list[str]:
    """The transitions that bring a filed petition or proposal to `target` (docs/domain.md §3.2)."""
    if target == S.WITHDRAWN:
        return [*path_to(reached, president=False, implementation_started=False, reached=""), "withdraw"]
    path = ["submit"]
    if target == S.SUBMITTED:
        return path
    path.append("start_review")
    if target == S.UNDER_REVIEW:
        return path
    if target == S.INADMISSIBLE:
        return [*path, "declare_inadmissible"]
    path.append("refer_to_committee")
    if target == S.IN_COMMITTEE:
        return path
    path.append("report")
    if target == S.REPORTED:
        return path
    if not president:
        path.append("schedule")
    if target == S.ON_AGENDA:
        return path
    path.append("reject" if target == S.REJECTED else "adopt")
    if target in (S.ADOPTED, S.REJECTED):
        return path
    if target == S.NOT_IMPLEMENTED:
        return [*path, *(["plan_implementation"] if implementation_started else []), "abandon"]
    path.append("plan_implementation")
    if target == S.IN_IMPLEMENTATION:
        return path
    return [*path, "complete"]


def clean_row(
    number: int, raw: dict, lookups: _Lookups, today: datetime.date
) -> tuple[Plan | None, list[RowError]]:
    errors: list[RowError] = []

    def bad(column: str, message: str):
        errors.append(RowError(number, message, column))

    values = {k: v for k, v in raw.items()}
    kind = _text(values.get("kind")).lower()
    if kind not in KINDS:
        bad("kind", _("The kind must be petition or proposal."))
    target = _text(values.get("state")).lower()
    if target not in TARGETS:
        bad("state", _("Unknown state."))
    days: dict[str, datetime.date | None] = {}
    for column in DATE_COLUMNS:
        day = _day(values.get(column))
        if day == "bad":
            bad(column, _("Not a date (YYYY-MM-DD or DD/MM/YYYY)."))
            day = None
        elif day is not None and day > today and column != "planned_end":
            bad(column, _("A date in the future cannot be history."))
        days[column] = day
    ints: dict[str, int | None] = {}
    for column in INT_COLUMNS:
        text = _text(values.get(column))
        if not text:
            ints[column] = None
            continue
        try:
            ints[column] = int(text)
            if ints[column] < 0:
                raise ValueError
        except ValueError:
            bad(column, _("Not a whole number."))
            ints[column] = None
    president_text = _text(values.get("decided_by_president")).lower()
    if president_text not in YES | NO:
        bad("decided_by_president", _("Answer yes or no."))
    president = president_text in YES
    association = None
    association_name = _text(values.get("association"))
    if association_name:
        association = lookups.associations.get(association_name.casefold())
        if association is None:
            bad("association", _("No association of this name in the registry."))
    if kind == Case.Kind.PETITION and not association_name and ints.get("signature_count") is None:
        bad("signature_count", _("A citizens' petition needs the number of signatures verified."))
    if errors:
        return None, errors

    reached = ""
    if target == S.WITHDRAWN:
        # The stage a withdrawn case had reached: the latest step its dates show.
        reached = S.SUBMITTED
        for state, column in (
            (S.UNDER_REVIEW, "reviewed_on"),
            (S.IN_COMMITTEE, "referred_on"),
            (S.REPORTED, "reported_on"),
        ):
            if days[column]:
                reached = state
    path = path_to(
        target,
        president=president,
        implementation_started=bool(days["implementation_started_on"]),
        reached=reached,
    )
    committee = service = session = None
    if "refer_to_committee" in path:
        committee = lookups.committees.get(_text(values.get("committee")).casefold())
        if committee is None:
            bad("committee", _("Name a committee of the collectivity."))
    if "schedule" in path:
        session = lookups.sessions.get(days["session_date"])
        if session is None:
            bad("session_date", _("No council session begins on this date: create it first."))
    service_name = _text(values.get("service"))
    if service_name:
        service = lookups.services.get(service_name.casefold())
        if service is None:
            bad("service", _("No service of this name."))
    if "plan_implementation" in path and service is None and not service_name:
        bad("service", _("Name the service in charge of implementation."))

    tz = timezone.get_current_timezone()
    steps = []
    previous: datetime.date | None = None
    for minute, name in enumerate(path):
        column, fallback = STEP_DATE[name]
        day = days[column] or (days[fallback] if fallback else None)
        if day is None:
            bad(column, _("This date is needed for the state given."))
            continue
        if previous and day < previous:
            bad(column, _("This date comes before the step it follows."))
        previous = max(previous or day, day)
        # Steps of one day keep their order: a minute apart from 10:00, the commune's hours.
        at = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=tz) + datetime.timedelta(
            minutes=minute
        )
        steps.append((name, at, _step_data(name, values, ints, days, committee, session, service)))
    if errors:
        return None, errors
    texts = {k: _text(values.get(k)) for k in ("title", "description", "subject", "reasons", "objectives")}
    texts["submitter_name"] = _text(values.get("submitter_name"))
    checklist_at = None
    if kind == Case.Kind.PETITION and "refer_to_committee" in path:
        checklist_at = next(
            at for name, at, _d in steps if name == "refer_to_committee"
        ) - datetime.timedelta(seconds=30)
    return (
        Plan(
            row=number,
            register_number=_text(values.get("register_number")),
            kind=kind,
            texts=texts,
            association=association,
            signature_count=ints.get("signature_count") if not association else None,
            target=target,
            steps=steps,
            committee=committee,
            checklist_at=checklist_at,
        ),
        [],
    )


def _step_data(name, values, ints, days, committee, session, service) -> dict:
    text = {k: _text(values.get(k)) for k in values}
    if name == "declare_inadmissible":
        return {
            "reason_code": text.get("inadmissible_reason", ""),
            "justification": text.get("justification", ""),
        }
    if name == "refer_to_committee":
        return {"committee": committee.pk if committee else None}
    if name == "report":
        return {"report": text.get("report", ""), "recommendation": text.get("recommendation", "").lower()}
    if name == "schedule":
        data = {"session": session.pk if session else None}
        if text.get("derogation"):
            data["derogation"] = text["derogation"]
        return data
    if name in ("adopt", "reject"):
        data = {
            "deliberation_number": text.get("deliberation_number", ""),
            "votes_for": ints.get("votes_for"),
            "votes_against": ints.get("votes_against"),
            "votes_abstain": ints.get("votes_abstain"),
            "justification": text.get("justification", ""),
        }
        # Deliberations in session carry the members present (quorum); a president's ruling does not.
        for column in ("members_present",):
            if ints.get(column) is not None:
                data[column] = ints[column]
        for column in ("convocation", "president_vote"):
            if text.get(column):
                data[column] = text[column].lower()
        if name == "reject" and text.get("reason_code"):
            data["reason_code"] = text["reason_code"]
        if name == "adopt" and service is not None:
            data["service"] = service.pk
        return data
    if name == "plan_implementation":
        data = {"planned_end": days["planned_end"].isoformat() if days["planned_end"] else ""}
        if service is not None:
            data["service"] = service.pk
        if text.get("budget_line"):
            data["budget_line"] = text["budget_line"]
        return data
    if name == "complete":
        return {"evidence": text.get("evidence", "")}
    if name in ("abandon", "withdraw"):
        return {"justification": text.get("justification", "")}
    return {}


# Playing -------------------------------------------------------------------------------------


class _Actors:
    """Who records each step: the collectivity's own staff, found by the same permission checks
    a person's click goes through (cases.lifecycle), the importer first."""

    def __init__(self, collectivity: Collectivity, importer):
        User = get_user_model()
        self.importer = importer
        self.staff = list(
            User.objects.filter(is_active=True)
            .filter(Q(collectivity=collectivity) | Q(collectivity__isnull=True))
            .filter(groups__name__in=roles.STAFF_GROUPS)
            .distinct()
            .order_by("username")
        )
        self.desk = [u for u in self.staff if roles.INTAKE in u.group_names()]

    def for_step(self, name: str, case: Case):
        spec = lifecycle.get_spec(name)
        for user in (self.importer, *self.staff):
            try:
                lifecycle.resolve_edge(spec, user, case)
            except DomainError:
                continue
            return user
        return None


def import_cases(
    *,
    collectivity: Collectivity,
    actor,
    rows: Iterable[dict],
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str = "",
) -> ImportReport:
    """Play every row through the services; keep all, none (dry run, or any error without
    `skip_invalid`), or the valid ones (`skip_invalid`). Raises ImportFatal for the whole file."""
    rows = list(rows)
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    if not (roles.BUREAU in actor.group_names() and actor.acts_in(collectivity.pk)):
        raise ImportFatal(_("Only a member of the council bureau imports the former register."))
    today = timezone.localdate()
    lookups = _Lookups(collectivity)
    actors = _Actors(collectivity, actor)
    if not actors.desk:
        raise ImportFatal(_("The collectivity has no reception desk account to register the filings."))
    plans: list[Plan] = []
    seen: dict[str, int] = {}
    known = set(
        ImportedCase.objects.filter(collectivity_id=collectivity.pk)
        .exclude(register_number="")
        .values_list("register_number", flat=True)
    )
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        plan, errors = clean_row(number, raw, lookups, today)
        if errors:
            report.errors += errors
            continue
        if plan.register_number:
            if plan.register_number in known:
                report.skipped.append((number, plan.register_number))
                continue
            if plan.register_number in seen:
                report.errors.append(
                    RowError(
                        number,
                        _("The same register number as row %(row)d.") % {"row": seen[plan.register_number]},
                        "register_number",
                    )
                )
                continue
            seen[plan.register_number] = number
        plans.append(plan)
    if report.errors and not (dry_run or skip_invalid):
        # Nothing would be kept: the file is refused as it stands (a dry run lists every error,
        # those the services would raise too).
        return report
    if plans:
        earliest = min(p.steps[0][1] for p in plans)
        published = (
            AuditDigest.objects.filter(day__gte=timezone.localtime(earliest).date()).order_by("-day").first()
        )
        if published is not None:
            # A digest is recomputed from the chains as they stood at the end of its day: back-dated
            # entries would change the published ones (docs/domain.md §5).
            raise ImportFatal(
                _(
                    "Audit digests are already published up to %(day)s: the past can only be brought in "
                    "before its days are digested."
                )
                % {"day": published.day.isoformat()}
            )

    now = timezone.now()
    with transaction.atomic(), dispatch_paused():
        case_ids = []
        for plan in sorted(plans, key=lambda p: (p.steps[0][1], p.row)):
            try:
                with transaction.atomic():
                    case = _play(plan, collectivity, actor, actors)
                    ImportedCase.objects.create(
                        case=case,
                        collectivity_id=collectivity.pk,
                        register_number=plan.register_number,
                        source=source[:200],
                        row=plan.row,
                        imported_at=now,
                        imported_by=actor,
                    )
            except DomainError as exc:
                report.errors += _describe(exc, plan.row)
                continue
            case_ids.append(case.pk)
            report.imported.append((plan.row, case.reference))
        report.errors.sort(key=lambda e: e.row)
        report.imported.sort()
        if dry_run or (report.errors and not skip_invalid) or not case_ids:
            transaction.set_rollback(True)
        else:
            outbox_skip(subject_ids=case_ids, note="history import: notified at the time, on paper")
            report.kept = True
    return report


def _describe(exc: DomainError, row: int) -> list[RowError]:
    """The refusal of a service as row errors: one per field it names (the field is a column of
    the file where the names agree), else its message."""
    fields = getattr(exc, "field_errors", None) or {}
    if not fields:
        return [RowError(row, str(getattr(exc, "detail", "") or exc))]
    aliases = {"signatures": "signature_count", "documents": "association"}
    return [
        RowError(row, " ".join(str(m) for m in messages), aliases.get(name, name if name in COLUMNS else ""))
        for name, messages in fields.items()
    ]


class _StepFailed(DomainError):
    pass


def _play(plan: Plan, collectivity: Collectivity, importer, actors: _Actors) -> Case:
    desk = actors.desk[0]
    filed_at = plan.steps[0][1]
    kwargs = {
        "actor": desk,
        "kind": plan.kind,
        "collectivity": collectivity,
        "draft": True,
        "channel": Case.Channel.PAPER,
        "at": filed_at - datetime.timedelta(seconds=60),
        **{k: v for k, v in plan.texts.items() if k != "submitter_name"},
    }
    if plan.association is not None:
        kwargs["association"] = plan.association
    else:
        # A citizen's paper filing: the desk keeps the name, never shown publicly.
        kwargs["submitter_name"] = plan.texts["submitter_name"] or _("Former register")
    case, _code = services.case_create(**kwargs)
    if plan.kind == Case.Kind.PETITION:
        case = paper.paper_history_record(
            actor=desk,
            case=case,
            signature_count=plan.signature_count,
            at=filed_at - datetime.timedelta(seconds=30),
        )
    for name, at, data in plan.steps:
        case = Case.objects.get(pk=case.pk)
        if name == "refer_to_committee" and plan.checklist_at is not None:
            bureau = actors.for_step("start_review", case) or importer
            results = {c: {"met": True} for c in admissibility.applicable_conditions(case)}
            admissibility.admissibility_record(actor=bureau, case=case, results=results, at=plan.checklist_at)
            case = Case.objects.get(pk=case.pk)
        user = desk if name == "submit" else actors.for_step(name, case)
        if user is None:
            raise _StepFailed(
                _("Nobody in the collectivity may record “%(step)s”: add its staff first.")
                % {"step": lifecycle.get_spec(name).label_for(case.kind)}
            )
        case = services.case_transition(actor=user, case=case, name=name, data=data, at=at)
    return case

"""Writing the planned histories (docs/domain.md §11): every case is created and moved through
`cases.services` (`case_create(..., at=...)`, `case_transition(..., at=...)`), never written
directly, so the audit chains, the history, the outbox and the desk are exactly what real use
would have left. The steps of all cases are played in time order across cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from cases import services
from cases import states as S
from cases.models import Case
from core.errors import DomainError
from demo import people
from demo.definitions import OPINION_KINDS, SeedError
from demo.loader import ASSOCIATION_DOCUMENTS, DESK_CONTACT, OUTCOME_DEFAULT
from demo.planner import PlannedCase, PlannedStep
from notices import rules as notice_rules
from notices import services as notice_services
from organisation.models import Association, Collectivity, Committee, CouncilSession, Service
from petitions import admissibility, signatures


@dataclass
class SeedContext:
    collectivity: Collectivity
    committees: dict[str, Committee]
    services: dict[str, Service]
    sessions: dict[tuple, CouncilSession]
    associations: dict[str, Association]
    users: dict[str, object]
    plans: list[PlannedCase] = field(default_factory=list)
    cases: dict[str, Case] = field(default_factory=dict)


def play(ctx: SeedContext, plans: list[PlannedCase]) -> dict[str, str]:
    """Play every planned step of every case in time order, so references, entry ids and linked
    opinions follow the calendar. Returns the tracking codes (shown once) by case key."""
    events = []
    for plan in plans:
        mine = [(plan.created, "create", None)]
        if plan.documents_at:
            mine.append((plan.documents_at, "documents", None))
        if plan.signatures_at:
            mine.append((plan.signatures_at, "signatures", None))
        if plan.checklist_at:
            mine.append((plan.checklist_at, "checklist", None))
        steps = plan.steps if plan.draft_first else plan.steps[1:]
        mine += [(step.at, step.name, step) for step in steps]
        events += [
            (at, plan.spec.key, n, name, plan, step)
            for n, (at, name, step) in enumerate(sorted(mine, key=lambda e: e[0]))
        ]
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    numbers = {plan.spec.key: n for n, plan in enumerate(plans, start=1)}
    codes: dict[str, str] = {}
    for at, key, _n, name, plan, step in events:
        try:
            if name == "create":
                ctx.cases[key], codes[key] = _create(ctx, plan)
            elif step is None:
                _petition_extra(ctx, plan, name, at)
            else:
                ctx.cases[key] = services.case_transition(
                    actor=people.actor(ctx.users, plan.spec, step.name),
                    case=ctx.cases[key],
                    name=step.name,
                    data=_resolve(ctx, plan, step),
                    at=at,
                )
                _notify_and_post(ctx, ctx.cases[key], step.name, at)
        except (DomainError, SeedError, KeyError, ValueError, TypeError) as exc:
            raise _failure(plan, name, at, exc, numbers[key], len(plans)) from exc
    for plan in plans:
        case = ctx.cases[plan.spec.key]
        if case.state != plan.spec.state:
            raise SeedError(f"demo case [{plan.spec.key}] ended in {case.state}, expected {plan.spec.state}")
        # A citizens' petition still in draft is open for online signing, so /petitions/ shows one.
        if case.kind == Case.Kind.PETITION and case.state == S.DRAFT and not case.association_id:
            ctx.cases[plan.spec.key] = signatures.petition_signing_set(
                actor=ctx.users[plan.spec.by], case=case, open_=True
            )
    return codes


# Days after a decision when the desk hands its notification over, and when it goes on the board.
NOTIFIED_AFTER = datetime.timedelta(days=4, hours=2)
POSTED_AFTER = datetime.timedelta(days=3)


def _notify_and_post(ctx: SeedContext, case: Case, name: str, at: datetime.datetime) -> None:
    """The paper side of a decision (OL 113-14 art. 125 and 273): the desk hands the letter over
    against signature a few days later and the decision goes on the notice board, except for the
    decisions of the last days, which the demo leaves awaiting both (docs/domain.md §7.1)."""
    now = timezone.now()
    if not notice_rules.requires_notice(case, name):
        return
    desk = ctx.users["intake"]
    # In the order they happen: posted on the board (3 days), then handed over (4 days).
    if name in notice_rules.POSTED and at + POSTED_AFTER < now:
        posted = timezone.localtime(at + POSTED_AFTER)
        notice_services.decision_posting_record(actor=desk, case=case.pk, posted_on=posted.date(), at=posted)
    sent = at + NOTIFIED_AFTER
    if sent < now:
        notice_services.case_notification_record(
            actor=desk,
            case=case.pk,
            recipient_role=notice_rules.default_recipient_role(case),
            channel="hand",
            sent_at=sent,
            at=sent,
        )


def _petition_extra(ctx: SeedContext, plan: PlannedCase, name: str, at: datetime.datetime) -> None:

    case = ctx.cases[plan.spec.key]
    filer = ctx.users[plan.spec.by]
    if name == "signatures":
        channel = "paper" if plan.spec.by == "intake" else "online"
        result = signatures.signatures_import(
            actor=filer,
            case=case,
            rows=people.signatories(plan.spec.key, plan.signatures),
            channel=channel,
            at=at,
        )
        if result.rejected:
            raise SeedError(f"signatures rejected: {result.as_dict()['rejected'][:3]}")
    elif name == "documents":
        _attach_association_documents(case, filer, at)
    elif name == "checklist":
        locked = Case.objects.get(pk=case.pk)
        results = {condition: {"met": True} for condition in admissibility.applicable_conditions(locked)}
        admissibility.admissibility_record(actor=ctx.users["bureau"], case=locked, results=results, at=at)


def _attach_association_documents(case: Case, actor, at: datetime.datetime) -> None:
    """Decree 2.16.403 art. 4: final receipt, statutes and the representative's mandate, uploaded
    by the association's member through the attachment service (audited like any upload)."""
    for purpose, title in ASSOCIATION_DOCUMENTS:
        content = (
            f"{title}\n{case.association.name_ar if case.association else ''}\n{case.reference}\n".encode()
        )
        services.case_attachment_add(
            actor=actor,
            case=case.pk,
            purpose=purpose,
            file=ContentFile(content, name=f"{case.reference}-{purpose}.txt"),
            name=f"{title}.txt",
            at=at,
        )


def _create(ctx: SeedContext, plan: PlannedCase) -> tuple[Case, str]:
    spec = plan.spec
    kwargs = {
        "actor": ctx.users[spec.by],
        "kind": spec.kind,
        "title": spec.title,
        "description": spec.description,
        "subject": spec.subject,
        "reasons": spec.reasons,
        "objectives": spec.objectives,
        "collectivity": ctx.collectivity,
        "draft": plan.draft_first,
        "at": plan.created,
    }
    if spec.association:
        kwargs["association"] = ctx.associations[spec.association]
    if spec.desk_name:
        kwargs["submitter_name"] = spec.desk_name
        kwargs["submitter_contact"] = DESK_CONTACT
    if spec.related:
        kwargs["related_case"] = ctx.cases[spec.related].reference
    return services.case_create(**kwargs)


SCHEDULE_DEROGATION = (
    "The committee's study needed a site visit that could not be held before the agenda of the "
    "mandatory session was sent to the governor."
)

CHILD_SUMMARIES = {
    "adopt": "المجلس الجماعي وافق على توصيتكم. ستعمل الجماعة على إنجازها، وسنخبركم بكل خطوة.",
    "reject": (
        "المجلس الجماعي درس توصيتكم ولم يستطع قبولها الآن. السبب مكتوب في القرار، ويمكنكم اقتراح فكرة أخرى."
    ),
}


def _resolve(ctx: SeedContext, plan: PlannedCase, step: PlannedStep) -> dict:
    data = dict(step.data)
    if step.committee:
        data["committee"] = ctx.committees[step.committee].pk
    if step.session:
        data["session"] = ctx.sessions[step.session].pk
    if step.service:
        data["service"] = ctx.services[step.service].pk
    if step.name == "schedule" and plan.spec.kind == "petition":
        # OL 113-14 art. 38: a petition planned on another session than its mandatory one says why
        # (the service ignores the reason when the session is the mandatory one).
        data["derogation"] = SCHEDULE_DEROGATION
    if step.name in ("adopt", "reject"):
        # docs/domain.md §3.2: the decision answers every opinion linked to the case.
        case = ctx.cases[plan.spec.key]
        linked = (
            Case.objects.filter(related_case_id=case.pk, kind__in=OPINION_KINDS)
            .exclude(state__in=[S.DRAFT, S.WITHDRAWN])
            .order_by("id")
        )
        by_pk = {c.pk: key for key, c in ctx.cases.items()}
        specs = {p.spec.key: p.spec for p in ctx.plans}
        answers = []
        for opinion in linked:
            spec = specs.get(by_pk.get(opinion.pk, ""))
            answers.append(
                {
                    "reference": opinion.reference,
                    "followed": spec.followed if spec else True,
                    "reason": (spec.outcome if spec and spec.outcome else OUTCOME_DEFAULT),
                }
            )
        if answers:
            data["opinions"] = answers
        if case.kind == Case.Kind.CHILDREN_RECOMMENDATION and not data.get("child_summary"):
            # docs/domain.md §3.4: the decision tells the children, in plain words, what happened.
            data["child_summary"] = CHILD_SUMMARIES["adopt" if step.name == "adopt" else "reject"]
    return data


def _failure(plan: PlannedCase, name: str, at, exc: Exception, number: int, total: int) -> SeedError:
    spec = plan.spec
    detail = getattr(exc, "detail", None) or str(exc)
    fields = getattr(exc, "field_errors", None)
    if fields:
        detail += " " + "; ".join(f"{k}: {', '.join(str(m) for m in v)}" for k, v in fields.items())
    return SeedError(
        f"demo case {number}/{total} [{spec.key}] {spec.kind} “{spec.title}” failed at {name} "
        f"({timezone.localtime(at):%Y-%m-%d %H:%M}): {type(exc).__name__}: {detail}"
    )

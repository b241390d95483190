"""The only code that creates or changes a case (DOMAIN 3.5).

Each service is one transaction: lock the row, check the role and the guard, apply the
django-fsm transition, save, append the audit entry and write the outbox row.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import audit_entry_append
from notifications.services import outbox_enqueue

from . import hooks, lifecycle, roles
from . import states as S
from .errors import ConcurrentUpdate, GuardFailed, InvalidInput, NotFound, TransitionNotAllowed
from .guards import guard_submit
from .models import Association, Case, Collectivity, Committee, CouncilSession, ReferenceCounter, Service

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the desk
TRACKING_LENGTH = 12

# Which kinds each filing group may file (DOMAIN 1).
KINDS_BY_GROUP = {
    roles.CITIZEN: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.ASSOCIATION: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.INTAKE: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.EQUALITY_COMMISSION: {Case.Kind.ADVISORY_OPINION},
    roles.CHILDREN_COUNCIL: {Case.Kind.CHILDREN_RECOMMENDATION},
}


# Tracking codes -----------------------------------------------------------------------------


def tracking_code_new() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def tracking_code_normalize(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def tracking_code_hash(code: str, *, salt: str | None = None) -> str:
    """Stored as salt$hex: the code is shown once and never kept in clear."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{tracking_code_normalize(code)}".encode()).hexdigest()
    return f"{salt}${digest}"


def tracking_code_matches(case: Case, code: str) -> bool:
    salt, _sep, _digest = case.tracking_code_hash.partition("$")
    if not salt:
        return False
    return hmac.compare_digest(tracking_code_hash(code, salt=salt), case.tracking_code_hash)


# References ---------------------------------------------------------------------------------


def _reference_next(*, collectivity: Collectivity, kind: str, year: int) -> tuple[str, int]:
    """Next gapless sequence; the counter row lock serialises concurrent submissions."""
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(collectivity=collectivity, kind=kind, year=year, last=0)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(collectivity=collectivity, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    code = Case.KIND_CODES[kind]
    return f"{collectivity.code}-{code}-{year}-{counter.last:04d}", counter.last


# Lookups ------------------------------------------------------------------------------------


def default_collectivity() -> Collectivity:
    qs = Collectivity.objects.all()
    found = qs.filter(slug=settings.MITHAQ_DEFAULT_COLLECTIVITY).first() or qs.order_by("id").first()
    if found is None:
        raise NotFound(_("No collectivity is configured yet."))
    return found


def _lookups_for(collectivity_id: int):
    models = {"committee": Committee, "session": CouncilSession, "service": Service}

    def lookup(kind: str, raw):
        if isinstance(raw, Mapping):
            raw = raw.get("id")
        if isinstance(raw, bool):
            return None
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            return None
        if pk <= 0 or pk > 2**62:
            return None
        return models[kind].objects.filter(pk=pk, collectivity_id=collectivity_id).first()

    return lookup


def _actor_label(user) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


# Creating a case ----------------------------------------------------------------------------


def case_create(
    *,
    actor,
    kind: str,
    title: str,
    description: str,
    subject: str = "",
    reasons: str = "",
    objectives: str = "",
    association: Association | int | None = None,
    related_case: Case | str | None = None,
    draft: bool = False,
    channel: str | None = None,
    collectivity: Collectivity | None = None,
    submitter_name: str = "",
    submitter_contact: str = "",
    at: datetime.datetime | None = None,
) -> tuple[Case, str]:
    """File (or draft) a case for a filing role; returns the case and its tracking code, shown once."""
    at = at or timezone.now()
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise TransitionNotAllowed(_("Log in to file a case."))
    groups = actor.group_names()
    if kind not in Case.Kind.values:
        raise InvalidInput(field_errors={"kind": [_("Unknown kind of case.")]})
    allowed_kinds = set().union(*(KINDS_BY_GROUP.get(g, set()) for g in groups))
    if kind not in allowed_kinds:
        raise TransitionNotAllowed(_("Your role may not file this kind of case."))

    errors: dict[str, list[str]] = {}
    values = {
        "title": (title, 250),
        "description": (description, 20_000),
        "subject": (subject, 120),
        "reasons": (reasons, 20_000),
        "objectives": (objectives, 20_000),
        "submitter_name": (submitter_name, 200),
        "submitter_contact": (submitter_contact, 200),
    }
    clean: dict[str, str] = {}
    for name, (value, limit) in values.items():
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.setdefault(name, []).append(_("This field must be text."))
            continue
        value = value.strip()
        if len(value) > limit:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
        clean[name] = value
    for name in ("title", "description"):
        if name in clean and not lifecycle.letter_count(clean[name]):
            errors.setdefault(name, []).append(_("This field is required."))

    if collectivity is None:
        collectivity = actor.collectivity if actor.collectivity_id else default_collectivity()

    is_intake = roles.INTAKE in groups
    if channel is None:
        channel = Case.Channel.DESK if is_intake and not (groups & {roles.CITIZEN, roles.ASSOCIATION}) else Case.Channel.ONLINE
    if channel not in Case.Channel.values:
        errors.setdefault("channel", []).append(_("Unknown channel."))
    elif channel != Case.Channel.ONLINE and not is_intake:
        errors.setdefault("channel", []).append(_("Only the reception desk registers desk or paper submissions."))

    assoc_obj = None
    if association not in (None, ""):
        assoc_obj = _association_for(actor, association, collectivity, errors)
    elif roles.ASSOCIATION in groups and not (groups & {roles.CITIZEN, roles.INTAKE}):
        mine = list(actor.associations.filter(collectivity=collectivity)[:2])
        if len(mine) == 1:
            assoc_obj = mine[0]
        else:
            errors.setdefault("association", []).append(_("Choose the association you file for."))

    related_obj = None
    if related_case not in (None, ""):
        if kind not in lifecycle.OPINION_KINDS:
            errors.setdefault("related_case", []).append(
                _("Only an advisory opinion or a Children's Council recommendation is linked to another case.")
            )
        else:
            ref = related_case.reference if isinstance(related_case, Case) else related_case
            related_obj = (
                Case.objects.public().filter(reference=ref, collectivity=collectivity).first()
                if isinstance(ref, str)
                else None
            )
            if related_obj is None:
                errors.setdefault("related_case", []).append(_("No such case."))
    if not isinstance(draft, bool):
        errors.setdefault("draft", []).append(_("Must be true or false."))
    if errors:
        raise InvalidInput(_("The case cannot be created."), field_errors=errors)

    code = tracking_code_new()
    with transaction.atomic():
        reference, sequence = _reference_next(collectivity=collectivity, kind=kind, year=timezone.localtime(at).year)
        case = Case(
            collectivity=collectivity,
            kind=kind,
            reference=reference,
            year=timezone.localtime(at).year,
            sequence=sequence,
            tracking_code_hash=tracking_code_hash(code),
            channel=channel,
            submitter=None if (is_intake and channel != Case.Channel.ONLINE) else actor,
            filed_by=actor if is_intake else None,
            association=assoc_obj,
            related_case=related_obj,
            created_at=at,
            state_entered_at=at,
            **{k: clean[k] for k in values},
        )
        case._history_user = actor
        case._change_reason = "case_create"
        case.save()
        if not draft:
            case = _transition(actor=actor, case_id=case.pk, name="submit", data={}, at=at, expected_state=S.DRAFT)
    return case, code


def _association_for(actor, association, collectivity, errors) -> Association | None:
    pk = association.pk if isinstance(association, Association) else association
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        errors.setdefault("association", []).append(_("No such association."))
        return None
    obj = Association.objects.filter(pk=pk, collectivity=collectivity).first()
    if obj is None:
        errors.setdefault("association", []).append(_("No such association."))
        return None
    groups = actor.group_names()
    if roles.INTAKE not in groups and not actor.associations.filter(pk=obj.pk).exists():
        errors.setdefault("association", []).append(_("You are not a member of this association."))
        return None
    return obj


# Transitions --------------------------------------------------------------------------------


def case_transition(
    *,
    actor,
    case: Case | str | int,
    name: str,
    data: Mapping | None = None,
    at: datetime.datetime | None = None,
    expected_state: str | None = None,
) -> Case:
    """Perform transition `name` of DOMAIN 3.2 on a case, all or nothing.

    `case` may be the instance the caller showed the user (its state is then the expected one: a
    concurrent change is a conflict, never a lost update), a reference or a primary key.
    """
    spec = lifecycle.get_spec(name)
    if isinstance(case, Case):
        expected_state = expected_state or case.state
        case_id = case.pk
    elif isinstance(case, int):
        case_id = case
    else:
        found = Case.objects.filter(reference=case).values_list("pk", flat=True).first() if isinstance(case, str) else None
        if found is None:
            raise NotFound(_("No such case."))
        case_id = found
    return _transition(actor=actor, case_id=case_id, name=spec.name, data=data, at=at, expected_state=expected_state)


def _transition(*, actor, case_id: int, name: str, data, at, expected_state) -> Case:
    spec = lifecycle.get_spec(name)
    at = at or timezone.now()
    try:
        with transaction.atomic():
            case = _lock(case_id)
            if expected_state is not None and case.state != expected_state:
                raise ConcurrentUpdate()
            edge = lifecycle.resolve_edge(spec, actor, case)
            cleaned = lifecycle.clean_payload(spec, case, data, lookups=_lookups_for(case.collectivity_id))
            if spec.name == "submit":
                guard_submit(case)
            from_state = case.state
            hooks.before_transition(
                hooks.TransitionEvent(case=case, name=spec.name, from_state=from_state, to_state=spec.target, actor=actor, at=at)
            )
            getattr(case, spec.method)()
            _apply(case, spec, cleaned, actor=actor, at=at)
            entry = audit_entry_append(
                case_id=case.pk,
                prev_hash=case.audit_head,
                prev_count=case.audit_count,
                transition=spec.name,
                from_state=from_state,
                to_state=case.state,
                actor_id=_actor_label(actor),
                role=edge.role,
                at=at,
                justification=cleaned.justification,
                payload={"public": cleaned.public_payload, "private": cleaned.private_payload},
            )
            case.audit_head = entry.hash
            case.audit_count = entry.seq
            case._history_user = actor
            case._change_reason = f"transition:{spec.name}"
            case.save()
            hooks.after_transition(
                hooks.TransitionEvent(case=case, name=spec.name, from_state=from_state, to_state=case.state, actor=actor, at=at)
            )
            outbox_enqueue(
                event="case.transition",
                subject_id=case.pk,
                at=at,
                payload={
                    "reference": case.reference,
                    "transition": spec.name,
                    "from": from_state,
                    "to": case.state,
                    "entry": entry.seq,
                },
            )
    except ConcurrentTransition:
        raise ConcurrentUpdate() from None
    except OperationalError as exc:
        # A lock we could not get in time (PostgreSQL lock_timeout, SQLite busy): a conflict.
        if "lock" in str(exc).lower() or "could not obtain" in str(exc).lower():
            raise ConcurrentUpdate() from None
        raise
    except IntegrityError:
        # Two writers raced to the same chain position: the loser is told to retry.
        raise ConcurrentUpdate() from None
    return case


def _lock(case_id: int) -> Case:
    try:
        return Case.objects.select_for_update().select_related("collectivity").get(pk=case_id)
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None


def _apply(case: Case, spec: lifecycle.TransitionSpec, cleaned: lifecycle.Cleaned, *, actor, at) -> None:
    """Copy what the transition carried onto the case and stamp its dates."""
    v = cleaned.values
    case.state_entered_at = at
    name = spec.name
    if name == "submit":
        case.submitted_at = at
    elif name == "request_information":
        case.information_requested = v["justification"]
    elif name == "refer_to_committee":
        case.committee = v["committee"]
    elif name == "report":
        case.report = v["report"]
        case.recommendation = v["recommendation"]
    elif name == "schedule":
        case.session = v["session"]
    elif name in ("adopt", "reject", "declare_inadmissible"):
        case.decided_at = at
        case.decision_justification = v["justification"]
        reason = v.get("reason_code", "")
        case.decision_reason_code = ",".join(reason) if isinstance(reason, list) else reason
        if name == "reject" and not case.decision_reason_code:
            case.decision_reason_code = "other"
        case.decided_by_president = spec.name != "declare_inadmissible" and case.session_id is None
        if name != "declare_inadmissible":
            case.deliberation_number = v.get("deliberation_number", "")
            case.votes_for = v.get("votes_for")
            case.votes_against = v.get("votes_against")
            case.votes_abstain = v.get("votes_abstain")
        if name == "adopt" and v.get("service") is not None:
            case.service = v["service"]
    elif name == "defer":
        case.session = None
    elif name == "plan_implementation":
        service = v.get("service") or case.service or _only_service_of(actor)
        if service is None:
            raise GuardFailed(
                _("“%(transition)s” cannot be recorded.") % {"transition": spec.label_for(case.kind)},
                field_errors={"service": [_("Name the responsible service.")]},
            )
        if case.service_id and service.pk != case.service_id:
            raise GuardFailed(
                _("“%(transition)s” cannot be recorded.") % {"transition": spec.label_for(case.kind)},
                field_errors={"service": [_("The decision already named another responsible service.")]},
            )
        if not actor.services.filter(pk=service.pk).exists():
            raise TransitionNotAllowed(_("Only a member of the responsible service may plan its work."))
        if v["planned_end"] < timezone.localtime(at).date():
            raise GuardFailed(
                _("“%(transition)s” cannot be recorded.") % {"transition": spec.label_for(case.kind)},
                field_errors={"planned_end": [_("The planned end cannot be in the past.")]},
            )
        case.service = service
        case.planned_end = v["planned_end"]
        case.budget_line = v.get("budget_line", "")
    elif name == "complete":
        case.evidence = v["evidence"]
        case.progress_percent = 100
    elif name == "abandon":
        case.decision_justification = v["justification"]
    if case.state in S.CLOSED_STATES:
        case.closed_at = at


def _only_service_of(actor):
    services = list(actor.services.all()[:2])
    return services[0] if len(services) == 1 else None


# Reads used by services' callers ----------------------------------------------------------


def case_available_transitions(*, actor, case: Case) -> list[lifecycle.TransitionSpec]:
    return lifecycle.available_transitions(actor, case)

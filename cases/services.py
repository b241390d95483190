"""The only code that creates or changes a case (docs/domain.md §3.5).

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

from audit.chain import decision_of
from audit.services import audit_entry_append
from notifications.services import outbox_enqueue

from . import deadlines, hooks, lifecycle, register_cache, roles, selectors
from . import states as S
from .errors import ConcurrentUpdate, GuardFailed, InvalidInput, NotFound, TransitionNotAllowed
from .files import CONTENT_TYPES, content_type_for
from .guards import guard_submit
from .models import (
    Association,
    Case,
    Collectivity,
    Committee,
    CouncilSession,
    Milestone,
    OpinionOutcome,
    ProgressUpdate,
    ReferenceCounter,
    Service,
)

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the desk
TRACKING_LENGTH = 12

# Which kinds each filing group may file (docs/domain.md §1).
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
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            return None
        try:
            pk = int(raw)
        except (TypeError, ValueError, OverflowError):
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
        if lifecycle.has_invalid_characters(value):
            errors.setdefault(name, []).append(_("The text contains invalid characters."))
        if len(value) > limit:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
        clean[name] = value
    for name in ("title", "submitter_name"):
        if lifecycle.has_bidi_controls(clean.get(name)):
            errors.setdefault(name, []).append(str(lifecycle.BIDI_CONTROLS_MESSAGE))
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
        case._history_date = at
        case._change_reason = "case_create"
        case.save()
        if not draft:
            case = _transition(actor=actor, case_id=case.pk, name="submit", data={}, at=at, expected_state=S.DRAFT)
    return case, code


def _association_for(actor, association, collectivity, errors) -> Association | None:
    pk = association.pk if isinstance(association, Association) else association
    if isinstance(pk, bool) or (isinstance(pk, float) and not pk.is_integer()):
        errors.setdefault("association", []).append(_("No such association."))
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
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
    files: Mapping | None = None,
) -> Case:
    """Perform transition `name` of docs/domain.md §3.2 on a case, all or nothing.

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
        found = (
            Case.objects.filter(reference=case).values_list("pk", flat=True).first()
            if isinstance(case, str) and "\x00" not in case
            else None
        )
        if found is None:
            raise NotFound(_("No such case."))
        case_id = found
    return _transition(
        actor=actor, case_id=case_id, name=spec.name, data=data, at=at, expected_state=expected_state, files=files
    )


TRANSITION_ATTACHMENT_PURPOSE = {"report": "report", "complete": "evidence", "provide_information": "information"}


def _check_upload(file) -> dict[str, list[str]]:
    import os

    filename = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if not filename or size is None:
        return {"attachment": [_("Choose a file.")]}
    if size > ATTACHMENT_MAX_BYTES:
        return {"attachment": [_("The file is too large (at most 10 MB).")]}
    if os.path.splitext(filename)[1].lower() not in ATTACHMENT_TYPES:
        return {"attachment": [_("Accepted files: PDF, images, office documents, CSV or text.")]}
    return {}


def _store_upload(case: Case, file, purpose: str, *, actor, at):
    import hashlib as _hashlib
    import os

    from .models import CaseAttachment

    digest = _hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
        digest.update(chunk)
    file.seek(0)
    attachment = CaseAttachment(
        case=case,
        purpose=purpose,
        file=file,
        name=os.path.basename(file.name)[:200],
        public=purpose in ("report", "evidence"),
        uploaded_by=actor,
        uploaded_at=at,
        sha256=digest.hexdigest(),
        content_type=content_type_for(file.name),
    )
    attachment._history_user = actor
    attachment.save()
    return attachment


def _transition(*, actor, case_id: int, name: str, data, at, expected_state, files=None) -> Case:
    spec = lifecycle.get_spec(name)
    at = at or timezone.now()
    try:
        with transaction.atomic():
            case = _lock(case_id)
            if expected_state is not None and case.state != expected_state:
                raise ConcurrentUpdate()
            edge = lifecycle.resolve_edge(spec, actor, case)
            cleaned = lifecycle.clean_payload(spec, case, data, lookups=_lookups_for(case.collectivity_id))
            upload = (files or {}).get("attachment") if spec.name in TRANSITION_ATTACHMENT_PURPOSE else None
            if upload is not None and (problems := _check_upload(upload)):
                raise GuardFailed(
                    _("“%(transition)s” cannot be recorded.") % {"transition": spec.label_for(case.kind)},
                    field_errors=problems,
                )
            if spec.name == "submit":
                guard_submit(case, at)
            outcomes = _clean_opinion_outcomes(case, data) if spec.name in ("adopt", "reject") else []
            if outcomes:
                cleaned.public_payload["opinions"] = [
                    {"reference": o.reference, "followed": followed, "reason": reason} for o, followed, reason in outcomes
                ]
            from_state = case.state
            # The stay this transition closes, for the response-time audit.
            stay_started_at, stay_deadline = case.state_entered_at, case.deadline_on
            hooks.before_transition(
                hooks.TransitionEvent(case=case, name=spec.name, from_state=from_state, to_state=spec.target, actor=actor, at=at)
            )
            decision_before = decision_of(case)
            getattr(case, spec.method)()
            _apply(case, spec, cleaned, actor=actor, at=at)
            if upload is not None:
                stored = _store_upload(case, upload, TRANSITION_ATTACHMENT_PURPOSE[spec.name], actor=actor, at=at)
                (cleaned.public_payload if stored.public else cleaned.private_payload)["attachment"] = {
                    "name": stored.name,
                    "sha256": stored.sha256,
                }
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
                stay_started_at=stay_started_at if from_state != S.DRAFT else None,
                stay_deadline=stay_deadline if from_state != S.DRAFT else None,
                decision=decision_of(case) if decision_of(case) != decision_before else None,
            )
            case.audit_head = entry.hash
            case.audit_count = entry.seq
            case._history_user = actor
            case._history_date = at
            case._change_reason = f"transition:{spec.name}"
            case.save()
            hooks.after_transition(
                hooks.TransitionEvent(case=case, name=spec.name, from_state=from_state, to_state=case.state, actor=actor, at=at)
            )
            _register_changed(case)
            for opinion, followed, reason in outcomes:
                _record_opinion_outcome(opinion, case, followed, reason, actor=actor, role=edge.role, at=at)
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
    except IntegrityError as exc:
        # Two writers raced to the same chain position: the loser is told to retry. Any other
        # integrity error is a bug and must surface.
        if "audit" in str(exc).lower() or "hash" in str(exc).lower():
            raise ConcurrentUpdate() from None
        raise
    return case


def _clean_opinion_outcomes(case: Case, data) -> list[tuple[Case, bool, str]]:
    """OL 113-14 art. 120 and docs/domain.md §3.2: a decision states, for each linked advisory opinion or
    children's recommendation, whether it was followed and why."""
    linked = list(selectors.case_linked_opinions(case))
    if not linked:
        return []
    given = data.get("opinions") if isinstance(data, Mapping) else None
    by_ref: dict[str, Mapping] = {}
    if isinstance(given, list):
        for item in given:
            if isinstance(item, Mapping) and isinstance(item.get("reference"), str):
                by_ref[item["reference"]] = item
    errors: list[str] = []
    out = []
    for opinion in linked:
        item = by_ref.get(opinion.reference)
        followed = item.get("followed") if item else None
        if isinstance(followed, str) and followed.lower() in ("true", "false", "1", "0", "yes", "no"):
            followed = followed.lower() in ("true", "1", "yes")
        reason = item.get("reason") if item else None
        if not isinstance(followed, bool) or not isinstance(reason, str) or not lifecycle.letter_count(reason):
            errors.append(
                _("Say whether the linked opinion %(reference)s was followed, and why.") % {"reference": opinion.reference}
            )
            continue
        out.append((opinion, followed, reason.strip()))
    if errors:
        raise GuardFailed(_("The decision must answer every linked opinion."), field_errors={"opinions": errors})
    return out


def _record_opinion_outcome(opinion: Case, decided: Case, followed: bool, reason: str, *, actor, role, at) -> None:
    locked = _lock(opinion.pk)
    OpinionOutcome.objects.update_or_create(
        opinion=locked,
        defaults={"decided_case": decided, "followed": followed, "reason": reason, "decided_at": at},
    )
    _append_action(
        locked,
        name="opinion_outcome",
        actor=actor,
        role=role,
        at=at,
        justification=reason,
        public={"decided_case": decided.reference, "followed": followed, "decision": decided.state},
    )


def _append_action(
    case: Case, *, name: str, actor, role: str, at, justification: str = "", public=None, private=None, decision=None
):
    """An audited action that is not a transition (progress, correction, outcome): same chain, same outbox."""
    entry = audit_entry_append(
        case_id=case.pk,
        prev_hash=case.audit_head,
        prev_count=case.audit_count,
        transition=name,
        from_state=case.state,
        to_state=case.state,
        actor_id=_actor_label(actor),
        role=role,
        at=at,
        justification=justification,
        payload={"public": public or {}, "private": private or {}},
        decision=decision,
    )
    case.audit_head = entry.hash
    case.audit_count = entry.seq
    case._history_user = actor
    case._history_date = at
    case._change_reason = f"action:{name}"
    case.save()
    _register_changed(case)
    outbox_enqueue(
        event=f"case.{name}",
        subject_id=case.pk,
        at=at,
        payload={"reference": case.reference, "action": name, "state": case.state, "entry": entry.seq},
    )
    return entry


def _register_changed(case: Case) -> None:
    """The register's cached counts and years are recounted after this write. Dropped now, so this
    transaction's own reads count again, and once more on commit, so that a figure another request
    counted in between from the old rows is not kept."""
    collectivity_id = case.collectivity_id
    register_cache.invalidate(collectivity_id)
    transaction.on_commit(lambda: register_cache.invalidate(collectivity_id))


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
    _apply_fields(case, spec, v, actor=actor, at=at)
    deadlines.clock_on_transition(case, name, at)


def _apply_fields(case: Case, spec, v: dict, *, actor, at) -> None:
    name = spec.name
    if name == "submit":
        case.submitted_at = at
    elif name == "request_information":
        case.information_requested = v["justification"]
    elif name == "refer_to_committee":
        case.committee = v["committee"]
        if case.kind == Case.Kind.PETITION:
            # OL 113-14 art. 38 and 125: the next ordinary session after the bureau's decision.
            case.mandatory_session = selectors.next_ordinary_session(
                collectivity=case.collectivity, after=timezone.localtime(at).date()
            )
    elif name == "report":
        case.report = v["report"]
        case.recommendation = v["recommendation"]
    elif name == "schedule":
        case.session = v["session"]
    if name == "declare_inadmissible" and case.kind == Case.Kind.PETITION:
        _record_unmet_conditions(case, v, actor=actor, at=at)
    if name in ("adopt", "reject", "declare_inadmissible"):
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


def _record_unmet_conditions(case: Case, v: dict, *, actor, at) -> None:
    """A petition is declared inadmissible for unmet legal conditions only (OL 113-14 art. 125):
    the grounds named are recorded as unmet on the checklist; one marked met cannot be a ground."""
    from .models import AdmissibilityCheck

    grounds = v.get("reason_code") or []
    grounds = [grounds] if isinstance(grounds, str) else grounds
    met = set(
        AdmissibilityCheck.objects.filter(case=case, condition__in=grounds, met=True).values_list("condition", flat=True)
    )
    if met:
        raise GuardFailed(
            _("The checklist marks these conditions as met: %(conditions)s.") % {"conditions": ", ".join(sorted(met))},
            field_errors={"reason_code": [_("Correct the checklist first, or name an unmet condition.")]},
        )
    for ground in grounds:
        if ground in lifecycle.INADMISSIBILITY_GROUNDS and ground != "other":
            AdmissibilityCheck.objects.get_or_create(
                case=case,
                condition=ground,
                defaults={"met": False, "note": v["justification"], "checked_by": actor, "checked_at": at},
            )


def _only_service_of(actor):
    services = list(actor.services.all()[:2])
    return services[0] if len(services) == 1 else None


# Audited actions that are not transitions -----------------------------------------------------

CORRECTABLE_FIELDS = {
    "deliberation_number": "text",
    "votes_for": "int",
    "votes_against": "int",
    "votes_abstain": "int",
    "decision_justification": "justification",
    "decision_reason_code": "text",
}


def _locked_for_action(case: Case | str | int) -> Case:
    if isinstance(case, Case):
        return _lock(case.pk)
    if isinstance(case, int):
        return _lock(case)
    found = (
        Case.objects.filter(reference=case).values_list("pk", flat=True).first()
        if isinstance(case, str) and "\x00" not in case
        else None
    )
    if found is None:
        raise NotFound(_("No such case."))
    return _lock(found)


def case_progress_add(
    *, actor, case: Case | str | int, percent, note: str, attachment=None, at: datetime.datetime | None = None
) -> ProgressUpdate:
    """docs/domain.md §3.2: progress updates while in_implementation, by the case's service; audited."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked_for_action(case)
        if not lifecycle.P.is_service_of_case(actor, locked):
            raise TransitionNotAllowed(_("Only the responsible service reports progress."))
        if locked.state != S.IN_IMPLEMENTATION:
            raise lifecycle.InvalidTransition(_("Progress is reported only while the case is in implementation."))
        errors: dict[str, list[str]] = {}
        try:
            value = int(percent)
            if isinstance(percent, bool) or not 0 <= value <= 100:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            errors["percent"] = [_("Give a percentage between 0 and 100.")]
        if not isinstance(note, str) or not lifecycle.letter_count(note):
            errors["note"] = [_("Describe the progress in a few words.")]
        if errors:
            raise GuardFailed(_("The progress update cannot be recorded."), field_errors=errors)
        update = ProgressUpdate.objects.create(
            case=locked, percent=value, note=note.strip(), attachment=attachment, created_by=actor, created_at=at
        )
        locked.progress_percent = value
        _append_action(
            locked,
            name="progress",
            actor=actor,
            role=roles.SERVICE,
            at=at,
            public={"percent": value, "note": note.strip()},
        )
    return update


def case_milestone_add(*, actor, case: Case | str | int, title: str, planned_on, at=None) -> Milestone:
    """A planned step of the implementation, by the case's service; audited."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked_for_action(case)
        if not lifecycle.P.is_service_of_case(actor, locked):
            raise TransitionNotAllowed(_("Only the responsible service plans milestones."))
        if locked.state != S.IN_IMPLEMENTATION:
            raise lifecycle.InvalidTransition(_("Milestones are planned only while the case is in implementation."))
        errors: dict[str, list[str]] = {}
        if not isinstance(title, str) or not lifecycle.letter_count(title) or len(title) > 200:
            errors["title"] = [_("Name the milestone (at most 200 characters).")]
        elif lifecycle.has_bidi_controls(title):
            errors["title"] = [str(lifecycle.BIDI_CONTROLS_MESSAGE)]
        date = _parse_date(planned_on)
        if date is None:
            errors["planned_on"] = [_("Give a date (YYYY-MM-DD).")]
        if errors:
            raise GuardFailed(_("The milestone cannot be recorded."), field_errors=errors)
        milestone = Milestone.objects.create(case=locked, title=title.strip(), planned_on=date, created_at=at)
        _append_action(
            locked,
            name="milestone_add",
            actor=actor,
            role=roles.SERVICE,
            at=at,
            public={"milestone": milestone.title, "planned_on": date.isoformat()},
        )
    return milestone


def case_milestone_reach(*, actor, milestone_id: int, reached_on=None, at=None) -> Milestone:
    at = at or timezone.now()
    milestone = Milestone.objects.filter(pk=milestone_id).first() if isinstance(milestone_id, int) else None
    if milestone is None:
        raise NotFound(_("No such milestone."))
    with transaction.atomic():
        locked = _lock(milestone.case_id)
        if not lifecycle.P.is_service_of_case(actor, locked):
            raise TransitionNotAllowed(_("Only the responsible service reports milestones."))
        if locked.state != S.IN_IMPLEMENTATION:
            raise lifecycle.InvalidTransition(_("Milestones are reported only while the case is in implementation."))
        date = _parse_date(reached_on) if reached_on else timezone.localtime(at).date()
        if date is None:
            raise GuardFailed(field_errors={"reached_on": [_("Give a date (YYYY-MM-DD).")]})
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        milestone.reached_on = date
        milestone.save(update_fields=["reached_on"])
        _append_action(
            locked,
            name="milestone_reach",
            actor=actor,
            role=roles.SERVICE,
            at=at,
            public={"milestone": milestone.title, "reached_on": date.isoformat()},
        )
    return milestone


def _parse_date(value):
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    from django.utils.dateparse import parse_date

    try:
        return parse_date(value.strip())
    except ValueError:
        return None


def case_correct(*, actor, case: Case | str | int, changes: Mapping, justification: str, at=None) -> Case:
    """docs/domain.md §3.2: a mistake in a recorded decision is fixed by the president with a reason; the
    original stays visible in the public history (never a silent edit)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked_for_action(case)
        if not lifecycle.P.is_president(actor, locked):
            raise TransitionNotAllowed(_("Only the council president corrects a recorded decision."))
        if locked.decided_at is None:
            raise lifecycle.InvalidTransition(_("There is no recorded decision to correct."))
        errors: dict[str, list[str]] = {}
        min_letters = locked.collectivity.justification_min_chars
        if not isinstance(justification, str) or lifecycle.letter_count(justification) < min_letters:
            errors["justification"] = [
                _("Explain the correction in at least %(n)d letters (spaces and punctuation do not count).")
                % {"n": min_letters}
            ]
        if not isinstance(changes, Mapping) or not changes:
            errors["changes"] = [_("Name at least one field to correct.")]
            changes = {}
        diff: dict[str, list] = {}
        for field, value in changes.items():
            kind = CORRECTABLE_FIELDS.get(field)
            if kind is None:
                errors.setdefault("changes", []).append(_("%(field)s cannot be corrected.") % {"field": field})
                continue
            if kind == "int":
                if isinstance(value, bool):
                    value = None
                try:
                    value = int(value)
                except (TypeError, ValueError, OverflowError):
                    value = None
                if value is None or not 0 <= value <= 100_000:
                    errors.setdefault(field, []).append(_("Give a whole number between 0 and 100000."))
                    continue
            else:
                if not isinstance(value, str) or not value.strip():
                    errors.setdefault(field, []).append(_("This field cannot be blank."))
                    continue
                value = value.strip()
                if kind == "justification" and lifecycle.letter_count(value) < min_letters:
                    errors.setdefault(field, []).append(
                        _("The justification must explain the decision in at least %(n)d letters.") % {"n": min_letters}
                    )
                    continue
            old = getattr(locked, field)
            if old != value:
                diff[field] = [old, value]
        if errors:
            raise GuardFailed(_("The correction cannot be recorded."), field_errors=errors)
        if not diff:
            raise GuardFailed(field_errors={"changes": [_("Nothing differs from the recorded decision.")]})
        for field, (_old, new) in diff.items():
            setattr(locked, field, new)
        _append_action(
            locked,
            name="case_correct",
            actor=actor,
            role=roles.PRESIDENT,
            at=at,
            justification=justification.strip(),
            public={"changes": diff},
            decision=decision_of(locked),
        )
    return locked


def case_link_opinion(*, actor, opinion: Case | str, target: Case | str, at=None) -> Case:
    """Link an advisory opinion or a children's recommendation to the case it is about."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked_for_action(opinion)
        if locked.kind not in lifecycle.OPINION_KINDS:
            raise GuardFailed(field_errors={"opinion": [_("Only an opinion or a recommendation is linked to a case.")]})
        if not (
            lifecycle.P.is_bureau_member(actor, locked)
            or lifecycle.P.is_secretariat(actor, locked)
            or (
                locked.submitter_id == getattr(actor, "pk", None)
                and actor.group_names() & {roles.EQUALITY_COMMISSION, roles.CHILDREN_COUNCIL}
            )
        ):
            raise TransitionNotAllowed(_("You may not link this opinion."))
        ref = target.reference if isinstance(target, Case) else target
        target_obj = (
            Case.objects.public().filter(reference=ref, collectivity=locked.collectivity).first()
            if isinstance(ref, str)
            else None
        )
        if target_obj is None or target_obj.pk == locked.pk:
            raise GuardFailed(field_errors={"related_case": [_("No such case.")]})
        if target_obj.decided_at is not None:
            raise lifecycle.InvalidTransition(_("That case is already decided."))
        locked.related_case = target_obj
        _append_action(
            locked,
            name="link_opinion",
            actor=actor,
            role=next(iter(sorted(actor.group_names())), ""),
            at=at,
            public={"related_case": target_obj.reference},
        )
    return locked


# Attachments ---------------------------------------------------------------------------------

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = frozenset(CONTENT_TYPES)
# Scans carrying signatories' personal data (Law 09-08): never public, the bureau only.
PERSONAL_PURPOSES = frozenset({"signed_lists", "cnie_copies"})


def case_attachment_add(*, actor, case: Case | str | int, purpose: str, file, name: str = "", at=None):
    """Attach a file to a case: the filer (agent, association, desk) while the file is open to
    them, the committee its report, the service its evidence; audited (name and digest only)."""
    import hashlib as _hashlib
    import os

    from .models import CaseAttachment

    at = at or timezone.now()
    errors: dict[str, list[str]] = {}
    if purpose not in CaseAttachment.Purpose.values:
        errors["purpose"] = [_("Unknown kind of document.")]
    filename = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if not filename or size is None:
        errors["file"] = [_("Choose a file.")]
    else:
        if size > ATTACHMENT_MAX_BYTES:
            errors["file"] = [_("The file is too large (at most 10 MB).")]
        if os.path.splitext(filename)[1].lower() not in ATTACHMENT_TYPES:
            errors["file"] = [_("Accepted files: PDF, images, office documents, CSV or text.")]
    if errors:
        raise InvalidInput(_("The document cannot be attached."), field_errors=errors)
    with transaction.atomic():
        locked = _locked_for_action(case)
        filer = lifecycle.P.is_submitter(actor, locked) or lifecycle.P.is_intake(actor, locked)
        allowed = (
            (filer and locked.state in (S.DRAFT, S.AWAITING_INFORMATION, S.SUBMITTED))
            or (purpose == "report" and lifecycle.P.is_committee_member_of_case(actor, locked) and locked.state == S.IN_COMMITTEE)
            or (purpose == "evidence" and lifecycle.P.is_service_of_case(actor, locked) and locked.state == S.IN_IMPLEMENTATION)
            or lifecycle.P.is_bureau_member(actor, locked)
        )
        if not allowed:
            raise TransitionNotAllowed(_("You may not attach documents to this case now."))
        digest = _hashlib.sha256()
        for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
            digest.update(chunk)
        file.seek(0)
        attachment = CaseAttachment(
            case=locked,
            purpose=purpose,
            file=file,
            name=(name or os.path.basename(filename))[:200],
            public=purpose in ("report", "evidence"),
            uploaded_by=actor,
            uploaded_at=at,
            sha256=digest.hexdigest(),
            content_type=content_type_for(filename),
        )
        attachment._history_user = actor
        attachment.save()
        role = next((g for g in sorted(actor.group_names())), "")
        _append_action(
            locked,
            name="attachment_add",
            actor=actor,
            role=role,
            at=at,
            public=_attachment_public_payload(attachment),
            private=_attachment_private_payload(attachment),
        )
    return attachment


def _attachment_public_payload(attachment) -> dict:
    """The public history names a public document; of another it tells the kind alone (its name
    may name a person), and of the identity dossier nothing (Law 09-08)."""
    if attachment.public:
        return {"document": attachment.name, "purpose": attachment.purpose}
    if attachment.purpose in PERSONAL_PURPOSES:
        return {}
    return {"purpose": attachment.purpose}


def _attachment_private_payload(attachment) -> dict:
    private = {"sha256": attachment.sha256, "purpose": attachment.purpose}
    if not attachment.public and attachment.purpose not in PERSONAL_PURPOSES:
        private["document"] = attachment.name
    return private


# Council sessions ----------------------------------------------------------------------------


def _first_week_day(year: int, month: int, weekend: list[int]) -> datetime.date:
    """OL 113-14 art. 33: ordinary sessions are held in the first week of the month, on a working
    day (not a weekend day, nor a Moroccan public holiday such as 1 May)."""
    import holidays

    closed = holidays.country_holidays("MA", years=year)
    day = datetime.date(year, month, 1)
    while day.weekday() in weekend or day in closed:
        day += datetime.timedelta(days=1)
    return day


def session_calendar_generate(*, collectivity: Collectivity, year: int) -> list[CouncilSession]:
    """Create the year's ordinary sessions from the collectivity's session months (idempotent)."""
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(field_errors={"year": [_("Give a year between 2000 and 2100.")]})
    created = []
    with transaction.atomic():
        for month in sorted(collectivity.ordinary_session_months):
            exists = CouncilSession.objects.filter(
                collectivity=collectivity,
                kind=CouncilSession.Kind.ORDINARY,
                date__year=year,
                date__month=month,
            ).exists()
            if exists:
                continue
            session = CouncilSession(
                collectivity=collectivity,
                kind=CouncilSession.Kind.ORDINARY,
                date=_first_week_day(year, month, collectivity.weekend_days),
            )
            session._change_reason = "session_calendar_generate"
            session.save()
            created.append(session)
    return created


def session_create(*, actor, collectivity: Collectivity | None = None, date, kind: str = "extraordinary", title_ar="", title_fr="") -> CouncilSession:
    """The secretariat records a session (an extraordinary one, usually)."""
    collectivity = collectivity or (actor.collectivity if getattr(actor, "collectivity_id", None) else default_collectivity())
    if not (lifecycle.P.is_secretariat(actor, None) or lifecycle.P.is_president(actor, None)):
        raise TransitionNotAllowed(_("Only the secretariat or the president records a session."))
    errors: dict[str, list[str]] = {}
    day = _parse_date(date)
    if day is None:
        errors["date"] = [_("Give a date (YYYY-MM-DD).")]
    if kind not in CouncilSession.Kind.values:
        errors["kind"] = [_("Unknown kind of session.")]
    if day and CouncilSession.objects.filter(collectivity=collectivity, date=day, kind=kind).exists():
        errors["date"] = [_("A session of this kind is already recorded on that date.")]
    if errors:
        raise InvalidInput(_("The session cannot be recorded."), field_errors=errors)
    session = CouncilSession(
        collectivity=collectivity, date=day, kind=kind, title_ar=(title_ar or "")[:200], title_fr=(title_fr or "")[:200]
    )
    session._history_user = actor
    session._change_reason = "session_create"
    session.save()
    return session


# Reads used by services' callers ----------------------------------------------------------


def case_available_transitions(*, actor, case: Case) -> list[lifecycle.TransitionSpec]:
    return lifecycle.available_transitions(actor, case)

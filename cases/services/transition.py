"""Transitions (docs/domain.md §3.2): one transaction that locks, guards, transitions, audits and
queues the outbox event."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import IntegrityError, OperationalError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.chain import decision_of
from audit.models import TransitionEntry
from audit.services import audit_entry_append
from cases import hooks, lifecycle, selectors
from cases import states as S
from cases.guards import guard_submit
from cases.models import Case, OpinionOutcome
from cases.services.attachments import check_upload, store_upload
from cases.services.record import (
    actor_label,
    append_action,
    case_id_for,
    loaded_values,
    lock,
    lookups_for,
    register_changed,
    save_transitioned,
)
from core import text
from core.errors import ConcurrentUpdate, GuardFailed, SessionRefused, TransitionNotAllowed
from core.history import history_stamp
from core.prepared import PreparedQuery, write_batch
from notifications.services import outbox_enqueue
from organisation import selectors as org_selectors


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
    case_id = case_id_for(case)
    return run_transition(
        actor=actor,
        case_id=case_id,
        name=spec.name,
        data=data,
        at=at,
        expected_state=expected_state,
        files=files,
    )


TRANSITION_ATTACHMENT_PURPOSE = {
    "report": "report",
    "complete": "evidence",
    "provide_information": "information",
}


def run_transition(
    *, actor, case_id: int, name: str, data, at, expected_state, files=None, notice_extra: dict | None = None
) -> Case:
    """`notice_extra`: more payload for the event's messages only (the SMS receipt's tracking code,
    wiped by notifications once sent); never in the audit trail."""
    spec = lifecycle.get_spec(name)
    at = at or timezone.now()
    try:
        with transaction.atomic():
            case = lock(case_id, companions=True)
            loaded = loaded_values(case)
            if expected_state is not None and case.state != expected_state:
                raise ConcurrentUpdate()
            edge = lifecycle.resolve_edge(spec, actor, case)
            cleaned = lifecycle.clean_payload(spec, case, data, lookups=lookups_for(case.collectivity_id))
            upload = (files or {}).get("attachment") if spec.name in TRANSITION_ATTACHMENT_PURPOSE else None
            if upload is not None and (problems := check_upload(upload)):
                raise GuardFailed(
                    _("“%(transition)s” cannot be recorded.") % {"transition": spec.label_for(case.kind)},
                    field_errors=problems,
                )
            if spec.name == "submit":
                guard_submit(case, at)
            if spec.name == "schedule":
                _guard_schedule(case, spec, cleaned, at)
            outcomes = _clean_opinion_outcomes(case, data) if spec.name in ("adopt", "reject") else []
            if outcomes:
                cleaned.public_payload["opinions"] = [
                    {"reference": o.reference, "followed": followed, "reason": reason}
                    for o, followed, reason in outcomes
                ]
            from_state = case.state
            # The stay this transition closes, for the response-time audit.
            stay_started_at, stay_deadline = case.state_entered_at, case.deadline_on
            hooks.before_transition(
                hooks.TransitionEvent(
                    case=case, name=spec.name, from_state=from_state, to_state=spec.target, actor=actor, at=at
                )
            )
            decision_before = decision_of(case)
            getattr(case, spec.method)()
            _apply(case, spec, cleaned, actor=actor, at=at)
            if upload is not None:
                stored = store_upload(
                    case, upload, TRANSITION_ATTACHMENT_PURPOSE[spec.name], actor=actor, at=at
                )
                (cleaned.public_payload if stored.public else cleaned.private_payload)["attachment"] = {
                    "name": stored.name,
                    "sha256": stored.sha256,
                }
            # From here the transition only writes: the rows nothing reads back before commit go
            # in one round trip when the block ends (core/prepared.py, write batches).
            with write_batch():
                entry = audit_entry_append(
                    case_id=case.pk,
                    prev_hash=case.audit_head,
                    prev_count=case.audit_count,
                    transition=spec.name,
                    from_state=from_state,
                    to_state=case.state,
                    actor_id=actor_label(actor),
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
                history_stamp(case, user=actor, at=at, reason=f"transition:{spec.name}")
                # Only the columns the transition changed: the same row, a shorter UPDATE (the history
                # row still records every field).
                save_transitioned(case, loaded, from_state)
                event = hooks.TransitionEvent(
                    case=case, name=spec.name, from_state=from_state, to_state=case.state, actor=actor, at=at
                )
                hooks.after_transition(event)
                register_changed(case)
                for opinion, followed, reason in outcomes:
                    _record_opinion_outcome(
                        opinion, case, followed, reason, actor=actor, role=edge.role, at=at
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
                        **(notice_extra or {}),
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


def _guard_schedule(case: Case, spec, cleaned: lifecycle.Cleaned, at: datetime.datetime) -> None:
    """OL 113-14 art. 38. For every kind: no session in the past (before the day of the transition)
    nor held before the case was filed. For a petition: its mandatory session (the next ordinary
    session after the bureau's decision), or another one with a published derogation."""
    session = cleaned.values["session"]
    today = timezone.localtime(at).date()
    title = _("“%(transition)s” cannot be recorded.") % {"transition": spec.label_for(case.kind)}
    if session.date < today:
        raise SessionRefused(
            title,
            field_errors={
                "session": [
                    _("The session of %(date)s is already past: choose a coming session.")
                    % {"date": formats.date_format(session.date, "DATE_FORMAT")}
                ]
            },
        )
    if case.submitted_at is not None and session.date < timezone.localtime(case.submitted_at).date():
        raise SessionRefused(
            title,
            field_errors={
                "session": [
                    _("The session of %(date)s was held before the case was filed on %(filed)s.")
                    % {
                        "date": formats.date_format(session.date, "DATE_FORMAT"),
                        "filed": formats.date_format(
                            timezone.localtime(case.submitted_at).date(), "DATE_FORMAT"
                        ),
                    }
                ]
            },
        )
    if not _derogation_needed(case, session):
        cleaned.values.pop("derogation", None)
        cleaned.public_payload.pop("derogation", None)
        return
    if not cleaned.values.get("derogation"):
        mandatory = case.mandatory_session
        raise SessionRefused(
            title,
            field_errors={
                "derogation": [
                    _(
                        "An admissible petition must go on the agenda of its mandatory session, the "
                        "%(kind)s session of %(date)s (organic law 113-14, article 38). To choose another "
                        "session, explain why (the session was cancelled, say)."
                    )
                    % {
                        "kind": mandatory.get_kind_display().lower(),
                        "date": formats.date_format(mandatory.date, "DATE_FORMAT"),
                    }
                ]
            },
        )
    cleaned.public_payload["mandatory_session"] = {
        "id": case.mandatory_session_id,
        "date": case.mandatory_session.date.isoformat(),
    }


def _derogation_needed(case: Case, session) -> bool:
    """A petition with a mandatory session goes elsewhere only by derogation, unless it already went
    on its mandatory session's agenda (and was sent back to committee there)."""
    if case.kind != Case.Kind.PETITION or case.mandatory_session_id is None:
        return False
    if session.pk == case.mandatory_session_id:
        return False
    return not TransitionEntry.objects.filter(
        case_id=case.pk, transition="schedule", payload__public__session__id=case.mandatory_session_id
    ).exists()


# Read by every decision, compiled once (core/prepared.py).
_LINKED_OPINIONS = PreparedQuery(selectors.case_linked_opinions)


def _clean_opinion_outcomes(case: Case, data) -> list[tuple[Case, bool, str]]:
    """OL 113-14 art. 120 and docs/domain.md §3.2: a decision states, for each linked advisory opinion or
    children's recommendation, whether it was followed and why."""
    linked = _LINKED_OPINIONS.fetch(case.pk)
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
    # The reason is a justification like any other: the collectivity's minimum of letters.
    min_letters = case.collectivity.justification_min_chars
    for opinion in linked:
        item = by_ref.get(opinion.reference)
        followed = item.get("followed") if item else None
        if isinstance(followed, str) and followed.lower() in ("true", "false", "1", "0", "yes", "no"):
            followed = followed.lower() in ("true", "1", "yes")
        reason = item.get("reason") if item else None
        if not isinstance(followed, bool) or not isinstance(reason, str) or not text.letter_count(reason):
            errors.append(
                _("Say whether the linked opinion %(reference)s was followed, and why.")
                % {"reference": opinion.reference}
            )
            continue
        if text.letter_count(reason) < min_letters:
            errors.append(
                _(
                    "Explain why the linked opinion %(reference)s was or was not followed in at least "
                    "%(n)d letters (spaces and punctuation do not count)."
                )
                % {"reference": opinion.reference, "n": min_letters}
            )
            continue
        if text.has_invalid_characters(reason):
            errors.append(_("The text contains invalid characters."))
            continue
        out.append((opinion, followed, reason.strip()))
    if errors:
        raise GuardFailed(
            _("The decision must answer every linked opinion."), field_errors={"opinions": errors}
        )
    return out


def _record_opinion_outcome(
    opinion: Case, decided: Case, followed: bool, reason: str, *, actor, role, at
) -> None:
    locked = lock(opinion.pk)
    OpinionOutcome.objects.update_or_create(
        opinion=locked,
        defaults={"decided_case": decided, "followed": followed, "reason": reason, "decided_at": at},
    )
    append_action(
        locked,
        name="opinion_outcome",
        actor=actor,
        role=role,
        at=at,
        justification=reason,
        public={"decided_case": decided.reference, "followed": followed, "decision": decided.state},
    )


def _apply(case: Case, spec: lifecycle.TransitionSpec, cleaned: lifecycle.Cleaned, *, actor, at) -> None:
    """Copy what the transition carried onto the case and stamp its dates."""
    v = cleaned.values
    case.state_entered_at = at
    name = spec.name
    _apply_fields(case, spec, v, actor=actor, at=at)
    hooks.apply_transition(case, name, v, actor, at)


def _apply_fields(case: Case, spec, v: dict, *, actor, at) -> None:
    apply = FIELD_APPLIERS.get(spec.name)
    if apply is not None:
        apply(case, spec, v, actor=actor, at=at)
    if case.state in S.CLOSED_STATES:
        case.closed_at = at


def _apply_submit(case: Case, spec, v: dict, *, actor, at) -> None:
    case.submitted_at = at


def _apply_request_information(case: Case, spec, v: dict, *, actor, at) -> None:
    case.information_requested = v["justification"]


def _apply_refer_to_committee(case: Case, spec, v: dict, *, actor, at) -> None:
    case.committee = v["committee"]
    if case.kind == Case.Kind.PETITION:
        # OL 113-14 art. 38 and 125: the next ordinary session after the bureau's decision.
        case.mandatory_session = org_selectors.next_ordinary_session(
            collectivity=case.collectivity, after=timezone.localtime(at).date()
        )


def _apply_report(case: Case, spec, v: dict, *, actor, at) -> None:
    case.report = v["report"]
    case.recommendation = v["recommendation"]


def _apply_schedule(case: Case, spec, v: dict, *, actor, at) -> None:
    case.session = v["session"]
    case.schedule_derogation = v.get("derogation", "")


def _apply_decision(case: Case, spec, v: dict, *, actor, at) -> None:
    """adopt, reject, declare_inadmissible: the decision, its reasons and, from a session, the vote."""
    name = spec.name
    case.decided_at = at
    case.decision_justification = v["justification"]
    reason = v.get("reason_code", "")
    case.decision_reason_code = ",".join(reason) if isinstance(reason, list) else reason
    case.decided_by_president = name != "declare_inadmissible" and case.session_id is None
    if name != "declare_inadmissible":
        case.deliberation_number = v.get("deliberation_number", "")
        case.votes_for = v.get("votes_for")
        case.votes_against = v.get("votes_against")
        case.votes_abstain = v.get("votes_abstain")
        case.members_present = v.get("members_present")
        case.convocation = v.get("convocation", "") if v.get("members_present") is not None else ""
        case.president_vote = v.get("president_vote", "") if v.get("votes_for") is not None else ""
    if name == "adopt" and v.get("service") is not None:
        case.service = v["service"]


def _apply_defer(case: Case, spec, v: dict, *, actor, at) -> None:
    case.session = None


def _apply_plan_implementation(case: Case, spec, v: dict, *, actor, at) -> None:
    service = v.get("service") or case.service or _only_service_of(actor)
    if service is None:
        raise _refused(spec, case, "service", _("Name the responsible service."))
    if case.service_id and service.pk != case.service_id:
        raise _refused(spec, case, "service", _("The decision already named another responsible service."))
    if not actor.services.filter(pk=service.pk).exists():
        raise TransitionNotAllowed(_("Only a member of the responsible service may plan its work."))
    if v["planned_end"] < timezone.localtime(at).date():
        raise _refused(spec, case, "planned_end", _("The planned end cannot be in the past."))
    case.service = service
    case.planned_end = v["planned_end"]
    case.budget_line = v.get("budget_line", "")


def _apply_complete(case: Case, spec, v: dict, *, actor, at) -> None:
    case.evidence = v["evidence"]
    case.progress_percent = 100


def _apply_abandon(case: Case, spec, v: dict, *, actor, at) -> None:
    case.decision_justification = v["justification"]


# What each transition copies onto the case beyond the state and its dates.
FIELD_APPLIERS = {
    "submit": _apply_submit,
    "request_information": _apply_request_information,
    "refer_to_committee": _apply_refer_to_committee,
    "report": _apply_report,
    "schedule": _apply_schedule,
    "adopt": _apply_decision,
    "reject": _apply_decision,
    "declare_inadmissible": _apply_decision,
    "defer": _apply_defer,
    "plan_implementation": _apply_plan_implementation,
    "complete": _apply_complete,
    "abandon": _apply_abandon,
}


def _refused(spec, case: Case, field: str, message) -> GuardFailed:
    return GuardFailed(
        _("“%(transition)s” cannot be recorded.") % {"transition": spec.label_for(case.kind)},
        field_errors={field: [message]},
    )


def _only_service_of(actor):
    services = list(actor.services.all()[:2])
    return services[0] if len(services) == 1 else None


def case_available_transitions(*, actor, case: Case) -> list[lifecycle.TransitionSpec]:
    return lifecycle.available_transitions(actor, case)

"""Actions that are not transitions: progress, milestones, corrections, linking an opinion. Each is
audited like a transition."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.chain import decision_of
from cases import labels, lifecycle
from cases import states as S
from cases.models import Case, Milestone, ProgressUpdate
from cases.services.record import actor_role, append_action, lock, locked_for_action, public_case_in
from core import roles, text
from core.errors import GuardFailed, NotFound, TransitionNotAllowed
from core.text import parse_day

CORRECTABLE_FIELDS = {
    "deliberation_number": "text",
    "votes_for": "int",
    "votes_against": "int",
    "votes_abstain": "int",
    "members_present": "int",
    "decision_justification": "justification",
    "decision_reason_code": "text",
}


def _implementing(locked: Case, actor, *, refused: str, not_now: str) -> Case:
    """The locked case, once its responsible service acts on it while it is in implementation."""
    if not lifecycle.P.is_service_of_case(actor, locked):
        raise TransitionNotAllowed(refused)
    if locked.state != S.IN_IMPLEMENTATION:
        raise lifecycle.InvalidTransition(not_now)
    return locked


def case_progress_add(
    *, actor, case: Case | str | int, percent, note: str, attachment=None, at: datetime.datetime | None = None
) -> ProgressUpdate:
    """docs/domain.md §3.2: progress updates while in_implementation, by the case's service; audited."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _implementing(
            locked_for_action(case),
            actor,
            refused=_("Only the responsible service reports progress."),
            not_now=_("Progress is reported only while the case is in implementation."),
        )
        errors: dict[str, list[str]] = {}
        try:
            value = int(percent)
            if isinstance(percent, bool) or not 0 <= value <= 100:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            errors["percent"] = [_("Give a percentage between 0 and 100.")]
        if not isinstance(note, str) or not text.letter_count(note):
            errors["note"] = [_("Describe the progress in a few words.")]
        if errors:
            raise GuardFailed(_("The progress update cannot be recorded."), field_errors=errors)
        update = ProgressUpdate.objects.create(
            case=locked,
            percent=value,
            note=note.strip(),
            attachment=attachment,
            created_by=actor,
            created_at=at,
        )
        locked.progress_percent = value
        append_action(
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
        locked = _implementing(
            locked_for_action(case),
            actor,
            refused=_("Only the responsible service plans milestones."),
            not_now=_("Milestones are planned only while the case is in implementation."),
        )
        errors: dict[str, list[str]] = {}
        title_max = Milestone._meta.get_field("title").max_length
        if not isinstance(title, str) or not text.letter_count(title) or len(title) > title_max:
            errors["title"] = [
                ngettext(
                    "Name the milestone (at most %(n)d character).",
                    "Name the milestone (at most %(n)d characters).",
                    title_max,
                )
                % {"n": title_max}
            ]
        elif text.has_bidi_controls(title):
            errors["title"] = [str(text.BIDI_CONTROLS_MESSAGE)]
        date = parse_day(planned_on)
        if date is None:
            errors["planned_on"] = [_("Give a date (YYYY-MM-DD).")]
        if errors:
            raise GuardFailed(_("The milestone cannot be recorded."), field_errors=errors)
        milestone = Milestone.objects.create(case=locked, title=title.strip(), planned_on=date, created_at=at)
        append_action(
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
        locked = _implementing(
            lock(milestone.case_id),
            actor,
            refused=_("Only the responsible service reports milestones."),
            not_now=_("Milestones are reported only while the case is in implementation."),
        )
        date = parse_day(reached_on) if reached_on else timezone.localtime(at).date()
        if date is None:
            raise GuardFailed(field_errors={"reached_on": [_("Give a date (YYYY-MM-DD).")]})
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        milestone.reached_on = date
        milestone.save(update_fields=["reached_on"])
        append_action(
            locked,
            name="milestone_reach",
            actor=actor,
            role=roles.SERVICE,
            at=at,
            public={"milestone": milestone.title, "reached_on": date.isoformat()},
        )
    return milestone


def case_correct(*, actor, case: Case | str | int, changes: Mapping, justification: str, at=None) -> Case:
    """docs/domain.md §3.2: a mistake in a recorded decision is fixed by the president with a reason; the
    original stays visible in the public history (never a silent edit)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = locked_for_action(case)
        if not lifecycle.P.is_president(actor, locked):
            raise TransitionNotAllowed(_("Only the council president corrects a recorded decision."))
        if locked.decided_at is None:
            raise lifecycle.InvalidTransition(_("There is no recorded decision to correct."))
        errors: dict[str, list[str]] = {}
        min_letters = locked.collectivity.justification_min_chars
        if not isinstance(justification, str) or text.letter_count(justification) < min_letters:
            errors["justification"] = [
                ngettext(
                    "Explain the correction in at least %(n)d letter (spaces and punctuation do not count).",
                    "Explain the correction in at least %(n)d letters (spaces and punctuation do not count).",
                    min_letters,
                )
                % {"n": min_letters}
            ]
        if not isinstance(changes, Mapping) or not changes:
            errors["changes"] = [_("Name at least one field to correct.")]
            changes = {}
        diff = _correction_diff(locked, changes, min_letters, errors)
        _check_corrected_votes(locked, diff, errors)
        if errors:
            raise GuardFailed(_("The correction cannot be recorded."), field_errors=errors)
        if not diff:
            raise GuardFailed(field_errors={"changes": [_("Nothing differs from the recorded decision.")]})
        for field, (_old, new) in diff.items():
            setattr(locked, field, new)
        append_action(
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


def _correction_diff(case: Case, changes: Mapping, min_letters: int, errors: dict) -> dict[str, list]:
    """[old, new] of each corrected field that differs; a refused field's message goes to `errors`."""
    diff: dict[str, list] = {}
    for field, raw in changes.items():
        kind = CORRECTABLE_FIELDS.get(field)
        if kind is None:
            errors.setdefault("changes", []).append(_("%(field)s cannot be corrected.") % {"field": field})
            continue
        try:
            value = _corrected_value(field, kind, raw, min_letters)
        except ValueError as exc:
            errors.setdefault(field, []).append(str(exc))
            continue
        old = getattr(case, field)
        if old != value:
            diff[field] = [old, value]
    return diff


VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstain", "members_present")


def _check_corrected_votes(case: Case, diff: dict, errors: dict) -> None:
    """The corrected votes must still carry the decision and its quorum (OL 113-14 art. 42-43), as
    when the decision was recorded (cases.lifecycle.votes_problem, deliberation_problem)."""
    if not any(field in diff for field in VOTE_FIELDS) or case.state == S.INADMISSIBLE:
        return
    values = {field: diff[field][1] if field in diff else getattr(case, field) for field in VOTE_FIELDS}
    if case.convocation:
        values["convocation"] = case.convocation
    if case.president_vote:
        values["president_vote"] = case.president_vote
    name = "reject" if case.state == S.REJECTED else "adopt"
    lifecycle.votes_problem(name, values, errors, collectivity=case.collectivity)
    lifecycle.deliberation_problem(values, errors, collectivity=case.collectivity)


def _corrected_value(field: str, kind: str, raw, min_letters: int):
    """The corrected value of one field, or ValueError with the message."""
    if kind == "int":
        value = None if isinstance(raw, bool) else raw
        try:
            value = int(value)
        except (TypeError, ValueError, OverflowError):
            value = None
        if value is None or not 0 <= value <= 100_000:
            raise ValueError(_("Give a whole number between 0 and 100000."))
        return value
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError(_("This field cannot be blank."))
    value = raw.strip()
    if kind == "justification" and text.letter_count(value) < min_letters:
        raise ValueError(
            ngettext(
                "The justification must explain the decision in at least %(n)d letter.",
                "The justification must explain the decision in at least %(n)d letters.",
                min_letters,
            )
            % {"n": min_letters}
        )
    limit = Case._meta.get_field(field).max_length
    if limit is not None and len(value) > limit:
        raise ValueError(
            ngettext(
                "%(field)s is too long (at most %(n)d character).",
                "%(field)s is too long (at most %(n)d characters).",
                limit,
            )
            % {"field": labels.CORRECTABLE_LABELS.get(field, field), "n": limit}
        )
    return value


def case_link_opinion(*, actor, opinion: Case | str, target: Case | str, at=None) -> Case:
    """Link an advisory opinion or a children's recommendation to the case it is about."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = locked_for_action(opinion)
        if locked.kind not in lifecycle.OPINION_KINDS:
            raise GuardFailed(
                field_errors={"opinion": [_("Only an opinion or a recommendation is linked to a case.")]}
            )
        if not (
            lifecycle.P.is_bureau_member(actor, locked)
            or lifecycle.P.is_secretariat(actor, locked)
            or (
                locked.submitter_id == getattr(actor, "pk", None)
                and actor.group_names() & {roles.EQUALITY_COMMISSION, roles.CHILDREN_COUNCIL}
            )
        ):
            raise TransitionNotAllowed(_("You may not link this opinion."))
        target_obj = public_case_in(locked.collectivity, target)
        if target_obj is None or target_obj.pk == locked.pk:
            raise GuardFailed(field_errors={"related_case": [_("No such case.")]})
        if target_obj.decided_at is not None:
            raise lifecycle.InvalidTransition(_("That case is already decided."))
        locked.related_case = target_obj
        append_action(
            locked,
            name="link_opinion",
            actor=actor,
            role=actor_role(actor),
            at=at,
            public={"related_case": target_obj.reference},
        )
    return locked

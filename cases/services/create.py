"""Filing a case (docs/domain.md §3.1): who may file which kind, and the checks done before a draft exists."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import lifecycle
from cases import states as S
from cases.models import Case
from cases.services.codes import reference_next, tracking_code_hash, tracking_code_new
from cases.services.transition import run_transition
from core import roles, text
from core.errors import InvalidInput, TransitionNotAllowed
from organisation.models import Association, Collectivity
from organisation.selectors import default_collectivity

# Which kinds each filing group may file (docs/domain.md §1).
KINDS_BY_GROUP = {
    roles.CITIZEN: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.ASSOCIATION: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.INTAKE: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.EQUALITY_COMMISSION: {Case.Kind.ADVISORY_OPINION},
    roles.CHILDREN_COUNCIL: {Case.Kind.CHILDREN_RECOMMENDATION},
}


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
        if text.has_invalid_characters(value):
            errors.setdefault(name, []).append(_("The text contains invalid characters."))
        if len(value) > limit:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
        clean[name] = value
    for name in ("title", "submitter_name"):
        if text.has_bidi_controls(clean.get(name)):
            errors.setdefault(name, []).append(str(text.BIDI_CONTROLS_MESSAGE))
    for name in ("title", "description"):
        if name in clean and not text.letter_count(clean[name]):
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
        reference, sequence = reference_next(collectivity=collectivity, kind=kind, year=timezone.localtime(at).year)
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
            case = run_transition(actor=actor, case_id=case.pk, name="submit", data={}, at=at, expected_state=S.DRAFT)
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

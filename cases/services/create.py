"""Filing a case (docs/domain.md §3.1): who may file which kind, and the checks done before a draft exists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import lifecycle
from cases import states as S
from cases.models import Case
from cases.services.codes import reference_next, tracking_code_hash, tracking_code_new
from cases.services.record import public_case_in
from cases.services.transition import run_transition
from core import roles, text
from core.errors import InvalidInput, TransitionNotAllowed
from core.history import history_stamp
from core.phone import phone_normalize
from organisation.models import POPULATION_MISSING_MESSAGE, Association, Collectivity
from organisation.selectors import default_collectivity

# Which kinds each filing group may file (docs/domain.md §1).
KINDS_BY_GROUP = {
    roles.CITIZEN: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.ASSOCIATION: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.INTAKE: {Case.Kind.PETITION, Case.Kind.PROPOSAL},
    roles.EQUALITY_COMMISSION: {Case.Kind.ADVISORY_OPINION},
    roles.CHILDREN_COUNCIL: {Case.Kind.CHILDREN_RECOMMENDATION},
}


# The languages a desk filer's notices may be written in (notifications.registry.LANGUAGES).
NOTICE_LANGUAGES = ("ar", "fr", "zgh")

# Texts without a column limit of their own (TextField): the longest a filer may send.
LONG_TEXT_MAX = 20_000


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
    submitter_phone: str = "",
    submitter_language: str = "ar",
    at: datetime.datetime | None = None,
) -> tuple[Case, str]:
    """File (or draft) a case for a filing role; returns the case and its tracking code, shown once.

    `submitter_phone` and `submitter_language`: the reception desk's record of where a filer without an
    account (and often without e-mail) gets the notices of the case, by SMS.
    """
    at = at or timezone.now()
    groups = _filing_groups(actor, kind)
    errors: dict[str, list[str]] = {}
    notice = _desk_notice(groups, submitter_phone, submitter_language, errors)
    texts = _clean_texts(
        {
            "title": title,
            "description": description,
            "subject": subject,
            "reasons": reasons,
            "objectives": objectives,
            "submitter_name": submitter_name,
            "submitter_contact": submitter_contact,
        },
        errors,
    )
    if collectivity is None:
        collectivity = actor.collectivity if actor.collectivity_id else default_collectivity()
    channel = _filing_channel(groups, channel, errors)
    filing = Filing(
        collectivity=collectivity,
        kind=kind,
        channel=channel,
        texts=texts,
        association=_filing_association(actor, groups, association, collectivity, errors),
        related_case=_related_case(kind, related_case, collectivity, errors),
        is_intake=roles.INTAKE in groups,
        notice=notice,
    )
    if kind == Case.Kind.PETITION and filing.association is None and collectivity.petition_population_missing:
        # OL 113-14 art. 123: no legal population, no threshold; never assume the lowest one.
        errors.setdefault("collectivity", []).append(str(POPULATION_MISSING_MESSAGE))
    if not isinstance(draft, bool):
        errors.setdefault("draft", []).append(_("Must be true or false."))
    if errors:
        raise InvalidInput(_("The case cannot be created."), field_errors=errors)

    code = tracking_code_new()
    with transaction.atomic():
        case = _draft_save(filing, actor=actor, code=code, at=at)
        if not draft:
            case = run_transition(
                actor=actor,
                case_id=case.pk,
                name="submit",
                data={},
                at=at,
                expected_state=S.DRAFT,
                # The SMS receipt carries the tracking code (a filer at the desk may have nothing else);
                # notifications wipes it from the event once sent. E-mails never print it.
                notice_extra={"receipt_code": code} if _receipt_by_sms(case) else None,
            )
    return case, code


def _desk_notice(groups, phone, language, errors: dict[str, list[str]]) -> dict[str, str]:
    """The desk filer's phone (E.164) and language for notices; only the reception desk records them."""
    if not phone or roles.INTAKE not in groups:
        return {"submitter_phone": "", "submitter_language": "ar"}
    if not isinstance(phone, str):
        errors.setdefault("submitter_phone", []).append(_("This field must be text."))
        return {}
    try:
        phone = phone_normalize(phone)
    except ValidationError as exc:
        errors.setdefault("submitter_phone", []).extend(str(m) for m in exc.messages)
        return {}
    if language not in NOTICE_LANGUAGES:
        errors.setdefault("submitter_language", []).append(_("Unknown language."))
        return {}
    return {"submitter_phone": phone, "submitter_language": language}


def _receipt_by_sms(case: Case) -> bool:
    if case.submitter is None:
        return bool(case.submitter_phone)
    user = case.submitter
    return bool(user.phone) and (user.notify_by_sms or not user.email)


@dataclass(frozen=True)
class Filing:
    """What case_create has checked, ready to become a draft."""

    collectivity: Collectivity
    kind: str
    channel: str
    texts: dict[str, str]
    association: Association | None
    related_case: Case | None
    is_intake: bool
    notice: dict[str, str]


def _filing_groups(actor, kind: str) -> frozenset[str]:
    """The actor's groups, once the actor is known to be logged in and allowed to file this kind."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise TransitionNotAllowed(_("Log in to file a case."))
    groups = actor.group_names()
    if kind not in Case.Kind.values:
        raise InvalidInput(field_errors={"kind": [_("Unknown kind of case.")]})
    allowed_kinds = set().union(*(KINDS_BY_GROUP.get(g, set()) for g in groups))
    if kind not in allowed_kinds:
        raise TransitionNotAllowed(_("Your role may not file this kind of case."))
    return groups


def text_limit(name: str) -> int:
    """The longest text a filer may give for a field of Case: its column's max_length."""
    return Case._meta.get_field(name).max_length or LONG_TEXT_MAX


def _clean_texts(values: dict, errors: dict[str, list[str]]) -> dict[str, str]:
    """The filed texts stripped; each problem is added to `errors` under its field."""
    clean: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.setdefault(name, []).append(_("This field must be text."))
            continue
        value = value.strip()
        limit = text_limit(name)
        if text.has_invalid_characters(value):
            errors.setdefault(name, []).append(_("The text contains invalid characters."))
        if len(value) > limit:
            errors.setdefault(name, []).append(
                ngettext("At most %(n)d character.", "At most %(n)d characters.", limit) % {"n": limit}
            )
        clean[name] = value
    for name in ("title", "submitter_name"):
        if text.has_bidi_controls(clean.get(name)):
            errors.setdefault(name, []).append(str(text.BIDI_CONTROLS_MESSAGE))
    for name in ("title", "description"):
        if name in clean and not text.letter_count(clean[name]):
            errors.setdefault(name, []).append(_("This field is required."))
    return clean


def _filing_channel(groups, channel: str | None, errors: dict[str, list[str]]) -> str | None:
    """Online unless the reception desk registers a desk or paper submission (its default)."""
    is_intake = roles.INTAKE in groups
    if channel is None:
        desk_only = is_intake and not (groups & {roles.CITIZEN, roles.ASSOCIATION})
        channel = Case.Channel.DESK if desk_only else Case.Channel.ONLINE
    if channel not in Case.Channel.values:
        errors.setdefault("channel", []).append(_("Unknown channel."))
    elif channel != Case.Channel.ONLINE and not is_intake:
        errors.setdefault("channel", []).append(
            _("Only the reception desk registers desk or paper submissions.")
        )
    return channel


def _filing_association(actor, groups, association, collectivity, errors) -> Association | None:
    """The association named, or the only one of a member who files only for associations."""
    if association not in (None, ""):
        return _association_for(actor, association, collectivity, errors)
    if roles.ASSOCIATION in groups and not (groups & {roles.CITIZEN, roles.INTAKE}):
        mine = list(actor.associations.filter(collectivity=collectivity)[:2])
        if len(mine) == 1:
            return mine[0]
        errors.setdefault("association", []).append(_("Choose the association you file for."))
    return None


def _related_case(kind: str, related_case, collectivity, errors) -> Case | None:
    """The filed case an opinion or a recommendation is about (docs/domain.md §3.1)."""
    if related_case in (None, ""):
        return None
    if kind not in lifecycle.OPINION_KINDS:
        errors.setdefault("related_case", []).append(
            _("Only an advisory opinion or a Children's Council recommendation is linked to another case.")
        )
        return None
    found = public_case_in(collectivity, related_case)
    if found is None:
        errors.setdefault("related_case", []).append(_("No such case."))
    return found


def _draft_save(filing: Filing, *, actor, code: str, at) -> Case:
    """The draft with its gapless reference; a desk or paper filing has no submitter account."""
    year = timezone.localtime(at).year
    submitter = None if (filing.is_intake and filing.channel != Case.Channel.ONLINE) else actor
    reference, sequence = reference_next(collectivity=filing.collectivity, kind=filing.kind, year=year)
    case = Case(
        collectivity=filing.collectivity,
        kind=filing.kind,
        reference=reference,
        year=year,
        sequence=sequence,
        tracking_code_hash=tracking_code_hash(code),
        channel=filing.channel,
        submitter=submitter,
        filed_by=actor if filing.is_intake else None,
        association=filing.association,
        related_case=filing.related_case,
        # A filer with an account is told through it; the desk's record is for those without one.
        **(filing.notice if submitter is None else {}),
        created_at=at,
        state_entered_at=at,
        **filing.texts,
    )
    history_stamp(case, user=actor, at=at, reason="case_create")
    case.save()
    return case


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

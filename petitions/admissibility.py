"""The admissibility of a petition (OL 113-14 art. 121-125, Decree 2.16.403): the bureau's checklist, the
submit guard, the association's conditions."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases import lifecycle
from cases import states as S
from cases.models import Case, CaseAttachment
from core import text
from core.errors import GuardFailed, InvalidInput, InvalidTransition, TransitionNotAllowed
from organisation.models import POPULATION_MISSING_MESSAGE, Collectivity
from petitions.actions import lock, record_action
from petitions.models import AdmissibilityCheck, Signature
from petitions.paper import is_paper_history

ASSOCIATION_ATTACHMENTS = (
    CaseAttachment.Purpose.FINAL_RECEIPT,
    CaseAttachment.Purpose.STATUTES,
    CaseAttachment.Purpose.MANDATE,
)


NOTE_MAX_LENGTH = 2000

# The bureau's admissibility checklist (docs/domain.md §3.3). Codes match lifecycle.INADMISSIBILITY_GROUNDS.
CHECKLIST = {
    "signatures": gettext_lazy("Enough valid, distinct signatories (art. 123)"),
    "territorial_link": gettext_lazy("Signatories live or work in the territory (art. 123)"),
    "electoral_conditions": gettext_lazy(
        "Signatories meet the conditions for the electoral lists (art. 123)"
    ),
    "direct_interest": gettext_lazy("Signatories share a direct common interest in the petition (art. 123)"),
    "association_conditions": gettext_lazy("The association meets the conditions of art. 124"),
    "documents": gettext_lazy("The documents of Decree 2.16.403 are attached"),
    "competence": gettext_lazy("Within the council's competences (art. 121-122, 77-91)"),
    "constitutional_constants": gettext_lazy(
        "Does not touch the constants of Constitution article 1 (art. 121)"
    ),
}


# OL 44-14 art. 4 grounds: national petitions only, so warnings here, never a reason to refuse.
WARNINGS_44_14 = (
    gettext_lazy("Internal security, national defence or external security"),
    gettext_lazy("A case before the courts or already judged"),
    gettext_lazy("Facts under a parliamentary inquiry"),
    gettext_lazy("Breach of the continuity of public services or of equal access to them"),
    gettext_lazy("A narrow union or party character"),
    gettext_lazy("Discriminatory, insulting, defamatory or misleading content"),
)


def region_spread_shortfalls(case: Case, minimum: int) -> list[str]:
    """OL 111-14 art. 120: at least 5 % of the required number from each prefecture or province."""
    collectivity = case.collectivity
    if collectivity.type != Collectivity.Type.REGION or not collectivity.provinces:
        return []
    need = math.ceil(minimum * collectivity.region_min_share_per_province_percent / 100)
    counts = dict(
        Signature.objects.filter(case=case, valid=True)
        .values_list("province")
        .annotate(n=Count("id"))
        .values_list("province", "n")
    )
    return [p for p in collectivity.provinces if counts.get(p, 0) < need]


def association_unmet(
    case: Case, at: datetime.datetime, *, documents_on_paper: bool = False
) -> dict[str, list[str]]:
    """OL 113-14 art. 124 and Decree 2.16.403 art. 4, each unmet condition named."""
    errors: dict[str, list[str]] = {}
    association = case.association
    collectivity = case.collectivity
    filing_day = timezone.localtime(at).date()
    years = collectivity.association_min_age_years
    # "more than 3 years": founded exactly 3 years before the filing day is not enough.
    if not association.founded_on + relativedelta(years=years) < filing_day:
        errors["association_age"] = [
            ngettext(
                "The association must have been founded more than %(n)d year before filing.",
                "The association must have been founded more than %(n)d years before filing.",
                years,
            )
            % {"n": years}
        ]
    if not (association.seat_in_collectivity or association.branch_in_collectivity):
        errors["association_seat"] = [
            _("The association must have its seat or a branch in the collectivity.")
        ]
    if (
        collectivity.association_min_members
        and (association.members_count or 0) < collectivity.association_min_members
    ):
        errors["association_members"] = [
            ngettext(
                "The association must have at least %(n)d member.",
                "The association must have at least %(n)d members.",
                collectivity.association_min_members,
            )
            % {"n": collectivity.association_min_members}
        ]
    if documents_on_paper:
        return errors
    present = set(
        case.attachments.filter(purpose__in=ASSOCIATION_ATTACHMENTS).values_list("purpose", flat=True)
    )
    labels = dict(CaseAttachment.Purpose.choices)
    for purpose in ASSOCIATION_ATTACHMENTS:
        if purpose not in present:
            errors.setdefault("documents", []).append(
                _("Missing document: %(name)s.") % {"name": labels[purpose]}
            )
    return errors


def guard_petition_submit(case: Case, at: datetime.datetime) -> dict[str, list[str]]:
    """Every unmet filing condition of a petition (OL 113-14 art. 123-124), translated.

    A past petition brought in with its paper history (petitions.paper) counts the signatures
    verified then; its lists and documents stay in the commune's archive."""
    paper = is_paper_history(case)
    if case.association_id:
        return association_unmet(case, at, documents_on_paper=paper)
    errors: dict[str, list[str]] = {}
    if case.collectivity.petition_population_missing:
        # OL 113-14 art. 123: without the legal population no threshold can be set.
        return {"signatures": [str(POPULATION_MISSING_MESSAGE)]}
    minimum = case.collectivity.petition_min_signatures
    if paper:
        count = case.purged_signature_count or 0
    else:
        count = Signature.objects.filter(case=case, valid=True).count()
    if count < minimum:
        errors["signatures"] = [
            _("A citizens' petition needs at least %(min)d valid, distinct signatures; it has %(n)d.")
            % {"min": minimum, "n": count}
        ]
    short = [] if paper else region_spread_shortfalls(case, minimum)
    if short:
        errors["signatures_spread"] = [
            _(
                "Too few signatures from: %(provinces)s (at least %(pct)d %% of the required number from "
                "each)."
            )
            % {"provinces": ", ".join(short), "pct": case.collectivity.region_min_share_per_province_percent}
        ]
    if cnie_copies_missing(case):
        errors["documents"] = [
            _(
                "Attach the copies of the signatories' national identity cards (CNIE), required for a "
                "petition signed on paper (Decree 2.16.403 art. 3)."
            )
        ]
    return errors


def cnie_copies_missing(case: Case) -> bool:
    """Decree 2.16.403 art. 3, where the collectivity requires it: a citizens' petition with paper
    signatures carries the CNIE copies (online signers confirmed their own identity)."""
    if not case.collectivity.cnie_copies_required or case.association_id:
        return False
    if not Signature.objects.filter(case=case, valid=True, channel=Signature.Channel.PAPER).exists():
        return False
    return not case.attachments.filter(purpose=CaseAttachment.Purpose.CNIE_COPIES).exists()


def applicable_conditions(case: Case) -> list[str]:
    if case.association_id:
        return ["association_conditions", "documents", "competence", "constitutional_constants"]
    return [
        "signatures",
        "territorial_link",
        "electoral_conditions",
        "direct_interest",
        "documents",
        "competence",
        "constitutional_constants",
    ]


def admissibility_record(*, actor, case: Case | str, results: Mapping, at=None) -> list[AdmissibilityCheck]:
    """The bureau marks each legal condition met or not, with a note; audited."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock(case)
        if not lifecycle.P.is_bureau_member(actor, locked):
            raise TransitionNotAllowed(_("Only the council bureau rules on admissibility."))
        if locked.kind != Case.Kind.PETITION or locked.state not in (
            S.SUBMITTED,
            S.UNDER_REVIEW,
            S.AWAITING_INFORMATION,
        ):
            raise InvalidTransition(_("The admissibility checklist is for a filed petition under review."))
        if not isinstance(results, Mapping) or not results:
            raise GuardFailed(field_errors={"conditions": [_("Mark at least one condition.")]})
        errors: dict[str, list[str]] = {}
        clean = {}
        applicable = applicable_conditions(locked)
        for condition, value in results.items():
            if condition not in CHECKLIST:
                errors.setdefault("conditions", []).append(_("Unknown condition: %(c)s.") % {"c": condition})
                continue
            if condition not in applicable:
                errors.setdefault(condition, []).append(
                    _("This condition does not apply to this petition: %(c)s.") % {"c": condition}
                )
                continue
            met, note = (
                (value.get("met"), value.get("note", "")) if isinstance(value, Mapping) else (value, "")
            )
            if note is None:
                note = ""
            if not isinstance(met, bool) or not isinstance(note, str):
                errors.setdefault(condition, []).append(_("Say whether the condition is met."))
                continue
            if len(note) > NOTE_MAX_LENGTH:
                errors.setdefault(condition, []).append(
                    _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX_LENGTH}
                )
                continue
            if text.has_invalid_characters(note):
                errors.setdefault(condition, []).append(_("The text contains invalid characters."))
                continue
            if not met and not text.letter_count(note):
                errors.setdefault(condition, []).append(_("Explain why the condition is not met."))
                continue
            clean[condition] = (met, note.strip())
        if errors:
            raise GuardFailed(_("The checklist cannot be recorded."), field_errors=errors)
        saved = []
        for condition, (met, note) in clean.items():
            check, _created = AdmissibilityCheck.objects.update_or_create(
                case=locked,
                condition=condition,
                defaults={"met": met, "note": note, "checked_by": actor, "checked_at": at},
            )
            saved.append(check)
        record_action(
            locked,
            "admissibility_check",
            actor,
            at,
            {"conditions": {c: m for c, (m, _n) in clean.items()}},
        )
    return saved


def checklist_items(case: Case) -> list[dict]:
    """One item per condition that applies to the petition, in the checklist's order: `met` is None
    while the bureau has not checked it."""
    recorded = {c.condition: c for c in AdmissibilityCheck.objects.filter(case=case)}
    items = []
    for code in applicable_conditions(case):
        check = recorded.get(code)
        items.append(
            {
                "code": code,
                "label": str(CHECKLIST[code]),
                "met": check.met if check is not None else None,
                "note": check.note if check is not None else "",
                "checked_at": check.checked_at if check is not None else None,
            }
        )
    return items


def referral_problems(case: Case) -> tuple[list[str], list[str]]:
    """The applicable conditions not yet checked, and those checked as not met."""
    items = checklist_items(case)
    return (
        [i["code"] for i in items if i["met"] is None],
        [i["code"] for i in items if i["met"] is False],
    )


REVIEW_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.AWAITING_INFORMATION)


def may_read_checklist(user, case: Case) -> bool:
    """The staff who see the checklist on the staff case page: the bureau fills it; the president,
    the secretariat and the follow-up team read it."""
    P = lifecycle.P
    return bool((P.is_bureau_member | P.is_president | P.is_secretariat | P.is_followup)(user, case))


def checklist_summary(case: Case, *, user) -> dict:
    """The checklist as the API answers it."""
    items = checklist_items(case)
    return {
        "reference": case.reference,
        "state": case.state,
        "editable": bool(lifecycle.P.is_bureau_member(user, case)) and case.state in REVIEW_STATES,
        "complete": all(i["met"] is not None for i in items),
        "admissible": all(i["met"] is True for i in items),
        "items": items,
    }


def parse_checklist_items(data) -> dict:
    """`{"items": [{"code", "met", "note"}, ...]}` (or the bare list) as the mapping admissibility_record
    takes; a malformed body or a condition named twice is refused, nothing recorded."""
    items = data.get("items") if isinstance(data, Mapping) else data
    if not isinstance(items, list) or not items:
        raise InvalidInput(
            _('Send {"items": [{"code": ..., "met": true or false, "note": ...}]}, at least one item.')
        )
    results: dict = {}
    errors: dict[str, list[str]] = {}
    for position, item in enumerate(items, start=1):
        code = item.get("code") if isinstance(item, Mapping) else None
        if not isinstance(code, str) or not code:
            errors.setdefault("items", []).append(
                _("Item %(n)d: give the code of the condition.") % {"n": position}
            )
            continue
        if code in results:
            errors.setdefault(code, []).append(_("The condition is given twice."))
            continue
        results[code] = {"met": item.get("met"), "note": item.get("note", "")}
    if errors:
        raise InvalidInput(_("The checklist cannot be recorded."), field_errors=errors)
    return results


class AdmissibilityIncomplete(GuardFailed):
    """A petition referred before the bureau found every legal condition met (OL 113-14 art. 125 §2-3)."""

    # The API's stable code stays `guard_failed`, as for every unmet guard; `fields.admissibility`
    # names what is missing.
    default_message = gettext_lazy(
        "The petition cannot be referred to a committee until the admissibility checklist is complete "
        "with every condition met."
    )


def guard_referral(case, name: str, v: dict, actor, at) -> None:
    """OL 113-14 art. 125 §2-3: only a petition the bureau found admissible (every condition of art.
    123 or 124 checked and met) goes to a committee; otherwise `declare_inadmissible` is the path."""
    if name != "refer_to_committee" or case.kind != Case.Kind.PETITION:
        return
    missing, unmet = referral_problems(case)
    if not (missing or unmet):
        return
    messages = []
    if missing:
        messages.append(
            _("Not yet checked: %(conditions)s.")
            % {"conditions": "; ".join(str(CHECKLIST[c]) for c in missing)}
        )
    if unmet:
        messages.append(
            _("Not met: %(conditions)s. A petition that fails a legal condition is declared inadmissible.")
            % {"conditions": "; ".join(str(CHECKLIST[c]) for c in unmet)}
        )
    raise AdmissibilityIncomplete(field_errors={"admissibility": messages})


def unmet_conditions(case: Case) -> list[str]:
    return list(AdmissibilityCheck.objects.filter(case=case, met=False).values_list("condition", flat=True))


def record_unmet_conditions(case, name: str, v: dict, actor, at) -> None:
    """A petition is declared inadmissible for unmet legal conditions only (OL 113-14 art. 125):
    the grounds named are recorded as unmet on the checklist; one marked met cannot be a ground."""
    if name != "declare_inadmissible" or case.kind != "petition":
        return
    grounds = v.get("reason_code") or []
    grounds = [grounds] if isinstance(grounds, str) else grounds
    met = set(
        AdmissibilityCheck.objects.filter(case=case, condition__in=grounds, met=True).values_list(
            "condition", flat=True
        )
    )
    if met:
        raise GuardFailed(
            _("The checklist marks these conditions as met: %(conditions)s.")
            % {"conditions": ", ".join(sorted(met))},
            field_errors={"reason_code": [_("Correct the checklist first, or name an unmet condition.")]},
        )
    for ground in grounds:
        if ground in lifecycle.INADMISSIBILITY_GROUNDS and ground != "other":
            AdmissibilityCheck.objects.get_or_create(
                case=case,
                condition=ground,
                defaults={"met": False, "note": v["justification"], "checked_by": actor, "checked_at": at},
            )


def submit_guard(case, at) -> dict[str, list[str]]:
    """The submit guard petitions adds to every kind's (cases.guards): only petitions have more."""
    return guard_petition_submit(case, at) if case.kind == "petition" else {}

"""The only writers of the charter's bodies (docs/architecture.md, house rules): the Equality
Commission's members and opinion requests (OL 113-14 art. 120), the Children's Council's members and
the child-friendly summary of a decision (docs/domain.md §3.4), and the submitter's rating after a
decision (charter 7.3, satisfaction). One transaction per call, the permission checked first."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import states as S
from cases.models import Case
from cases.services import public_case_in
from core.errors import GuardFailed, InvalidInput, NotFound, TransitionNotAllowed
from core.history import history_stamp
from organisation.models import Collectivity, Committee
from participation import predicates as P
from participation.models import ChildMember, ChildSummary, CommissionMember, DecisionRating, OpinionRequest

CHILDREN_KIND = "children_recommendation"
OPINION_KIND = "advisory_opinion"
MEMBER_FIELDS = ("full_name", "gender", "association", "role", "user", "mandate_start", "mandate_end")
CHILD_FIELDS = (
    "first_name",
    "age_band",
    "gender",
    "school_or_neighbourhood",
    "guardian_consent_on",
    "joined_on",
    "left_on",
)


def _validated(obj, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise InvalidInput(
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from None


def _set(obj, data: Mapping, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in data.items():
        setattr(obj, name, value)


# The Equality Commission -------------------------------------------------------------------


def commission_member_save(
    *, actor, collectivity: Collectivity, data: Mapping, member: CommissionMember | int | None = None
) -> CommissionMember:
    """Add or change a member; the Commission's secretary (or a granted administrator) may."""
    if not P.can_manage_commission_members(actor, collectivity):
        raise TransitionNotAllowed(_("Only the Commission's secretary manages its members."))
    with transaction.atomic():
        if member is None:
            obj = CommissionMember(collectivity=collectivity)
        else:
            pk = member.pk if isinstance(member, CommissionMember) else member
            obj = (
                CommissionMember.objects.select_for_update().filter(pk=pk, collectivity=collectivity).first()
            )
            if obj is None:
                raise NotFound(_("No such member."))
        _set(obj, data, MEMBER_FIELDS)
        if obj.association_id and obj.association.collectivity_id != collectivity.pk:
            raise InvalidInput(field_errors={"association": [_("It belongs to another collectivity.")]})
        _validated(obj)
        history_stamp(obj, user=actor)
        obj.save()
    return obj


def opinion_request_create(
    *,
    actor,
    collectivity: Collectivity,
    requester: str,
    topic: str,
    title: str,
    question: str,
    due_on: datetime.date,
    committee: Committee | None = None,
    case: Case | str | None = None,
    at: datetime.datetime | None = None,
) -> OpinionRequest:
    """The president, the bureau or a committee asks the Commission for an opinion (OL 113-14 art. 120)."""
    at = at or timezone.now()
    allowed = P.opinion_requester_roles(actor, collectivity)
    if requester not in allowed:
        raise TransitionNotAllowed(_("You may not ask for an opinion in the name of this body."))
    errors: dict[str, list[str]] = {}
    if requester == OpinionRequest.Requester.COMMITTEE:
        if committee is None or committee.collectivity_id != collectivity.pk:
            errors["committee"] = [_("Name the asking committee.")]
        elif not actor.is_superuser and not actor.committees.filter(pk=committee.pk).exists():
            errors["committee"] = [_("You do not sit on this committee.")]
    else:
        committee = None
    case_obj = None
    if topic == OpinionRequest.Topic.CASE:
        case_obj = public_case_in(collectivity, case)
        if case_obj is None:
            errors["case"] = [_("No such case.")]
    if due_on is not None and due_on < timezone.localdate(at):
        errors["due_on"] = [_("The due date cannot be in the past.")]
    request = OpinionRequest(
        collectivity=collectivity,
        requester=requester,
        committee=committee,
        topic=topic,
        case=case_obj,
        title=(title or "").strip(),
        question=(question or "").strip(),
        due_on=due_on,
        requested_by=actor,
        requested_at=at,
    )
    try:
        request.full_clean(exclude=["requested_by", "case", "committee", "opinion"])
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(str(m) for m in v)
    if errors:
        raise InvalidInput(field_errors=errors)
    with transaction.atomic():
        history_stamp(request, user=actor, at=at)
        request.save()
    return request


def opinion_request_answer(
    *, actor, request: OpinionRequest | int, opinion: Case | str, at: datetime.datetime | None = None
) -> OpinionRequest:
    """The Commission answers a request with one of its filed advisory opinions."""
    at = at or timezone.now()
    with transaction.atomic():
        pk = request.pk if isinstance(request, OpinionRequest) else request
        locked = OpinionRequest.objects.select_for_update().filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("No such opinion request."))
        if not P.may_answer_opinion_request(actor, locked.collectivity):
            raise TransitionNotAllowed(_("Only the Equality Commission answers its opinion requests."))
        if locked.opinion_id is not None:
            raise GuardFailed(field_errors={"opinion": [_("This request is already answered.")]})
        found = public_case_in(locked.collectivity, opinion)
        if found is None or found.kind != OPINION_KIND:
            raise GuardFailed(
                field_errors={"opinion": [_("Give the reference of a filed advisory opinion.")]}
            )
        if OpinionRequest.objects.filter(opinion=found).exists():
            raise GuardFailed(field_errors={"opinion": [_("This opinion already answers another request.")]})
        locked.opinion = found
        locked.answered_at = at
        history_stamp(locked, user=actor, at=at, reason="answered")
        locked.save(update_fields=["opinion", "answered_at"])
    return locked


# The Children's Council --------------------------------------------------------------------


def child_member_save(
    *, actor, collectivity: Collectivity, data: Mapping, member: ChildMember | int | None = None
) -> ChildMember:
    """Add or change a member of the council; the facilitator records the guardian's consent."""
    if not P.can_manage_children_council(actor, collectivity):
        raise TransitionNotAllowed(_("Only the Children's Council's facilitator manages its members."))
    with transaction.atomic():
        if member is None:
            obj = ChildMember(collectivity=collectivity, consent_recorded_by=actor)
        else:
            pk = member.pk if isinstance(member, ChildMember) else member
            obj = ChildMember.objects.select_for_update().filter(pk=pk, collectivity=collectivity).first()
            if obj is None:
                raise NotFound(_("No such member."))
            if "guardian_consent_on" in data and data["guardian_consent_on"] != obj.guardian_consent_on:
                obj.consent_recorded_by = actor
        _set(obj, data, CHILD_FIELDS)
        if obj.first_name:
            obj.first_name = obj.first_name.strip()
        _validated(obj, exclude=["consent_recorded_by"])
        history_stamp(obj, user=actor)
        obj.save()
    return obj


def child_summary_on_decision(case, name: str, values: dict, actor, at) -> None:
    """Transition applier (cases.hooks): a decision on a children's recommendation carries its
    plain-words summary, within the collectivity's maximum length; it is kept (shown first on the
    public page, sent to the facilitator with the decision's notification) in the transition's
    transaction."""
    if case.kind != CHILDREN_KIND or name not in ("adopt", "reject"):
        return
    text = (values.get("child_summary") or "").strip()
    limit = case.collectivity.children_summary_max_chars
    if not text:
        raise GuardFailed(
            field_errors={"child_summary": [_("Tell the children what happened to their recommendation.")]}
        )
    if len(text) > limit:
        raise GuardFailed(
            field_errors={
                "child_summary": [
                    _("Keep it short for the children: at most %(n)d characters (now %(len)d).")
                    % {"n": limit, "len": len(text)}
                ]
            }
        )
    ChildSummary.objects.update_or_create(
        case=case, defaults={"text": text, "transition": name, "written_by": actor, "written_at": at}
    )
    # The transition's own notification (one outbox row per transition) carries the summary to the
    # facilitator: cases.notify adds the children_council group and the text for this decision.


# Satisfaction after a decision -------------------------------------------------------------


def may_rate(user, case: Case) -> bool:
    """The submitter, once the case is decided (docs/domain.md §8, satisfaction)."""
    return (
        user is not None
        and user.is_authenticated
        and case.submitter_id == user.pk
        and case.state in S.DECIDED_STATES
    )


def decision_rating_add(*, actor, case: Case, score, comment: str = "", at=None) -> DecisionRating:
    """Rate the handling of one's own decided case, once (1 to 5, an optional comment)."""
    at = at or timezone.now()
    if not may_rate(actor, case):
        raise TransitionNotAllowed(_("Only the submitter rates a decided case."))
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if isinstance(score, bool) or not 1 <= value <= 5:
        raise InvalidInput(field_errors={"score": [_("Give a rating from 1 to 5.")]})
    comment = (comment or "").strip()
    limit = DecisionRating._meta.get_field("comment").max_length
    if len(comment) > limit:
        raise InvalidInput(field_errors={"comment": [_("At most %(n)d characters.") % {"n": limit}]})
    try:
        with transaction.atomic():
            return DecisionRating.objects.create(
                case=case, rated_by=actor, score=value, comment=comment, rated_at=at
            )
    except IntegrityError:
        raise GuardFailed(field_errors={"score": [_("You already rated this decision.")]}) from None

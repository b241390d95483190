"""The case side of notifications (docs/domain.md §7): who hears about a case's events and what they read.

notifications never imports case models; it asks this resolver, registered for subject type "case"
from CasesConfig.ready().
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import TransitionEntry
from cases import lifecycle
from cases import states as S
from cases.models import Case
from core import roles
from notifications.registry import Recipient, register_subject
from notifications.selectors import followers_active
from organisation import tenancy

TRANSITION_EVENT = "case.transition"
# Audited actions that are not transitions (cases.services.append_action) and are worth a message;
# the others (planning a milestone, linking an opinion) stay in the public history only.
ACTION_MESSAGES = {
    "case.progress": gettext_lazy("The responsible service reported implementation progress: %(percent)s%%."),
    "case.milestone_reach": gettext_lazy(
        "The responsible service reached a milestone of the implementation."
    ),
    "case.case_correct": gettext_lazy(
        "A correction was recorded on the decision. The original stays visible in the public history."
    ),
    "case.opinion_outcome": gettext_lazy(
        "The council decided on the case this opinion is linked to; the register says whether the opinion "
        "was followed and why."
    ),
    # docs/domain.md §3.6: several committees.
    "case.committee_opinion_request": gettext_lazy(
        "The council bureau asked a further committee for its opinion on this case."
    ),
    "case.committee_opinion": gettext_lazy(
        "A committee asked for its opinion filed it; it is public in the register."
    ),
}
OPINION_REQUEST_EVENT = "case.committee_opinion_request"
DEADLINE_EVENTS = ("deadline.reminder", "deadline.escalation")
NOTIFIED_EVENTS = frozenset({TRANSITION_EVENT, *ACTION_MESSAGES, *DEADLINE_EVENTS})


def _is_children_decision(case: Case, payload: dict) -> bool:
    return case.kind == Case.Kind.CHILDREN_RECOMMENDATION and payload.get("transition") in ("adopt", "reject")


def acting_users(case: Case):
    """Who must act next on the case (docs/domain.md §7: "new task for a group"): the bureau, the case's
    committee, the secretariat, the case's service (or every service while none is named)."""

    User = get_user_model()
    active = User.objects.filter(is_active=True).filter(
        models.Q(collectivity__isnull=True) | models.Q(collectivity_id=case.collectivity_id)
    )
    if case.state in (S.SUBMITTED, S.UNDER_REVIEW, S.INADMISSIBLE):
        # After a rejection the bureau must still have it notified (OL 113-14 art. 125 §4).
        return active.filter(groups__name=roles.BUREAU)
    if case.state == S.IN_COMMITTEE and case.committee_id:
        return active.filter(groups__name=roles.COMMITTEE, committees=case.committee_id)
    if case.state in (S.REPORTED, S.ON_AGENDA):
        return active.filter(groups__name=roles.SECRETARIAT)
    if case.state in (S.ADOPTED, S.IN_IMPLEMENTATION):
        if case.service_id:
            return active.filter(groups__name=roles.SERVICE, services=case.service_id)
        return active.filter(groups__name=roles.SERVICE)
    return User.objects.none()


def escalation_users(case: Case, level: int):
    """Level 1: the committee chair or the head of service (else the bureau); level 2: the bureau
    and the follow-up team (docs/domain.md §6)."""

    User = get_user_model()
    active = User.objects.filter(is_active=True).filter(
        models.Q(collectivity__isnull=True) | models.Q(collectivity_id=case.collectivity_id)
    )
    if level <= 1:
        if case.state == S.IN_COMMITTEE and case.committee and case.committee.chair_id:
            return active.filter(pk=case.committee.chair_id)
        if case.state in (S.ADOPTED, S.IN_IMPLEMENTATION) and case.service and case.service.head_id:
            return active.filter(pk=case.service.head_id)
        return active.filter(groups__name=roles.BUREAU)
    return active.filter(groups__name__in=[roles.BUREAU, roles.FOLLOWUP])


def _asked_committee_members(case: Case, payload: dict):
    """The committee members of the committee an opinion request names (its audit entry's payload)."""
    User = get_user_model()
    entry = (
        TransitionEntry.objects.filter(case_id=case.pk, seq=payload.get("entry")).values("payload").first()
    )
    committee = ((entry or {}).get("payload") or {}).get("public", {}).get("committee") or {}
    if not isinstance(committee, dict) or not isinstance(committee.get("id"), int):
        return User.objects.none()
    return User.objects.filter(
        is_active=True, groups__name=roles.COMMITTEE, committees=committee["id"]
    ).filter(models.Q(collectivity__isnull=True) | models.Q(collectivity_id=case.collectivity_id))


def _public_path(reference: str, slug: str | None = None) -> str:
    # On the case's own collectivity's site (/c/<slug>/ unless it is the default one).
    return tenancy.site_reverse(slug, "public:case", args=[reference])


class CaseNotifications:
    """Resolver of subject type "case" for notifications.registry."""

    def __init__(self, memo: dict | None = None):
        self._memo = memo

    def bind(self, subject_id: int) -> CaseNotifications:
        """A resolver for one event: the case is read once for its recipients and every language."""
        return CaseNotifications(memo={})

    def _case(self, subject_id: int) -> Case | None:
        if self._memo is not None and subject_id in self._memo:
            return self._memo[subject_id]
        case = (
            Case.objects.select_related(
                "collectivity", "association", "association__representative", "submitter"
            )
            .filter(pk=subject_id)
            .first()
        )
        if self._memo is not None:
            self._memo[subject_id] = case
        return case

    def recipients(self, subject_id: int, event: str, payload: dict) -> list[Recipient]:
        """The submitter, the association's representative and members, then confirmed followers."""
        if event not in NOTIFIED_EVENTS:
            return []
        case = self._case(subject_id)
        if case is None:
            return []
        users = []
        if event in DEADLINE_EVENTS:
            level = int(payload.get("level") or 0)
            staff = acting_users(case) if level == 0 else escalation_users(case, level)
            if level == 0 and case.state == S.AWAITING_INFORMATION and case.submitter is not None:
                staff = [case.submitter]
            return self._unique(staff)
        if case.submitter is not None:
            users.append(case.submitter)
        if case.association is not None:
            if case.association.representative is not None:
                users.append(case.association.representative)
            users.extend(case.association.members.filter(is_active=True).order_by("id"))
        if event == TRANSITION_EVENT and _is_children_decision(case, payload):
            # docs/domain.md §3.4: the facilitator hears what happened to the council's recommendation.
            users.extend(
                get_user_model()
                .objects.filter(is_active=True, groups__name=roles.CHILDREN_COUNCIL)
                .filter(models.Q(collectivity__isnull=True) | models.Q(collectivity_id=case.collectivity_id))
                .order_by("id")
            )
        if event == TRANSITION_EVENT and case.state in S.OPEN_STATES and settings.MITHAQ_NOTIFY_NEW_TASKS:
            # The group that must act next hears of its new task (one event, one outbox row).
            users.extend(acting_users(case).order_by("id"))
        if event == OPINION_REQUEST_EVENT and settings.MITHAQ_NOTIFY_NEW_TASKS:
            # The members of the committee asked hear of the opinion they owe.
            users.extend(_asked_committee_members(case, payload).order_by("id"))
        recipients = self._unique(users)
        if case.submitter is None and case.submitter_phone:
            # A desk or paper filer without an account: the phone the desk recorded, by SMS. The key
            # names the case, not the number (recipient keys are shown in the admin).
            recipients.append(
                Recipient.for_phone(
                    key=f"desk-filer:{case.pk}", phone=case.submitter_phone, language=case.submitter_language
                )
            )
        # Nobody can follow a draft, so the filing receipt goes to the filers alone.
        recipients.extend(followers_active(subject_type="case", subject_id=case.pk))
        return recipients

    def _unique(self, users) -> list[Recipient]:
        recipients: list[Recipient] = []
        seen: set[int] = set()
        for user in users:
            if user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            recipients.append(
                Recipient.for_user(
                    user_id=user.pk,
                    email=user.email,
                    language=user.language,
                    phone=user.phone,
                    sms=user.notify_by_sms,
                )
            )
        return recipients

    def context(self, subject_id: int, event: str, payload: dict, language: str) -> dict:
        case = self._case(subject_id)
        if case is None:
            raise LookupError(f"case {subject_id} not found")
        with translation.override(language):
            reference = payload.get("reference") or case.reference
            common = {
                "reference": reference,
                "title": case.title,
                "kind_label": str(Case.Kind(case.kind).label),
                "collectivity": case.collectivity.name,
                "url_path": _public_path(reference, case.collectivity.slug),
                "track_path": tenancy.site_reverse(case.collectivity.slug, "public:track"),
            }
            if event == TRANSITION_EVENT:
                return {**common, **self._transition_context(case, payload, reference)}
            if event in DEADLINE_EVENTS:
                return {**common, **self._deadline_context(case, event, payload, reference)}
            state_label = S.state_label(payload.get("state", case.state), case.kind)
            return {
                **common,
                "template": "case_action",
                "action_text": str(ACTION_MESSAGES.get(event, "")) % {"percent": case.progress_percent},
                "state_label": state_label,
                "subject": _("%(reference)s: news of the case") % {"reference": reference},
                "summary": _("News of case %(reference)s (%(state)s).")
                % {"reference": reference, "state": state_label},
            }

    def _transition_context(self, case: Case, payload: dict, reference: str) -> dict:
        context = self._transition_context_base(case, payload, reference)
        if _is_children_decision(case, payload):
            # The plain-words summary the decision carried (participation keeps it), first.
            text = getattr(getattr(case, "child_summary", None), "text", "")
            if text:
                context["child_summary"] = text
                context["summary"] = text
        return context

    def _transition_context_base(self, case: Case, payload: dict, reference: str) -> dict:
        transition = payload.get("transition", "")
        spec = lifecycle.TRANSITIONS.get(transition)
        to_state = payload.get("to", case.state)
        from_state = payload.get("from", "")
        to_label = S.state_label(to_state, case.kind)
        is_receipt = transition == "submit"
        if is_receipt:
            subject = _("Receipt: your case %(reference)s was filed") % {"reference": reference}
            summary = _("Your case %(reference)s was filed. Keep its tracking code.") % {
                "reference": reference
            }
        else:
            subject = _("%(reference)s: %(state)s") % {"reference": reference, "state": to_label}
            summary = _("Case %(reference)s is now: %(state)s.") % {"reference": reference, "state": to_label}
        next_step = ""
        if to_state == S.AWAITING_INFORMATION:
            next_step = _(
                "The council bureau asked for more information. The submitter sees what is missing on the "
                "tracking page."
            )
        elif to_state in S.CLOSED_STATES:
            next_step = _(
                "The case is closed. The decision and its justification are public in the register."
            )
        elif to_state in S.DECIDED_STATES:
            next_step = _("The decision and its justification are public in the register.")
        code = str(payload.get("receipt_code") or "")
        if is_receipt and code:
            # An SMS is short (two segments, 70 Arabic characters each): reference, code, link.
            sms_text = _("%(reference)s filed. Tracking code: %(code)s") % {
                "reference": reference,
                "code": code,
            }
        elif is_receipt:
            sms_text = _("%(reference)s filed.") % {"reference": reference}
        else:
            sms_text = _("%(reference)s: %(state)s.") % {"reference": reference, "state": to_label}
        return {
            "sms_text": sms_text,
            "sms_path": reverse("public:track") if is_receipt else _public_path(reference),
            "template": "case_transition",
            "transition": transition,
            "transition_label": spec.label_for(case.kind) if spec else transition,
            "from_label": S.state_label(from_state, case.kind) if from_state else "",
            "to_label": to_label,
            "is_receipt": is_receipt,
            # The tracking code is stored hashed only: the receipt says where to use it, not what it is.
            "filed_on": date_format(timezone.localtime(case.submitted_at), "DATETIME_FORMAT")
            if case.submitted_at
            else "",
            "next_step": next_step,
            "subject": subject,
            "summary": summary,
        }

    def _deadline_context(self, case: Case, event: str, payload: dict, reference: str) -> dict:

        state_label = S.state_label(payload.get("state", case.state), case.kind)
        try:
            deadline = date_format(datetime.date.fromisoformat(payload.get("deadline", "")), "DATE_FORMAT")
        except ValueError:
            deadline = payload.get("deadline", "")
        if event == "deadline.reminder":
            subject = _("%(reference)s: deadline on %(date)s") % {"reference": reference, "date": deadline}
            text = _("Case %(reference)s (%(state)s) must be dealt with by %(date)s.") % {
                "reference": reference,
                "state": state_label,
                "date": deadline,
            }
        else:
            subject = _("%(reference)s is overdue") % {"reference": reference}
            text = _("Case %(reference)s (%(state)s) passed its deadline of %(date)s and still waits.") % {
                "reference": reference,
                "state": state_label,
                "date": deadline,
            }
        return {
            "template": "case_action",
            "action_text": text,
            "state_label": state_label,
            "subject": subject,
            "summary": text,
            "url_path": reverse("staff:case", args=[reference]),
            "staff_link": True,
        }

    def exists(self, subject_id: int) -> bool:
        return Case.objects.public().filter(pk=subject_id).exists()

    def find(self, reference: str) -> int | None:
        """A filed case by its reference; drafts are not public, so they cannot be followed."""
        if not isinstance(reference, str) or len(reference) > 30:
            return None
        return Case.objects.public().filter(reference=reference).values_list("pk", flat=True).first()

    def describe(self, subject_id: int, language: str) -> dict:
        row = (
            Case.objects.filter(pk=subject_id)
            .values("reference", "title", "collectivity_id", "collectivity__slug")
            .first()
        )
        if row is None:
            return {}
        slug = row.pop("collectivity__slug")
        return {**row, "url_path": _public_path(row["reference"], slug)}


def register() -> None:
    register_subject("case", CaseNotifications())

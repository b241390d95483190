"""Several committees on one case (docs/domain.md §3.6, OL 113-14 art. 125: "the committees").

The lead committee (`Case.committee`, named by `refer_to_committee`) files the report the council
votes on, through the `report` transition. The bureau or the president may also ask further
committees for their opinion while the case is with the committee; each files its own report.
Every request and every opinion is an audited action on the case's chain with its outbox event.
An opinion still asked when the case is decided or withdrawn lapses with that transition.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import hooks, lifecycle
from cases.committee_selectors import ASK_STATES, FILE_STATES
from cases.models import Case, CommitteeReferral
from cases.services.record import append_action, locked_for_action, lookups_for
from core import roles
from core.errors import ConcurrentUpdate, GuardFailed, OpinionLapsed, TransitionNotAllowed
from core.prepared import execute_write
from core.text import has_bidi_controls, has_content, has_invalid_characters
from organisation.models import Committee

REPORT_MAX = lifecycle.LONG_TEXT_MAX

may_ask_opinion = lifecycle.P.is_bureau_member | lifecycle.P.is_president


def committee_shown(committee) -> dict:
    """A committee as an audit entry shows it (as refer_to_committee does)."""
    return {"id": committee.pk, "name_ar": committee.name_ar, "name_fr": committee.name_fr}


def may_file_opinion(user, case: Case, committee_id: int) -> bool:
    """A committee member who sits on the committee asked, in the case's collectivity."""
    return bool(
        lifecycle.P.in_group(roles.COMMITTEE)(user, case)
        and lifecycle.P.in_case_collectivity(user, case)
        and user.committees.filter(pk=committee_id).exists()
    )


def _due(case: Case, at: datetime.datetime) -> datetime.date | None:
    return hooks.committee_due_date(case, at)


def _committee_in(case: Case, committee):
    """A committee of the case's collectivity, given as an instance or an id; else None."""
    if isinstance(committee, Committee):
        committee = committee.pk
    return lookups_for(case.collectivity_id)("committee", committee)


def case_request_committee_opinion(
    *, actor, case: Case | str | int, committee, at: datetime.datetime | None = None
) -> CommitteeReferral:
    """The bureau or the president asks a further committee for its opinion while the case is with
    the lead committee; the opinion is due by the clocks' committee rule."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            locked = locked_for_action(case)
            if not may_ask_opinion(actor, locked):
                raise TransitionNotAllowed(
                    _("Only the council bureau or the president asks a committee for its opinion.")
                )
            if locked.state not in ASK_STATES:
                raise lifecycle.InvalidTransition(
                    _("A committee is asked for its opinion only while the case is with the committee.")
                )
            target = _committee_in(locked, committee)
            if target is None:
                raise GuardFailed(
                    _("The opinion cannot be asked."),
                    field_errors={"committee": [_("Choose a standing committee of this collectivity.")]},
                )
            if target.pk == locked.committee_id:
                raise GuardFailed(
                    _("The opinion cannot be asked."),
                    field_errors={
                        "committee": [
                            _("This is the lead committee: its report is the one the council votes on.")
                        ]
                    },
                )
            if CommitteeReferral.objects.filter(
                case=locked,
                committee=target,
                role=CommitteeReferral.Role.OPINION,
                reported_at__isnull=True,
                lapsed_at__isnull=True,
            ).exists():
                raise GuardFailed(
                    _("The opinion cannot be asked."),
                    field_errors={
                        "committee": [_("This committee was already asked and has not reported yet.")]
                    },
                )
            referral = CommitteeReferral.objects.create(
                case=locked,
                committee=target,
                role=CommitteeReferral.Role.OPINION,
                requested_at=at,
                requested_by=actor,
                due_on=_due(locked, at),
            )
            role = roles.BUREAU if lifecycle.P.is_bureau_member(actor, locked) else roles.PRESIDENT
            append_action(
                locked,
                name="committee_opinion_request",
                actor=actor,
                role=role,
                at=at,
                public={
                    "committee": committee_shown(target),
                    "due_on": referral.due_on.isoformat() if referral.due_on else None,
                },
            )
    except IntegrityError:
        # Two colleagues asked the same committee at the same moment: the second is told to reload.
        raise ConcurrentUpdate() from None
    return referral


def _clean_report(report) -> str:
    if not isinstance(report, str) or not has_content(report):
        raise GuardFailed(
            _("The opinion cannot be recorded."),
            field_errors={"report": [_("Write the committee's opinion.")]},
        )
    if has_invalid_characters(report) or has_bidi_controls(report):
        raise GuardFailed(
            _("The opinion cannot be recorded."),
            field_errors={"report": [_("The text contains invalid characters.")]},
        )
    if len(report) > REPORT_MAX:
        raise GuardFailed(
            _("The opinion cannot be recorded."),
            field_errors={
                "report": [_("The opinion is too long (at most %(n)d characters).") % {"n": REPORT_MAX}]
            },
        )
    return report.strip()


def case_file_committee_opinion(
    *, actor, case: Case | str | int, committee, report, at: datetime.datetime | None = None
) -> CommitteeReferral:
    """A member of a committee asked for its opinion files that committee's report; it is public
    like the lead report, and the council decides with it (or warned that it is still pending)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = locked_for_action(case)
        target = _committee_in(locked, committee)
        if target is None:
            raise GuardFailed(
                _("The opinion cannot be recorded."),
                field_errors={"committee": [_("Choose a standing committee of this collectivity.")]},
            )
        if not may_file_opinion(actor, locked, target.pk):
            raise TransitionNotAllowed(_("Only a member of the committee asked files its opinion."))
        unfiled = CommitteeReferral.objects.filter(
            case=locked, committee=target, role=CommitteeReferral.Role.OPINION, reported_at__isnull=True
        )
        referral = unfiled.select_for_update().filter(lapsed_at__isnull=True).first()
        if referral is None:
            # Only on a refusal: say so when the request lapsed rather than "nothing asked".
            if unfiled.filter(lapsed_at__isnull=False).exists():
                raise OpinionLapsed(
                    _(
                        "The request for this committee's opinion has lapsed: the case was decided or "
                        "withdrawn before the opinion was filed. Nothing was recorded."
                    )
                )
            raise lifecycle.InvalidTransition(_("This committee has no opinion pending on this case."))
        if locked.state not in FILE_STATES:
            raise lifecycle.InvalidTransition(
                _("The opinion can no longer be filed: the case is no longer before the council.")
            )
        text = _clean_report(report)
        referral.report = text
        referral.reported_at = at
        referral.reported_by = actor
        referral.save(update_fields=["report", "reported_at", "reported_by"])
        append_action(
            locked,
            name="committee_opinion",
            actor=actor,
            role=roles.COMMITTEE,
            at=at,
            public={"committee": committee_shown(target), "report": text},
        )
    return referral


def lead_referral_on_transition(case: Case, name: str, values: dict, actor, at) -> None:
    """The transition applier that keeps the lead committee's referrals (cases.hooks): opened by
    `refer_to_committee` and by `defer` (the case returns to its committee), closed by `report`."""
    if name in ("refer_to_committee", "defer") and case.committee_id is not None:
        CommitteeReferral.objects.create(
            case=case,
            committee_id=case.committee_id,
            role=CommitteeReferral.Role.LEAD,
            requested_at=at,
            requested_by=actor,
            due_on=_due(case, at),
        )
    elif name == "report":
        # The case row is locked by the transition: its referrals need no lock of their own.
        lead = (
            CommitteeReferral.objects.filter(
                case=case, role=CommitteeReferral.Role.LEAD, reported_at__isnull=True
            )
            .order_by("-requested_at", "-id")
            .first()
        )
        if lead is not None:
            lead.report = values.get("report", "")
            lead.reported_at = at
            lead.reported_by = actor
            lead.save(update_fields=["report", "reported_at", "reported_by"])


_LAPSE_SQL: dict[str, tuple[str, ...]] = {}


def _lapse_statements(connection) -> tuple[str, ...]:
    """The statements that lapse a case's open opinions and write their history rows, built once per
    database vendor from the models' metadata. simple-history does not see a QuerySet.update: the
    history rows are written here, for exactly the rows the UPDATE closed. PostgreSQL does both in
    one statement (a data-modifying WITH); elsewhere the INSERT selects the rows just stamped."""
    vendor = connection.vendor
    if vendor in _LAPSE_SQL:
        return _LAPSE_SQL[vendor]
    meta, history = CommitteeReferral._meta, CommitteeReferral.history.model._meta
    qn = connection.ops.quote_name
    table, history_table = qn(meta.db_table), qn(history.db_table)
    columns = ", ".join(qn(f.column) for f in meta.concrete_fields)
    stamps = ", ".join(
        qn(history.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    open_ = f"{qn('case_id')} = %s AND {qn('reported_at')} IS NULL"
    update = f"UPDATE {table} SET {qn('lapsed_at')} = %s WHERE {open_} AND {qn('lapsed_at')} IS NULL"  # noqa: S608 (identifiers from the models' metadata)
    insert = f"INSERT INTO {history_table} ({columns}, {stamps}) SELECT {columns}, %s, %s, %s, %s"  # noqa: S608
    if vendor == "postgresql":
        statements = (f"WITH lapsed AS ({update} RETURNING *) {insert} FROM lapsed",)
    else:
        statements = (update, f"{insert} FROM {table} WHERE {open_} AND {qn('lapsed_at')} = %s")
    return _LAPSE_SQL.setdefault(vendor, statements)


def lapse_open_referrals(case: Case, *, actor, at: datetime.datetime, reason: str) -> None:
    """Close as lapsed, at `at`, every referral of the case still unreported (the opinions asked and,
    on a case withdrawn or decided before its report, the lead committee's), with their history rows;
    in the transition's transaction and, on PostgreSQL, its write batch (one statement, no round
    trip of its own). No audit entry of its own: the transition's entry says why."""
    using = router.db_for_write(CommitteeReferral)
    connection = connections[using]
    field = CommitteeReferral._meta.get_field("lapsed_at")
    stamp = field.get_db_prep_value(at, connection)
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    history = [stamp, reason[:100], "~", user_id]
    statements = _lapse_statements(connection)
    if len(statements) == 1:
        execute_write(connection, statements[0], [stamp, case.pk, *history])
        return
    update, insert = statements
    execute_write(connection, update, [stamp, case.pk])
    execute_write(connection, insert, [*history, case.pk, stamp])


def opinions_lapse_on_transition(event: hooks.TransitionEvent) -> None:
    """The transition listener (cases.hooks) that lapses the referrals still unreported when the case
    leaves the states in which opinions may be filed: the council decides (`adopt`, `reject`) or the
    filer withdraws (then the lead committee's too, if it had not reported). Any other step, a
    return to committee (`defer`) included, leaves them open."""
    if event.from_state in FILE_STATES and event.to_state not in FILE_STATES:
        lapse_open_referrals(event.case, actor=event.actor, at=event.at, reason=f"transition:{event.name}")

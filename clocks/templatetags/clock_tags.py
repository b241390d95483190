"""The stage clock in words, for case pages (docs/domain.md §6)."""

from __future__ import annotations

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import selectors
from cases import states as S
from clocks import deadlines

register = template.Library()


@register.simple_tag
def clock_in_words(case) -> str:
    """docs/domain.md §6: "with the social affairs committee for 12 days, limit 30" in the reader's
    language."""
    if case.state not in S.OPEN_STATES:
        return ""
    where = {
        S.SUBMITTED: _("With the council bureau"),
        S.UNDER_REVIEW: _("With the council bureau"),
        S.AWAITING_INFORMATION: _("Waiting for the submitter's information"),
        S.IN_COMMITTEE: (_("With the committee: %(name)s") % {"name": case.committee.name})
        if case.committee_id
        else _("With the committee"),
        S.REPORTED: _("Waiting for a place on a session's agenda"),
        S.ON_AGENDA: _("On the council's agenda"),
        S.ADOPTED: (_("Waiting for the implementation plan of: %(name)s") % {"name": case.service.name})
        if case.service_id
        else _("Waiting for an implementation plan"),
        S.IN_IMPLEMENTATION: (_("Being carried out by: %(name)s") % {"name": case.service.name})
        if case.service_id
        else _("Being carried out"),
    }.get(case.state, "")
    days = selectors.days_in_state(case)
    text = ngettext("%(where)s for %(days)d day", "%(where)s for %(days)d days", days) % {
        "where": where,
        "days": days,
    }
    rule = deadlines.rule_for(deadlines.rules_for(case.collectivity), case.kind, case.state)
    if rule is not None and case.state != S.IN_IMPLEMENTATION:
        unit = (
            ngettext("%(n)d working day", "%(n)d working days", rule.days)
            if rule.unit == deadlines.WORKING
            else ngettext("%(n)d day", "%(n)d days", rule.days)
        ) % {"n": rule.days}
        text = _("%(text)s, limit %(limit)s") % {"text": text, "limit": unit}
    if case.deadline_on:
        text = _("%(text)s (deadline %(date)s)") % {
            "text": text,
            "date": formats.date_format(case.deadline_on, "DATE_FORMAT"),
        }
        if selectors.case_is_overdue(case):
            late = (timezone.localdate() - case.deadline_on).days
            text = _("%(text)s: overdue by %(days)s") % {
                "text": text,
                "days": ngettext("%(n)d day", "%(n)d days", late) % {"n": late},
            }
    return text

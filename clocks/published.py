"""The deadlines published with the participation rules (GET /api/v1/rules/, the /rules/ page), each
with its status and source: the law sets only the petition's reasoned-rejection limit (OL 113-14 art.
125 §4); every stage deadline is the commune's internal target until the council adopts it, because the
charter sets none (docs/legal.md §11)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases import states as S
from cases.models import Case
from clocks.deadlines import DEFAULT_RULES, KIND_DEFAULT_RULES, WORKING, Rule
from clocks.models import DeadlineRule
from organisation.models import Collectivity

LEGAL, ADOPTED, INTERNAL_TARGET = (
    DeadlineRule.Status.LEGAL,
    DeadlineRule.Status.ADOPTED,
    DeadlineRule.Status.INTERNAL_TARGET,
)

# What must happen before the deadline of each stage, in words a citizen reads.
STAGE_TASKS = {
    S.SUBMITTED: gettext_lazy("The bureau opens the examination of the filed case"),
    S.UNDER_REVIEW: gettext_lazy("The bureau rules on admissibility"),
    S.AWAITING_INFORMATION: gettext_lazy("The filer completes the file"),
    S.IN_COMMITTEE: gettext_lazy("The committee studies the case and files its report"),
    S.REPORTED: gettext_lazy("The case is put on a council session's agenda"),
    S.ON_AGENDA: gettext_lazy("The council decides"),
    S.ADOPTED: gettext_lazy("The responsible service plans the implementation"),
}

# OL 113-14 art. 125 §4; OL 112-14 art. 116; OL 111-14 art. 122.
REJECTION_NOTICE_SOURCE = {
    Collectivity.Type.COMMUNE: gettext_lazy("Organic Law 113-14, art. 125"),
    Collectivity.Type.PROVINCE: gettext_lazy("Organic Law 112-14, art. 116"),
    Collectivity.Type.REGION: gettext_lazy("Organic Law 111-14, art. 122"),
}


def _status_label(status: str) -> str:
    return str(DeadlineRule.Status(status).label)


def _duration(days: int, unit: str) -> str:
    if unit == WORKING:
        return ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def _stage_entry(kind: str, state: str, rule: Rule, row: DeadlineRule | None) -> dict:
    if row is not None:
        status = row.status
        source = row.source or (
            _("Set by the commune") if status != LEGAL else _("The law (article not given)")
        )
    else:
        status = INTERNAL_TARGET
        source = _("Mithaq's default: the charter sets no stage deadline")
    return {
        "key": f"{kind or '*'}:{state}",
        "kind": kind or None,
        "kind_label": str(Case.Kind(kind).label) if kind else None,
        "state": state,
        "state_label": S.state_label(state, kind or None),
        "label": str(STAGE_TASKS.get(state, S.state_label(state))),
        "duration": _duration(rule.days, rule.unit),
        "days": rule.days,
        "months": None,
        "unit": rule.unit,
        "counted_from": rule.counted_from,
        "status": status,
        "status_label": _status_label(status),
        "source": str(source),
    }


def published_deadlines(collectivity: Collectivity) -> list[dict]:
    """The legal limit first, then each stage's deadline in force (a DeadlineRule row over the
    defaults), in the order of the case's life."""
    months = collectivity.rejection_notice_months
    legal = {
        "key": "petition:rejection_notice",
        "kind": Case.Kind.PETITION.value,
        "kind_label": str(Case.Kind.PETITION.label),
        "state": None,
        "state_label": None,
        "label": _("A reasoned rejection of a petition is notified to its agent or representative"),
        "duration": ngettext("%(n)d month from filing", "%(n)d months from filing", months) % {"n": months},
        "days": None,
        "months": months,
        "unit": "months",
        "counted_from": DeadlineRule.From.FILING.value,
        "status": LEGAL.value,
        "status_label": _status_label(LEGAL),
        "source": str(REJECTION_NOTICE_SOURCE.get(collectivity.type, REJECTION_NOTICE_SOURCE["commune"])),
    }
    rules: dict[tuple[str, str], tuple[Rule, DeadlineRule | None]] = {
        ("", state): (rule, None) for state, rule in DEFAULT_RULES.items()
    }
    rules.update({key: (rule, None) for key, rule in KIND_DEFAULT_RULES.items()})
    for row in DeadlineRule.objects.filter(collectivity=collectivity):
        rules[(row.kind, row.state)] = (Rule(row.days, row.unit, row.counted_from, "setting"), row)
    kinds = list(Case.Kind.values)
    ordered = sorted(
        rules.items(),
        key=lambda item: (S.ALL_STATES.index(item[0][1]), kinds.index(item[0][0]) + 1 if item[0][0] else 0),
    )
    return [legal, *(_stage_entry(kind, state, rule, row) for (kind, state), (rule, row) in ordered)]


def rules_section(collectivity: Collectivity) -> dict:
    """The section clocks adds to the published rules (cases.hooks.register_rules_section)."""
    return {"deadlines": published_deadlines(collectivity)}

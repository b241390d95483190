"""The periodic charter report (charter 7.2-7.4; docs/domain.md §8 and §11; README: the report).

`build_figures` gathers everything the report says, for a collectivity and a period [from, to),
as one JSON-ready dict (stored as it is when a report is published):

- the indicators and the funnel (followup.indicators.compute_indicators), with the participation
  figures;
- the change from the previous period (the period of the same length just before);
- response times by stage, committee and service (followup.response_times);
- every decision of the period with its justification; the cases overdue now; the implementation
  status of every adopted case (adopted in the period, or still being carried out);
- the action-plan matrix (followup.action_plan), its bound indicators computed for the period.

The renderers turn it into HTML, CSV, XLSX or PDF (core.pdf: WeasyPrint, the vendored Amiri font;
charts are inline SVG bars drawn here, no JavaScript). Everything in it is public: public cases
only, no personal data (no submitter, no signatory).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import states as S
from cases.models import Case
from core import pdf as core_pdf
from followup import action_plan
from followup.indicators import (
    ADOPTED_STATES,
    base_cases,
    compute_indicators,
    headline_indicators,
    period_bounds,
)
from followup.models import Status
from followup.response_times import open_now_rows, response_times
from organisation.models import Committee, Service

FORMAT = "mithaq-charter-report/1"
FORMATS = ("html", "csv", "xlsx", "pdf", "json")
# The PDF and the HTML list at most this many rows per list; the JSON, CSV and XLSX carry them all.
PRINTED_ROWS = 100
LISTS = ("decisions", "overdue", "adopted_cases")
TITLE_MAX = 200
# Headline figures compared with the previous period: (label, path in the indicators, is a rate).
CHANGE_KEYS = (
    ("cases_filed", ("period", "cases_filed", "total"), False),
    ("decided", ("period", "decided"), False),
    ("adopted", ("period", "adopted"), False),
    ("rejected", ("period", "rejected"), False),
    ("adoption_rate", ("period", "adoption_rate"), True),
    ("implemented", ("period", "implemented"), False),
    ("implementation_rate", ("period", "implementation_rate"), True),
    ("explained_rate", ("period", "explained_rate"), True),
    ("median_days_to_decision", ("period", "median_days_to_decision"), False),
    ("meetings_held", ("participation", "meetings_held"), False),
    ("participants", ("participation", "participants"), False),
    ("women_share", ("participation", "women_share"), True),
)


def previous_period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of the same length just before [from, to)."""
    return date_from - (date_to - date_from), date_from


def _get(figures: dict, path: tuple[str, ...]):
    value = figures
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def build_figures(
    collectivity, date_from: datetime.date, date_to: datetime.date, *, commentary=None, limit=None
) -> dict:
    """Everything the report shows, as plain JSON-ready data (a fixed number of queries). With a
    `limit` (the PDF and the HTML, which print PRINTED_ROWS rows), each list keeps its first
    `limit` rows, cut in SQL, and `totals` still counts them all."""
    indicators = compute_indicators(collectivity, date_from, date_to)
    prev_from, prev_to = previous_period(date_from, date_to)
    # Only the compared figures of the previous period (CHANGE_KEYS), not all of them again.
    previous = headline_indicators(collectivity, prev_from, prev_to)
    changes = []
    for key, path, is_rate in CHANGE_KEYS:
        now, before = _get(indicators, path), _get(previous, path)
        change = None if now is None or before is None else round(now - before, 4)
        changes.append({"key": key, "current": now, "previous": before, "change": change, "rate": is_rate})
    start, end = period_bounds(date_from, date_to)
    querysets = {
        "decisions": _decisions_qs(collectivity, start, end),
        "overdue": _overdue_qs(collectivity),
        "adopted_cases": _adopted_qs(collectivity, start, end),
    }
    rows = {"decisions": _decision_row, "overdue": _overdue_row(), "adopted_cases": _adopted_row}
    lists, totals = {}, {}
    counted = _list_totals(indicators)
    for name, qs in querysets.items():
        if limit is None:
            lists[name] = [rows[name](r) for r in qs.iterator(chunk_size=5000)]
            totals[name] = len(lists[name])
        else:
            lists[name] = [rows[name](r) for r in qs[:limit]]
            totals[name] = len(lists[name]) if len(lists[name]) < limit else counted[name]
    committees = {c.pk: (c.name_ar, c.name_fr) for c in Committee.objects.filter(collectivity=collectivity)}
    # The open cases now, read once for the three groupings of the response times.
    open_rows = open_now_rows(collectivity.pk)
    services = {s.pk: (s.name_ar, s.name_fr) for s in Service.objects.filter(collectivity=collectivity)}
    return {
        "format": FORMAT,
        "collectivity": {
            "slug": collectivity.slug,
            "name_ar": collectivity.name_ar,
            "name_fr": collectivity.name_fr,
        },
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "indicators": indicators,
        "previous": {"from": prev_from.isoformat(), "to": prev_to.isoformat(), "changes": changes},
        "response_times": {
            group: _response_rows(collectivity, start, end, group, committees, services, open_rows)
            for group in ("stage", "committee", "service")
        },
        **lists,
        "totals": totals,
        "action_plan": action_plan.matrix(collectivity, date_from, date_to, figures=indicators),
        "committees": {str(pk): {"name_ar": ar, "name_fr": fr} for pk, (ar, fr) in committees.items()},
        "services": {str(pk): {"name_ar": ar, "name_fr": fr} for pk, (ar, fr) in services.items()},
        "commentary": dict(commentary or {"summary": "", "difficulties": "", "recommendations": ""}),
    }


def _list_totals(indicators: dict) -> dict:
    """How many rows each list holds, from the indicators' counts (no query of their own): the
    decisions of the period are its decided cases; the overdue cases are overdue_now; the adopted
    cases listed are those adopted in the period together with those still awaiting or in
    implementation, counted once (tests/followup/test_charter_report.py checks them)."""
    p, t = indicators["period"], indicators["today"]
    still_open_now = t["awaiting_implementation"] + t["in_implementation"]
    still_open_of_period = p["awaiting_implementation"] + p["in_implementation"]
    return {
        "decisions": p["decided"],
        "overdue": t["overdue_now"],
        "adopted_cases": p["adopted"] + still_open_now - still_open_of_period,
    }


def _response_rows(collectivity, start, end, group, committees, services, open_rows) -> list[dict]:
    # The report shows no funnel of the audit's own (the indicators carry it): not computed.
    report = response_times(
        start=start,
        end=end,
        group_by=group,
        collectivity_id=collectivity.pk,
        with_funnel=False,
        open_rows=open_rows,
    )
    names = {"committee": committees, "service": services}.get(group, {})
    rows = []
    for g in report.groups:
        ar, fr = names.get(g.key, ("", "")) if group != "stage" else ("", "")
        rows.append(
            {
                "key": g.key,
                "name_ar": ar,
                "name_fr": fr,
                "stays": g.count,
                "median_days": g.median_days,
                "p90_days": g.p90_days,
                "max_days": g.max_days,
                "on_time_rate": g.on_time_share,
                "open_now": g.open_now,
                "overdue_now": g.overdue_now,
            }
        )
    return rows


def _public(collectivity):
    return base_cases(collectivity).order_by()


def _decisions_qs(collectivity, start, end):
    return (
        _public(collectivity)
        .filter(state__in=S.DECIDED_STATES, decided_at__gte=start, decided_at__lt=end)
        .order_by("decided_at", "id")
        .values_list(
            "reference",
            "kind",
            "title",
            "state",
            "decided_at",
            "decided_by_president",
            "committee_id",
            "decision_justification",
        )
    )


def _decision_row(row) -> dict:
    ref, kind, title, state, decided, by_president, committee, justification = row
    return {
        "reference": ref,
        "kind": kind,
        "title": title[:TITLE_MAX],
        "decision": S.REJECTED if state == S.REJECTED else S.ADOPTED,
        "decided_on": _iso(decided),
        "by_president": by_president,
        "committee": committee,
        "justification": justification,
    }


def _overdue_qs(collectivity):
    return (
        _public(collectivity)
        .filter(state__in=S.OPEN_STATES, deadline_on__lt=timezone.localdate())
        .order_by("deadline_on", "id")
        .values_list("reference", "kind", "title", "state", "deadline_on", "committee_id", "service_id")
    )


def _overdue_row():
    today = timezone.localdate()

    def row(values) -> dict:
        ref, kind, title, state, deadline, committee, service = values
        return {
            "reference": ref,
            "kind": kind,
            "title": title[:TITLE_MAX],
            "state": state,
            "deadline": deadline.isoformat(),
            "days_overdue": (today - deadline).days,
            "committee": committee,
            "service": service,
        }

    return row


def _adopted_qs(collectivity, start, end):
    """Every adopted case decided in the period, and every adopted case still being carried out."""
    in_period = Q(decided_at__gte=start, decided_at__lt=end)
    still_open = Q(state__in=(S.ADOPTED, S.IN_IMPLEMENTATION))
    return (
        _public(collectivity)
        .filter(Q(state__in=ADOPTED_STATES) & (in_period | still_open))
        .order_by("decided_at", "id")
        .values_list(
            "reference",
            "kind",
            "title",
            "state",
            "decided_at",
            "service_id",
            "planned_end",
            "progress_percent",
            "closed_at",
        )
    )


def _adopted_row(values) -> dict:
    ref, kind, title, state, decided, service, planned, progress, closed = values
    return {
        "reference": ref,
        "kind": kind,
        "title": title[:TITLE_MAX],
        "state": state,
        "decided_on": _iso(decided),
        "service": service,
        "planned_end": _iso(planned),
        "progress_percent": progress,
        "closed_on": _iso(closed) if state in (S.IMPLEMENTED, S.NOT_IMPLEMENTED) else None,
    }


# Rendering ------------------------------------------------------------------------------------------


def to_json(figures: dict) -> bytes:
    """Canonical JSON (sorted keys, UTF-8): the bytes whose sha256 a published report stores."""
    return json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def flatten(value, prefix: str = "") -> list[tuple[str, object]]:
    """(dotted key, scalar) pairs of a nested dict/list, in a stable order (CSV and XLSX)."""
    out: list[tuple[str, object]] = []
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            out.extend(flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(flatten(item, f"{prefix}.{index}"))
    else:
        out.append((prefix, value))
    return out


def _name(names: dict, key) -> str:
    entry = names.get(str(key)) if key is not None else None
    if not entry:
        return ""
    lang = (translation.get_language() or "ar")[:2]
    return (entry["name_fr"] if lang == "fr" else entry["name_ar"]) or entry["name_ar"] or entry["name_fr"]


def pct(value) -> str:
    """A share as a percentage with one decimal ("66.7 %"), or a dash when unknown."""
    if value is None:
        return "—"
    return f"{round(100 * value, 1):g} %"


def num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{round(value, 1):g}"
    return str(value)


def _kind_label(kind: str) -> str:
    return str(dict(Case.Kind.choices).get(kind, kind))


def _table_rows(figures: dict, lang: str) -> dict:
    """Lists of (already formatted) cells for the tables of the HTML, the PDF, the CSV and the XLSX."""
    committees, services = figures["committees"], figures["services"]
    ind = figures["indicators"]
    p, t = ind["period"], ind["today"]
    headline = [
        (_("Cases filed"), num(p["cases_filed"]["total"]), num(t["cases_filed"]["total"])),
        (_("Decided"), num(p["decided"]), num(t["decided"])),
        (_("Adopted"), num(p["adopted"]), num(t["adopted"])),
        (_("Rejected"), num(p["rejected"]), num(t["rejected"])),
        (_("Adoption rate"), pct(p["adoption_rate"]), pct(t["adoption_rate"])),
        (_("Implemented"), num(p["implemented"]), num(t["implemented"])),
        (_("Not implemented"), num(p["not_implemented"]), num(t["not_implemented"])),
        (_("Implementation rate"), pct(p["implementation_rate"]), pct(t["implementation_rate"])),
        (_("Decisions explained"), pct(p["explained_rate"]), pct(t["explained_rate"])),
        (
            _("Median days to a decision"),
            num(p["median_days_to_decision"]),
            num(t["median_days_to_decision"]),
        ),
        (
            _("Median days to implementation"),
            num(p["median_days_to_implementation"]),
            num(t["median_days_to_implementation"]),
        ),
        (_("Overdue now"), "—", num(t["overdue_now"])),
    ]
    m = ind["participation"]
    participation = [
        (_("Meetings held"), num(m["meetings_held"])),
        (_("Trainings held"), num(m["trainings_held"])),
        (_("Participants"), num(m["participants"])),
        (_("Share of women"), pct(m["women_share"])),
        (_("Share of young people (15 to 34)"), pct(m["youth_share"])),
        (_("Share of people with a disability"), pct(m["vulnerable_share"])),
        (_("Average satisfaction (1 to 5)"), num(m["satisfaction"])),
        (
            _("Associations that signed the charter"),
            f"{ind['adherence']['associations_signed']} / {ind['adherence']['associations_registered']}"
            f" ({pct(ind['adherence']['adherence_rate'])})",
        ),
        (
            _("Equality Commission opinions filed in the period"),
            num(ind["equality_commission"]["opinions"]["filed_in_period"]),
        ),
        (
            _("Children's Council recommendations filed in the period"),
            num(ind["children_council"]["recommendations"]["filed_in_period"]),
        ),
        (_("People following a case online"), num(ind["digital"]["case_followers"])),
    ]
    change_labels = {
        "cases_filed": _("Cases filed"),
        "decided": _("Decided"),
        "adopted": _("Adopted"),
        "rejected": _("Rejected"),
        "adoption_rate": _("Adoption rate"),
        "implemented": _("Implemented"),
        "implementation_rate": _("Implementation rate"),
        "explained_rate": _("Decisions explained"),
        "median_days_to_decision": _("Median days to a decision"),
        "meetings_held": _("Meetings held"),
        "participants": _("Participants"),
        "women_share": _("Share of women"),
    }
    changes = []
    for c in figures["previous"]["changes"]:
        fmt = pct if c["rate"] else num
        if c["change"] is None:
            delta = "—"
        elif c["rate"]:
            delta = f"{'+' if c['change'] > 0 else ''}{round(100 * c['change'], 1):g} " + _("points")
        else:
            delta = f"{'+' if c['change'] > 0 else ''}{num(c['change'])}"
        changes.append((change_labels[c["key"]], fmt(c["current"]), fmt(c["previous"]), delta))

    def rt(group):
        out = []
        for r in figures["response_times"][group]:
            if group == "stage":
                label = S.state_label(str(r["key"])) if r["key"] else "—"
            else:
                label = _name(committees if group == "committee" else services, r["key"]) or _("(none named)")
            out.append(
                (
                    label,
                    num(r["stays"]),
                    num(r["median_days"]),
                    num(r["p90_days"]),
                    num(r["max_days"]),
                    pct(r["on_time_rate"]),
                    num(r["open_now"]),
                    num(r["overdue_now"]),
                )
            )
        return out

    decisions = [
        (
            d["reference"],
            _kind_label(d["kind"]),
            d["title"],
            S.state_label(d["decision"], d["kind"]) + (" " + _("(president)") if d["by_president"] else ""),
            d["decided_on"],
            d["justification"],
        )
        for d in figures["decisions"]
    ]
    overdue = [
        (
            o["reference"],
            _kind_label(o["kind"]),
            o["title"],
            S.state_label(o["state"], o["kind"]),
            o["deadline"],
            num(o["days_overdue"]),
            _name(committees, o["committee"]) or _name(services, o["service"]),
        )
        for o in figures["overdue"]
    ]
    adopted = [
        (
            a["reference"],
            a["title"],
            S.state_label(a["state"], a["kind"]),
            _name(services, a["service"]),
            a["decided_on"] or "—",
            a["planned_end"] or "—",
            f"{a['progress_percent']} %",
            a["closed_on"] or "—",
        )
        for a in figures["adopted_cases"]
    ]
    return {
        "headline": headline,
        "participation": participation,
        "changes": changes,
        "rt_stage": rt("stage"),
        "rt_committee": rt("committee"),
        "rt_service": rt("service"),
        "decisions": decisions,
        "overdue": overdue,
        "adopted": adopted,
        "plan": _plan_rows(figures["action_plan"], lang),
    }


def _status_label(status: str) -> str:
    return str(dict(Status.choices).get(status, status))


def _plan_rows(plan: list, lang: str) -> list[dict]:
    def pick(row, field):
        return (
            (row.get(f"{field}_fr") if lang == "fr" else row.get(f"{field}_ar"))
            or row.get(f"{field}_ar")
            or ""
        )

    axes = []
    for axis in plan:
        axes.append(
            {
                "number": axis["number"],
                "title": pick(axis, "title"),
                "activities": [
                    (
                        pick(a, "title"),
                        pick(a, "owner") or "—",
                        " – ".join(x for x in (a["starts_on"], a["ends_on"]) if x) or "—",
                        _status_label(a["status"]),
                    )
                    for a in axis["activities"]
                ],
                "indicators": [
                    (
                        pick(i, "title"),
                        (pct(i["value"]) if i["rate"] else num(i["value"]))
                        + (f" ({i['value_on']})" if i["value_on"] else ""),
                        pick(i, "target_note") or (num(i["target"]) if i["target"] is not None else "—"),
                        _("computed") if i["computed"] else _("entered by hand"),
                        _status_label(i["status"]),
                    )
                    for i in axis["indicators"]
                ],
            }
        )
    return axes


def svg_bars(values: list[tuple[str, float | None]], *, width: int = 260, height: int = 11) -> list[dict]:
    """One inline SVG bar per value (scaled on the largest), for a table row: the label stays in
    HTML (shaped by Pango like the rest), the bar is a plain <svg> WeasyPrint draws itself."""
    top = max([v for _label, v in values if v] or [1])
    out = []
    for label, value in values:
        w = 0 if not value else max(1, round(width * value / top))
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img"><rect x="0" y="0" width="{width}" height="{height}" '
            f'fill="#eef1f4"/><rect class="bar" x="0" y="0" width="{w}" height="{height}" '
            'fill="#1f5f8b"/></svg>'
        )
        out.append({"label": label, "value": value, "svg": svg})
    return out


def _charts(figures: dict) -> dict:
    ind = figures["indicators"]
    funnel = ind["funnel"]["all"]
    steps = [
        (_("Filed"), funnel["filed"]),
        (_("Admissible"), funnel["admissible"]),
        (_("Decided"), funnel["decided"]),
        (_("Adopted"), funnel["adopted"]),
        (_("Implemented"), funnel["implemented"]),
    ]
    kinds = [(_kind_label(k), n) for k, n in ind["period"]["cases_filed"]["by_kind"].items()]
    t = ind["today"]
    implementation = [
        (S.state_label(S.ADOPTED), t["awaiting_implementation"]),
        (S.state_label(S.IN_IMPLEMENTATION), t["in_implementation"]),
        (S.state_label(S.IMPLEMENTED), t["implemented"]),
        (S.state_label(S.NOT_IMPLEMENTED), t["not_implemented"]),
    ]
    on_time = [
        (S.state_label(stage), None if row["rate"] is None else round(100 * row["rate"], 1))
        for stage, row in ind["on_time_rate"].items()
    ]
    return {
        "funnel": svg_bars(steps),
        "kinds": svg_bars(kinds),
        "implementation": svg_bars(implementation),
        "on_time": svg_bars(on_time),
    }


def context(figures: dict, *, lang: str, report=None, for_pdf: bool = False) -> dict:
    # Only the printed rows are formatted: the lists may hold tens of thousands.
    printed = {**figures, **{name: figures[name][:PRINTED_ROWS] for name in LISTS}}
    rows = _table_rows(printed, lang)
    totals = figures.get("totals") or {name: len(figures[name]) for name in LISTS}
    limited = {"decisions": rows["decisions"], "overdue": rows["overdue"], "adopted": rows["adopted"]}
    more = {
        short: max(0, totals[name] - len(printed[name]))
        for short, name in (("decisions", "decisions"), ("overdue", "overdue"), ("adopted", "adopted_cases"))
    }
    name = (
        figures["collectivity"]["name_fr" if lang == "fr" else "name_ar"]
        or figures["collectivity"]["name_ar"]
    )
    last_day = datetime.date.fromisoformat(figures["to"]) - datetime.timedelta(days=1)
    return {
        "f": figures,
        "rows": rows,
        "limited": limited,
        "more": more,
        "charts": _charts(figures),
        "collectivity_name": name,
        "date_from": figures["from"],
        "date_to": figures["to"],
        "last_day": last_day.isoformat(),
        "implementation_rate": pct(figures["indicators"]["period"]["implementation_rate"]),
        "implementation_rate_today": pct(figures["indicators"]["today"]["implementation_rate"]),
        "commentary": figures.get("commentary") or {},
        "report": report,
        "lang": lang,
        "rtl": lang == "ar",
        "for_pdf": for_pdf,
        "fonts_css": core_pdf.font_face_css() if for_pdf else "",
        "font_family": core_pdf.FONT_FAMILY,
        "printed_rows": PRINTED_ROWS,
        "totals": totals,
    }


def to_html(figures: dict, *, lang: str, report=None, for_pdf: bool = False) -> str:
    with translation.override(lang):
        return render_to_string(
            "documents/charter_report.html", context(figures, lang=lang, report=report, for_pdf=for_pdf)
        )


def to_pdf(figures: dict, *, lang: str, report=None) -> bytes:
    return core_pdf.html_to_pdf(to_html(figures, lang=lang, report=report, for_pdf=True))


def _sections(figures: dict, lang: str) -> list[tuple[str, list[str], list]]:
    """(title, header, rows) of every table, for the CSV and the XLSX (all rows, none cut)."""
    rows = _table_rows(figures, lang)
    rt_head = [
        _("Stays closed"),
        _("Median days"),
        _("90th percentile (days)"),
        _("Longest (days)"),
        _("Share within deadline"),
        _("Open now"),
        _("Overdue now"),
    ]
    plan_activities = [[axis["number"], *a] for axis in rows["plan"] for a in axis["activities"]]
    plan_indicators = [[axis["number"], *i] for axis in rows["plan"] for i in axis["indicators"]]
    return [
        (_("Headline figures"), [_("Figure"), _("In the period"), _("Since the start")], rows["headline"]),
        (_("Participation"), [_("Figure"), _("Value")], rows["participation"]),
        (
            _("Change from the previous period"),
            [_("Figure"), _("This period"), _("Previous period"), _("Change")],
            rows["changes"],
        ),
        (_("Response times by stage"), [_("Stage"), *rt_head], rows["rt_stage"]),
        (_("Response times by committee"), [_("Committee"), *rt_head], rows["rt_committee"]),
        (_("Response times by service"), [_("Service"), *rt_head], rows["rt_service"]),
        (
            _("Decisions of the period"),
            [_("Reference"), _("Kind"), _("Title"), _("Decision"), _("Date"), _("Justification")],
            rows["decisions"],
        ),
        (
            _("Overdue cases"),
            [_("Reference"), _("Kind"), _("Title"), _("State"), _("Deadline"), _("Days late"), _("Body")],
            rows["overdue"],
        ),
        (
            _("Implementation of the adopted cases"),
            [
                _("Reference"),
                _("Title"),
                _("State"),
                _("Service"),
                _("Adopted on"),
                _("Planned end"),
                _("Progress"),
                _("Closed on"),
            ],
            rows["adopted"],
        ),
        (
            _("Action plan: activities"),
            [_("Axis"), _("Activity"), _("Owner"), _("Timetable"), _("Status")],
            plan_activities,
        ),
        (
            _("Action plan: indicators"),
            [_("Axis"), _("Indicator"), _("Value"), _("Target"), _("Source"), _("Status")],
            plan_indicators,
        ),
    ]


def to_csv(figures: dict, *, lang: str) -> str:
    """Every figure as (key, value) rows, then each table: what a spreadsheet opens."""
    with translation.override(lang):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_("Charter report"), figures["from"], figures["to"]])
        writer.writerow([])
        writer.writerow(["key", "value"])
        writer.writerows(flatten(figures["indicators"], "indicators"))
        for title, head, rows in _sections(figures, lang):
            writer.writerow([])
            writer.writerow([title])
            writer.writerow(head)
            writer.writerows(rows)
        for key in ("summary", "difficulties", "recommendations"):
            writer.writerow([])
            writer.writerow([_commentary_title(key), (figures.get("commentary") or {}).get(key, "")])
    return "\ufeff" + out.getvalue()  # BOM: spreadsheet programs then read the Arabic correctly


def _commentary_title(key: str) -> str:
    return {
        "summary": _("Analysis and successes"),
        "difficulties": _("Difficulties met"),
        "recommendations": _("Recommendations for revising the charter"),
    }[key]


def to_xlsx(figures: dict, *, lang: str) -> bytes:
    """A sheet "figures" with every figure of the JSON (key, value), then one sheet per table."""
    from openpyxl import Workbook

    with translation.override(lang):
        book = Workbook(write_only=True)
        sheet = book.create_sheet("figures")
        sheet.sheet_view.rightToLeft = lang == "ar"
        sheet.append(["key", "value"])
        sheet.append(["from", figures["from"]])
        sheet.append(["to", figures["to"]])
        for key, value in flatten(figures["indicators"], "indicators"):
            sheet.append([key, value])
        used = {"figures"}
        for title, head, rows in _sections(figures, lang):
            name = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31].strip()
            while name in used:
                name = name[:29] + str(len(used))
            used.add(name)
            ws = book.create_sheet(name)
            ws.sheet_view.rightToLeft = lang == "ar"
            ws.append([str(h) for h in head])
            for row in rows:
                ws.append(
                    [str(c) if not isinstance(c, int | float) or isinstance(c, bool) else c for c in row]
                )
        notes = book.create_sheet(str(_("Commentary"))[:31])
        for key in ("summary", "difficulties", "recommendations"):
            notes.append([_commentary_title(key), (figures.get("commentary") or {}).get(key, "")])
        buffer = io.BytesIO()
        book.save(buffer)
    return buffer.getvalue()


def limit_for(fmt: str) -> int | None:
    """How many rows per list a format needs: the printed ones for HTML and PDF, all for the rest."""
    return PRINTED_ROWS if fmt in ("html", "pdf") else None


def render(figures: dict, fmt: str, *, lang: str, report=None) -> bytes:
    """The report in one of FORMATS, as bytes."""
    if fmt == "html":
        return to_html(figures, lang=lang, report=report).encode("utf-8")
    if fmt == "csv":
        return to_csv(figures, lang=lang).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(figures, lang=lang)
    if fmt == "pdf":
        return to_pdf(figures, lang=lang, report=report)
    if fmt == "json":
        return to_json(figures)
    raise ValueError(fmt)

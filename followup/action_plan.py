"""The action plan's tracking matrix (charter 7.2; docs/domain.md §8): axes, activities, indicators.

An indicator is either bound to a computed figure (`BINDINGS`: a key of compute_indicators or of
the participation figures) and then computed for the period shown, or entered by hand by the
follow-up team with a date, a value and evidence (a document or a link). Every edit goes through
`activity_update` / `indicator_update` (role `followup`, history with who and when).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.files import CONTENT_TYPES
from core import roles
from core.errors import InvalidInput, NotFound, TransitionNotAllowed
from core.history import history_stamp
from followup.indicators import compute_indicators
from followup.models import ActionActivity, ActionAxis, ActionIndicator, Status

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Binding:
    label: object
    get: Callable[[dict], float | int | None]
    rate: bool = False  # a share between 0 and 1, shown as a percentage


def _path(*keys: str) -> Callable[[dict], float | int | None]:
    def get(figures: dict):
        value = figures
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    return get


def _sum(*getters) -> Callable[[dict], int | None]:
    def get(figures: dict):
        values = [g(figures) for g in getters]
        return None if any(v is None for v in values) else sum(values)

    return get


BINDINGS: dict[str, Binding] = {
    "participation.participants": Binding(
        gettext_lazy("Participants in the meetings held"), _path("participation", "participants")
    ),
    "participation.meetings_held": Binding(
        gettext_lazy("Meetings held"), _path("participation", "meetings_held")
    ),
    "participation.action_programme_meetings": Binding(
        gettext_lazy("Periodic meetings on the action programme held"),
        _path("participation", "meetings_by_kind", "action_programme"),
    ),
    "participation.trainings_held": Binding(
        gettext_lazy("Trainings held"), _path("participation", "trainings_held")
    ),
    "participation.training_attendees": Binding(
        gettext_lazy("People trained"), _path("participation", "training_attendees")
    ),
    "participation.women_share": Binding(
        gettext_lazy("Share of women among participants"), _path("participation", "women_share"), rate=True
    ),
    "participation.youth_share": Binding(
        gettext_lazy("Share of young people among participants"),
        _path("participation", "youth_share"),
        rate=True,
    ),
    "participation.vulnerable_share": Binding(
        gettext_lazy("Share of people with a disability among participants"),
        _path("participation", "vulnerable_share"),
        rate=True,
    ),
    "participation.satisfaction": Binding(
        gettext_lazy("Average satisfaction (1 to 5)"), _path("participation", "satisfaction")
    ),
    "participation.children_council_sessions": Binding(
        gettext_lazy("Children's Council sessions held"),
        _path("participation", "meetings_by_kind", "children_council_session"),
    ),
    "cases.filed": Binding(gettext_lazy("Cases filed"), _path("period", "cases_filed", "total")),
    "cases.petitions_and_opinions": Binding(
        gettext_lazy("Petitions and advisory opinions filed"),
        _sum(
            _path("period", "cases_filed", "by_kind", "petition"),
            _path("period", "cases_filed", "by_kind", "advisory_opinion"),
        ),
    ),
    "cases.advisory_opinions": Binding(
        gettext_lazy("Advisory opinions of the Equality Commission filed"),
        _path("equality_commission", "opinions", "filed_in_period"),
    ),
    "cases.children_recommendations_implemented": Binding(
        gettext_lazy("Children's Council recommendations implemented"),
        _path("children_council", "recommendations", "implemented"),
    ),
    "cases.implementation_rate": Binding(
        gettext_lazy("Implementation rate (all adopted cases)"),
        _path("today", "implementation_rate"),
        rate=True,
    ),
    "adherence.adherence_rate": Binding(
        gettext_lazy("Share of local associations that signed the charter"),
        _path("adherence", "adherence_rate"),
        rate=True,
    ),
    "adherence.promoter_rate": Binding(
        gettext_lazy("Share of signatory associations that promote the charter"),
        _path("adherence", "promoter_rate"),
        rate=True,
    ),
    "digital.case_followers": Binding(
        gettext_lazy("People following a case online"), _path("digital", "case_followers")
    ),
    "digital.online_signatures": Binding(
        gettext_lazy("Online petition signatures"), _path("digital", "online_signatures_in_period")
    ),
}


def binding_choices() -> list[tuple[str, str]]:
    return [("", _("Entered by hand"))] + [(key, str(b.label)) for key, b in BINDINGS.items()]


def can_edit(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or roles.FOLLOWUP in user.group_names()))


def effective_status(status: str, due: datetime.date | None, today: datetime.date | None = None) -> str:
    """Late when the date has passed and it is not done, whatever was recorded."""
    today = today or timezone.localdate()
    if status != Status.DONE and due is not None and due < today:
        return Status.LATE
    return status


def _number(value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def matrix(
    collectivity, date_from: datetime.date, date_to: datetime.date, *, figures: dict | None = None
) -> list:
    """The whole matrix as plain data (JSON-ready), bound indicators computed for [from, to).
    Four queries plus those of compute_indicators (reused when the caller has the figures)."""
    if figures is None:
        figures = compute_indicators(collectivity, date_from, date_to)
    today = timezone.localdate()
    axes = list(ActionAxis.objects.filter(collectivity=collectivity).order_by("number"))
    activities: dict[int, list] = {}
    for a in ActionActivity.objects.filter(axis__in=axes).order_by("number", "id"):
        activities.setdefault(a.axis_id, []).append(a)
    indicators: dict[int, list] = {}
    for i in ActionIndicator.objects.filter(axis__in=axes).order_by("number", "id"):
        indicators.setdefault(i.axis_id, []).append(i)
    out = []
    for axis in axes:
        out.append(
            {
                "number": axis.number,
                "title_ar": axis.title_ar,
                "title_fr": axis.title_fr,
                "objectives_ar": axis.objectives_ar,
                "objectives_fr": axis.objectives_fr,
                "activities": [
                    {
                        "id": a.pk,
                        "number": a.number,
                        "title_ar": a.title_ar,
                        "title_fr": a.title_fr,
                        "owner_ar": a.owner_ar,
                        "owner_fr": a.owner_fr,
                        "starts_on": a.starts_on.isoformat() if a.starts_on else None,
                        "ends_on": a.ends_on.isoformat() if a.ends_on else None,
                        "status": effective_status(a.status, a.ends_on, today),
                        "note": a.note,
                    }
                    for a in activities.get(axis.pk, [])
                ],
                "indicators": [_indicator_row(i, figures, today) for i in indicators.get(axis.pk, [])],
            }
        )
    return out


def _indicator_row(i: ActionIndicator, figures: dict, today: datetime.date) -> dict:
    binding = BINDINGS.get(i.binding)
    if binding is not None:
        value, value_on, source = binding.get(figures), None, "computed"
        rate = binding.rate
    else:
        value, value_on, source = _number(i.value), i.value_on, "hand"
        rate = False
    return {
        "id": i.pk,
        "number": i.number,
        "title_ar": i.title_ar,
        "title_fr": i.title_fr,
        "source": i.source,
        "binding": i.binding or None,
        "computed": source == "computed",
        "rate": rate,
        "value": value,
        "value_on": value_on.isoformat() if value_on else None,
        "target": _number(i.target),
        "target_note_ar": i.target_note_ar,
        "target_note_fr": i.target_note_fr,
        "due_on": i.due_on.isoformat() if i.due_on else None,
        "evidence_link": i.evidence_link or None,
        "has_evidence_file": bool(i.evidence_file),
        "status": effective_status(i.status, i.due_on, today),
        "note": i.note,
    }


# Writes ---------------------------------------------------------------------------------------------


def _check(actor) -> None:
    if not can_edit(actor):
        raise TransitionNotAllowed(_("Only the charter follow-up team may change the action plan."))


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidInput(field_errors={field: [_("Enter a number.")]}) from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise InvalidInput(field_errors={field: [_("Enter a number.")]})
    return number


ACTIVITY_FIELDS = ("title_ar", "title_fr", "owner_ar", "owner_fr", "starts_on", "ends_on", "status", "note")
INDICATOR_FIELDS = (
    "title_ar",
    "title_fr",
    "binding",
    "target",
    "target_note_ar",
    "target_note_fr",
    "due_on",
    "value",
    "value_on",
    "evidence_link",
    "status",
    "note",
)


def _apply(obj, data: Mapping, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))[:200]})
    for name, value in data.items():
        if name in ("target", "value"):
            value = _decimal(value, name)
        setattr(obj, name, value)
    errors: dict[str, list[str]] = {}
    if getattr(obj, "status", None) not in Status.values:
        errors["status"] = [_("Choose a status.")]
    if hasattr(obj, "binding") and obj.binding and obj.binding not in BINDINGS:
        errors["binding"] = [_("Choose a computed indicator, or none to enter the value by hand.")]
    try:
        obj.full_clean(exclude=["axis", "evidence_file"])
    except Exception as exc:  # ValidationError: its messages, by field
        for field, messages in getattr(exc, "message_dict", {}).items():
            errors.setdefault(field, []).extend(str(m) for m in messages)
    if errors:
        raise InvalidInput(field_errors=errors)


def activity_update(*, actor, activity_id: int, data: Mapping) -> ActionActivity:
    _check(actor)
    with transaction.atomic():
        activity = ActionActivity.objects.select_for_update().filter(pk=activity_id).first()
        if activity is None or not _same_collectivity(actor, activity.axis):
            raise NotFound(_("No such activity."))
        _apply(activity, data, ACTIVITY_FIELDS)
        history_stamp(activity, user=actor)
        activity.save()
    return activity


def indicator_update(*, actor, indicator_id: int, data: Mapping, evidence=None) -> ActionIndicator:
    """Change an indicator; a hand value needs its date, and an uploaded document is checked
    (type by extension, at most 10 MB) before anything is written."""
    _check(actor)
    if evidence is not None:
        problems = []
        if os.path.splitext(getattr(evidence, "name", "") or "")[1].lower() not in CONTENT_TYPES:
            problems.append(_("Accepted files: PDF, images, office documents, CSV or text."))
        if (getattr(evidence, "size", 0) or 0) > EVIDENCE_MAX_BYTES:
            problems.append(_("The file is too large (at most 10 MB)."))
        if problems:
            raise InvalidInput(field_errors={"evidence_file": problems})
    with transaction.atomic():
        indicator = ActionIndicator.objects.select_for_update().filter(pk=indicator_id).first()
        if indicator is None or not _same_collectivity(actor, indicator.axis):
            raise NotFound(_("No such indicator."))
        _apply(indicator, data, INDICATOR_FIELDS)
        if not indicator.binding and indicator.value is not None and indicator.value_on is None:
            raise InvalidInput(field_errors={"value_on": [_("Give the date of the value.")]})
        if evidence is not None:
            digest = hashlib.sha256()
            for chunk in evidence.chunks():
                digest.update(chunk)
            evidence.seek(0)
            ext = os.path.splitext(evidence.name)[1].lower()
            indicator.evidence_file.save(
                f"indicator-{indicator.pk}-{digest.hexdigest()[:12]}{ext}", evidence, save=False
            )
        history_stamp(indicator, user=actor)
        indicator.save()
    return indicator


def _same_collectivity(actor, axis: ActionAxis) -> bool:
    """The follow-up team edits its own collectivity's plan; a user attached to none (a superuser,
    a single-commune installation) edits any."""
    return actor.acts_in(axis.collectivity_id)


def evidence_for_download(*, indicator_id: int) -> ActionIndicator:
    """Evidence is published with the action plan (the follow-up team uploads it for the public)."""
    indicator = ActionIndicator.objects.filter(pk=indicator_id).exclude(evidence_file="").first()
    if indicator is None:
        raise NotFound(_("No such document."))
    return indicator


# Seed -----------------------------------------------------------------------------------------------


def seed(collectivity, path: Path) -> int:
    """Create the collectivity's action plan from a JSON file (demo/data/action_plan.json) unless it
    has one already: idempotent, and never overwrites the follow-up team's edits."""
    if ActionAxis.objects.filter(collectivity=collectivity).exists():
        return 0
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    with transaction.atomic():
        for axis_data in data["axes"]:
            axis = ActionAxis.objects.create(
                collectivity=collectivity,
                number=axis_data["number"],
                title_ar=axis_data["title_ar"],
                title_fr=axis_data["title_fr"],
                objectives_ar="\n".join(axis_data.get("objectives_ar", [])),
                objectives_fr="\n".join(axis_data.get("objectives_fr", [])),
            )
            for n, a in enumerate(axis_data.get("activities", []), start=1):
                ActionActivity.objects.create(
                    axis=axis,
                    number=n,
                    title_ar=a["title_ar"],
                    title_fr=a["title_fr"],
                    owner_ar=a.get("owner_ar", ""),
                    owner_fr=a.get("owner_fr", ""),
                    starts_on=_day(a.get("starts_on")),
                    ends_on=_day(a.get("ends_on")),
                    status=a.get("status", Status.NOT_STARTED),
                )
            for n, i in enumerate(axis_data.get("indicators", []), start=1):
                ActionIndicator.objects.create(
                    axis=axis,
                    number=n,
                    title_ar=i["title_ar"],
                    title_fr=i["title_fr"],
                    source=i.get("source", ""),
                    binding=i.get("binding", ""),
                    target=_decimal(i.get("target"), "target"),
                    target_note_ar=i.get("target_note_ar", ""),
                    target_note_fr=i.get("target_note_fr", ""),
                    due_on=_day(i.get("due_on")),
                    status=i.get("status", Status.NOT_STARTED),
                )
    return len(data["axes"])


def _day(text) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None

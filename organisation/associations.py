"""The registry of associations (charter 6.2, 7.3): the only writers of Association and
Partnership rows, and the registry's import (CSV or XLSX).

Who: the council bureau manages the registry (or a user granted `organisation.manage_associations`);
an association account asks for its own registration, which the bureau validates or refuses. Only
validated associations count for the adherence figures (participation.selectors.adherence_figures).

An import is all or nothing: every row is checked first; one bad row and nothing is written, and
the answer names each bad row with its reasons.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import roles
from core.errors import GuardFailed, InvalidInput, NotFound, TransitionNotAllowed
from core.history import history_stamp
from core.sheets import normalise as _norm
from core.sheets import read_table
from core.text import parse_day
from organisation.models import Association, Collectivity, Partnership

MANAGE_PERMISSION = "organisation.manage_associations"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_REASONS = 100

# Fields staff set by hand (the registry's card); the import reads the same names as columns.
EDITABLE = (
    "name_ar",
    "name_fr",
    "founded_on",
    "registered_on",
    "seat_in_collectivity",
    "branch_in_collectivity",
    "seat_address",
    "domain",
    "members_count",
    "representative_name",
    "charter_signed_on",
    "charter_promoter",
)
SELF_REGISTRATION = (
    "name_ar",
    "name_fr",
    "founded_on",
    "seat_in_collectivity",
    "branch_in_collectivity",
    "seat_address",
    "domain",
    "members_count",
    "representative_name",
)
DATE_FIELDS = ("founded_on", "registered_on", "charter_signed_on")
BOOL_FIELDS = ("seat_in_collectivity", "branch_in_collectivity", "charter_promoter")
INT_FIELDS = ("members_count",)
REQUIRED_COLUMNS = ("name_ar", "founded_on")
# Column headers accepted besides the field names (French and Arabic registries).
ALIASES = {
    "name_ar": {"name_ar", "nom_ar", "الاسم", "اسم الجمعية"},
    "name_fr": {"name_fr", "nom", "nom_fr", "nom de l'association"},
    "founded_on": {"founded_on", "date de création", "date de creation", "تاريخ التأسيس"},
    "registered_on": {"registered_on", "date d'inscription", "تاريخ التسجيل"},
    "seat_in_collectivity": {"seat_in_collectivity", "siège dans la commune", "المقر بالجماعة"},
    "branch_in_collectivity": {"branch_in_collectivity", "section dans la commune", "فرع بالجماعة"},
    "seat_address": {"seat_address", "seat", "siège", "siege", "المقر"},
    "domain": {"domain", "field_of_action", "domaine", "domaine d'action", "مجال العمل", "مجال الاشتغال"},
    "members_count": {"members_count", "membres", "nombre de membres", "عدد الأعضاء"},
    "representative_name": {"representative_name", "représentant", "representant", "الممثل القانوني"},
    "charter_signed_on": {"charter_signed_on", "charte signée le", "تاريخ توقيع الميثاق"},
    "charter_promoter": {"charter_promoter", "promoteur", "promotrice", "مروجة للميثاق"},
}
TRUE = {"1", "yes", "y", "true", "oui", "o", "x", "نعم"}
FALSE = {"", "0", "no", "n", "false", "non", "لا"}


def can_manage_associations(user, collectivity: Collectivity | None = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    same = collectivity is None or user.acts_in(collectivity.pk)
    # The bureau's group holds the permission (accounts migration 0004); either way, only at home.
    return (user.has_perm(MANAGE_PERMISSION) or roles.BUREAU in user.group_names()) and same


def _check(actor, collectivity) -> None:
    if not can_manage_associations(actor, collectivity):
        raise TransitionNotAllowed(_("Only the council bureau manages the registry of associations."))


def _validated(obj) -> None:
    try:
        obj.full_clean(exclude=["members", "representative", "registered_by", "validated_by"])
    except ValidationError as exc:
        raise InvalidInput(
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from None


def _set(obj, data: Mapping, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in data.items():
        setattr(obj, name, value)


def association_save(
    *, actor, collectivity: Collectivity, data: Mapping, association: Association | int | None = None
) -> Association:
    """Create or change a registry card (the bureau); a card made by staff is registered at once."""
    _check(actor, collectivity)
    with transaction.atomic():
        if association is None:
            obj = Association(collectivity=collectivity, status=Association.Status.REGISTERED)
            obj.validated_by, obj.validated_at = actor, timezone.now()
        else:
            pk = association.pk if isinstance(association, Association) else association
            obj = Association.objects.select_for_update().filter(pk=pk, collectivity=collectivity).first()
            if obj is None:
                raise NotFound(_("No such association."))
        _set(obj, data, (*EDITABLE, "charter_document"))
        _validated(obj)
        history_stamp(obj, user=actor)
        obj.save()
    return obj


def association_register(*, actor, collectivity: Collectivity, data: Mapping) -> Association:
    """An association account asks to enter the registry; the bureau validates it."""
    if not (actor.is_authenticated and roles.ASSOCIATION in actor.group_names()):
        raise TransitionNotAllowed(_("Only an association account may register an association."))
    obj = Association(
        collectivity=collectivity,
        status=Association.Status.PENDING,
        registered_by=actor,
        representative=actor,
    )
    _set(obj, data, SELF_REGISTRATION)
    _validated(obj)
    if (
        Association.objects.filter(collectivity=collectivity, name_ar=obj.name_ar)
        .exclude(status=Association.Status.REFUSED)
        .exists()
    ):
        raise GuardFailed(
            field_errors={"name_ar": [_("An association of this name is already in the registry.")]}
        )
    with transaction.atomic():
        history_stamp(obj, user=actor, reason="self-registration")
        obj.save()
        obj.members.add(actor)
    return obj


def association_validate(
    *, actor, association: Association | int, approve: bool, reason: str = "", at=None
) -> Association:
    """The bureau validates (or refuses, with a reason) a pending registration."""
    at = at or timezone.now()
    with transaction.atomic():
        pk = association.pk if isinstance(association, Association) else association
        obj = Association.objects.select_for_update().filter(pk=pk).first()
        if obj is None:
            raise NotFound(_("No such association."))
        _check(actor, obj.collectivity)
        if obj.status != Association.Status.PENDING:
            raise GuardFailed(_("This registration is not awaiting validation."))
        reason = (reason or "").strip()
        if not approve and not reason:
            raise GuardFailed(field_errors={"reason": [_("Say why the registration is refused.")]})
        obj.status = Association.Status.REGISTERED if approve else Association.Status.REFUSED
        obj.refusal_reason = "" if approve else reason
        obj.validated_by, obj.validated_at = actor, at
        if approve and obj.registered_on is None:
            obj.registered_on = timezone.localdate(at)
        history_stamp(obj, user=actor, at=at, reason="validated" if approve else "refused")
        obj.save()
    return obj


def partnership_add(*, actor, association: Association, data: Mapping) -> Partnership:
    """A partnership between the commune and a registered association (action plan, axis 5)."""
    _check(actor, association.collectivity)
    obj = Partnership(association=association)
    _set(obj, data, ("title", "starts_on", "ends_on", "amount"))
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from None
    with transaction.atomic():
        history_stamp(obj, user=actor)
        obj.save()
    return obj


# The import -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    rows: int = 0
    errors: list[tuple[int, list[str]]] = field(default_factory=list)


class ImportRejected(InvalidInput):
    """The sheet has bad rows: nothing was imported. `rows` lists (row number, reasons)."""

    code = "import_rejected"

    def __init__(self, rows: list[tuple[int, list[str]]], bad: int):
        self.rows = rows
        message = ngettext(
            "Nothing was imported: %(n)d row has problems.",
            "Nothing was imported: %(n)d rows have problems.",
            bad,
        ) % {"n": bad}
        super().__init__(
            message,
            field_errors={
                "file": [_("row %(row)d: %(reasons)s") % {"row": r, "reasons": "; ".join(m)} for r, m in rows]
            },
        )


def _table(content: bytes, filename: str) -> list[list]:
    if len(content) > MAX_BYTES:
        raise InvalidInput(_("The file is too large (at most 5 MB)."))
    return read_table(content, filename, max_rows=MAX_ROWS, wrong_type=_("Send a CSV or XLSX file."))


def _columns(header: list) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _norm(cell)
        for key, names in ALIASES.items():
            if name in names and key not in found:
                found[key] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise InvalidInput(
            _("The sheet lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            field_errors={
                "file": [_("The sheet lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}]
            },
        )
    return found


def _cell_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return parse_day(text)


def _parse_row(values: list, columns: dict[str, int]) -> tuple[dict, list[str]]:
    data: dict = {}
    reasons: list[str] = []
    for key, index in columns.items():
        raw = values[index] if index < len(values) else None
        empty = raw is None or str(raw).strip() == ""
        if key in DATE_FIELDS:
            if empty:
                data[key] = None
                continue
            day = _cell_date(raw)
            if day is None:
                reasons.append(_("%(column)s is not a date (YYYY-MM-DD or DD/MM/YYYY).") % {"column": key})
            data[key] = day
        elif key in BOOL_FIELDS:
            text = _norm(raw)
            if text in TRUE:
                data[key] = True
            elif text in FALSE:
                data[key] = False
            else:
                reasons.append(_("%(column)s must be yes or no.") % {"column": key})
        elif key in INT_FIELDS:
            if empty:
                data[key] = None
                continue
            try:
                number = Decimal(str(raw).strip())
                if number != number.to_integral_value() or number < 0:
                    raise InvalidOperation
                data[key] = int(number)
            except (InvalidOperation, ValueError):
                reasons.append(_("%(column)s must be a whole number.") % {"column": key})
        else:
            data[key] = "" if empty else " ".join(str(raw).split())
    return data, reasons


def associations_import(*, actor, collectivity: Collectivity, content: bytes, filename: str) -> ImportResult:
    """Read the registry's sheet: a row per association, matched on its Arabic name (an existing card
    is updated, a new one created, registered). All rows are checked first: any bad row and nothing
    is written (ImportRejected names them)."""
    _check(actor, collectivity)
    table = [r for r in _table(content, filename) if any(c is not None and str(c).strip() for c in r)]
    if not table:
        raise InvalidInput(_("The file is empty."))
    if len(table) > MAX_ROWS + 1:
        raise InvalidInput(_("The sheet has more than %(max)s rows.") % {"max": MAX_ROWS})
    columns = _columns(table[0])
    existing = {a.name_ar: a for a in Association.objects.filter(collectivity=collectivity)}
    result = ImportResult()
    planned: list[tuple[Association, bool]] = []
    seen: dict[str, int] = {}
    bad = 0
    for number, values in enumerate(table[1:], start=2):
        data, reasons = _parse_row(values, columns)
        name = data.get("name_ar") or ""
        if name and name in seen:
            reasons.append(_("the same association is on row %(row)d.") % {"row": seen[name]})
        seen.setdefault(name, number)
        obj = existing.get(name) or Association(
            collectivity=collectivity, status=Association.Status.REGISTERED, validated_by=actor
        )
        is_new = obj.pk is None
        for key, value in data.items():
            setattr(obj, key, value)
        if is_new and obj.registered_on is None:
            obj.registered_on = timezone.localdate()
        if not reasons:
            try:
                obj.full_clean(exclude=["members", "representative", "registered_by", "validated_by"])
            except ValidationError as exc:
                reasons.extend(f"{k}: {' '.join(str(m) for m in v)}" for k, v in exc.message_dict.items())
        result.rows += 1
        if reasons:
            bad += 1
            if len(result.errors) < MAX_REASONS:
                result.errors.append((number, reasons))
            continue
        planned.append((obj, is_new))
    if bad:
        raise ImportRejected(result.errors, bad)
    now = timezone.now()
    with transaction.atomic():
        for obj, is_new in planned:
            if is_new:
                obj.validated_at = now
            history_stamp(obj, user=actor, at=now, reason="import")
            obj.save()
            if is_new:
                result.created += 1
            else:
                result.updated += 1
    return result

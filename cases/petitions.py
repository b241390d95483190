"""Petitions as OL 113-14 art. 121-125 and Decree 2.16.403 define them: signatures, the filing
guard, the admissibility checklist and the purge of personal data. Writes are services: one
transaction, the case row locked, an audit entry on the case's chain (counts, never personal data)."""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from . import lifecycle, register_cache, roles
from . import personal_data as pd
from . import states as S
from .errors import GuardFailed, InvalidInput, InvalidTransition, NotFound, TransitionNotAllowed
from .models import AdmissibilityCheck, Case, CaseAttachment, Collectivity, Signature, SignatureAccessLog

CSV_COLUMNS = ("full_name", "cnie", "address", "link")
MAX_ROWS = 200_000
BATCH = 2000
SIGNING_STATES = (S.DRAFT, S.AWAITING_INFORMATION)
ASSOCIATION_ATTACHMENTS = (
    CaseAttachment.Purpose.FINAL_RECEIPT,
    CaseAttachment.Purpose.STATUTES,
    CaseAttachment.Purpose.MANDATE,
)

DRAFT_SIGNATURES_REFUSED = gettext_lazy(
    "This petition is still a draft: its signatures are the agent's working data. "
    "The council bureau sees the signatories once the petition is filed."
)

# The bureau's admissibility checklist (docs/domain.md §3.3). Codes match lifecycle.INADMISSIBILITY_GROUNDS.
CHECKLIST = {
    "signatures": gettext_lazy("Enough valid, distinct signatories (art. 123)"),
    "territorial_link": gettext_lazy("Signatories live or work in the territory (art. 123)"),
    "electoral_conditions": gettext_lazy("Signatories meet the conditions for the electoral lists (art. 123)"),
    "association_conditions": gettext_lazy("The association meets the conditions of art. 124"),
    "documents": gettext_lazy("The documents of Decree 2.16.403 are attached"),
    "competence": gettext_lazy("Within the council's competences (art. 121-122, 77-91)"),
    "constitutional_constants": gettext_lazy("Does not touch the constants of Constitution article 1 (art. 121)"),
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

LINK_ALIASES = {
    "resident": "resident",
    "residence": "resident",
    "résident": "resident",
    "سكن": "resident",
    "ساكن": "resident",
    "activity": "activity",
    "activité": "activity",
    "نشاط": "activity",
}


@dataclass
class RowResult:
    row: int
    reason: str
    code: str


@dataclass
class ImportResult:
    accepted: int = 0
    rejected: list[RowResult] = field(default_factory=list)
    signature_count: int = 0

    def as_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "rejected": [{"row": r.row, "code": r.code, "reason": r.reason} for r in self.rejected],
            "signature_count": self.signature_count,
        }


# Reads ----------------------------------------------------------------------------------------


def signature_count(case: Case) -> int:
    """Valid, distinct signatures; after the purge, the count kept at that moment."""
    if case.personal_data_purged_at is not None:
        return case.purged_signature_count or 0
    return Signature.objects.filter(case=case, valid=True).count()


def can_see_personal_data(user, case: Case) -> bool:
    """Names, addresses, whole CNIE numbers and scans: the bureau only (docs/domain.md §12)."""
    return bool(lifecycle.P.is_bureau_member(user, case))


def is_agent(user, case: Case) -> bool:
    return bool(lifecycle.P.is_submitter(user, case))


def signatures_for_bureau(*, user, case: Case, what: str = "list"):
    """The signatories with their personal data; every call writes an access log row."""
    if not can_see_personal_data(user, case):
        raise TransitionNotAllowed(_("Only the council bureau sees signatories' personal data."))
    if case.state == S.DRAFT:
        # Before filing the signatures are the agent's working data; the bureau examines them once
        # the petition is filed (OL 113-14 art. 125; Law 09-08 minimisation).
        raise TransitionNotAllowed(DRAFT_SIGNATURES_REFUSED)
    rows = list(Signature.objects.filter(case=case).order_by("id"))
    SignatureAccessLog.objects.create(user=user, case=case, what=what, count=len(rows))
    for row in rows:
        row.cnie = pd.cnie_decrypt(row.cnie_encrypted)
    return rows


def signatures_for_agent(*, user, case: Case):
    """The agent sees masked numbers only (last three characters), never names or addresses."""
    if not (is_agent(user, case) or lifecycle.P.is_intake(user, case)):
        raise TransitionNotAllowed(_("Only the petition's agent sees its signatures."))
    return list(
        Signature.objects.filter(case=case)
        .order_by("id")
        .values("id", "cnie_last3", "link", "channel", "valid", "invalidated_reason", "created_at")
    )


# Signatures -----------------------------------------------------------------------------------


def _check_can_add(actor, case: Case) -> None:
    if case.kind != Case.Kind.PETITION:
        raise InvalidTransition(_("Only a petition collects signatures."))
    if not (is_agent(actor, case) or lifecycle.P.is_intake(actor, case)):
        raise TransitionNotAllowed(_("Only the petition's agent or the reception desk adds signatures."))
    if case.association_id is not None:
        raise InvalidTransition(_("An association's petition is filed by its legal representative, without signatures."))
    if case.state not in SIGNING_STATES:
        raise InvalidTransition(_("Signatures are collected before filing, or when the bureau asks for more."))


TOO_MANY_COLUMNS = object()


def _clean_row(raw, *, row: int, collectivity: Collectivity) -> tuple[dict | None, RowResult | None]:
    if raw is TOO_MANY_COLUMNS:
        return None, RowResult(row, _("Too many columns on this line."), "malformed")
    if not isinstance(raw, Mapping):
        return None, RowResult(row, _("This row is not an object with full_name, cnie, address and link."), "malformed")
    values = {k: raw.get(k) for k in CSV_COLUMNS}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
        return None, RowResult(row, _("Blank row."), "blank")
    if not all(v is None or isinstance(v, str) for v in values.values()):
        return None, RowResult(row, _("Every value must be text."), "malformed")
    full_name = (values["full_name"] or "").strip()
    address = (values["address"] or "").strip()
    link = LINK_ALIASES.get((values["link"] or "").strip().lower())
    cnie = pd.cnie_normalize(values["cnie"] or "")
    if any(lifecycle.has_invalid_characters(v or "") for v in values.values()):
        return None, RowResult(row, _("The text contains invalid characters."), "malformed")
    if not lifecycle.letter_count(full_name) or len(full_name) > 200:
        return None, RowResult(row, _("The full name is missing or too long."), "full_name")
    if lifecycle.has_bidi_controls(full_name):
        return None, RowResult(row, str(lifecycle.BIDI_CONTROLS_MESSAGE), "full_name")
    if not cnie:
        return None, RowResult(row, _("The CNIE number is missing."), "cnie_missing")
    if not pd.cnie_is_valid(cnie):
        return None, RowResult(
            row, _("The CNIE number is not valid: one or two letters, then digits (e.g. AB123456)."), "cnie_invalid"
        )
    if not lifecycle.letter_count(address) or len(address) > 300:
        return None, RowResult(row, _("The address is missing or too long."), "address")
    if link is None:
        return None, RowResult(row, _("The link to the territory must be “resident” or “activity”."), "link")
    province = raw.get("province") if isinstance(raw.get("province"), str) else ""
    if collectivity.type == Collectivity.Type.REGION and province and province not in collectivity.provinces:
        return None, RowResult(row, _("Unknown prefecture or province."), "province")
    return {"full_name": full_name, "address": address, "link": link, "cnie": cnie, "province": province or ""}, None


def signatures_import(
    *, actor, case: Case | str, rows: Iterable, channel: str = Signature.Channel.PAPER, at=None
) -> ImportResult:
    """Paper signatures typed in or imported (OL 113-14 art. 123; Decree 2.16.403 art. 3): each row
    accepted or rejected with its reason; a duplicate CNIE counts once and is reported."""
    at = at or timezone.now()
    if not isinstance(rows, list | tuple):
        rows = list(rows) if not isinstance(rows, str | bytes | Mapping) else None
    if rows is None:
        raise InvalidInput(_("Send a list of signatures."))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(_("At most %(n)d signatures at once.") % {"n": MAX_ROWS})
    if channel not in Signature.Channel.values:
        raise InvalidInput(field_errors={"channel": [_("Unknown channel.")]})
    result = ImportResult()
    with transaction.atomic():
        locked = _lock(case)
        _check_can_add(actor, locked)
        seen = set(Signature.objects.filter(case=locked).values_list("cnie_hash", flat=True))
        pending: list[Signature] = []
        for number, raw in enumerate(rows, start=1):
            clean, rejection = _clean_row(raw, row=number, collectivity=locked.collectivity)
            if rejection:
                result.rejected.append(rejection)
                continue
            digest = pd.cnie_hash(clean["cnie"])
            if digest in seen:
                result.rejected.append(
                    RowResult(number, _("Duplicate: this CNIE number has already signed this petition."), "duplicate")
                )
                continue
            seen.add(digest)
            pending.append(
                Signature(
                    case=locked,
                    full_name=clean["full_name"],
                    cnie_encrypted=pd.cnie_encrypt(clean["cnie"]),
                    cnie_hash=digest,
                    cnie_last3=clean["cnie"][-3:],
                    address=clean["address"],
                    link=clean["link"],
                    province=clean["province"],
                    channel=channel,
                    created_by=actor,
                    created_at=at,
                )
            )
        _signatures_bulk_create(pending, actor=actor, case=locked)
        # Each signature keeps its own history row (without personal fields); the case's audit
        # chain records what is decided on them (invalidations, the checklist, the purge).
        result.accepted = len(pending)
        result.signature_count = Signature.objects.filter(case=locked, valid=True).count()
        if pending and locked.state != S.DRAFT:
            # The public case page shows the count (cases.page_cache): render it again now and once
            # more on commit, as cases.services does after its writes.
            collectivity_id = locked.collectivity_id
            register_cache.invalidate(collectivity_id)
            transaction.on_commit(lambda: register_cache.invalidate(collectivity_id))
    return result


def _signatures_bulk_create(pending: list[Signature], *, actor, case: Case) -> None:
    """Insert the rows, then their "+" history rows, as bulk_create_with_history would, at a
    fraction of its cost on a 100,000-row import: PostgreSQL takes each batch as one INSERT ...
    SELECT FROM unnest(column arrays), and the history is copied in SQL (INSERT ... SELECT) rather
    than built as a second model instance per row. The case is locked: no other writer adds
    signatures to it meanwhile."""
    if not pending:
        return
    if connection.vendor == "postgresql":
        ids = _signatures_insert_unnest(pending)
    elif connection.features.can_return_rows_from_bulk_insert:
        Signature.objects.bulk_create(pending, batch_size=BATCH)
        ids = [signature.pk for signature in pending]
    else:
        for start in range(0, len(pending), BATCH):
            bulk_create_with_history(pending[start : start + BATCH], Signature, batch_size=BATCH, default_user=actor)
        return
    history = Signature.history.model
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in history.tracked_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            # Identifiers only come from the models' metadata; every value is a parameter.
            f"INSERT INTO {qn(history._meta.db_table)} ({columns}, {qn('history_date')}, "  # noqa: S608
            f"{qn('history_change_reason')}, {qn('history_type')}, {qn('history_user_id')}) "
            f"SELECT {columns}, %s, NULL, '+', %s FROM {qn(Signature._meta.db_table)} "
            f"WHERE {qn('case_id')} = %s AND {qn('id')} BETWEEN %s AND %s",
            [connection.ops.adapt_datetimefield_value(timezone.now()), getattr(actor, "pk", None), case.pk, min(ids), max(ids)],
        )


def _signatures_insert_unnest(pending: list[Signature]) -> list[int]:
    """PostgreSQL: every concrete field as one typed array per batch (what Django's own bulk_create
    sends), skipping its per-value compilation; values are prepared by their field, once per
    distinct value. Returns the new ids, which are also set on the instances."""
    fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    arrays = ", ".join(f"%s::{f.db_type(connection).split('(')[0]}[]" for f in fields)
    sql = (
        # Identifiers and types only come from the model's metadata; every value is a parameter.
        f"INSERT INTO {qn(Signature._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT * FROM unnest({arrays}) RETURNING {qn(Signature._meta.pk.column)}"
    )
    text = {"CharField", "TextField"}
    prepared: list[dict] = [{} for _ in fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(pending), BATCH):
            batch = pending[start : start + BATCH]
            columns = []
            for field, memo in zip(fields, prepared, strict=True):
                values = [getattr(obj, field.attname) for obj in batch]
                if field.get_internal_type() not in text:
                    try:
                        for value in set(values) - memo.keys():
                            memo[value] = field.get_db_prep_save(value, connection)
                        values = [memo[value] for value in values]
                    except TypeError:  # an unhashable value: prepare each one
                        values = [field.get_db_prep_save(value, connection) for value in values]
                columns.append(values)
            cursor.execute(sql, columns)
            ids += [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(pending, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return ids


def signatures_import_csv(*, actor, case: Case | str, stream, at=None) -> ImportResult:
    """CSV with the header full_name,cnie,address,link (UTF-8, BOM allowed). A wrong header is
    fatal: nothing is imported."""
    text = stream.read() if hasattr(stream, "read") else stream
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(_("The file is not UTF-8 text.")) from None
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(_("The file is empty.")) from None
    except csv.Error:
        raise InvalidInput(_("The file is not a valid CSV file.")) from None
    normalized = [h.strip().lower() for h in header]
    if normalized[:4] != list(CSV_COLUMNS) or any(normalized[4:]):
        raise InvalidInput(
            _("The first line must be exactly: %(columns)s (found: %(found)s).")
            % {"columns": ",".join(CSV_COLUMNS), "found": ",".join(h.strip() for h in header)[:200]}
        )
    rows: list = []
    try:
        for values in reader:
            if len(values) > 4 and any(v.strip() for v in values[4:]):
                rows.append(TOO_MANY_COLUMNS)
                continue
            rows.append(dict(zip(CSV_COLUMNS, (values + ["", "", "", ""])[:4], strict=True)))
    except csv.Error:
        raise InvalidInput(_("The file is not a valid CSV file.")) from None
    return signatures_import(actor=actor, case=case, rows=rows, channel=Signature.Channel.PAPER, at=at)


def signature_sign_online(
    *, user, case: Case | str, full_name: str, cnie: str, address: str, link: str, confirm_link: bool, ip: str = "", at=None
) -> Signature:
    """A logged-in, e-mail-verified citizen signs once per petition, after confirming their link to
    the territory (OL 113-14 art. 123); rate-limited per account and per address."""
    at = at or timezone.now()
    if not getattr(user, "is_authenticated", False):
        raise TransitionNotAllowed(_("Log in to sign."))
    if not user.email_verified:
        raise TransitionNotAllowed(_("Confirm your e-mail address before signing."))
    if not confirm_link:
        raise GuardFailed(field_errors={"confirm_link": [_("Confirm that you live or work in the territory.")]})
    for key, limit in ((f"sign:user:{user.pk}", 20), (f"sign:ip:{ip}", 60)):
        if ip or key.startswith("sign:user"):
            count = cache.get_or_set(key, 0, 3600)
            if count >= limit:
                raise TransitionNotAllowed(_("Too many signatures in a short time: try again in an hour."))
    with transaction.atomic():
        locked = _lock(case)
        if locked.kind != Case.Kind.PETITION or locked.state != S.DRAFT or not locked.signing_open:
            raise InvalidTransition(_("This petition is not open for signatures."))
        clean, rejection = _clean_row(
            {"full_name": full_name, "cnie": cnie, "address": address, "link": link}, row=1, collectivity=locked.collectivity
        )
        if rejection:
            raise GuardFailed(field_errors={rejection.code: [rejection.reason]})
        digest = pd.cnie_hash(clean["cnie"])
        if Signature.objects.filter(case=locked).filter(cnie_hash=digest).exists() or Signature.objects.filter(
            case=locked, user=user
        ).exists():
            raise GuardFailed(field_errors={"cnie": [_("You have already signed this petition.")]})
        signature = Signature(
            case=locked,
            full_name=clean["full_name"],
            cnie_encrypted=pd.cnie_encrypt(clean["cnie"]),
            cnie_hash=digest,
            cnie_last3=clean["cnie"][-3:],
            address=clean["address"],
            link=clean["link"],
            channel=Signature.Channel.ONLINE,
            user=user,
            created_by=user,
            created_at=at,
        )
        signature._history_user = user
        signature.save()
    for key in (f"sign:user:{user.pk}", f"sign:ip:{ip}"):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3600)
    return signature


def petition_signing_set(*, actor, case: Case | str, open_: bool, at=None) -> Case:
    """The agent opens (or closes) a draft petition for online signatures."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(case)
        if not is_agent(actor, locked):
            raise TransitionNotAllowed(_("Only the petition's agent opens it for signatures."))
        if locked.kind != Case.Kind.PETITION or locked.state != S.DRAFT or locked.association_id:
            raise InvalidTransition(_("Only a citizens' petition in draft collects online signatures."))
        locked.signing_open = bool(open_)
        locked._history_user = actor
        locked._change_reason = "signing_opened" if open_ else "signing_closed"
        locked.save(update_fields=["signing_open"])
    return locked


def signatures_invalidate(*, actor, case: Case | str, signature_ids: list[int], reason: str, at=None) -> int:
    """The bureau invalidates signatures in bulk, with a reason; audited (counts only)."""
    at = at or timezone.now()
    if not isinstance(reason, str) or lifecycle.letter_count(reason) < 5:
        raise GuardFailed(field_errors={"reason": [_("Give the reason of the invalidation.")]})
    if not isinstance(signature_ids, list | tuple) or not signature_ids or not all(isinstance(i, int) for i in signature_ids):
        raise GuardFailed(field_errors={"signatures": [_("Choose the signatures to invalidate.")]})
    with transaction.atomic():
        locked = _lock(case)
        if not lifecycle.P.is_bureau_member(actor, locked):
            raise TransitionNotAllowed(_("Only the council bureau invalidates signatures."))
        if locked.state == S.DRAFT:
            raise TransitionNotAllowed(DRAFT_SIGNATURES_REFUSED)
        if locked.state in S.CLOSED_STATES:
            raise InvalidTransition(_("The case is closed."))
        targets = list(Signature.objects.select_for_update().filter(case=locked, pk__in=signature_ids, valid=True))
        for signature in targets:
            signature.valid = False
            signature.invalidated_reason = reason.strip()[:300]
            signature.invalidated_at = at
            signature.invalidated_by = actor
            signature._history_user = actor
            signature.save(update_fields=["valid", "invalidated_reason", "invalidated_at", "invalidated_by"])
        if targets:
            _audit(locked, "signatures_invalidated", actor, at, {"count": len(targets)}, justification=reason.strip())
    return len(targets)


# The filing guard -----------------------------------------------------------------------------


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


def association_unmet(case: Case, at: datetime.datetime) -> dict[str, list[str]]:
    """OL 113-14 art. 124 and Decree 2.16.403 art. 4, each unmet condition named."""
    errors: dict[str, list[str]] = {}
    association = case.association
    collectivity = case.collectivity
    filing_day = timezone.localtime(at).date()
    years = collectivity.association_min_age_years
    # "more than 3 years": founded exactly 3 years before the filing day is not enough.
    if not association.founded_on + relativedelta(years=years) < filing_day:
        errors["association_age"] = [
            _("The association must have been founded more than %(n)d years before filing.") % {"n": years}
        ]
    if not (association.seat_in_collectivity or association.branch_in_collectivity):
        errors["association_seat"] = [_("The association must have its seat or a branch in the collectivity.")]
    if collectivity.association_min_members and (association.members_count or 0) < collectivity.association_min_members:
        errors["association_members"] = [
            _("The association must have at least %(n)d members.") % {"n": collectivity.association_min_members}
        ]
    present = set(case.attachments.filter(purpose__in=ASSOCIATION_ATTACHMENTS).values_list("purpose", flat=True))
    labels = dict(CaseAttachment.Purpose.choices)
    for purpose in ASSOCIATION_ATTACHMENTS:
        if purpose not in present:
            errors.setdefault("documents", []).append(_("Missing document: %(name)s.") % {"name": labels[purpose]})
    return errors


def guard_petition_submit(case: Case, at: datetime.datetime) -> dict[str, list[str]]:
    """Every unmet filing condition of a petition (OL 113-14 art. 123-124), translated."""
    if case.association_id:
        return association_unmet(case, at)
    errors: dict[str, list[str]] = {}
    minimum = case.collectivity.petition_min_signatures
    count = Signature.objects.filter(case=case, valid=True).count()
    if count < minimum:
        errors["signatures"] = [
            _("A citizens' petition needs at least %(min)d valid, distinct signatures; it has %(n)d.")
            % {"min": minimum, "n": count}
        ]
    short = region_spread_shortfalls(case, minimum)
    if short:
        errors["signatures_spread"] = [
            _("Too few signatures from: %(provinces)s (at least %(pct)d %% of the required number from each).")
            % {"provinces": ", ".join(short), "pct": case.collectivity.region_min_share_per_province_percent}
        ]
    return errors


# Admissibility --------------------------------------------------------------------------------


def applicable_conditions(case: Case) -> list[str]:
    if case.association_id:
        return ["association_conditions", "documents", "competence", "constitutional_constants"]
    return ["signatures", "territorial_link", "electoral_conditions", "documents", "competence", "constitutional_constants"]


def admissibility_record(*, actor, case: Case | str, results: Mapping, at=None) -> list[AdmissibilityCheck]:
    """The bureau marks each legal condition met or not, with a note; audited."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(case)
        if not lifecycle.P.is_bureau_member(actor, locked):
            raise TransitionNotAllowed(_("Only the council bureau rules on admissibility."))
        if locked.kind != Case.Kind.PETITION or locked.state not in (S.SUBMITTED, S.UNDER_REVIEW, S.AWAITING_INFORMATION):
            raise InvalidTransition(_("The admissibility checklist is for a filed petition under review."))
        if not isinstance(results, Mapping) or not results:
            raise GuardFailed(field_errors={"conditions": [_("Mark at least one condition.")]})
        errors: dict[str, list[str]] = {}
        clean = {}
        for condition, value in results.items():
            if condition not in CHECKLIST:
                errors.setdefault("conditions", []).append(_("Unknown condition: %(c)s.") % {"c": condition})
                continue
            met, note = (value.get("met"), value.get("note", "")) if isinstance(value, Mapping) else (value, "")
            if not isinstance(met, bool) or not isinstance(note, str):
                errors.setdefault(condition, []).append(_("Say whether the condition is met."))
                continue
            if not met and not lifecycle.letter_count(note):
                errors.setdefault(condition, []).append(_("Explain why the condition is not met."))
                continue
            clean[condition] = (met, note.strip())
        if errors:
            raise GuardFailed(_("The checklist cannot be recorded."), field_errors=errors)
        saved = []
        for condition, (met, note) in clean.items():
            check, _created = AdmissibilityCheck.objects.update_or_create(
                case=locked, condition=condition, defaults={"met": met, "note": note, "checked_by": actor, "checked_at": at}
            )
            saved.append(check)
        _audit(
            locked,
            "admissibility_check",
            actor,
            at,
            {"conditions": {c: m for c, (m, _n) in clean.items()}},
        )
    return saved


def unmet_conditions(case: Case) -> list[str]:
    return list(AdmissibilityCheck.objects.filter(case=case, met=False).values_list("condition", flat=True))


# Purge ----------------------------------------------------------------------------------------


def personal_data_purge(*, now=None, dry_run: bool = False) -> list[tuple[str, int]]:
    """Law 09-08: signatories' personal data serve the petition alone. A configurable time after
    the case closes, names, numbers, addresses and scans go; the count of signatures stays."""
    now = now or timezone.now()
    done = []
    candidates = Case.objects.filter(
        kind=Case.Kind.PETITION, closed_at__isnull=False, personal_data_purged_at__isnull=True
    ).select_related("collectivity")
    for case in candidates.iterator():
        if case.closed_at + datetime.timedelta(days=case.collectivity.personal_data_retention_days) > now:
            continue
        if dry_run:
            done.append((case.reference, Signature.objects.filter(case=case).count()))
            continue
        with transaction.atomic():
            locked = _lock(case.pk)
            count = Signature.objects.filter(case=locked, valid=True).count()
            removed = Signature.objects.filter(case=locked).count()
            personal = [CaseAttachment.Purpose.SIGNED_LISTS, CaseAttachment.Purpose.CNIE_COPIES]
            scans = locked.attachments.filter(purpose__in=personal)
            for scan in scans:
                scan.file.delete(save=False)
            # Rows first, then their history: deleting a row writes one more history record.
            # A raw delete: no per-row history record for rows whose history goes next anyway.
            doomed = Signature.objects.filter(case=locked)
            doomed._raw_delete(doomed.db)
            scans.delete()
            Signature.history.filter(case_id=locked.pk).delete()
            CaseAttachment.history.filter(case_id=locked.pk, purpose__in=personal).delete()
            locked.purged_signature_count = count
            locked.personal_data_purged_at = now
            locked.submitter_name = ""
            locked.submitter_contact = ""
            _audit(locked, "personal_data_purged", None, now, {"signatures_removed": removed, "valid_kept_as_count": count})
            # The case's own history keeps earlier copies of the paper filer's name: blank them too.
            locked.history.exclude(submitter_name="").update(submitter_name="", submitter_contact="")
        done.append((case.reference, removed))
    return done


# Helpers ------------------------------------------------------------------------------------


def _lock(case: Case | str | int) -> Case:
    from .services import _locked_for_action

    if isinstance(case, str) and "\x00" in case:
        raise NotFound(_("No such case."))
    return _locked_for_action(case)


def _audit(case: Case, name: str, actor, at, public: dict, justification: str = "") -> None:
    from .services import _append_action

    role = ""
    if actor is not None:
        groups = actor.group_names()
        role = next((g for g in (roles.BUREAU, roles.INTAKE, roles.CITIZEN, roles.ASSOCIATION) if g in groups), "")
    _append_action(case, name=name, actor=actor, role=role, at=at, public=public, justification=justification)

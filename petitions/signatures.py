"""Signatures of a petition (OL 113-14 art. 123): paper import, online signing, invalidation, and who
may see the signatories (Law 09-08)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from cases import lifecycle, services
from cases import states as S
from cases.models import Case
from core import text
from core.errors import GuardFailed, InvalidInput, InvalidTransition, TransitionNotAllowed
from core.history import history_stamp
from organisation.models import Collectivity
from petitions import personal_data as pd
from petitions.actions import lock, record_action
from petitions.models import Signature, SignatureAccessLog

CSV_COLUMNS = ("full_name", "cnie", "address", "link")


MAX_ROWS = 200_000


BATCH = 2000


SIGNING_STATES = (S.DRAFT, S.AWAITING_INFORMATION)


DRAFT_SIGNATURES_REFUSED = gettext_lazy(
    "This petition is still a draft: its signatures are the agent's working data. "
    "The council bureau sees the signatories once the petition is filed."
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


def _check_can_add(actor, case: Case) -> None:
    if case.kind != Case.Kind.PETITION:
        raise InvalidTransition(_("Only a petition collects signatures."))
    if not (is_agent(actor, case) or lifecycle.P.is_intake(actor, case)):
        raise TransitionNotAllowed(_("Only the petition's agent or the reception desk adds signatures."))
    if case.association_id is not None:
        raise InvalidTransition(
            _("An association's petition is filed by its legal representative, without signatures.")
        )
    if case.state not in SIGNING_STATES:
        raise InvalidTransition(
            _("Signatures are collected before filing, or when the bureau asks for more.")
        )


TOO_MANY_COLUMNS = object()


def _clean_row(raw, *, row: int, collectivity: Collectivity) -> tuple[dict | None, RowResult | None]:
    if raw is TOO_MANY_COLUMNS:
        return None, RowResult(row, _("Too many columns on this line."), "malformed")
    if not isinstance(raw, Mapping):
        return None, RowResult(
            row, _("This row is not an object with full_name, cnie, address and link."), "malformed"
        )
    values = {k: raw.get(k) for k in CSV_COLUMNS}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
        return None, RowResult(row, _("Blank row."), "blank")
    if not all(v is None or isinstance(v, str) for v in values.values()):
        return None, RowResult(row, _("Every value must be text."), "malformed")
    province = raw.get("province") if isinstance(raw.get("province"), str) else ""
    clean = {
        "full_name": (values["full_name"] or "").strip(),
        "address": (values["address"] or "").strip(),
        "link": LINK_ALIASES.get((values["link"] or "").strip().lower()),
        "cnie": pd.cnie_normalize(values["cnie"] or ""),
        "province": province or "",
    }
    if text.has_invalid_characters("".join(v for v in values.values() if v)):
        return None, RowResult(row, _("The text contains invalid characters."), "malformed")
    problem = _signatory_problem(clean, collectivity)
    if problem is not None:
        reason, code = problem
        return None, RowResult(row, reason, code)
    return clean, None


def _has_letter(value: str) -> bool:
    """text.letter_count(value) > 0, stopping at the first letter (a name starts with one)."""
    return any(ch != text.TATWEEL and unicodedata.category(ch)[0] == "L" for ch in value)


def _signatory_problem(clean: dict, collectivity: Collectivity) -> tuple[str, str] | None:
    """The first problem of a signatory's cleaned values (its reason and code), else None; the
    lengths are the columns' of Signature."""
    full_name, address, cnie = clean["full_name"], clean["address"], clean["cnie"]
    if not _has_letter(full_name) or len(full_name) > Signature._meta.get_field("full_name").max_length:
        return _("The full name is missing or too long."), "full_name"
    if text.has_bidi_controls(full_name):
        return str(text.BIDI_CONTROLS_MESSAGE), "full_name"
    if not cnie:
        return _("The CNIE number is missing."), "cnie_missing"
    if not pd.cnie_is_valid(cnie):
        return _(
            "The CNIE number is not valid: one or two letters, then digits (e.g. AB123456)."
        ), "cnie_invalid"
    if not _has_letter(address) or len(address) > Signature._meta.get_field("address").max_length:
        return _("The address is missing or too long."), "address"
    if clean["link"] is None:
        return _("The link to the territory must be “resident” or “activity”."), "link"
    province = clean["province"]
    if collectivity.type == Collectivity.Type.REGION and province and province not in collectivity.provinces:
        return _("Unknown prefecture or province."), "province"
    return None


def _signature_new(clean: dict, *, case: Case, digest: str, channel: str, by, at, user=None) -> Signature:
    """An unsaved signature from a cleaned row: the CNIE kept encrypted, hashed and as its last three
    characters (Law 09-08)."""
    return Signature(
        case=case,
        full_name=clean["full_name"],
        cnie_encrypted=pd.cnie_encrypt(clean["cnie"]),
        cnie_hash=digest,
        cnie_last3=clean["cnie"][-3:],
        address=clean["address"],
        link=clean["link"],
        province=clean["province"],
        channel=channel,
        user=user,
        created_by=by,
        created_at=at,
    )


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
        raise InvalidInput(
            ngettext("At most %(n)d signature at once.", "At most %(n)d signatures at once.", MAX_ROWS)
            % {"n": MAX_ROWS}
        )
    if channel not in Signature.Channel.values:
        raise InvalidInput(field_errors={"channel": [_("Unknown channel.")]})
    result = ImportResult()
    with transaction.atomic():
        locked = lock(case)
        _check_can_add(actor, locked)
        seen = set(Signature.objects.filter(case=locked).values_list("cnie_hash", flat=True))
        pending: list[tuple[dict, str]] = []
        for number, raw in enumerate(rows, start=1):
            clean, rejection = _clean_row(raw, row=number, collectivity=locked.collectivity)
            if rejection:
                result.rejected.append(rejection)
                continue
            digest = pd.cnie_hash(clean["cnie"])
            if digest in seen:
                result.rejected.append(
                    RowResult(
                        number,
                        _("Duplicate: this CNIE number has already signed this petition."),
                        "duplicate",
                    )
                )
                continue
            seen.add(digest)
            pending.append((clean, digest))
        if connection.vendor == "postgresql":
            _signatures_copy(pending, case=locked, channel=channel, actor=actor, at=at)
        else:
            _signatures_bulk_create(
                [
                    _signature_new(clean, case=locked, digest=digest, channel=channel, by=actor, at=at)
                    for clean, digest in pending
                ],
                actor=actor,
                case=locked,
            )
        # Each signature keeps its own history row (without personal fields); the case's audit
        # chain records what is decided on them (invalidations, the checklist, the purge).
        result.accepted = len(pending)
        result.signature_count = Signature.objects.filter(case=locked, valid=True).count()
        if pending and locked.state != S.DRAFT:
            # The public case page shows the count (cases.page_cache): render it again.
            services.register_changed(locked)
    return result


# The columns COPY writes, in this order (the model's concrete fields but the key).
_COPY_FIELDS = [f for f in Signature._meta.concrete_fields if not f.primary_key]


def _signatures_copy(pending: list[tuple[dict, str]], *, case: Case, channel: str, actor, at) -> None:
    """PostgreSQL: the rows streamed with COPY (psycopg's copy, no model instance, no SQL per batch),
    then their "+" history rows copied in SQL. The case is locked: the new rows of this case are the
    ones after its highest id before the COPY."""
    if not pending:
        return
    qn = connection.ops.quote_name
    table = qn(Signature._meta.db_table)
    values = {
        "case_id": case.pk,
        "channel": channel,
        "user_id": None,
        "valid": True,
        "invalidated_reason": "",
        "invalidated_at": None,
        "invalidated_by_id": None,
        "created_by_id": getattr(actor, "pk", None),
        "created_at": at,
    }
    columns = [f.attname for f in _COPY_FIELDS]
    # Each row is the constant values with the signatory's own in their places.
    template = [values.get(c) for c in columns]
    at_ = {c: i for i, c in enumerate(columns)}
    name_i, enc_i, hash_i, last3_i = (
        at_["full_name"],
        at_["cnie_encrypted"],
        at_["cnie_hash"],
        at_["cnie_last3"],
    )
    address_i, link_i, province_i = at_["address"], at_["link"], at_["province"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table} WHERE case_id = %s", [case.pk])  # noqa: S608
        before = cursor.fetchone()[0]
        # Identifiers only come from the model's metadata; every value is streamed as data.
        sql = f"COPY {table} ({', '.join(qn(f.column) for f in _COPY_FIELDS)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for clean, digest in pending:
                cnie = clean["cnie"]
                row = template.copy()
                row[name_i], row[address_i] = clean["full_name"], clean["address"]
                row[enc_i], row[hash_i], row[last3_i] = pd.cnie_encrypt(cnie), digest, cnie[-3:]
                row[link_i], row[province_i] = clean["link"], clean["province"]
                copy.write_row(row)
    _history_copy(actor=actor, case=case, after=before)


def _history_copy(*, actor, case: Case, after: int, upto: int | None = None) -> None:
    """The "+" history row of each new signature of the case, copied in SQL (INSERT ... SELECT)."""
    history = Signature.history.model
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in history.tracked_fields)
    bounds = f"{qn('id')} > %s" + (f" AND {qn('id')} <= %s" if upto is not None else "")
    with connection.cursor() as cursor:
        cursor.execute(
            # Identifiers only come from the models' metadata; every value is a parameter.
            f"INSERT INTO {qn(history._meta.db_table)} ({columns}, {qn('history_date')}, "  # noqa: S608
            f"{qn('history_change_reason')}, {qn('history_type')}, {qn('history_user_id')}) "
            f"SELECT {columns}, %s, NULL, '+', %s FROM {qn(Signature._meta.db_table)} "
            f"WHERE {qn('case_id')} = %s AND {bounds}",
            [
                connection.ops.adapt_datetimefield_value(timezone.now()),
                getattr(actor, "pk", None),
                case.pk,
                after,
                *([upto] if upto is not None else []),
            ],
        )


def _signatures_bulk_create(pending: list[Signature], *, actor, case: Case) -> None:
    """Other databases (PostgreSQL streams them, _signatures_copy): insert the rows, then their "+"
    history rows, as bulk_create_with_history would, the history copied in SQL rather than built as
    a second model instance per row. The case is locked: no other writer adds signatures to it."""
    if not pending:
        return
    if connection.features.can_return_rows_from_bulk_insert:
        Signature.objects.bulk_create(pending, batch_size=BATCH)
        ids = [signature.pk for signature in pending]
    else:
        for start in range(0, len(pending), BATCH):
            bulk_create_with_history(
                pending[start : start + BATCH], Signature, batch_size=BATCH, default_user=actor
            )
        return
    _history_copy(actor=actor, case=case, after=min(ids) - 1, upto=max(ids))


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
    *,
    user,
    case: Case | str,
    full_name: str,
    cnie: str,
    address: str,
    link: str,
    confirm_link: bool,
    ip: str = "",
    at=None,
) -> Signature:
    """A logged-in, e-mail-verified citizen signs once per petition, after confirming their link to
    the territory (OL 113-14 art. 123); rate-limited per account and per address."""
    at = at or timezone.now()
    if not getattr(user, "is_authenticated", False):
        raise TransitionNotAllowed(_("Log in to sign."))
    if not user.email_verified:
        raise TransitionNotAllowed(_("Confirm your e-mail address before signing."))
    if not confirm_link:
        raise GuardFailed(
            field_errors={"confirm_link": [_("Confirm that you live or work in the territory.")]}
        )
    for key, limit in ((f"sign:user:{user.pk}", 20), (f"sign:ip:{ip}", 60)):
        if ip or key.startswith("sign:user"):
            count = cache.get_or_set(key, 0, 3600)
            if count >= limit:
                raise TransitionNotAllowed(_("Too many signatures in a short time: try again in an hour."))
    with transaction.atomic():
        locked = lock(case)
        if locked.kind != Case.Kind.PETITION or locked.state != S.DRAFT or not locked.signing_open:
            raise InvalidTransition(_("This petition is not open for signatures."))
        clean, rejection = _clean_row(
            {"full_name": full_name, "cnie": cnie, "address": address, "link": link},
            row=1,
            collectivity=locked.collectivity,
        )
        if rejection:
            raise GuardFailed(field_errors={rejection.code: [rejection.reason]})
        digest = pd.cnie_hash(clean["cnie"])
        if (
            Signature.objects.filter(case=locked).filter(cnie_hash=digest).exists()
            or Signature.objects.filter(case=locked, user=user).exists()
        ):
            raise GuardFailed(field_errors={"cnie": [_("You have already signed this petition.")]})
        signature = _signature_new(
            clean, case=locked, digest=digest, channel=Signature.Channel.ONLINE, by=user, at=at, user=user
        )
        history_stamp(signature, user=user)
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
        locked = lock(case)
        if not is_agent(actor, locked):
            raise TransitionNotAllowed(_("Only the petition's agent opens it for signatures."))
        if locked.kind != Case.Kind.PETITION or locked.state != S.DRAFT or locked.association_id:
            raise InvalidTransition(_("Only a citizens' petition in draft collects online signatures."))
        locked.signing_open = bool(open_)
        history_stamp(locked, user=actor, reason="signing_opened" if open_ else "signing_closed")
        locked.save(update_fields=["signing_open"])
    return locked


def signatures_invalidate(*, actor, case: Case | str, signature_ids: list[int], reason: str, at=None) -> int:
    """The bureau invalidates signatures in bulk, with a reason; audited (counts only)."""
    at = at or timezone.now()
    if not isinstance(reason, str) or text.letter_count(reason) < 5:
        raise GuardFailed(field_errors={"reason": [_("Give the reason of the invalidation.")]})
    if (
        not isinstance(signature_ids, list | tuple)
        or not signature_ids
        or not all(isinstance(i, int) for i in signature_ids)
    ):
        raise GuardFailed(field_errors={"signatures": [_("Choose the signatures to invalidate.")]})
    with transaction.atomic():
        locked = lock(case)
        if not lifecycle.P.is_bureau_member(actor, locked):
            raise TransitionNotAllowed(_("Only the council bureau invalidates signatures."))
        if locked.state == S.DRAFT:
            raise TransitionNotAllowed(DRAFT_SIGNATURES_REFUSED)
        if locked.state in S.CLOSED_STATES:
            raise InvalidTransition(_("The case is closed."))
        reason_max = Signature._meta.get_field("invalidated_reason").max_length
        targets = list(
            Signature.objects.select_for_update().filter(case=locked, pk__in=signature_ids, valid=True)
        )
        for signature in targets:
            signature.valid = False
            signature.invalidated_reason = reason.strip()[:reason_max]
            signature.invalidated_at = at
            signature.invalidated_by = actor
            history_stamp(signature, user=actor)
            signature.save(update_fields=["valid", "invalidated_reason", "invalidated_at", "invalidated_by"])
        if targets:
            record_action(
                locked,
                "signatures_invalidated",
                actor,
                at,
                {"count": len(targets)},
                justification=reason.strip(),
            )
    return len(targets)


def log_document_access(user, attachment) -> None:
    """Law 09-08: every opening of a signature list or a CNIE copy is logged."""
    SignatureAccessLog.objects.create(
        user=user,
        case=attachment.case,
        attachment=attachment,
        what=f"file:{attachment.purpose}"[: SignatureAccessLog._meta.get_field("what").max_length],
    )

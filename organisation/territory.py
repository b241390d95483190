"""The official list of collectivities (docs/legal.md §5): reading it and loading it in one transaction.

Each row gives a collectivity's names, its kind, its parent province and region and its legal
population. A new collectivity gets the legal defaults of its kind (`Collectivity.legal_defaults`:
OL 112-14 for provinces, OL 111-14 for regions); one already there (same slug) is updated, so the
load can be run again. A parent is found in the file or in the database, by slug, official code or
French name. Any bad row refuses the whole file: nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.sheets import normalise
from core.text import validate_no_bidi_controls
from organisation.models import Collectivity

MAX_ROWS = 5000
_SLUG = re.compile(r"^[-a-z0-9_]{1,50}$")
_CODE = re.compile(r"^[A-Z]{1,5}$")
# Header names (normalised) and what they mean; French and English spellings of the official list.
HEADERS = {
    "slug": "slug",
    "code": "code",
    "official_code": "official_code",
    "official code": "official_code",
    "code officiel": "official_code",
    "name_ar": "name_ar",
    "nom ar": "name_ar",
    "name_fr": "name_fr",
    "nom fr": "name_fr",
    "nom": "name_fr",
    "kind": "kind",
    "type": "kind",
    "province": "province",
    "parent province": "province",
    "parent_province": "province",
    "region": "region",
    "région": "region",
    "parent region": "region",
    "parent_region": "region",
    "population": "population",
    "population_legal": "population",
    "has_arrondissements": "has_arrondissements",
    "arrondissements": "has_arrondissements",
}
KINDS = {
    "commune": Collectivity.Type.COMMUNE,
    "province": Collectivity.Type.PROVINCE,
    "prefecture": Collectivity.Type.PROVINCE,
    "préfecture": Collectivity.Type.PROVINCE,
    "region": Collectivity.Type.REGION,
    "région": Collectivity.Type.REGION,
}
YES = {"1", "yes", "true", "oui", "y", "x"}
NO = {"", "0", "no", "false", "non", "n"}


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class Entry:
    row: int
    slug: str
    code: str
    official_code: str
    name_ar: str
    name_fr: str
    kind: str
    province: str
    region: str
    population: int | None
    has_arrondissements: bool


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False


class RefusedFile(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(f"{e.row}: {e.message}" for e in errors[:5]))
        self.errors = errors


def parse(rows: list[list]) -> tuple[list[Entry], list[RowError]]:
    """The rows of the sheet (header first) as entries, and every row's problems."""
    if not rows:
        return [], [RowError(1, _("The file is empty."))]
    header = [HEADERS.get(normalise(cell)) for cell in rows[0]]
    missing = [name for name in ("name_ar", "name_fr", "kind") if name not in header]
    if missing:
        return [], [RowError(1, _("Missing columns: %(names)s.") % {"names": ", ".join(missing)})]
    if len(rows) > MAX_ROWS + 1:
        return [], [RowError(1, _("Too many rows: at most %(n)d.") % {"n": MAX_ROWS})]
    entries, errors = [], []
    for number, cells in enumerate(rows[1:], start=2):
        values = {}
        for name, cell in zip(header, cells, strict=False):
            if name:
                values[name] = " ".join(str(cell if cell is not None else "").split())
        if not any(values.values()):
            continue
        problems: list[str] = []
        entry = _entry(number, values, problems)
        if problems:
            errors.extend(RowError(number, p) for p in problems)
        else:
            entries.append(entry)
    return entries, errors


def _entry(number: int, v: dict, problems: list[str]) -> Entry | None:
    name_ar, name_fr = v.get("name_ar", ""), v.get("name_fr", "")
    for name in (name_ar, name_fr):
        try:
            validate_no_bidi_controls(name)
        except ValidationError:
            problems.append(_("A name contains invisible direction characters."))
    if not name_ar or not name_fr:
        problems.append(_("The Arabic and French names are required."))
    if len(name_ar) > 200 or len(name_fr) > 200:
        problems.append(_("A name is longer than 200 characters."))
    kind = KINDS.get(normalise(v.get("kind")))
    if kind is None:
        problems.append(_("Unknown kind: use commune, province or region."))
    slug = v.get("slug", "").lower() or slugify(name_fr)[:50]
    if not _SLUG.match(slug):
        problems.append(_("The slug may use only lower-case letters, digits and hyphens."))
    code = v.get("code", "")
    if code and not _CODE.match(code):
        problems.append(_("The reference code must be 1 to 5 capital letters, e.g. DMN."))
    official = v.get("official_code", "")
    if len(official) > 20:
        problems.append(_("The official code is longer than 20 characters."))
    population = None
    raw = v.get("population", "").replace(" ", "").replace(",", "").replace("\u202f", "")
    if raw.endswith(".0"):
        raw = raw[:-2]
    if raw:
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            problems.append(_("The population must be a whole number."))
        else:
            population = int(raw)
    flag = normalise(v.get("has_arrondissements"))
    if flag not in YES | NO:
        problems.append(_("Arrondissements: answer yes or no."))
    arrondissements = flag in YES
    if arrondissements and kind != Collectivity.Type.COMMUNE:
        problems.append(_("Only a commune can have arrondissements."))
    province, region = v.get("province", ""), v.get("region", "")
    if province and kind != Collectivity.Type.COMMUNE:
        problems.append(_("Only a commune belongs to a province."))
    if region and kind == Collectivity.Type.REGION:
        problems.append(_("A region does not belong to a region."))
    if problems:
        return None
    return Entry(
        number, slug, code, official, name_ar, name_fr, kind, province, region, population, arrondissements
    )


class _Index:
    """Collectivities by slug, official code and French name: the file's first, then the database's."""

    def __init__(self, entries: list[Entry], existing: list[Collectivity]):
        self.keys: dict[str, tuple[str, str]] = {}  # key -> (slug, kind)
        for c in existing:
            for key in (c.slug, c.official_code, c.name_fr):
                if key:
                    self.keys.setdefault(normalise(key), (c.slug, c.type))
        for e in entries:
            for key in (e.slug, e.official_code, e.name_fr):
                if key:
                    self.keys[normalise(key)] = (e.slug, e.kind)

    def find(self, key: str) -> tuple[str, str] | None:
        return self.keys.get(normalise(key))


def load(rows: list[list], *, dry_run: bool = False) -> LoadReport:
    """Check every row, then write them all in one transaction (or none). Raises RefusedFile."""
    entries, errors = parse(rows)
    existing = list(Collectivity.objects.all())
    by_slug = {c.slug: c for c in existing}
    codes = {c.code: c.slug for c in existing}
    seen: dict[str, int] = {}
    for e in entries:
        if e.slug in seen:
            errors.append(
                RowError(e.row, _("The same collectivity appears twice (row %(n)d).") % {"n": seen[e.slug]})
            )
        seen.setdefault(e.slug, e.row)
        if e.code and codes.get(e.code, e.slug) != e.slug:
            errors.append(
                RowError(e.row, _("The reference code %(code)s is already used.") % {"code": e.code})
            )
        codes.setdefault(e.code, e.slug)
    index = _Index(entries, existing)
    parents: dict[str, tuple[str | None, str | None]] = {}
    for e in entries:
        province = region = None
        if e.province:
            found = index.find(e.province)
            if found is None or found[1] != Collectivity.Type.PROVINCE:
                errors.append(RowError(e.row, _("No such province: %(name)s.") % {"name": e.province[:100]}))
            else:
                province = found[0]
        if e.region:
            found = index.find(e.region)
            if found is None or found[1] != Collectivity.Type.REGION:
                errors.append(RowError(e.row, _("No such region: %(name)s.") % {"name": e.region[:100]}))
            else:
                region = found[0]
        parents[e.slug] = (province, region)
    if errors:
        raise RefusedFile(sorted(errors, key=lambda err: err.row))
    report = LoadReport(dry_run=dry_run)
    with transaction.atomic():
        _write(entries, parents, by_slug, codes, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _write(entries, parents, by_slug, codes, report) -> None:
    saved: dict[str, Collectivity] = dict(by_slug)
    for e in entries:
        c = by_slug.get(e.slug)
        if c is None:
            c = Collectivity(slug=e.slug, code=e.code or _free_code(e.name_fr or e.slug, codes, e.slug))
            for name, value in Collectivity.legal_defaults(e.kind).items():
                setattr(c, name, value)
            report.created.append(e.slug)
        else:
            if c.type != e.kind:
                # A new kind brings its own legal figures (docs/legal.md §5).
                for name, value in Collectivity.legal_defaults(e.kind).items():
                    setattr(c, name, value)
            if e.code:
                c.code = e.code
            report.updated.append(e.slug)
        c.name_ar, c.name_fr, c.type = e.name_ar, e.name_fr, e.kind
        c.official_code = e.official_code or c.official_code
        c.has_arrondissements = e.has_arrondissements
        if e.population is not None:
            c.population_legal = e.population
        c.province = c.region = None
        c.save()
        saved[e.slug] = c
    for e in entries:
        province, region = parents[e.slug]
        c = saved[e.slug]
        c.province = saved[province] if province else None
        # A commune without its region given is in its province's region.
        c.region = saved[region] if region else (c.province.region if c.province else None)
        c.save(update_fields=["province", "region"])
    # OL 111-14 art. 120: the region's spread rule counts its prefectures and provinces.
    regions = {saved[r].pk for _p, r in parents.values() if r} | {
        saved[e.slug].region_id
        for e in entries
        if e.kind == Collectivity.Type.PROVINCE and saved[e.slug].region_id
    }
    for region in Collectivity.objects.filter(pk__in=regions, type=Collectivity.Type.REGION):
        names = sorted(
            Collectivity.objects.filter(region=region, type=Collectivity.Type.PROVINCE).values_list(
                "name_fr", flat=True
            )
        )
        if names and names != region.provinces:
            region.provinces = names
            region.save(update_fields=["provinces"])


def _free_code(name: str, codes: dict, slug: str) -> str:
    """A case-reference prefix not yet taken: the first letters of the name, then letters added."""
    letters = "".join(ch for ch in slugify(name).upper() if "A" <= ch <= "Z") or "C"
    base = letters[:3]
    candidates = [base] + [
        base + a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in ["", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    ]
    for code in candidates:
        code = code[:5]
        if code not in codes:
            codes[code] = slug
            return code
    raise RefusedFile([RowError(0, _("No free reference code is left."))])

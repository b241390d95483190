"""`seed_demo --collectivities N`: N generated collectivities beside Demnate, for benchmarks and the
tests of several collectivities on one installation.

They follow Morocco's proportions (12 regions, 75 prefectures and provinces, 1,503 communes out of
1,590): regions first, then provinces spread over them, then communes spread over the provinces.
Each gets the legal defaults of its kind (docs/legal.md §5), two standing committees, one service
and its ordinary sessions of the current year; no staff and no cases (the benchmarks write their
own). Written in bulk (a handful of queries per table), looked up by slug so a second run adds
nothing. Demnate is left as it is.
"""

from __future__ import annotations

import datetime
import itertools
import string

from django.db import transaction
from django.utils import timezone

from organisation import tenancy
from organisation.models import Collectivity, Committee, CouncilSession, Service
from organisation.services import ordinary_session_day

PREFIX = "gen"
REGIONS, PROVINCES, TOTAL = 12, 75, 1590
KIND_NAMES = {
    Collectivity.Type.REGION: ("جهة", "Région"),
    Collectivity.Type.PROVINCE: ("إقليم", "Province"),
    Collectivity.Type.COMMUNE: ("جماعة", "Commune"),
}
COMMITTEES = (
    ("لجنة الميزانية والشؤون المالية", "Budget et finances"),
    ("لجنة المرافق العمومية", "Services publics"),
)
SERVICE = ("مصلحة الشؤون الإدارية", "Affaires administratives")


def shares(n: int) -> tuple[int, int, int]:
    """(regions, provinces, communes) for n collectivities, in Morocco's proportions."""
    if n < 3:
        return 0, 0, n
    regions = max(1, round(n * REGIONS / TOTAL))
    provinces = max(1, round(n * PROVINCES / TOTAL))
    return regions, provinces, n - regions - provinces


def _codes(taken: set[str]):
    """Reference prefixes of five capital letters, from QAAAA on, skipping those in use."""
    for letters in itertools.product(string.ascii_uppercase, repeat=4):
        code = "Q" + "".join(letters)
        if code not in taken:
            yield code


def seed_collectivities(n: int) -> dict[str, int]:
    """Create what is missing of the N generated collectivities; returns counts of what was added."""
    regions, provinces, communes = shares(n)
    plan = (
        [(Collectivity.Type.REGION, i) for i in range(1, regions + 1)]
        + [(Collectivity.Type.PROVINCE, i) for i in range(1, provinces + 1)]
        + [(Collectivity.Type.COMMUNE, i) for i in range(1, communes + 1)]
    )
    with transaction.atomic():
        existing = {c.slug: c for c in Collectivity.objects.filter(slug__startswith=f"{PREFIX}-")}
        codes = _codes(set(Collectivity.objects.values_list("code", flat=True)))
        new = []
        for type_, i in plan:
            slug = f"{PREFIX}-{type_}-{i:04d}"
            if slug in existing:
                continue
            ar, fr = KIND_NAMES[type_]
            c = Collectivity(
                slug=slug,
                code=next(codes),
                name_ar=f"{ar} {i}",
                name_fr=f"{fr} {i}",
                type=type_,
                # Within each kind's bands: communes under and over 35,000, regions of every band.
                population_legal=_population(type_, i),
                **Collectivity.legal_defaults(type_),
            )
            new.append(c)
        Collectivity.objects.bulk_create(new, batch_size=500)
        # bulk_create sends no post_save: a prefix asked for in the last minute may be cached as missing.
        tenancy.forget(slugs=[c.slug for c in new])
        every = {c.slug: c for c in Collectivity.objects.filter(slug__startswith=f"{PREFIX}-")}
        region_list = [every[f"{PREFIX}-region-{i:04d}"] for i in range(1, regions + 1)]
        province_list = [every[f"{PREFIX}-province-{i:04d}"] for i in range(1, provinces + 1)]
        changed = []
        for i, p in enumerate(province_list):
            p.region = region_list[i % len(region_list)]
            changed.append(p)
        for i in range(1, communes + 1):
            c = every[f"{PREFIX}-commune-{i:04d}"]
            if province_list:
                c.province = province_list[(i - 1) % len(province_list)]
                c.region = c.province.region
            changed.append(c)
        Collectivity.objects.bulk_update(changed, ["province", "region"], batch_size=500)
        # OL 111-14 art. 120: each region's provinces, for the spread of its petitions' signatures.
        for r in region_list:
            r.provinces = sorted(p.name_fr for p in province_list if p.region_id == r.pk)
        Collectivity.objects.bulk_update(region_list, ["provinces"])
        added = {"collectivities": len(new), **_bodies([every[c.slug] for c in new])}
    return added


def _population(type_: str, i: int) -> int:
    if type_ == Collectivity.Type.REGION:
        return (800_000, 2_000_000, 4_000_000)[i % 3]
    if type_ == Collectivity.Type.PROVINCE:
        return 300_000 + 10_000 * (i % 40)
    return (12_000, 48_000)[i % 2] + 100 * (i % 50)


def _bodies(created: list[Collectivity]) -> dict[str, int]:
    """Committees, a service and this year's ordinary sessions of the new collectivities."""
    committees = [Committee(collectivity=c, name_ar=ar, name_fr=fr) for c in created for ar, fr in COMMITTEES]
    services = [Service(collectivity=c, name_ar=SERVICE[0], name_fr=SERVICE[1]) for c in created]
    year = timezone.localdate().year
    sessions = []
    for c in created:
        for month in c.ordinary_session_months:
            day = ordinary_session_day(c, year, month)
            sessions.append(
                CouncilSession(
                    collectivity=c,
                    kind=CouncilSession.Kind.ORDINARY,
                    date=day,
                    end_date=day + datetime.timedelta(days=2),
                    title_ar=f"الدورة العادية {month}/{year}",
                    title_fr=f"Session ordinaire {month}/{year}",
                )
            )
    Committee.objects.bulk_create(committees, batch_size=1000)
    Service.objects.bulk_create(services, batch_size=1000)
    CouncilSession.objects.bulk_create(sessions, batch_size=1000)
    return {"committees": len(committees), "services": len(services), "sessions": len(sessions)}

"""Benchmark of paper-signature imports (`make bench`): BENCH_ROWS generated signatories (default
100,000) imported into one draft petition through petitions.signatures.signatures_import, the way
`manage.py import_signatures` and the API do it (validation, CNIE hash and encryption, history).

Runs against a scratch database: SQLite in a temporary file by default, or PostgreSQL when
BENCH_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/mithaq_bench_sig, dropped and
created afresh, dropped at the end; `make bench` passes BENCH_SIG_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/mithaq_bench_sig). Figures are printed and written to
bench/results/signatures-<database>.json.

  BENCH_ROWS     rows per import (default 100000)
  BENCH_PROFILE  set to 1 to print the 25 costliest functions (cProfile)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

bench_url = os.environ.get("BENCH_DATABASE_URL")
if not bench_url:
    bench_url = f"sqlite:///{tempfile.mkdtemp()}/bench-signatures.sqlite3"
os.environ["DATABASE_URL"] = bench_url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def _pg_admin(url: str, *statements: str) -> None:
    import psycopg

    base, _, _name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _pg_name(url: str) -> str:
    return url.rpartition("/")[2].split("?")[0]


if bench_url.startswith("postgres"):
    _pg_admin(
        bench_url,
        f'DROP DATABASE IF EXISTS "{_pg_name(bench_url)}"',
        f'CREATE DATABASE "{_pg_name(bench_url)}"',
    )

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cases import selectors as case_selectors  # noqa: E402
from petitions import purge, signatures  # noqa: E402

N = int(os.environ.get("BENCH_ROWS", "100000"))


def rows(n: int, *, duplicates_every: int = 0) -> list[dict]:
    """Plausible paper rows: Arabic names and addresses of Demnate, ZZ-prefixed card numbers."""
    first = ("محمد", "فاطمة", "أحمد", "خديجة", "الحسين", "عائشة", "إبراهيم", "مليكة", "يوسف", "نعيمة")
    family = ("أيت علي", "أوبلا", "أمزيان", "بنعدي", "أوحمو", "الإدريسي", "أيت موسى", "أقشار")
    quarters = ("حي الملاح", "حي القصبة", "حي النهضة", "حي السلام", "دوار تاغزوت", "دوار أيت بلال")
    out = []
    for i in range(n):
        number = i - 1 if duplicates_every and i % duplicates_every == duplicates_every - 1 else i
        out.append(
            {
                "full_name": f"{first[i % 10]} {family[i % 8]}",
                "cnie": f"ZZ{1_000_000 + number}",
                "address": f"رقم {i % 160 + 1}، {quarters[i % 6]}، دمنات",
                "link": "resident" if i % 7 else "activity",
            }
        )
    return out


def copy_floor(case, data: list[dict], actor_id: int) -> float:
    """Encryption + COPY + the same history rows, in one transaction: what an import cannot avoid."""
    from django.db import transaction
    from django.utils import timezone

    from petitions import personal_data as pd

    columns = (
        "case_id, full_name, cnie_encrypted, cnie_hash, cnie_last3, address, link, province, channel, "
        "user_id, valid, invalidated_reason, invalidated_at, invalidated_by_id, created_by_id, created_at"
    )
    history = (
        "id, case_id, cnie_hash, link, province, channel, user_id, valid, invalidated_reason, "
        "invalidated_at, invalidated_by_id, created_by_id, created_at"
    )
    started = time.perf_counter()
    at = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        raw = cur.connection.cursor()
        with raw.copy(f"COPY petitions_signature ({columns}) FROM STDIN") as copy:
            for row in data:
                cnie = pd.cnie_normalize(row["cnie"])
                copy.write_row(
                    (case.pk, row["full_name"], pd.cnie_encrypt(cnie), pd.cnie_hash(cnie), cnie[-3:],
                     row["address"], row["link"], "", "paper", None, True, "", None, None, actor_id, at)
                )  # fmt: skip
        cur.execute(
            f"INSERT INTO petitions_historicalsignature ({history}, history_date, history_change_reason, "
            f"history_type, history_user_id) SELECT {history}, %s, NULL, '+', %s FROM petitions_signature "
            "WHERE case_id = %s",
            [at, actor_id, case.pk],
        )
    return time.perf_counter() - started


def main() -> dict:
    call_command("migrate", verbosity=0)
    from core import roles
    from petitions.models import Signature
    from tests.factories import World

    world = World()
    results: dict = {"database": connection.vendor, "rows": N}

    # 1. One import of N distinct rows into an empty draft petition.
    case = world.new_case("petition")
    data = rows(N)
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(
            signatures.signatures_import, actor=world[roles.INTAKE], case=case, rows=data
        )
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(25)
    else:
        result = signatures.signatures_import(actor=world[roles.INTAKE], case=case, rows=data)
    elapsed = time.perf_counter() - started
    assert result.accepted == N and not result.rejected, result.as_dict()["rejected"][:3]
    assert Signature.objects.filter(case=case).count() == N
    assert Signature.history.filter(case_id=case.pk).count() == N
    results["import_seconds"] = round(elapsed, 2)
    results["rows_per_second"] = round(N / elapsed)
    if connection.vendor == "postgresql":
        # The floor, in the same run: the same rows hashed and encrypted, COPY, the same history rows.
        floor_case = world.new_case("petition")
        floor_s = copy_floor(floor_case, rows(N), world[roles.INTAKE].pk)
        results["floor_seconds"] = round(floor_s, 2)
        results["floor_rows_per_second"] = round(N / floor_s)
        results["ratio"] = round(elapsed / floor_s, 2)

    # 2. The same rows again: every one is a duplicate, reported, nothing written.
    started = time.perf_counter()
    again = signatures.signatures_import(actor=world[roles.INTAKE], case=case, rows=data)
    elapsed = time.perf_counter() - started
    assert again.accepted == 0 and len(again.rejected) == N
    results["duplicates_rows_per_second"] = round(N / elapsed)

    # 3. A second petition, 1 % duplicates within the batch.
    other = world.new_case("petition")
    data = rows(N, duplicates_every=100)
    started = time.perf_counter()
    mixed = signatures.signatures_import(actor=world[roles.INTAKE], case=other, rows=data)
    elapsed = time.perf_counter() - started
    assert mixed.accepted == N - N // 100 and len(mixed.rejected) == N // 100
    results["mixed_rows_per_second"] = round(N / elapsed)

    # 4. The count a public page shows.
    started = time.perf_counter()
    for _ in range(20):
        case_selectors.case_signature_count(case)
    results["signature_count_ms"] = round(1000 * (time.perf_counter() - started) / 20, 2)

    # 5. The purge of personal data once the petition is closed (Law 09-08).
    from cases import services
    from tests.factories import JUSTIFICATION

    world.collectivity.personal_data_retention_days = 0
    world.collectivity.save()
    services.case_transition(actor=world[roles.CITIZEN], case=case.reference, name="submit")
    services.case_transition(
        actor=world[roles.BUREAU],
        case=case.reference,
        name="declare_inadmissible",
        data={"reason_code": ["competence"], "justification": JUSTIFICATION},
    )
    started = time.perf_counter()
    done = purge.personal_data_purge()
    results["purge_seconds"] = round(time.perf_counter() - started, 2)
    assert done == [(case.reference, N)], done
    assert case_selectors.case_signature_count(case.__class__.objects.get(pk=case.pk)) == N
    return results


if __name__ == "__main__":
    out = main()
    for key, value in out.items():
        print(f"{key:>28}: {value}")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"signatures-{out['database']}.json").write_text(json.dumps(out, indent=2))
    if bench_url.startswith("postgres"):
        connection.close()
        _pg_admin(bench_url, f'DROP DATABASE IF EXISTS "{_pg_name(bench_url)}"')

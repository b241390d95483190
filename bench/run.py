"""Mithaq benchmarks (`make bench`).

Runs against a scratch database: SQLite in a temporary file by default, or PostgreSQL when
BENCH_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/mithaq_bench, created if absent).
Figures are printed and written to bench/results/latest.json.

  BENCH_CASES      cases walked through the services (default 1000)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

bench_url = os.environ.get("BENCH_DATABASE_URL")
if not bench_url:
    bench_url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["DATABASE_URL"] = bench_url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def _ensure_pg_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


_ensure_pg_database(bench_url)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

N = int(os.environ.get("BENCH_CASES", "1000"))


def main() -> dict:
    call_command("migrate", verbosity=0)
    sys.path.insert(0, str(ROOT))
    from tests.factories import World

    world = World()
    results: dict = {"database": connection.vendor, "cases": N}

    # 1. Filing and walking cases through the services (lock, guard, fsm, audit, outbox per step).
    steps = ["submit", "start_review", "refer_to_committee", "report", "schedule", "adopt"]
    t0 = time.perf_counter()
    transitions = 0
    for _ in range(N):
        case = world.new_case("proposal")
        for name in steps:
            from cases import services

            case = services.case_transition(
                actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
            )
            transitions += 1
    elapsed = time.perf_counter() - t0
    results["transitions"] = transitions
    results["transitions_per_second"] = round(transitions / elapsed, 1)
    results["ms_per_transition"] = round(1000 * elapsed / transitions, 2)

    # 2. verify_audit over every chain.
    t0 = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        call_command("verify_audit", stdout=devnull)
    results["verify_audit_seconds"] = round(time.perf_counter() - t0, 3)

    # 3. The public API list and register page: latency and a query count independent of rows.
    client = Client(HTTP_HOST="127.0.0.1")
    timings, queries = [], set()
    pages = max(1, min(10, N // 50))
    for page in range(1, pages + 1):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(f"/api/v1/cases/?page={page}")
            timings.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
        queries.add(len(ctx.captured_queries))
    results["api_case_list_ms_median"] = round(1000 * statistics.median(timings), 2)
    results["api_case_list_queries"] = sorted(queries)

    timings = []
    for page in range(1, max(1, min(10, N // 25)) + 1):
        t0 = time.perf_counter()
        response = client.get(f"/register/?page={page}", HTTP_ACCEPT_LANGUAGE="ar")
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
    results["register_page_ms_median"] = round(1000 * statistics.median(timings), 2)

    reference = case.reference
    t0 = time.perf_counter()
    for _ in range(20):
        assert client.get(f"/api/v1/cases/{reference}/").status_code == 200
    results["api_case_detail_ms_mean"] = round(1000 * (time.perf_counter() - t0) / 20, 2)
    return results


if __name__ == "__main__":
    out = main()
    for key, value in out.items():
        print(f"{key:>28}: {value}")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"latest-{out['database']}.json").write_text(json.dumps(out, indent=2))

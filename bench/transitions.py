"""Benchmark: a transition through cases.services against its bare floor, on PostgreSQL (issue 14).

Cases are walked along the longest path (submit, start_review, refer_to_committee, report, schedule,
adopt, plan_implementation, complete) by `cases.services.case_transition`, with the desk, the clock,
the audit chain, the history row and the outbox, in rounds; each round is followed, on the same
connection, by as many hand-written floor transitions: in one transaction, one UPDATE of the case
(state, dates, chain head and count), one INSERT of the audit entry (its hash computed in Python) and
one INSERT of the outbox row. Product and floor share the noise of the machine; the ratio is what
counts. The floor writes on draft cases of its own, whose state it leaves as it is, so the desk's
invariant (workflows/invariant.py) is checked over every case at the end.

Three ways of running the product, each against the floor of its own rounds:

  broker      the outbox event published after commit to a broker through the pooled producer
              (the in-memory transport unless BENCH_BROKER_URL names one): what a web process pays
              when workers deliver. The aim of issue 14 is on this line: within 6x of the floor, at
              least 150 transitions per second in one process.
  in-process  no broker: each event delivered after commit in the same process (one transaction
              per event, the case read once).
  paused      the outbox written, nothing dispatched (an import, the demo data).

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/mithaq_bench_transitions (recreated)
  BENCH_CASES         cases walked per mode (default 150, i.e. 1,200 transitions)
  BENCH_ROUND         cases per round (default 10)
  BENCH_BROKER_URL    broker of the "broker" mode (default memory://)

Figures are printed and written to bench/results/transitions.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import drop_postgres, fresh_postgres  # noqa: E402

url = fresh_postgres("mithaq_bench_transitions")


from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_CASES", "150"))
ROUND = int(os.environ.get("BENCH_ROUND", "10"))
BROKER = os.environ.get("BENCH_BROKER_URL", "memory://")
PATH = [
    "submit", "start_review", "refer_to_committee", "report", "schedule", "adopt",
    "plan_implementation", "complete",
]  # fmt: skip
STATES = [
    "submitted", "under_review", "in_committee", "reported", "on_agenda", "adopted",
    "in_implementation", "implemented",
]  # fmt: skip

FLOOR_CASE = """
    UPDATE cases_case SET state_entered_at = %s, deadline_on = %s, audit_head = %s,
           audit_count = audit_count + 1
    WHERE id = %s RETURNING audit_count
"""
FLOOR_ENTRY = """
    INSERT INTO audit_transitionentry (case_id, seq, transition, from_state, to_state, actor_id, role,
        created_at, justification, payload, stay_started_at, stay_deadline, decision, prev_hash, hash)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '', %s, %s, %s, NULL, %s, %s)
"""
FLOOR_OUTBOX = """
    INSERT INTO notifications_outboxevent (event, subject_type, subject_id, payload, status, attempts,
        next_attempt_at, last_error, created_at, sent_at)
    VALUES ('case.transition', 'case', %s, %s, 'sent', 0, %s, '', %s, NULL)
"""


def floor_transition(case_id: int, head: str, step: int, actor_id: int) -> str:
    """The bare floor of one transition: what must be written, nothing else."""
    at = timezone.now()
    transition, to_state = PATH[step % len(PATH)], STATES[step % len(STATES)]
    from_state = STATES[step % len(STATES) - 1]
    payload = json.dumps({"public": {}, "private": {}})
    digest = hashlib.sha256(f"{head}|{case_id}|{step}|{transition}|{to_state}|{at}".encode()).hexdigest()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(FLOOR_CASE, [at, at.date(), digest, case_id])
        seq = cur.fetchone()[0]
        cur.execute(
            FLOOR_ENTRY,
            [case_id, seq, transition, from_state, to_state, actor_id, "bureau", at, payload, at, at.date(),
             head, digest],
        )  # fmt: skip
        event = {"transition": transition, "from": from_state, "to": to_state, "entry": seq}
        cur.execute(FLOOR_OUTBOX, [case_id, json.dumps(event), at, at])
    return digest


def walk(world, cases, services) -> tuple[float, float, list[int]]:
    """Every case of the round through the path; the time of the transitions alone (wall clock and
    this process's CPU) and the number of statements of each."""
    elapsed, cpu, queries = 0.0, 0.0, []
    for case in cases:
        for name in PATH:
            actor, data = world.actor_for(name, case), world.payload_for(name)
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as ctx:
                t0, c0 = time.perf_counter(), time.process_time()
                case = services.case_transition(actor=actor, case=case, name=name, data=data)
                elapsed += time.perf_counter() - t0
                cpu += time.process_time() - c0
            queries.append(len(ctx.captured_queries))
    return elapsed, cpu, queries


def run_mode(world, mode: str) -> dict:
    from cases import services
    from notifications.services import dispatch_paused

    broker = {"broker": BROKER, "in-process": "", "paused": ""}[mode]
    floor_cases = [world.new_case("proposal") for _ in range(ROUND)]
    heads = {c.pk: "" for c in floor_cases}
    actor_id = world["bureau"].pk
    product_s = floor_s = product_cpu = floor_cpu = 0.0
    queries: list[int] = []
    ratios = []
    step = 0
    with override_settings(CELERY_BROKER_URL=broker):
        for _ in range(max(1, N // ROUND)):
            cases = [world.new_case("proposal") for _ in range(ROUND)]
            if mode == "paused":
                with dispatch_paused():
                    p, pc, q = walk(world, cases, services)
            else:
                p, pc, q = walk(world, cases, services)
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(len(q)):
                case = floor_cases[step % ROUND]
                heads[case.pk] = floor_transition(case.pk, heads[case.pk], step, actor_id)
                step += 1
            f = time.perf_counter() - t0
            floor_cpu += time.process_time() - c0
            product_cpu += pc
            product_s += p
            floor_s += f
            queries += q
            ratios.append(p / f)
    n = len(queries)
    return {
        "mode": mode,
        "broker": broker or None,
        "transitions": n,
        "product_ms": round(1000 * product_s / n, 2),
        "floor_ms": round(1000 * floor_s / n, 2),
        "ratio": round(product_s / floor_s, 2),
        "ratio_median_of_rounds": round(statistics.median(ratios), 2),
        "transitions_per_second": round(n / product_s, 1),
        # This process's CPU alone (Python, the driver): what the machine's other load does not stretch.
        "product_cpu_ms": round(1000 * product_cpu / n, 2),
        "floor_cpu_ms": round(1000 * floor_cpu / n, 2),
        "transitions_per_cpu_second": round(n / product_cpu, 1),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "queries_mean": round(sum(queries) / n, 1),
    }


def main() -> dict:
    from notifications.models import Delivery, OutboxEvent
    from tests.factories import World
    from workflows.invariant import violations

    call_command("migrate", verbosity=0)
    world = World()
    # Warm-up: the first transitions load templates, content types, the rules' cache.
    from cases import services

    for case in [world.new_case("proposal") for _ in range(3)]:
        walk(world, [case], services)

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        cases = [world.new_case("proposal") for _ in range(20)]
        profiler = cProfile.Profile()
        with override_settings(CELERY_BROKER_URL=BROKER):
            profiler.runcall(walk, world, cases, services)
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "tottime")).print_stats(40)
        sys.exit(0)

    results: dict = {"database": connection.vendor, "cases_per_mode": N, "modes": []}
    for mode in ("broker", "in-process", "paused"):
        results["modes"].append(run_mode(world, mode))

    # Every event of the in-process mode was delivered once, each recipient and channel once.
    undelivered = OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).count()
    results["outbox_pending_after"] = undelivered
    results["deliveries"] = Delivery.objects.count()
    found = [str(v) for v in violations()]
    results["invariant_violations"] = len(found)
    assert not found, found[:5]
    return results


if __name__ == "__main__":
    out = main()
    print(
        f"{'mode':<11} {'product_ms':>10} {'floor_ms':>9} {'ratio':>6} {'per_s':>7} {'queries':>9} "
        f"{'cpu_ms':>7} {'floor_cpu':>9} {'per_cpu_s':>9}"
    )
    for r in out["modes"]:
        print(
            f"{r['mode']:<11} {r['product_ms']:>10} {r['floor_ms']:>9} {r['ratio']:>6} "
            f"{r['transitions_per_second']:>7} {r['queries_min']:>4}-{r['queries_max']:<4} "
            f"{r['product_cpu_ms']:>7} {r['floor_cpu_ms']:>9} {r['transitions_per_cpu_second']:>9}"
        )
    print(f"desk invariant: {out['invariant_violations']} violation(s) over every case")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "transitions.json").write_text(json.dumps(out, indent=2))
    drop_postgres(url)

"""Benchmark: the charter's indicators (followup.indicators) over 200,000 cases on PostgreSQL.

The data is generated in SQL (generate_series) straight into a scratch database: cases spread
over every state and two years, with decisions, justifications, closing dates, committees and a
committee stay in the audit chain each, as cases.services writes them. It prints the product's time
for compute_indicators (the whole API answer) against a hand-written SQL floor for the headline
figures (filed, decided, adopted, rejected, implemented, explained, overdue and the median days
to a decision, in the period and as of today) on the same connection; then the periodic charter
report (followup.charter_report): its figures (indicators twice, for the period and the one before,
response times by stage, committee and service, the lists of decisions, overdue and adopted cases,
the action plan) and its PDF in Arabic (aim: under 10 s for the whole PDF).

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/mithaq_bench_ind (dropped and recreated)

Beside each time it prints the load average of the last minute (the machine may be shared) and,
for the PDF, the CPU seconds of rendering it, which the load does not inflate.
  BENCH_IND_CASES     default 200000 (aim: indicators under 2 s)
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import fresh_postgres  # noqa: E402

url = fresh_postgres("mithaq_bench_ind")

import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_IND_CASES", "200000"))
STATES = [
    "submitted", "under_review", "in_committee", "reported", "on_agenda", "adopted", "rejected",
    "in_implementation", "implemented", "not_implemented", "inadmissible", "withdrawn",
]  # fmt: skip
DECIDED = "('adopted','rejected','in_implementation','implemented','not_implemented')"

FLOOR_SQL = f"""
    SELECT COUNT(*) FILTER (WHERE submitted_at >= %(start)s AND submitted_at < %(end)s),
           COUNT(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state IN {DECIDED}),
           COUNT(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state IN {DECIDED} AND
           state <> 'rejected'),
           COUNT(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state = 'rejected'),
           COUNT(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state = 'implemented'),
           COUNT(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state IN {DECIDED} AND
           decision_justification <> ''),
           COUNT(*), COUNT(*) FILTER (WHERE state IN {DECIDED}), COUNT(*) FILTER (WHERE state =
           'implemented'),
           COUNT(*) FILTER (WHERE state IN
           ('submitted','under_review','awaiting_information','in_committee','reported','on_agenda',
            'adopted','in_implementation') AND deadline_on < %(today)s),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM decided_at - submitted_at) /
           86400.0)
               FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state IN {DECIDED}),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM decided_at - submitted_at) /
           86400.0)
               FILTER (WHERE state IN {DECIDED})
    FROM cases_case WHERE collectivity_id = %(c)s AND submitted_at IS NOT NULL AND state <> 'draft'
"""


def generate(c, committees) -> None:
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO cases_case (collectivity_id, kind, reference, year, sequence, tracking_code_hash,
            title,
                description, subject, reasons, objectives, channel, state, created_at, submitted_at,
                state_entered_at,
                decided_at, closed_at, deadline_on,
                information_requested, report, recommendation, deliberation_number, decision_justification,
                decision_reason_code, decided_by_president, budget_line, evidence, progress_percent,
                audit_head,
                audit_count, committee_id, signing_open, submitter_name, submitter_contact, convocation,
                president_vote, schedule_derogation)
            SELECT %(c)s, (ARRAY['petition','proposal','advisory_opinion','children_recommendation'])[1 + g
            %% 4],
                   'BEN-' || g, 2025, g, '', 'Case ' || g, 'd', '', '', '',
                   (ARRAY['online','desk','online','paper'])[1 + g %% 4], s.state,
                   now() - (g %% 700) * interval '1 day', now() - (g %% 700) * interval '1 day', now(),
                   CASE WHEN s.state IN
                   ('adopted','rejected','in_implementation','implemented','not_implemented')
                        THEN now() - (g %% 700) * interval '1 day' + ((g %% 90) + 5) * interval '1 day' END,
                   CASE WHEN s.state IN
                   ('implemented','not_implemented','rejected','inadmissible','withdrawn')
                        THEN now() - (g %% 700) * interval '1 day' + ((g %% 200) + 100) * interval '1 day'
                        END,
                   (now() + ((g %% 60) - 30) * interval '1 day')::date,
                   '', '', '', '', CASE WHEN g %% 50 = 0 THEN '' ELSE 'Because of the reasons given.' END,
                   '', false, '', '', 0, '', 1, (%(committees)s::bigint[])[1 + g %% 4], false, '', '',
                   '', '', ''
            FROM generate_series(1, %(n)s) g
            JOIN LATERAL (SELECT (%(states)s::text[])[1 + g %% 12] AS state) s ON true
            """,
            {"c": c.pk, "committees": committees, "n": N, "states": STATES},
        )
        cur.execute(
            """
            INSERT INTO audit_transitionentry (case_id, seq, transition, from_state, to_state, role,
            created_at,
                justification, payload, prev_hash, hash, stay_started_at, stay_deadline)
            SELECT c.id, 1, 'report', 'in_committee', 'reported', '', c.submitted_at + ((c.id %% 40) + 1) *
            interval '1 day',
                   '', '{}'::jsonb, '', md5(c.id::text) || md5('x' || c.id::text), c.submitted_at,
                   (c.submitted_at + interval '30 days')::date
            FROM cases_case c WHERE c.collectivity_id = %s
            """,
            [c.pk],
        )
        cur.execute("ANALYZE")


def best(fn, repeat=3) -> float:
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - t0)
    return min(timings)


def load() -> float:
    """The machine's load average over the last minute, printed beside each time: the machine
    the benchmarks run on is shared, and wall-clock times grow with it."""
    return round(os.getloadavg()[0], 1)


def main() -> dict:
    call_command("migrate", verbosity=0)
    from followup.indicators import compute_indicators
    from organisation.models import Collectivity, Committee

    c = Collectivity.objects.create(
        slug="bench", code="BEN", name_ar="ب", name_fr="Bench", population_legal=20000
    )
    committees = [
        Committee.objects.create(collectivity=c, name_ar=f"ل{i}", name_fr=f"C{i}").pk for i in range(4)
    ]
    t0 = time.perf_counter()
    generate(c, committees)
    generated = time.perf_counter() - t0
    today = timezone.localdate()
    d_from, d_to = today - datetime.timedelta(days=365), today + datetime.timedelta(days=1)
    start = datetime.datetime.combine(d_from, datetime.time(), tzinfo=timezone.get_current_timezone())
    end = datetime.datetime.combine(d_to, datetime.time(), tzinfo=timezone.get_current_timezone())

    def floor():
        with connection.cursor() as cur:
            cur.execute(FLOOR_SQL, {"start": start, "end": end, "today": today, "c": c.pk})
            return cur.fetchone()

    figures = compute_indicators(c, d_from, d_to)
    row = floor()
    # The floor and the product must agree on the headline figures they share.
    assert figures["period"]["decided"] == row[1] and figures["today"]["decided"] == row[7], (
        figures["period"],
        row,
    )
    assert figures["today"]["overdue_now"] == row[9]
    product_s = best(lambda: compute_indicators(c, d_from, d_to))
    product_load = load()
    floor_s = best(floor)
    floor_load = load()
    report = _report(c, d_from, d_to)
    return {
        "cases": N,
        "generate_seconds": round(generated, 1),
        "indicators_seconds": round(product_s, 3),
        "indicators_load": product_load,
        "headline_floor_seconds": round(floor_s, 3),
        "floor_load": floor_load,
        "ratio": round(product_s / floor_s, 1) if floor_s else None,
        "target_seconds": 2.0,
        **report,
    }


def _report(c, d_from, d_to) -> dict:
    """The charter report's figures and its PDF (what publishing prints twice, ar and fr)."""
    from django.conf import settings

    from followup import action_plan, charter_report

    action_plan.seed(c, settings.BASE_DIR / "demo" / "data" / "action_plan.json")
    # WeasyPrint (and Pango) load once per process: timed apart, as a worker pays it once.
    t0 = time.perf_counter()
    import weasyprint  # noqa: F401

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    figures = charter_report.build_figures(c, d_from, d_to, limit=charter_report.limit_for("pdf"))
    figures_s = time.perf_counter() - t0
    figures_load = load()
    # The PDF is rendered in this process alone: its CPU time does not depend on the load.
    t1, cpu1 = time.perf_counter(), time.process_time()
    pdf = charter_report.to_pdf(figures, lang="ar")
    pdf_s, pdf_cpu = time.perf_counter() - t1, time.process_time() - cpu1
    return {
        "report_figures_seconds": round(figures_s, 2),
        "report_figures_load": figures_load,
        "report_pdf_render_seconds": round(pdf_s, 2),
        "report_pdf_cpu_seconds": round(pdf_cpu, 2),
        "report_pdf_load": load(),
        "weasyprint_import_seconds": round(import_s, 2),
        "report_total_seconds": round(figures_s + pdf_s, 2),
        "report_decisions": figures["totals"]["decisions"],
        "report_overdue": figures["totals"]["overdue"],
        "report_adopted_cases": figures["totals"]["adopted_cases"],
        "report_rows_printed_per_list": charter_report.PRINTED_ROWS,
        "report_pdf_bytes": len(pdf),
        "report_target_seconds": 10.0,
    }


if __name__ == "__main__":
    out = main()
    for key, value in out.items():
        print(f"{key:>24}: {value}")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "indicators-postgresql.json").write_text(json.dumps(out, indent=2))

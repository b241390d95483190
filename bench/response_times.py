"""Benchmark: the response-time audit over 200,000 cases and 1,000,000 audit entries on PostgreSQL.

The data is generated in SQL (generate_series) straight into a scratch database: five transitions
per case with realistic spacing, every entry carrying its clock, as cases.services writes them.
  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/mithaq_bench_rt (dropped and recreated)
  BENCH_RT_CASES      default 200000
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

url = fresh_postgres("mithaq_bench_rt")

import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_RT_CASES", "200000"))


def main() -> dict:
    call_command("migrate", verbosity=0)
    from followup.response_times import response_times
    from organisation.models import Collectivity, Committee

    c = Collectivity.objects.create(
        slug="bench", code="BEN", name_ar="ب", name_fr="Bench", population_legal=20000
    )
    committees = [
        Committee.objects.create(collectivity=c, name_ar=f"ل{i}", name_fr=f"C{i}").pk for i in range(4)
    ]
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO cases_case (collectivity_id, kind, reference, year, sequence, tracking_code_hash,
            title,
                description, subject, reasons, objectives, channel, state, created_at, submitted_at,
                state_entered_at,
                information_requested, report, recommendation, deliberation_number, decision_justification,
                decision_reason_code, decided_by_president, budget_line, evidence, progress_percent,
                audit_head,
                audit_count, committee_id, signing_open, submitter_name, submitter_contact)
            SELECT %s, (ARRAY['petition','proposal','advisory_opinion','children_recommendation'])[1 + g %%
            4],
                   'BEN-' || g, 2025, g, '', 'Case ' || g, 'd', '', '', '', 'online', 'on_agenda',
                   now() - (g %% 700) * interval '1 day', now() - (g %% 700) * interval '1 day', now(),
                   '', '', '', '', '', '', false, '', '', 0, '', 5, (ARRAY[%s, %s, %s, %s])[1 + g %% 4],
                   false, '', ''
            FROM generate_series(1, %s) g
            """,
            [c.pk, *committees, N],
        )
        cur.execute(
            """
            INSERT INTO audit_transitionentry (case_id, seq, transition, from_state, to_state, role,
            created_at,
                justification, payload, prev_hash, hash, stay_started_at, stay_deadline)
            SELECT c.id, s.seq, s.t, s.f, s.to_, '', c.submitted_at + (s.seq - 1) * ((c.id %% 17) + 2) *
            interval '1 day',
                   '', '{}'::jsonb, '', md5(c.id::text || '-' || s.seq) || md5(s.seq::text || '-' || c.id),
                   CASE WHEN s.seq > 1 THEN c.submitted_at + (s.seq - 2) * ((c.id %% 17) + 2) * interval '1
                   day' END,
                   CASE WHEN s.seq > 1 THEN (c.submitted_at + ((s.seq - 2) * ((c.id %% 17) + 2) + 20) *
                   interval '1 day')::date END
            FROM cases_case c
            CROSS JOIN (VALUES (1, 'submit', 'draft', 'submitted'), (2, 'start_review', 'submitted',
            'under_review'),
                               (3, 'refer_to_committee', 'under_review', 'in_committee'), (4, 'report',
                               'in_committee', 'reported'),
                               (5, 'schedule', 'reported', 'on_agenda')) AS s(seq, t, f, to_)
            WHERE c.collectivity_id = %s
            """,
            [c.pk],
        )
        cur.execute("ANALYZE")
        cur.execute("SELECT COUNT(*) FROM cases_case")
        cases = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM audit_transitionentry")
        entries = cur.fetchone()[0]
    generated = time.perf_counter() - t0
    end = timezone.now() + datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=730)
    results = {"cases": cases, "entries": entries, "generate_seconds": round(generated, 1)}
    for group_by in ("stage", "committee", "kind"):
        timings = []
        for _ in range(3):
            t0 = time.perf_counter()
            report = response_times(start=start, end=end, group_by=group_by)
            timings.append(time.perf_counter() - t0)
        results[f"response_times_{group_by}_seconds"] = round(min(timings), 3)
        results[f"groups_{group_by}"] = len(report.groups)
    return results


if __name__ == "__main__":
    out = main()
    for key, value in out.items():
        print(f"{key:>34}: {value}")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "response_times-postgresql.json").write_text(json.dumps(out, indent=2))

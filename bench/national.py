"""Benchmark: Morocco's size on one installation (issue 14), on PostgreSQL.

1,590 collectivities (1,503 communes, 75 prefectures and provinces, 12 regions), 500,000 cases with
their histories (audit entries, desk processes and tasks: about five entries a case), 2,000,000
signatures. The data is made in set-based SQL from templates, as bench/scale_data.py does: one case
per (kind, state) is walked through the services, then copied with generate_series.

It runs in two phases on one database:

  alone   one commune (the World's) with its share of the cases, nothing else;
  nation  the 1,589 other collectivities (demo.territory) and the other cases and signatures added.

In each phase it times one commune's pages (the register, the bureau's inbox, a case page, the
indicators; the cache cleared before every request, so each page is rendered), served as the
unprefixed site's default collectivity (settings MITHAQ_DEFAULT_COLLECTIVITY). The aim: nation
within 1.3x of alone, a commune does not pay for the others. Then, in the nation phase, the
national comparison (followup.national, and the /national/ page) against a hand-written SQL floor
of the same figures (aim: under 5 s), the aggregate register's first page, and the database size.

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/mithaq_bench_national (recreated)
  python bench/national.py [--scale 0.05] [--repeat 5] [--keep]

Figures are printed and written to bench/results/national-<scale>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size (e.g. 0.05)")
parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (median kept)")
parser.add_argument("--keep", action="store_true", help="keep the database at the end")
args = parser.parse_args()

from bench.harness import drop_postgres, fresh_postgres  # noqa: E402

url = fresh_postgres("mithaq_bench_national")

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.scale_data import (  # noqa: E402
    KINDS,
    RECENT_STATES,
    STATES,
    _max_id,
    _shifted,
    copy_history,
    plan_copies,
)

COLLECTIVITIES = max(3, round(1590 * args.scale))
CASES = max(1000, round(500_000 * args.scale))
SIGNATURES = round(2_000_000 * args.scale)


def _median_s(fn, repeat: int) -> float:
    """The median of `repeat` timed runs after a warm-up; on a shared machine the minimum is the
    steadier figure, so both phases are compared on it (`_best_s`)."""
    return statistics.median(_times(fn, repeat))


def _best_s(fn, repeat: int) -> float:
    return min(_times(fn, repeat))


def _times(fn, repeat: int) -> list[float]:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


class _Counter:
    """Counts the statements a request runs (an execute wrapper: works whatever DEBUG is)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _keep_connection() -> None:
    """One persistent connection, as production keeps them, and the captured queries kept across a
    request (bench/pages.py does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries

    connection.settings_dict["CONN_MAX_AGE"] = 600
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)


def templates(world) -> list[tuple[str, str, int]]:
    out = []
    for state in STATES:
        for kind in KINDS:
            try:
                out.append((state, kind, world.case_in(state, kind).pk))
            except ValueError:
                continue
    return out


def copy_cases(tpls, n: int, *, phase: int, collectivity_sql: str, detach: bool) -> None:
    """n copies of the templates in STATES' shares, each with its process, tasks and audit entries,
    moved back in time; `collectivity_sql` gives each copy's collectivity from its number g."""
    from workflows.desk import case_content_type

    ct = case_content_type().pk
    case_cols, _ = _shifted("cases_case", "t", "d.delta", {})
    plan = plan_copies(tpls, n)
    overrides_fk = {"committee_id": "NULL", "service_id": "NULL", "session_id": "NULL"} if detach else {}
    with connection.cursor() as cur:
        for group, (state, _kind, pk, count) in enumerate(plan):
            if count <= 0:
                continue
            span = 180 if state in RECENT_STATES else 1095
            case_before, process_before = _max_id("cases_case"), _max_id("viewflow_process")
            delta_sql = (
                f"(t.created_at - now()) + make_interval(days => ((g * 7919) %% {span})) "
                "+ make_interval(secs => ((g * 7907) %% 86400))"
            )
            _cols, select = _shifted(
                "cases_case",
                "t",
                "d.delta",
                {
                    "reference": f"'N{phase}{group:02d}-' || g",
                    "sequence": f"{(phase * 100 + group + 1) * 1000000} + g",
                    "title": "'Case ' || g || ': ' || t.title",
                    "year": "EXTRACT(YEAR FROM COALESCE(t.submitted_at, t.created_at) - d.delta)::int",
                    "collectivity_id": collectivity_sql,
                    **overrides_fk,
                },
            )
            cur.execute(
                f"""
                INSERT INTO cases_case ({case_cols})
                SELECT {select}
                FROM cases_case t
                CROSS JOIN generate_series(1, %s) g
                CROSS JOIN LATERAL (SELECT {delta_sql} AS delta) d
                WHERE t.id = %s
                """,
                [count, pk],
            )
            copy_history(cur, ct=ct, template_pk=pk, case_before=case_before, process_before=process_before)


def copy_signatures(n: int, exclude_collectivity: int) -> int:
    """n signatures spread over the other collectivities' filed petitions, copied from one real row
    (its CNIE encrypted as the service does), each with its own keyed hash."""
    if n <= 0:
        return 0
    cols, select = _shifted(
        "petitions_signature",
        "s",
        "interval '0'",
        {
            "case_id": "p.id",
            "cnie_hash": "md5(g::text) || md5('s' || g::text)",
            "full_name": "'Signataire ' || g",
            "user_id": "NULL",
            "created_at": "now() - (g %% 900) * interval '1 day'",
        },
    )
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM petitions_signature ORDER BY id LIMIT 1")
        row = cur.fetchone()
        if row is None:
            return 0
        cur.execute(
            """CREATE TEMP TABLE bench_petitions AS
               SELECT id, (row_number() OVER (ORDER BY id)) - 1 AS rn FROM cases_case
               WHERE kind = 'petition' AND state <> 'draft' AND collectivity_id <> %s""",
            [exclude_collectivity],
        )
        cur.execute("CREATE INDEX ON bench_petitions (rn)")
        cur.execute("SELECT count(*) FROM bench_petitions")
        petitions = cur.fetchone()[0]
        cur.execute(
            f"""
            INSERT INTO petitions_signature ({cols})
            SELECT {select}
            FROM petitions_signature s
            CROSS JOIN generate_series(1, %s) g
            JOIN bench_petitions p ON p.rn = g %% %s
            WHERE s.id = %s
            """,
            [n, petitions, row[0]],
        )
        return n


def measure_commune(world, reference: str, repeat: int) -> list[dict]:
    """One commune's pages, each rendered (cache cleared), as the unprefixed site's collectivity."""
    anonymous, staff = Client(), Client()
    staff.force_login(world["bureau"])
    pages = [
        ("/register/", anonymous),
        ("/staff/inbox/", staff),
        (f"/register/{reference}/", anonymous),
        ("/indicators/", anonymous),
    ]
    out = []
    with override_settings(MITHAQ_DEFAULT_COLLECTIVITY=world.collectivity.slug, ALLOWED_HOSTS=["testserver"]):
        for path, client in pages:

            def request(client=client, path=path):
                cache.clear()
                response = client.get(path, HTTP_ACCEPT_LANGUAGE="ar")
                assert response.status_code == 200, (path, response.status_code)

            counter = _Counter()
            with connection.execute_wrapper(counter):
                request()
            out.append({"page": path, "seconds": _best_s(request, repeat), "queries": counter.n})
    return out


FLOOR_CASES = """
    SELECT collectivity_id,
           count(*) FILTER (WHERE submitted_at >= %(start)s AND submitted_at < %(end)s),
           count(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state IN {decided}),
           count(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state IN {decided}
                            AND decision_justification <> ''),
           count(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state IN {adopted}),
           count(*) FILTER (WHERE decided_at >= %(start)s AND decided_at < %(end)s AND state = 'implemented'),
           count(*) FILTER (WHERE kind = 'petition' AND state IN {overdue} AND deadline_on < %(today)s)
    FROM cases_case WHERE state <> 'draft' AND submitted_at IS NOT NULL GROUP BY collectivity_id
"""
FLOOR_STAYS = """
    SELECT c.collectivity_id, count(*),
           count(*) FILTER (WHERE e.created_at < ((e.stay_deadline + 1)::timestamp AT TIME ZONE %(tz)s))
    FROM audit_transitionentry e JOIN cases_case c ON c.id = e.case_id
    WHERE e.created_at >= %(start)s AND e.created_at < %(end)s AND e.stay_deadline IS NOT NULL
      AND e.from_state <> e.to_state AND e.from_state <> 'draft'
    GROUP BY c.collectivity_id
"""


def measure_national(repeat: int) -> dict:
    from cases import states as S
    from followup import national
    from followup.indicators import ADOPTED_STATES

    def sql_list(values) -> str:
        return "(" + ", ".join(f"'{v}'" for v in values) + ")"

    today = timezone.localdate()
    d_from, d_to = today - datetime.timedelta(days=365), today + datetime.timedelta(days=1)
    start, end = national.period_bounds(d_from, d_to)
    floor_sql = FLOOR_CASES.format(
        decided=sql_list(S.DECIDED_STATES),
        adopted=sql_list(ADOPTED_STATES),
        overdue=sql_list([*S.OPEN_STATES, S.INADMISSIBLE]),
    )
    params = {"start": start, "end": end, "today": today, "tz": timezone.get_current_timezone_name()}

    def floor():
        with connection.cursor() as cur:
            cur.execute("SELECT id, slug, name_ar, name_fr, type FROM organisation_collectivity")
            cur.fetchall()
            cur.execute(floor_sql, params)
            rows = cur.fetchall()
            cur.execute(FLOOR_STAYS, params)
            cur.fetchall()
        return rows

    def product():
        return national.comparison(national.Scope(), d_from, d_to)

    figures = product()
    floor_rows = floor()
    # The floor and the product agree on the figures they share.
    assert sum(r[1] for r in floor_rows) == figures["total"]["cases_filed"]
    assert sum(r[2] for r in floor_rows) == figures["total"]["decided"]
    assert sum(r[6] for r in floor_rows) == figures["total"]["overdue_petitions"]
    product_s = _median_s(product, repeat)
    floor_s = _median_s(floor, repeat)
    client = Client()

    def page(path):
        def run():
            cache.clear()
            assert client.get(path, HTTP_ACCEPT_LANGUAGE="ar").status_code == 200

        return run

    with override_settings(ALLOWED_HOSTS=["testserver"]):
        counter = _Counter()
        with connection.execute_wrapper(counter):
            page("/national/")()
        page_s = _median_s(page("/national/"), repeat)
        register_s = _median_s(page("/national/register/"), repeat)
    return {
        "comparison_seconds": round(product_s, 3),
        "comparison_floor_seconds": round(floor_s, 3),
        "comparison_ratio": round(product_s / floor_s, 2) if floor_s else None,
        "national_page_seconds": round(page_s, 3),
        "national_page_queries": counter.n,
        "national_register_page_seconds": round(register_s, 3),
        "target_seconds": 5.0,
        "rows": len(figures["collectivities"]),
    }


def main() -> dict:
    from demo.territory import seed_collectivities, shares
    from organisation.models import Collectivity
    from tests.factories import World

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    _keep_connection()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        world = World()
    tpls = templates(world)
    commune = world.collectivity
    # The commune's bureau belongs to it (a user without a collectivity sees every one's inbox).
    bureau = world["bureau"]
    bureau.collectivity = commune
    bureau.save(update_fields=["collectivity"])
    _regions, _provinces, communes = shares(COLLECTIVITIES)
    own = max(200, CASES // max(1, communes))
    copy_cases(tpls, own, phase=1, collectivity_sql=str(commune.pk), detach=False)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
        cur.execute(
            "SELECT reference FROM cases_case WHERE collectivity_id = %s AND state = 'implemented' "
            "AND reference LIKE 'N1%%' ORDER BY id DESC LIMIT 1",
            [commune.pk],
        )
        reference = cur.fetchone()[0]
    print(f"alone: {own} cases in {time.perf_counter() - t0:.0f} s", flush=True)
    alone = measure_commune(world, reference, args.repeat)

    t1 = time.perf_counter()
    seed_collectivities(COLLECTIVITIES - 1)
    generated = list(Collectivity.objects.filter(slug__startswith="gen-").order_by("id"))
    province = next((c for c in generated if c.type == Collectivity.Type.PROVINCE), None)
    if province is not None:
        Collectivity.objects.filter(pk=commune.pk).update(province=province, region=province.region_id)
    ids = "'{" + ",".join(str(c.pk) for c in generated) + "}'::bigint[]"
    others = CASES - own
    copy_cases(tpls, others, phase=2, collectivity_sql=f"({ids})[1 + (g %% {len(generated)})]", detach=True)
    print(
        f"nation: {len(generated)} collectivities, {others} cases in {time.perf_counter() - t1:.0f} s",
        flush=True,
    )
    t2 = time.perf_counter()
    signatures = copy_signatures(SIGNATURES, commune.pk)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"signatures: {signatures} in {time.perf_counter() - t2:.0f} s", flush=True)
    nation = measure_commune(world, reference, args.repeat)
    national_figures = measure_national(args.repeat)
    with connection.cursor() as cur:
        counts = {}
        for table in (
            "organisation_collectivity",
            "cases_case",
            "audit_transitionentry",
            "petitions_signature",
        ):
            cur.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
        cur.execute("SELECT pg_database_size(current_database())")
        size = cur.fetchone()[0]
    pages = [
        {
            "page": a["page"],
            # The best of the timed requests of each page (a shared machine's noise only adds).
            "alone_ms": round(1000 * a["seconds"], 1),
            "nation_ms": round(1000 * n["seconds"], 1),
            "ratio": round(n["seconds"] / a["seconds"], 2) if a["seconds"] else None,
            "queries_alone": a["queries"],
            "queries_nation": n["queries"],
        }
        for a, n in zip(alone, nation, strict=True)
    ]
    return {
        "scale": args.scale,
        "collectivities": counts["organisation_collectivity"],
        "cases": counts["cases_case"],
        "audit_entries": counts["audit_transitionentry"],
        "signatures": counts["petitions_signature"],
        "commune_cases": own,
        "generate_seconds": round(time.perf_counter() - t0, 1),
        "database_bytes": size,
        "database_size": f"{size / 1024**3:.2f} GiB",
        "load_average": round(os.getloadavg()[0], 1),
        "pages": pages,
        "page_target_ratio": 1.3,
        **national_figures,
    }


if __name__ == "__main__":
    try:
        out = main()
    finally:
        if not args.keep:
            drop_postgres(url)
    pages = out.pop("pages")
    for key, value in out.items():
        print(f"{key:>30}: {value}")
    print(f"{'page':<34} {'alone_ms':>9} {'nation_ms':>9} {'ratio':>6} {'queries':>9}")
    for p in pages:
        queries = f"{p['queries_alone']}/{p['queries_nation']}"
        print(f"{p['page']:<34} {p['alone_ms']:>9} {p['nation_ms']:>9} {p['ratio']:>6} {queries:>9}")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"national-{args.scale:g}.json").write_text(json.dumps({**out, "pages": pages}, indent=2))

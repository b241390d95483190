"""Benchmark: the heavy pages at 10,000 and 100,000 cases on PostgreSQL, each against the
hand-written SQL that produces the same rows.

The data is made in SQL from templates: one case per (kind, state) is walked through the services
(so its audit chain, viewflow process and tasks are real), then copied with generate_series into
`--cases` cases with their histories, processes and tasks, spread over three years. One case in ten
waits for the bureau (10,000 open bureau tasks at 100,000 cases); the bureau user also has a few
thousand in-app notifications, some unread.

Pages are requested with Django's test client under the production settings (DEBUG off, manifest
static files collected into a scratch folder). For each page it prints one line:

    page  product_ms  floor_ms  ratio  queries

product_ms is the median time of the whole request; floor_ms the median time of the hand-written
SQL for what the page shows (rows, counts, year list), run uncached on the same connection; ratio
is product/floor; queries the number of SQL statements of one request. Lines marked "(cold)" clear
the cache before each request, so the register's cached count and years are counted again and
the page is rendered (anonymous pages are otherwise served from the page cache, cases.page_cache).

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/mithaq_scale_bench; the name gets
                      the size appended (mithaq_scale_bench_100000); dropped and recreated unless
                      --reuse finds it already generated at that size.
  python bench/pages.py --cases 100000 [--reuse] [--repeat 15]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_PAGES_CASES", "10000")))
parser.add_argument("--reuse", action="store_true", help="keep the database if it holds this size already")
parser.add_argument("--repeat", type=int, default=15, help="timed requests per page (median kept)")
args = parser.parse_args()

base_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mithaq_scale_bench")
if not base_url.startswith("postgres"):
    sys.exit("This benchmark needs PostgreSQL (BENCH_DATABASE_URL=postgres://...).")
url = f"{base_url}_{args.cases}"
static_root = Path(tempfile.gettempdir()) / "mithaq-bench-static"
os.environ.update(
    {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "STATIC_ROOT": str(static_root),
        "SECURE_SSL_REDIRECT": "False",
        "EMAIL_URL": "dummymail://",
        "CELERY_BROKER_URL": "",
    }
)
os.environ.setdefault("SECRET_KEY", "bench-secret-key-only-for-a-scratch-database-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("MITHAQ_PERSONAL_DATA_KEY", "bench-personal-data-key")
# Production settings refuse to start without a signing key: a throwaway one, as bench/load.py does.
os.environ.setdefault("MITHAQ_AUDIT_SIGNING_KEY", base64.b64encode(secrets.token_bytes(32)).decode())

import psycopg  # noqa: E402

_server, _, db_name = url.rpartition("/")
with psycopg.connect(f"{_server}/postgres", autocommit=True) as _conn:
    exists = _conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone() is not None
    reuse = False
    if exists and args.reuse:
        try:
            with psycopg.connect(url) as probe:
                row = probe.execute("SELECT value FROM bench_meta WHERE key = 'cases'").fetchone()
                reuse = row is not None and int(row[0]) == args.cases
        except psycopg.Error:
            reuse = False
    if not reuse:
        _conn.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        _conn.execute(f'CREATE DATABASE "{db_name}"')

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.scale_data import generate  # noqa: E402


def _median_ms(fn, repeat: int) -> float:
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def _sql_runner(statements: list[tuple[str, list]]):
    def run():
        with connection.cursor() as cur:
            for sql, params in statements:
                cur.execute(sql, params)
                cur.fetchall()

    return run


def measure(repeat: int) -> list[dict]:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries

    from accounts.models import User

    # One persistent connection, as production keeps them (CONN_MAX_AGE), and the captured queries
    # kept across the request.
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 600
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)

    with connection.cursor() as cur:
        cur.execute("SELECT key, value FROM bench_meta")
        meta = dict(cur.fetchall())
    collectivity, bureau_id = int(meta["collectivity"]), int(meta["bureau"])
    bureau = User.objects.get(pk=bureau_id)
    anonymous, staff, auditor = Client(), Client(), Client()
    staff.force_login(bureau)
    # The response-time audit is the follow-up team's and the president's (World names users by role).
    auditor.force_login(User.objects.get(username="president"))
    now = timezone.now()
    today = timezone.localdate()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT year FROM cases_case WHERE collectivity_id = %s AND state <> 'draft' "
            "GROUP BY year ORDER BY count(*) DESC LIMIT 1",
            [collectivity],
        )
        busy_year = cur.fetchone()[0]
        cur.execute(
            "SELECT reference, id FROM cases_case WHERE state = 'implemented' AND reference LIKE 'B%%' "
            "ORDER BY id DESC LIMIT 1"
        )
        reference, case_id = cur.fetchone()
        cur.execute("SELECT DISTINCT rejection_notice_months FROM organisation_collectivity")
        months = [m for (m,) in cur.fetchall()]

    public_rows = """
        SELECT c.*, co.name_ar, co.name_fr, cm.name_ar, cm.name_fr, sv.name_ar, sv.name_fr, se.date
        FROM cases_case c
        JOIN organisation_collectivity co ON co.id = c.collectivity_id
        LEFT JOIN organisation_committee cm ON cm.id = c.committee_id
        LEFT JOIN organisation_service sv ON sv.id = c.service_id
        LEFT JOIN organisation_councilsession se ON se.id = c.session_id
        WHERE c.collectivity_id = %s AND c.state <> 'draft' {extra}
        ORDER BY c.submitted_at DESC, c.id DESC LIMIT {limit}
    """
    count = "SELECT count(*) FROM cases_case c WHERE c.collectivity_id = %s AND c.state <> 'draft' {extra}"
    years = (
        "SELECT DISTINCT year FROM cases_case WHERE collectivity_id = %s AND state <> 'draft' "
        "ORDER BY year DESC"
    )
    filt = "AND c.kind = 'petition' AND c.year = %s"
    # The API lists every collectivity's cases unless asked for one.
    api_list = [
        (public_rows.format(extra="", limit=50).replace("c.collectivity_id = %s AND ", ""), []),
        (count.format(extra="").replace("c.collectivity_id = %s AND ", ""), []),
    ]
    overdue = (
        " OR ".join(f"(co.rejection_notice_months = {int(m)} AND c.submitted_at < %s)" for m in months)
        or "false"
    )
    overdue_params = [
        now - __import__("dateutil.relativedelta").relativedelta.relativedelta(months=m) for m in months
    ]
    inbox_where = """
        FROM viewflow_task t
        JOIN viewflow_process p ON p.id = t.process_id
        JOIN cases_case c ON c.id = p.artifact_object_id
        JOIN organisation_collectivity co ON co.id = c.collectivity_id
        WHERE p.artifact_content_type_id = (SELECT id FROM django_content_type WHERE app_label = 'cases' AND
        model = 'case')
          AND t.flow_task_type = 'HUMAN' AND t.status IN ('NEW', 'ASSIGNED', 'STARTED')
          AND t.owner_permission = 'workflows.desk_bureau' AND c.collectivity_id = %s
    """
    inbox_rows = f"""
        SELECT t.id, t.flow_task, t.created, t.owner_id, c.reference, c.title, c.kind, c.state,
        c.submitted_at,
               c.legal_deadline_on, (c.kind = 'petition' AND c.state IN ('submitted', 'under_review',
               'awaiting_information') AND ({overdue})) AS late
        {inbox_where}
        ORDER BY late DESC, t.created, t.id LIMIT 30
    """
    inbox_counts = f"SELECT c.kind, t.flow_task, count(*) {inbox_where} GROUP BY c.kind, t.flow_task"
    case_sql = [
        (
            """SELECT c.*, co.*, cm.*, sv.*, se.* FROM cases_case c JOIN organisation_collectivity co ON
            co.id = c.collectivity_id
               LEFT JOIN organisation_committee cm ON cm.id = c.committee_id LEFT JOIN organisation_service
               sv ON sv.id = c.service_id
               LEFT JOIN organisation_councilsession se ON se.id = c.session_id
               WHERE c.reference = %s AND c.state <> 'draft'""",
            [reference],
        ),
        ("SELECT * FROM audit_transitionentry WHERE case_id = %s ORDER BY seq", [case_id]),
        ("SELECT * FROM cases_case WHERE related_case_id = %s AND state <> 'draft' ORDER BY id", [case_id]),
    ]
    from followup import response_times as rt
    from followup.reports import parse_period

    start, end, *_rest = parse_period(None, None, None)
    stays = rt._stays_sql("stage") + " AND c.collectivity_id = %(collectivity)s"
    audit_sql = [
        (
            rt._percentile_sql(stays),
            {
                "start": start,
                "end": end,
                "tz": timezone.get_current_timezone_name(),
                "collectivity": collectivity,
            },
        ),
        (
            "SELECT state, count(*), sum(CASE WHEN deadline_on < %s THEN 1 ELSE 0 END) FROM cases_case "
            "WHERE collectivity_id = %s AND state IN ('submitted', 'under_review', 'awaiting_information', "
            "'in_committee', 'reported', 'on_agenda', 'adopted', 'in_implementation') GROUP BY state",
            [today, collectivity],
        ),
    ]
    unread = (
        "SELECT count(*) FROM notifications_delivery WHERE user_id = %s AND channel = 'inapp' "
        "AND status = 'sent' AND read_at IS NULL",
        [bureau_id],
    )
    headline = (
        "SELECT count(*), count(*) FILTER (WHERE state IN ('submitted','under_review','awaiting_information',"
        "'in_committee','reported','on_agenda','adopted','in_implementation')) FROM cases_case "
        "WHERE collectivity_id = %s AND state <> 'draft'",
        [collectivity],
    )
    pages = [
        (
            "/staff/inbox/",
            staff,
            "/staff/inbox/",
            [(inbox_rows, [*overdue_params, collectivity]), (inbox_counts, [collectivity])],
            False,
        ),
        (
            "/register/",
            anonymous,
            "/register/",
            [
                (public_rows.format(extra="", limit=25), [collectivity]),
                (count.format(extra=""), [collectivity]),
                (years, [collectivity]),
            ],
            False,
        ),
        (
            "/register/ (cold)",
            anonymous,
            "/register/",
            [
                (public_rows.format(extra="", limit=25), [collectivity]),
                (count.format(extra=""), [collectivity]),
                (years, [collectivity]),
            ],
            True,
        ),
        (
            "/register/?kind&year",
            anonymous,
            f"/register/?kind=petition&year={busy_year}",
            [
                (public_rows.format(extra=filt, limit=25), [collectivity, busy_year]),
                (count.format(extra=filt), [collectivity, busy_year]),
                (years, [collectivity]),
            ],
            False,
        ),
        (
            "/api/v1/cases/",
            anonymous,
            "/api/v1/cases/",
            api_list,
            False,
        ),
        (
            "/api/v1/cases/ (cold)",
            anonymous,
            "/api/v1/cases/",
            api_list,
            True,
        ),
        ("badge: / (bureau)", staff, "/", [unread, headline], False),
        ("/register/<ref>/", anonymous, f"/register/{reference}/", case_sql, False),
        # The page rendered (the line above is served from the page cache, cases.page_cache).
        ("/register/<ref>/ (cold)", anonymous, f"/register/{reference}/", case_sql, True),
        ("/api/v1/cases/<ref>/", anonymous, f"/api/v1/cases/{reference}/", case_sql, False),
        ("/staff/audit/", auditor, "/staff/audit/", audit_sql, False),
    ]
    results = []
    for name, client, path, floor_sql, cold in pages:

        def request(client=client, path=path, cold=cold):
            if cold:
                cache.clear()
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="ar")
            assert response.status_code == 200, (path, response.status_code)
            return response

        request()
        if not cold:
            request()
        with CaptureQueriesContext(connection) as ctx:
            request()
        queries = len(ctx)
        product = _median_ms(request, repeat)
        floor = _median_ms(_sql_runner(floor_sql), repeat)
        results.append(
            {
                "page": name,
                "product_ms": round(product, 1),
                "floor_ms": round(floor, 1),
                "ratio": round(product / floor, 2) if floor else None,
                "queries": queries,
            }
        )
    return results


def main() -> None:
    info = {"database": db_name, "cases": args.cases, "reused": reuse}
    if not reuse:
        info.update(generate(args.cases))
    else:
        call_command("migrate", verbosity=0)  # indexes added since the data was generated
    call_command("collectstatic", "--noinput", verbosity=0)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM viewflow_task WHERE status IN ('NEW','ASSIGNED','STARTED') "
            "AND owner_permission = 'workflows.desk_bureau'"
        )
        info["open_bureau_tasks"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM audit_transitionentry")
        info["audit_entries"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM cases_case")
        info["cases"] = cur.fetchone()[0]
    print(" ".join(f"{k}={v}" for k, v in info.items()))
    rows = measure(args.repeat)
    # The machine's load while it ran: ratios hold on a busy machine, absolute times do not.
    info["load_average"] = round(os.getloadavg()[0], 1)
    print(f"load_average={info['load_average']}")
    print(f"{'page':<24} {'product_ms':>10} {'floor_ms':>9} {'ratio':>6} {'queries':>7}")
    for r in rows:
        print(f"{r['page']:<24} {r['product_ms']:>10} {r['floor_ms']:>9} {r['ratio']:>6} {r['queries']:>7}")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"pages-{args.cases}.json").write_text(json.dumps({**info, "pages": rows}, indent=2))


if __name__ == "__main__":
    main()

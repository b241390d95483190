"""Benchmark: the audit entry and signature tables partitioned by year, or not, on PostgreSQL (issue 14).

The tables come from the migrations (audit_transitionentry, petitions_signature), their foreign keys
dropped so no case or user has to exist (the key checks cost the same on both layouts). They are
filled with set-based SQL: by default 2,500,000 audit entries for 500,000 cases (five per case, a
case every few minutes over five years, its entries twelve days apart) and 2,000,000 signatures for
5,000 petitions (400 each, signed within two months of the petition's start, over the same five
years). A second copy of each is then declared `PARTITION BY RANGE (created_at)`, one partition per
year, with the same indexes; PostgreSQL wants every unique index of a partitioned table to include
the partition key, so (case, seq), hash and (case, CNIE hash) become unique per year only.

Then, on both copies, the queries the product runs against these tables, with the same random
parameters, alternating which copy goes first: a case's timeline (cases/selectors.py), one entry
(cases/notify.py), a chunk of verify_audit (audit/verify.py), the chains that moved on one day and
the full digest of a day (audit/digest.py, the ORM's own SQL), the stays that ended in a quarter or
a year (followup/indicators.py, without the join on the cases), the rejections of a quarter
(notices/selectors.py), inserting a transition's entry; the signatures of a petition, the duplicate
check by keyed hash, the count of valid signatures, the counts of a page of petitions
(petitions/selectors.py) and a 1,000-row COPY import (petitions/signatures.py). Then sizes, VACUUM
ANALYZE, and dropping the oldest year (DELETE against DROP of the partition, rolled back).

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/mithaq_partition_bench (recreated)
  --scale S           share of the full volumes (0.1: 250,000 entries, 200,000 signatures)
  --repeat N          runs of each per-row query (default 200)

Figures are printed and written to bench/results/partitioning.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import drop_postgres, fresh_postgres  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--scale", type=float, default=1.0)
parser.add_argument("--repeat", type=int, default=200)
parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
args = parser.parse_args()

url = fresh_postgres("mithaq_partition_bench")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

ENTRY, SIG = "audit_transitionentry", "petitions_signature"
PENTRY, PSIG = "bench_entry_by_year", "bench_signature_by_year"
YEARS = range(2021, 2028)  # five years of data, the year the inserts land in, and one ahead
START = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
SPAN_DAYS = 5 * 365
CASES = max(1000, int(500_000 * args.scale))
PER_CASE = 5
PETITIONS = max(50, int(5_000 * args.scale))
PER_PETITION = 400
TRANSITIONS = ["submit", "start_review", "refer_to_committee", "report", "adopt"]
STATES = ["draft", "submitted", "under_review", "in_committee", "reported", "adopted"]
TZ = "Africa/Casablanca"


def sql(statement: str, params=None) -> list:
    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else []


def timed(statement: str, params=None) -> float:
    t0 = time.perf_counter()
    sql(statement, params)
    return time.perf_counter() - t0


def drop_foreign_keys(table: str) -> None:
    for (name,) in sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [table]
    ):
        sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')


def fill() -> dict:
    entries = CASES * PER_CASE
    signatures = PETITIONS * PER_PETITION
    t0 = time.perf_counter()
    # Each case starts somewhere in the five years; its entries follow twelve days apart.
    sql(
        f"""
        INSERT INTO {ENTRY} (id, case_id, seq, transition, from_state, to_state, actor_id, role, created_at,
            justification, payload, stay_started_at, stay_deadline, decision, prev_hash, hash)
        SELECT i, (i - 1) / %(per)s + 1, (i - 1) %% %(per)s + 1,
               (%(tr)s::text[])[(i - 1) %% %(per)s + 1], (%(st)s::text[])[(i - 1) %% %(per)s + 1],
               (%(st)s::text[])[(i - 1) %% %(per)s + 2], NULL, 'bureau', at, '',
               '{{"public": {{}}}}'::jsonb, at - interval '12 days', (at + interval '20 days')::date, NULL,
               CASE WHEN (i - 1) %% %(per)s = 0 THEN ''
                    ELSE md5((i - 1)::text) || md5((i - 1)::text || 'h') END,
               md5(i::text) || md5(i::text || 'h')
        FROM generate_series(1, %(n)s) AS i,
             LATERAL (SELECT %(start)s::timestamptz
                          + (((i - 1) / %(per)s)::float8 / %(cases)s) * %(span)s * interval '1 day'
                          + ((i - 1) %% %(per)s) * interval '12 days' AS at) AS t
        """,
        {
            "per": PER_CASE,
            "tr": TRANSITIONS,
            "st": STATES,
            "n": entries,
            "start": START,
            "cases": CASES,
            "span": SPAN_DAYS,
        },
    )
    t1 = time.perf_counter()
    sql(
        f"""
        INSERT INTO {SIG} (id, case_id, full_name, cnie_encrypted, cnie_hash, cnie_last3, address, link,
            province, channel, user_id, valid, invalidated_reason, invalidated_at, invalidated_by_id,
            created_by_id, created_at)
        SELECT i, (i - 1) / %(per)s + 1, 'Signatory ' || i,
               md5(i::text) || md5(i::text || 'a') || md5(i::text || 'b') || md5(i::text || 'c'),
               md5(i::text || 'k') || md5(i::text || 'l'), right(i::text, 3), 'Rue ' || i || ', Demnate',
               'resident', '', CASE WHEN i %% 3 = 0 THEN 'online' ELSE 'paper' END, NULL, i %% 50 <> 0, '',
               NULL, NULL, NULL,
               %(start)s::timestamptz + (((i - 1) / %(per)s)::float8 / %(pets)s) * %(span)s * interval '1 day'
                   + random() * interval '60 days'
        FROM generate_series(1, %(n)s) AS i
        """,
        {"per": PER_PETITION, "n": signatures, "start": START, "pets": PETITIONS, "span": SPAN_DAYS},
    )
    t2 = time.perf_counter()
    for table in (ENTRY, SIG):
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return {
        "entries": entries,
        "signatures": signatures,
        "fill_entries_s": round(t1 - t0, 1),
        "fill_signatures_s": round(t2 - t1, 1),
    }


def partitioned_copy(source: str, target: str) -> float:
    """`target`: `source`'s columns, partitioned by year on created_at, with its indexes (every
    unique one extended with created_at, as PostgreSQL requires), filled from `source`."""
    sql(
        f"CREATE TABLE {target} (LIKE {source} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
        "PARTITION BY RANGE (created_at)"
    )
    sql(f"CREATE SEQUENCE {target}_id_seq OWNED BY {target}.id")
    sql(f"ALTER TABLE {target} ALTER COLUMN id SET DEFAULT nextval('{target}_id_seq')")
    for year in YEARS:
        sql(
            f"CREATE TABLE {target}_{year} PARTITION OF {target} "
            f"FOR VALUES FROM ('{year}-01-01 00:00+00') TO ('{year + 1}-01-01 00:00+00')"
        )
    sql(f"ALTER TABLE {target} ADD PRIMARY KEY (id, created_at)")
    for name, definition in sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE '%%_pkey'",
        [source],
    ):
        head, _, rest = definition.partition(" USING btree (")
        columns, _, where = rest.partition(")")
        if head.startswith("CREATE UNIQUE"):
            columns += ", created_at"
        head = head.replace(f"INDEX {name} ON", f"INDEX {name}_y ON").replace(f"public.{source}", target)
        sql(f"{head} USING btree ({columns}){where}")
    t0 = time.perf_counter()
    sql(f"INSERT INTO {target} SELECT * FROM {source}")
    sql(f"SELECT setval('{target}_id_seq', (SELECT max(id) FROM {target}))")
    return round(time.perf_counter() - t0, 1)


def ms(seconds: list[float]) -> float:
    return round(statistics.median(seconds) * 1000, 3)


def compare(label: str, statement: str, params, runs: int, plain: str, part: str) -> dict:
    """Median time of `statement` ({t}: the table) on both layouts, same parameters, alternating
    which one goes first so they share the machine's noise."""
    rng = random.Random(label)
    for table in (plain, part):  # warm the caches and plans
        sql(statement.format(t=table), params(rng))
    times = {plain: [], part: []}
    for i in range(runs):
        p = params(rng)
        order = (plain, part) if i % 2 == 0 else (part, plain)
        for table in order:
            times[table].append(timed(statement.format(t=table), p))
    a, b = ms(times[plain]), ms(times[part])
    row = {"query": label, "plain_ms": a, "partitioned_ms": b, "ratio": round(b / a, 2) if a else None}
    print(f"{label:<46} {a:>10.3f} {b:>10.3f} {row['ratio']:>6}x", flush=True)
    return row


def day_params(rng):
    day = START + datetime.timedelta(days=rng.randrange(30, SPAN_DAYS - 30))
    return {"start": day, "end": day + datetime.timedelta(days=1)}


def period_params(days: int):
    def params(rng):
        start = START + datetime.timedelta(days=rng.randrange(0, SPAN_DAYS - days))
        return {"start": start, "end": start + datetime.timedelta(days=days)}

    return params


def orm_sql(queryset) -> str:
    """The product's own SQL with its parameters inlined (they are dates and numbers)."""
    with connection.cursor() as cur:
        statement, params = queryset.query.sql_with_params()
        return cur.mogrify(statement, params).replace(f'"{ENTRY}"', "{t}")


def audit_queries(runs: int) -> list[dict]:
    from audit import digest

    few, fewer = max(5, runs // 20), max(3, runs // 40)
    day = datetime.date(2023, 6, 14)
    stays = (
        "SELECT from_state, count(*), sum(CASE WHEN stay_deadline IS NOT NULL AND created_at < "
        f"((stay_deadline + 1)::timestamp AT TIME ZONE '{TZ}') THEN 1 ELSE 0 END) FROM {{t}} "
        "WHERE created_at >= %(start)s AND created_at < %(end)s AND stay_started_at IS NOT NULL "
        "AND from_state <> to_state AND from_state <> 'draft' GROUP BY from_state"
    )
    counter = iter(range(10**9))
    queries = [
        (
            "case timeline (case_id, ORDER BY seq)",
            "SELECT * FROM {t} WHERE case_id = %s ORDER BY seq",
            lambda rng: [rng.randrange(1, CASES + 1)],
            runs,
        ),
        (
            "one entry (case_id, seq)",
            "SELECT payload FROM {t} WHERE case_id = %s AND seq = %s",
            lambda rng: [rng.randrange(1, CASES + 1), rng.randrange(1, PER_CASE + 1)],
            runs,
        ),
        (
            "verify_audit chunk (500 cases)",
            "SELECT * FROM {t} WHERE case_id = ANY(%s) ORDER BY case_id, seq, id",
            lambda rng: [list(range(s := rng.randrange(1, CASES - 500), s + 500))],
            max(10, runs // 10),
        ),
        # The chains that moved on one day (the digest's anchors) and the digest itself: the ORM's SQL.
        (
            "digest anchors of one day (_heads since)",
            orm_sql(digest._heads(day, since=day - datetime.timedelta(1))),
            lambda rng: None,
            few,
        ),
        (
            "full digest of one day (compute)",
            "SELECT count(*), sum(seq) FROM (" + orm_sql(digest._heads(day)) + ") AS heads",
            lambda rng: None,
            2,
        ),
        ("indicators: stays ended in a quarter", stays, period_params(91), few),
        ("indicators: stays ended in a year", stays, period_params(365), fewer),
        (
            "entries of a transition in a quarter",
            "SELECT * FROM {t} WHERE transition = 'adopt' "
            "AND created_at >= %(start)s AND created_at < %(end)s "
            "ORDER BY created_at, id",
            period_params(91),
            few,
        ),
        (
            "insert a transition's entry",
            "INSERT INTO {t} (case_id, seq, transition, from_state, to_state, role, created_at, "
            "justification, payload, prev_hash, hash) "
            "VALUES (%s, 1, 'submit', 'draft', 'submitted', 'agent', %s, '', '{{}}', '', %s)",
            lambda rng: [CASES + 1 + next(counter), datetime.datetime.now(datetime.UTC), md5ish(rng)],
            runs,
        ),
    ]
    return [compare(label, q, params, n, ENTRY, PENTRY) for label, q, params, n in queries]


def md5ish(rng) -> str:
    return f"{rng.getrandbits(256):064x}"


def signature_queries(runs: int) -> list[dict]:
    pet = lambda rng: [rng.randrange(1, PETITIONS + 1)]  # noqa: E731
    some = max(20, runs // 4)
    queries = [
        (
            "a petition's signatures (case_id ORDER BY id)",
            "SELECT * FROM {t} WHERE case_id = %s ORDER BY id",
            pet,
            some,
        ),
        (
            "duplicate check (case_id, cnie_hash)",
            "SELECT 1 FROM {t} WHERE case_id = %s AND cnie_hash = %s LIMIT 1",
            lambda rng: [rng.randrange(1, PETITIONS + 1), md5ish(rng)],
            runs,
        ),
        (
            "hashes already signed (import's seen set)",
            "SELECT cnie_hash FROM {t} WHERE case_id = %s",
            pet,
            some,
        ),
        ("count of valid signatures", "SELECT count(*) FROM {t} WHERE case_id = %s AND valid", pet, runs),
        (
            "counts of a page of 50 petitions",
            "SELECT case_id, count(*) FROM {t} WHERE case_id = ANY(%s) AND valid GROUP BY case_id",
            lambda rng: [rng.sample(range(1, PETITIONS + 1), 50)],
            some,
        ),
    ]
    rows = [compare(label, q, params, n, SIG, PSIG) for label, q, params, n in queries]
    # The import: COPY of 1,000 rows into a new petition (petitions/signatures.py:_signatures_copy).
    columns = [
        "case_id",
        "full_name",
        "cnie_encrypted",
        "cnie_hash",
        "cnie_last3",
        "address",
        "link",
        "province",
        "channel",
        "valid",
        "invalidated_reason",
        "created_at",
    ]
    times = {SIG: [], PSIG: []}
    for i in range(max(3, runs // 40)):
        now = datetime.datetime.now(datetime.UTC)
        batch = [
            (
                10**7 + i,
                f"Signatory {n}",
                "x" * 128,
                f"{random.getrandbits(256):064x}",
                "123",
                "Rue 1",
                "resident",
                "",
                "paper",
                True,
                "",
                now,
            )
            for n in range(1000)
        ]
        for table in (SIG, PSIG) if i % 2 == 0 else (PSIG, SIG):
            t0 = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cur:
                copy_rows(cur, f"COPY {table} ({', '.join(columns)}) FROM STDIN", batch)
            times[table].append(time.perf_counter() - t0)
    a, b = ms(times[SIG]), ms(times[PSIG])
    label = "import 1,000 signatures (COPY)"
    rows.append({"query": label, "plain_ms": a, "partitioned_ms": b, "ratio": round(b / a, 2)})
    print(f"{label:<46} {a:>10.3f} {b:>10.3f} {rows[-1]['ratio']:>6}x", flush=True)
    return rows


def copy_rows(cur, statement: str, rows) -> None:
    with cur.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def size(table: str, partitioned: bool) -> dict:
    if partitioned:
        parts = [
            r[0]
            for r in sql(
                "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [table]
            )
        ]
    else:
        parts = [table]
    total = sum(sql("SELECT pg_total_relation_size(%s)", [p])[0][0] for p in parts)
    indexes = sum(sql("SELECT pg_indexes_size(%s)", [p])[0][0] for p in parts)
    return {"total_mb": round(total / 2**20, 1), "indexes_mb": round(indexes / 2**20, 1)}


def maintenance() -> list[dict]:
    rows = []
    for plain, part in ((ENTRY, PENTRY), (SIG, PSIG)):
        a, b = size(plain, False), size(part, True)
        print(
            f"{plain + ' size (MB, indexes)':<46} {a['total_mb']:>6} ({a['indexes_mb']}) "
            f"{b['total_mb']:>6} ({b['indexes_mb']})",
            flush=True,
        )
        va, vb = timed(f"VACUUM ANALYZE {plain}"), timed(f"VACUUM ANALYZE {part}")
        print(
            f"{'VACUUM ANALYZE ' + plain:<46} {va * 1000:>10.0f} {vb * 1000:>10.0f} {vb / va:>6.2f}x",
            flush=True,
        )
        aa, ab = timed(f"ANALYZE {plain}"), timed(f"ANALYZE {part}")
        print(f"{'ANALYZE ' + plain:<46} {aa * 1000:>10.0f} {ab * 1000:>10.0f} {ab / aa:>6.2f}x", flush=True)
        # Dropping the oldest year: DELETE on one table, DROP of a partition (both rolled back). The
        # audit entries are append-only (triggers), so the DELETE needs them disabled in the transaction.
        with transaction.atomic():
            sql(f"ALTER TABLE {plain} DISABLE TRIGGER USER")
            da = timed(f"DELETE FROM {plain} WHERE created_at < '2022-01-01 00:00+00'")
            transaction.set_rollback(True)
        with transaction.atomic():
            db = timed(f"ALTER TABLE {part} DETACH PARTITION {part}_2021; DROP TABLE {part}_2021")
            transaction.set_rollback(True)
        print(f"{'drop the oldest year ' + plain:<46} {da * 1000:>10.0f} {db * 1000:>10.0f}", flush=True)
        rows.append(
            {
                "table": plain,
                "plain": a,
                "partitioned": b,
                "vacuum_analyze_ms": [round(va * 1000), round(vb * 1000)],
                "analyze_ms": [round(aa * 1000), round(ab * 1000)],
                "drop_oldest_year_ms": [round(da * 1000), round(db * 1000)],
            }
        )
    return rows


def main() -> dict:
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    for table in (ENTRY, SIG):
        drop_foreign_keys(table)
    out = {"scale": args.scale, **fill()}
    out["copy_entries_s"] = partitioned_copy(ENTRY, PENTRY)
    out["copy_signatures_s"] = partitioned_copy(SIG, PSIG)
    for table in (ENTRY, PENTRY, SIG, PSIG):
        sql(f"VACUUM ANALYZE {table}")
    print(
        f"{out['entries']:,} audit entries ({CASES:,} cases), {out['signatures']:,} signatures "
        f"({PETITIONS:,} petitions); filled in {out['fill_entries_s']} + {out['fill_signatures_s']} s, "
        f"partitioned copies in {out['copy_entries_s']} + {out['copy_signatures_s']} s",
        flush=True,
    )
    print(f"{'query (median)':<46} {'plain_ms':>10} {'by_year_ms':>10} {'ratio':>7}", flush=True)
    out["audit"] = audit_queries(args.repeat)
    out["signatures_queries"] = signature_queries(args.repeat)
    out["maintenance"] = maintenance()
    out["total_s"] = round(time.perf_counter() - t0, 1)
    return out


if __name__ == "__main__":
    try:
        results = main()
        results_dir = ROOT / "bench" / "results"
        results_dir.mkdir(exist_ok=True)
        (results_dir / "partitioning.json").write_text(json.dumps(results, indent=2, default=str))
        print(f"total {results['total_s']} s")
    finally:
        if not args.keep:
            drop_postgres(url)

"""What the PostgreSQL benchmarks share (README: benchmarks): a database of their own, dropped and
created afresh, and Django set up on it before anything imports a model."""

from __future__ import annotations

import os
import sys


def fresh_postgres(default_name: str) -> str:
    """Point Django at BENCH_DATABASE_URL (default: `default_name` on the local server), recreate
    that database empty, and set Django up. Returns the URL. Exits when it is not PostgreSQL."""
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_name}")
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (BENCH_DATABASE_URL=postgres://...).")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    import django

    django.setup()
    return url


def drop_postgres(url: str) -> None:
    """Drop the benchmark's database once its connections are closed."""
    import psycopg
    from django.db import connections

    connections.close_all()
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

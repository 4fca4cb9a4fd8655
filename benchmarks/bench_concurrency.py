"""Twenty interviewers, each saving a field every 100 ms for 30 s, as separate processes.

Runs on SQLite (a scratch file, synchronous=FULL) and, when BENCH_POSTGRES_URL or
TEST_POSTGRES_URL names a server, on PostgreSQL in a throwaway schema.
"""

from __future__ import annotations

import os
import uuid

from benchmarks.harness import Result, scratch_env
from benchmarks.load import run_load

INTERVIEWERS, INTERVAL, SECONDS = 20, 0.1, 30.0


def _rows(db: str, result) -> list[Result]:
    detail = f"{result.saves:,} saves in {result.seconds:.0f} s; p50 {result.p50_ms:.1f} ms"
    return [
        Result(f"{INTERVIEWERS} interviewers saving every 100 ms, {db}: p95 save", result.p95_ms,
               250 if db == "SQLite" else 50, "ms", detail=detail),
        Result(f"{INTERVIEWERS} interviewers, {db}: lost + duplicated + misattributed saves",
               result.lost + result.duplicated + result.misattributed + result.failures, 0, "saves"),
    ]


def run() -> list[Result]:
    rows = []
    with scratch_env(MOTIVE_PASSWORD_ROUNDS="4"):
        rows += _rows("SQLite", run_load(os.environ["MOTIVE_DATABASE_URL"], interviewers=INTERVIEWERS,
                                         interval=INTERVAL, seconds=SECONDS))
    pg = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    if pg:
        from sqlalchemy import create_engine, text

        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            with scratch_env(MOTIVE_PASSWORD_ROUNDS="4"):
                sep = "&" if "?" in pg else "?"
                url = f"{pg}{sep}options=-csearch_path%3D{schema}"
                rows += _rows("PostgreSQL", run_load(url, interviewers=INTERVIEWERS, interval=INTERVAL,
                                                     seconds=SECONDS))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return rows

"""Twenty interviewers saving at once, as separate processes, in two profiles.

* burst: each saves a field every 100 ms for 30 s (far above any real pace), to find the ceiling;
* typing: each types continuously, so the page sends a debounced save every 2 s, for 60 s
  (the twenty spread over those 2 s, as people who do not pause in step),
  signed in (every write re-checks the session) and based on the text last saved (the
  conflict check): the p95 save, lost or misattributed saves, and the CPU each typing
  interviewer costs the server's store.

Runs on SQLite (a scratch file, synchronous=FULL) and, when BENCH_POSTGRES_URL or
TEST_POSTGRES_URL names a server, on PostgreSQL in a throwaway schema.
"""

from __future__ import annotations

import os
import uuid

from benchmarks.harness import Result, scratch_env
from benchmarks.load import run_load

INTERVIEWERS = 20
PROFILES = {"burst": dict(interval=0.1, seconds=30.0), "typing": dict(interval=2.0, seconds=60.0, signed_in=True,
                                                                       staggered=True)}


def _rows(db: str, profile: str, result) -> list[Result]:
    detail = f"{result.saves:,} saves in {result.seconds:.0f} s; p50 {result.p50_ms:.1f} ms"
    what = "saving every 100 ms" if profile == "burst" else "typing (a save every 2 s), signed in"
    rows = [
        Result(f"{INTERVIEWERS} interviewers {what}, {db}: p95 save", result.p95_ms,
               250 if db == "SQLite" else 50, "ms", detail=detail),
        Result(f"{INTERVIEWERS} interviewers {what}, {db}: lost + duplicated + misattributed saves",
               result.lost + result.duplicated + result.misattributed + result.failures, 0, "saves"),
    ]
    if profile == "typing":
        per = 100 * result.cpu_seconds / INTERVIEWERS / PROFILES["typing"]["seconds"]
        rows.append(Result(f"{INTERVIEWERS} interviewers typing, {db}: store CPU per typing interviewer", per, 5,
                           "% of a core", detail="labelling each save is on top: see the model rows"))
    return rows


def _all_profiles(db: str, url: str) -> list[Result]:
    return [row for name, profile in PROFILES.items()
            for row in _rows(db, name, run_load(url, interviewers=INTERVIEWERS, **profile))]


def run() -> list[Result]:
    rows = []
    with scratch_env(MOTIVE_PASSWORD_ROUNDS="4"):
        rows += _all_profiles("SQLite", os.environ["MOTIVE_DATABASE_URL"])
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
                rows += _all_profiles("PostgreSQL", url)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return rows

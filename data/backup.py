"""A consistent online copy of Motive's SQLite database: `python -m data.backup FILE`.

Safe while the app runs and interviewers save: SQLite's backup API copies a single
consistent snapshot, write-ahead log included, page by page without blocking writers
for long. The copy is then checked with `PRAGMA integrity_check`.

PostgreSQL is backed up with its own tools (see the README):
    pg_dump --format=custom --file=motive.dump "$DATABASE"

Restore an SQLite copy: stop the app, move the copy over data/motive.db (deleting any
motive.db-wal and motive.db-shm beside it), start the app.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from data.errors import StoreError
from data.settings import Settings

PAGES_PER_STEP = 1024  # copy in steps, so writers wait milliseconds, not the whole copy


def backup_sqlite(database_url: str, target: Path, *, overwrite: bool = False) -> dict:
    """Copy the live database at `database_url` to `target`; returns what was copied."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise StoreError("python -m data.backup copies SQLite databases; for PostgreSQL use pg_dump "
                         "(pg_dump --format=custom --file=motive.dump ...), as the README shows.")
    source = Path(url.database or "")
    if not url.database or url.database == ":memory:" or not source.exists():
        raise StoreError(f"There is no database file at {source}.")
    target = Path(target)
    if target.resolve() == source.resolve():
        raise StoreError("The backup must go to a different file than the database itself.")
    if target.exists() and not overwrite:
        raise StoreError(f"{target} exists; choose another name or pass --overwrite.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            version = dst.execute("SELECT value FROM motive_meta WHERE key = 'schema_version'").fetchone()
            candidates = dst.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
            answers = dst.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise StoreError(f"The copy failed its integrity check ({check}); nothing was written.")
    partial.replace(target)  # the finished copy appears at once, never half-written
    return {"file": str(target), "bytes": target.stat().st_size, "schema_version": version[0] if version else None,
            "candidates": candidates, "answers": answers}


def main(argv: list[str] | None = None, prog: str = "python -m data.backup") -> int:
    from data.cli import command, say

    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("file", help="where to write the copy")
    parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    args = parser.parse_args(argv)

    def run() -> None:
        done = backup_sqlite(Settings.from_env().database_url, Path(args.file), overwrite=args.overwrite)
        say(f"wrote {done['file']} ({done['bytes']:,} bytes, schema v{done['schema_version']}, "
            f"{done['candidates']:,} candidates, {done['answers']:,} answers); integrity check ok")

    return command(run, errors=(sqlite3.Error,))


if __name__ == "__main__":
    sys.exit(main())

"""A consistent online copy of Motive's SQLite database, and putting one back: `python -m data.backup FILE`.

Safe while the app runs and interviewers save: SQLite's backup API copies a single
consistent snapshot, write-ahead log included, page by page without blocking writers
for long. The copy is then checked with `PRAGMA integrity_check`, written owner-only (0600),
and listed beside the database (data/copies.py), so the Privacy page shows it and erasing a
candidate erases them from it too.

Restore with `python -m data.backup restore FILE` while the app is stopped: it keeps the
database it replaces as an owner-only copy, puts FILE in place, upgrades it, and re-applies
every erasure and anonymisation made since FILE was taken (their tombstones are in the
ledger beside the database and in the replaced database's audit log) before anything can
serve from it. Copying a file over motive.db by hand is caught up the same way when the app
next starts, as long as the ledger `motive.db.erasures` is still beside it.

PostgreSQL is backed up with its own tools (see docs/deployment.md):
    pg_dump --format=custom --file=motive.dump "$DATABASE"
and, having nothing beside it to keep tombstones in, writes them out with `tombstones FILE`
(daily, and after the last erasure before a restore) and hands them back after a pg_restore
with `reapply FILE`. Both work on SQLite too.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from data.copies import database_file, read_ledger_file, remember, write_copy, write_ledger
from data.errors import StoreError
from data.records import COMMAND_LINE, CatchUp
from data.schema import SCHEMA_VERSION
from data.settings import Settings
from data.store import Store

def _sqlite_file(database_url: str) -> Path:
    db = database_file(database_url)
    if db is None:
        if database_url.startswith("sqlite"):
            raise StoreError("There is no database file to copy: MOTIVE_DATABASE_URL names an in-memory database.")
        raise StoreError("python -m data.backup copies SQLite databases; for PostgreSQL use pg_dump "
                         "(pg_dump --format=custom --file=motive.dump ...), as docs/deployment.md shows.")
    return db


def _inspect(conn: sqlite3.Connection) -> dict:
    """What a copy holds, refusing a copy that is damaged or not Motive's."""
    check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        raise StoreError(f"The copy failed its integrity check ({check}); nothing was written.")
    try:
        version = conn.execute("SELECT value FROM motive_meta WHERE key = 'schema_version'").fetchone()
        counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("candidates", "answers")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"That file is not a Motive database ({exc}).") from exc
    return {"schema_version": version[0] if version else None, "candidates": counts[0], "answers": counts[1]}


def backup_sqlite(database_url: str, target: Path, *, overwrite: bool = False) -> dict:
    """Copy the live database at `database_url` to `target`; returns what was copied."""
    source = _sqlite_file(database_url)
    if not source.exists():
        raise StoreError(f"There is no database file at {source}.")
    target = Path(target)
    if target.resolve() == source.resolve():
        raise StoreError("The backup must go to a different file than the database itself.")
    if target.exists() and not overwrite:
        raise StoreError(f"{target} exists; choose another name or pass --overwrite.")
    seen = write_copy(source, target, _inspect)
    remember(source, target, "backup")
    return {"file": str(target), "bytes": target.stat().st_size, **seen}


@dataclass(frozen=True)
class Restored:
    """What a restore put in place, where the replaced database went, and what was erased again."""

    file: str
    schema_version: str | None  # the copy's version before the upgrade
    replaced_kept_as: str | None  # the database that was replaced, kept owner-only; None if there was none
    caught_up: CatchUp


def restore_sqlite(settings: Settings, source: Path) -> Restored:
    """Put the copy `source` in place of the database and re-apply every erasure made since it was taken.

    The app must be stopped. Before anything changes, the tombstones of the database being
    replaced are written to the ledger and that database is kept as an owner-only copy.
    """
    db = _sqlite_file(settings.database_url)
    source = Path(source)
    if not source.is_file():
        raise StoreError(f"There is no backup file at {source}.")
    if db.exists() and source.resolve() == db.resolve():
        raise StoreError("That is the database itself; name the backup copy to restore.")
    staged = db.with_name(db.name + ".restoring")
    try:
        seen = write_copy(source, staged, _inspect)  # checked before the database is touched
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{source} is not a Motive database ({exc}); nothing was changed.") from exc
    if seen["schema_version"] is None or int(seen["schema_version"]) > SCHEMA_VERSION:
        staged.unlink(missing_ok=True)
        raise StoreError(f"{source} is at schema v{seen['schema_version']}, which this Motive (v{SCHEMA_VERSION}) "
                         "cannot restore; nothing was changed.")
    kept = None
    if db.exists():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = db.with_name(f"{db.name}.before-restore-{stamp}.bak")
        try:
            current = Store(settings)  # opening it writes its erasures to the ledger, to be re-applied below
            current.dispose()
            write_copy(db, kept)
        except (StoreError, sqlite3.Error):
            _set_aside(db, kept)  # damaged: kept byte for byte (its erasures are in the ledger already)
        remember(db, kept, "before restore")
    for suffix in ("-wal", "-shm", "-journal"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    staged.replace(db)
    remember(db, source, "restored from")  # it still holds what was erased since: later erasures reach it
    restored = Store(settings)  # upgrades, then catches up with the ledger before returning
    restored.dispose()
    return Restored(str(source), seen["schema_version"], str(kept) if kept else None, restored.caught_up)


def _set_aside(db: Path, kept: Path) -> None:
    """Move a database that cannot be read, with its journal files, to `kept`, owner-only."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = db.with_name(db.name + suffix)
        if part.exists():
            part.chmod(0o600)
            part.replace(kept.with_name(kept.name + suffix))


def main(argv: list[str] | None = None, prog: str = "python -m data.backup") -> int:
    from data.cli import command, say

    args_in = sys.argv[1:] if argv is None else list(argv)
    if args_in[:1] == ["restore"]:
        return _restore_main(args_in[1:], f"{prog} restore")
    if args_in[:1] in (["tombstones"], ["reapply"]):
        return _ledger_main(args_in[0], args_in[1:], f"{prog} {args_in[0]}")
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__.splitlines()[0],
        epilog=f"To put a copy back (app stopped): {prog} restore FILE. For PostgreSQL: {prog} tombstones FILE "
               f"writes the erasures out, {prog} reapply FILE applies them again after a pg_restore.")
    parser.add_argument("file", help="where to write the copy")
    parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    args = parser.parse_args(args_in)

    def run() -> None:
        done = backup_sqlite(Settings.from_env().database_url, Path(args.file), overwrite=args.overwrite)
        say(f"wrote {done['file']} ({done['bytes']:,} bytes, owner-only, schema v{done['schema_version']}, "
            f"{done['candidates']:,} candidates, {done['answers']:,} answers); integrity check ok")

    return command(run, errors=(sqlite3.Error,))


def _restore_main(argv: list[str], prog: str) -> int:
    from data.cli import command, say

    parser = argparse.ArgumentParser(
        prog=prog, description="Put a backup copy in place of the SQLite database (stop the app first); "
                               "erasures made since the copy was taken are applied again.")
    parser.add_argument("file", help="the backup copy to restore")
    args = parser.parse_args(argv)

    def run() -> None:
        done = restore_sqlite(Settings.from_env(), Path(args.file))
        say(f"restored {done.file} (schema v{done.schema_version}, now v{SCHEMA_VERSION})")
        if done.replaced_kept_as:
            say(f"the database it replaced is kept, owner-only, as {done.replaced_kept_as}")
        _say_caught_up(done.caught_up, "since the copy was taken")

    return command(run, errors=(sqlite3.Error,))


def _say_caught_up(caught: CatchUp, when: str) -> None:
    from data.cli import say

    say(f"{caught.tombstones} erasure(s) and anonymisation(s) recorded {when} were applied again: "
        f"{len(caught.erased)} candidate(s) erased again"
        + (f" (ids {', '.join(map(str, caught.erased))})" if caught.erased else "")
        + f", {len(caught.anonymised)} anonymised again"
        + (f" (ids {', '.join(map(str, caught.anonymised))})" if caught.anonymised else ""))


def _ledger_main(action: str, argv: list[str], prog: str) -> int:
    from data.cli import command, open_store, say

    parser = argparse.ArgumentParser(prog=prog, description=(
        "Write every erasure and anonymisation in the audit log to FILE (ids, times and hashes, no names)."
        if action == "tombstones" else
        "Apply again the erasures and anonymisations in FILE that this database is missing (after a restore)."))
    parser.add_argument("file", help="the tombstone file (JSON lines)")
    args = parser.parse_args(argv)

    def run() -> None:
        store = open_store()
        try:
            if action == "tombstones":
                stones = store.tombstone_ledger(COMMAND_LINE)
                write_ledger(Path(args.file), stones)
                say(f"wrote {len(stones)} tombstone(s) to {args.file} (owner-only)")
            else:
                _say_caught_up(store.catch_up_erasures(COMMAND_LINE, read_ledger_file(Path(args.file))),
                               f"in {args.file} and missing here")
        finally:
            store.dispose()

    return command(run)


if __name__ == "__main__":
    sys.exit(main())

"""The copies of an SQLite database that Motive writes and knows of, and the tombstones kept beside it.

A copy of Motive's database holds candidates' personal data as surely as the database does,
so Motive answers for the copies it makes:

* **Owner-only.** Every copy (an upgrade's `motive.db.vN-<stamp>.bak`, a `python -m motive
  backup` copy, the copy a restore keeps of the database it replaced) is created 0600 before a
  byte is written, whatever the umask, and left as one self-contained file (no -wal or -shm).
* **Known.** Upgrade copies are found by their name beside the database; every other copy is
  listed in the catalogue `motive.db.backups` (JSON lines). The Privacy page lists them all.
* **Erased from.** Erasing a candidate erases them from every known copy (the same rows the
  store deletes, then VACUUM, so the bytes are gone), or names the copy that could not be
  changed. A copy whose first account or position differs from the database's is some other
  database's and is not searched.
* **Tombstones outside the database.** The ledger `motive.db.erasures` (JSON lines, no personal
  data: audit hashes, ids, times) repeats every erasure and anonymisation recorded in the audit
  log. A database put back from a copy has an audit log that is behind the ledger; the store
  re-applies what it is missing before anyone is served (data/store/trust.py).
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from sqlalchemy.engine import make_url

PAGES_PER_STEP = 1024  # copy in steps, so writers wait milliseconds, not the whole copy
OWNER_ONLY = 0o600
T = TypeVar("T")

# Every row about a candidate, child tables first, in every schema version that has the table:
# (table, column, what the column points at). tests/test_backup.py checks this against the schema.
CANDIDATE_ROWS = (
    ("label_reviews", "answer_id", "answers"),
    ("motivation_labels", "answer_id", "answers"),
    ("answer_history", "answer_id", "answers"),
    ("answers", "interview_id", "interviews"),
    ("ratings", "interview_id", "interviews"),
    ("recommendations", "interview_id", "interviews"),
    ("interview_events", "interview_id", "interviews"),
    ("interviews", "candidate_id", "candidates"),
    ("stage_history", "candidate_id", "candidates"),
    ("assignments", "candidate_id", "candidates"),
    ("candidate_self_id", "candidate_id", "candidates"),
    ("candidates", "id", "candidates"),
)
_SCOPE = {
    "candidates": "?",
    "interviews": "SELECT id FROM interviews WHERE candidate_id = ?",
    "answers": "SELECT id FROM answers WHERE interview_id IN (SELECT id FROM interviews WHERE candidate_id = ?)",
}


@dataclass(frozen=True)
class BackupFile:
    """A copy of the database Motive wrote or found; `found` is False when it is no longer at `path`."""

    path: str
    kind: str  # "upgrade", "backup", "before restore", "restored from"
    found: bool
    written_at: datetime | None = None  # the file's modification time, naive UTC
    size: int | None = None
    owner_only: bool | None = None


def database_file(database_url: str) -> Path | None:
    """The SQLite file behind a database URL; None for PostgreSQL or an in-memory database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return None
    return Path(url.database)


def _owner_only(path: Path) -> None:
    """Create `path` empty and 0600; the umask can only take bits away, so set the mode after."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY)
    try:
        os.fchmod(fd, OWNER_ONLY)
    finally:
        os.close(fd)


def write_copy(source: Path, target: Path, inspect: Callable[[sqlite3.Connection], T] | None = None) -> T | None:
    """Copy the SQLite database `source` to `target`, owner-only, through SQLite's backup API.

    The backup API copies one consistent snapshot, write-ahead log included, while others
    write. `inspect` looks at the finished copy before it is put in place (raising removes
    it); the copy appears at `target` at once, never half-written.
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    _owner_only(partial)
    seen = None
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst, pages=PAGES_PER_STEP)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                if inspect is not None:
                    seen = inspect(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.chmod(partial, OWNER_ONLY)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return seen


def _append_lines(path: Path, entries: Iterable[dict]) -> None:
    lines = "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries)
    if not lines:
        return
    if not path.exists():
        try:
            _owner_only(path)
        except FileExistsError:
            pass
    with open(path, "a", encoding="utf-8") as out:
        out.write(lines)
        out.flush()
        os.fsync(out.fileno())


def _read_lines(path: Path) -> list[dict]:
    """Every whole entry; a line torn by a crash mid-append is skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


# -- the catalogue of copies --------------------------------------------------------------------

def catalogue_path(db: Path) -> Path:
    return db.with_name(db.name + ".backups")


def remember(db: Path, copy: Path, kind: str) -> None:
    """Add a copy of `db` to its catalogue, so the Privacy page lists it and erasure reaches it."""
    _append_lines(catalogue_path(db), [{"file": str(copy.resolve()), "kind": kind,
                                        "at": datetime.now(timezone.utc).isoformat()}])


def known_copies(db: Path) -> list[BackupFile]:
    """Every copy of `db` Motive knows of, newest first: upgrade copies beside it and the catalogue's."""
    kinds: dict[Path, str] = {}
    for entry in _read_lines(catalogue_path(db)):
        if isinstance(entry.get("file"), str):
            kinds[Path(entry["file"])] = str(entry.get("kind", "backup"))
    if db.parent.is_dir():
        for path in db.parent.glob(f"{_glob_escape(db.name)}.v*-*.bak"):
            kinds.setdefault(path.resolve(), "upgrade")
    kinds.pop(db.resolve(), None)
    files = []
    for path, kind in kinds.items():
        try:
            st = path.stat()
        except OSError:
            files.append(BackupFile(str(path), kind, False))
            continue
        files.append(BackupFile(str(path), kind, True,
                                datetime.fromtimestamp(st.st_mtime, timezone.utc).replace(tzinfo=None),
                                st.st_size, st.st_mode & 0o077 == 0))
    return sorted(files, key=lambda f: (f.written_at is not None, f.written_at or datetime.min, f.path), reverse=True)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


# -- whose database a file is -------------------------------------------------------------------

def lineage(first_created: datetime | str | None) -> str | None:
    """A database's birth mark: when its first account or position was made (microseconds), or None."""
    if first_created is None:
        return None
    if isinstance(first_created, str):
        first_created = datetime.fromisoformat(first_created)
    return first_created.isoformat()


def _file_lineage(conn: sqlite3.Connection, tables: set[str]) -> str | None:
    parts = [f"SELECT MIN(created_at) FROM {t}" for t in ("users", "positions") if t in tables]
    if not parts:
        return None
    found = [r[0] for r in (conn.execute(q).fetchone() for q in parts) if r and r[0] is not None]
    return lineage(min(datetime.fromisoformat(str(v)) for v in found)) if found else None


# -- erasing a candidate from a copy ------------------------------------------------------------

ERASED, ABSENT = "erased", "absent"


def _delete_models_trained_on(conn: sqlite3.Connection, tables: set[str], candidate_id: int) -> None:
    """The copy's model versions that learnt from the candidate go with them, by the rule the
    database itself follows (data.store.labels.versions_trained_on): a version that recorded its
    training candidates if it names them; one made before that was recorded (schema v8) if it was
    made after the candidate's first review. The copy is left with no active version if the active
    one goes: restored, the app installs the shipped default then."""
    if "model_versions" not in tables:
        return
    columns = {r[1] for r in conn.execute("PRAGMA table_info(model_versions)")}
    first_review = None
    if {"label_reviews", "answers"} <= tables:
        first_review = conn.execute(
            f"SELECT MIN(created_at) FROM label_reviews WHERE answer_id IN ({_SCOPE['answers']})", (candidate_id,)
        ).fetchone()[0]
    if "trained_on" not in columns:  # a copy older than v8: nothing says what a version learnt from
        if first_review is not None:  # the shipped default, as the v8 upgrade recognises it, never learnt from anyone
            conn.execute("DELETE FROM model_versions WHERE created_at >= ? AND NOT "
                         "(created_by IS NULL AND version LIKE 'corpus-%')", (first_review,))
        return
    conn.execute("DELETE FROM model_versions WHERE trained_on IS NOT NULL AND EXISTS "
                 "(SELECT 1 FROM json_each(model_versions.trained_on) WHERE json_each.value = ?)", (candidate_id,))
    if first_review is not None:
        conn.execute("DELETE FROM model_versions WHERE trained_on IS NULL AND created_at >= ?", (first_review,))


def erase_from_copy(copy: Path, candidate_id: int, database_lineage: str | None) -> str:
    """Delete a candidate from one copy and VACUUM it; ERASED, ABSENT, or why the copy was left as it is."""
    if not copy.exists():
        return "not found at this path: if it was moved, it still holds the candidate"
    try:
        conn = sqlite3.connect(f"file:{copy}?mode=rw", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return f"could not be opened for writing ({exc})"
    try:
        conn.isolation_level = None
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "candidates" not in tables:
            return "not a Motive database, so not searched"
        if database_lineage is None or _file_lineage(conn, tables) != database_lineage:
            return "a copy of another database (its first account or position differs), so not searched"
        try:
            os.chmod(copy, OWNER_ONLY)  # one of ours: owner-only from now on, as new copies are
        except OSError as exc:
            return f"could not be made owner-only ({exc})"
        if conn.execute("SELECT 1 FROM candidates WHERE id = ?", (candidate_id,)).fetchone() is None:
            return ABSENT
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("BEGIN IMMEDIATE")
        try:
            _delete_models_trained_on(conn, tables, candidate_id)
            for table, column, points_at in CANDIDATE_ROWS:
                if table in tables:
                    conn.execute(f"DELETE FROM {table} WHERE {column} IN ({_SCOPE[points_at]})", (candidate_id,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("VACUUM")  # the freed pages go, and with them the bytes
        return ERASED
    except sqlite3.Error as exc:
        return f"could not be changed ({exc})"
    finally:
        conn.close()


# -- the tombstone ledger -----------------------------------------------------------------------

TOMBSTONE_ACTIONS = ("candidate.erased", "retention.anonymised")


def ledger_path(db: Path) -> Path:
    return db.with_name(db.name + ".erasures")


def read_ledger(db: Path) -> list[dict]:
    return [e for e in _read_lines(ledger_path(db)) if isinstance(e.get("hash"), str)]


def add_to_ledger(db: Path, tombstones: Iterable[dict]) -> None:
    _append_lines(ledger_path(db), tombstones)


def write_ledger(path: Path, tombstones: Iterable[dict]) -> None:
    """Write a whole ledger to `path` (owner-only, replacing it at once): for a PostgreSQL deployment."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    _append_lines(partial, tombstones)
    if not partial.exists():
        _owner_only(partial)
    partial.replace(path)


def read_ledger_file(path: Path) -> list[dict]:
    """A ledger written by `write_ledger`; FileNotFoundError if there is none."""
    if not path.is_file():
        raise FileNotFoundError(2, "no such file", str(path))
    return [e for e in _read_lines(path) if isinstance(e.get("hash"), str)]

"""Candidate lists from HR: read, preview every row and every problem, then import all valid rows at once.

    python -m data.importer FILE        (.csv or .xlsx; columns name, email, position in any case)

Nothing is half-imported: the valid rows go in together in one transaction, or none
do. Unknown positions are created. The command line prints what it imported and every
problem, and exits non-zero when it imported nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from data.errors import ValidationError
from data.records import COMMAND_LINE, LIMITS, Actor
from data.store import Store

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COLUMNS = 50
REQUIRED = ("name", "email", "position")


@dataclass(frozen=True)
class Row:
    """One line of the file as read; `problems` empty means it will be imported."""

    line: int
    name: str
    email: str
    position: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Preview:
    """Everything the file holds and everything wrong with it, before anything is written."""

    rows: tuple[Row, ...]
    file_problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def valid(self) -> tuple[Row, ...]:
        return () if self.file_problems else tuple(r for r in self.rows if r.ok)

    @property
    def invalid(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.ok)


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"The file is not UTF-8 text (a byte at position {exc.start} cannot be read). In Excel, save it as "
            "'CSV UTF-8', or upload the .xlsx file itself."
        ) from None


def _table(filename: str, data: bytes) -> list[list[str]]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        text = _decode(data)
        try:
            return [row for row in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise ValidationError(f"The CSV cannot be read: {exc}.") from None
    if suffix == ".xlsx":
        import zipfile

        from openpyxl import load_workbook

        unreadable = "This is not a readable .xlsx workbook. Open it in Excel and save it again."
        try:
            unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except (zipfile.BadZipFile, ValueError, OSError):
            raise ValidationError(unreadable) from None
        if unpacked > MAX_UNPACKED_BYTES:  # a small file that unpacks to gigabytes (a "zip bomb")
            raise ValidationError(f"The workbook unpacks to {unpacked / 1024 / 1024:,.0f} MB; the limit is "
                                  f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB. Save just the candidate list as CSV.")
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            ws = wb.worksheets[0]
            rows = []
            # Read no further than the row limit needs, and only the first columns: the rest is never used.
            for row in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                rows.append(["" if v is None else str(v) for v in row])
                if len(rows) > MAX_ROWS + 1:
                    break
            wb.close()
        except Exception:  # openpyxl raises many types for a broken file; all mean the same to the user
            raise ValidationError(unreadable) from None
        return rows
    raise ValidationError(f"Upload a .csv or .xlsx file (this one is {suffix or 'without an extension'}).")


def read_candidates(store: Store, actor: Actor, filename: str, data: bytes) -> Preview:
    """Read a candidate list and check every row against the file and the database; writes nothing."""
    if not data:
        return Preview((), ("The file is empty.",))
    if len(data) > MAX_BYTES:
        return Preview((), (f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
                            "Split it into smaller files.",))
    try:
        table = _table(filename, data)
    except ValidationError as exc:
        return Preview((), (str(exc),))
    numbered = [(n, r) for n, r in enumerate(table, start=1) if any(c.strip() for c in r)]
    if not numbered:
        return Preview((), ("The file has no rows.",))
    table = [r for _, r in numbered]
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = ", ".join(h for h in table[0] if h.strip()) or "nothing"
        return Preview((), (f"Missing column(s): {', '.join(missing)}. The first row must name the columns; found: "
                            f"{found}.",))
    if len(table) - 1 > MAX_ROWS:
        return Preview((), (f"The file has {len(table) - 1:,} rows; the limit is {MAX_ROWS:,}.",))
    extra = [h for h in table[0] if h.strip() and h.strip().lower() not in REQUIRED]
    notes = (f"Ignored column(s): {', '.join(extra)}.",) if extra else ()
    at = {c: header.index(c) for c in REQUIRED}

    existing = defaultdict(set)  # position name (lower) -> emails already there
    positions = {p.name.lower(): p for p in store.list_positions()}
    for c in store.candidates_with_email(actor):
        existing[c[0].lower()].add(c[1])
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for n, raw in numbered[1:]:
        cell = lambda col: (raw[at[col]] if at[col] < len(raw) else "").replace("\x00", "").strip()  # noqa: E731
        name, email, position = cell("name"), cell("email"), cell("position")
        problems = []
        if not name:
            problems.append("missing name")
        elif len(name) > LIMITS["candidate_name"]:
            problems.append(f"name longer than {LIMITS['candidate_name']} characters")
        if not position:
            problems.append("missing position")
        elif len(position) > LIMITS["position_name"]:
            problems.append(f"position longer than {LIMITS['position_name']} characters")
        if not email:
            problems.append("missing email")
        else:
            try:
                email = Store.normalise_email(email) or ""
            except ValidationError:
                problems.append(f"malformed email {email!r}")
            else:
                key = (position.lower(), email)
                if key in seen:
                    problems.append(f"duplicate of line {seen[key]}")
                elif email in existing[position.lower()]:
                    problems.append(f"already a candidate for {positions[position.lower()].name}")
                seen.setdefault(key, n)
        rows.append(Row(n, name, email, position, tuple(problems)))
    return Preview(tuple(rows), (), notes)


def import_valid(store: Store, actor: Actor, preview: Preview) -> tuple[int, list[str]]:
    """Import every valid row in one transaction; returns (candidates added, positions created)."""
    if preview.file_problems:
        raise ValidationError("Nothing was imported: " + " ".join(preview.file_problems))
    return store.import_candidates(actor, [(r.name, r.email, r.position) for r in preview.valid])


def main(argv: list[str] | None = None, prog: str = "python -m data.importer") -> int:
    import argparse

    from data.cli import command, open_store, say

    parser = argparse.ArgumentParser(prog=prog, description="Import a candidate list.")
    parser.add_argument("file", help=".csv or .xlsx with the columns name, email, position")
    args = parser.parse_args(argv)

    def run() -> int:
        path = Path(args.file)
        data = path.read_bytes()
        store = open_store()
        actor = COMMAND_LINE
        preview = read_candidates(store, actor, path.name, data)
        for problem in preview.file_problems:
            say(f"error: {problem}", err=True)
        for note in preview.notes:
            say(f"note: {note}")
        for row in preview.invalid:
            say(f"line {row.line}: not imported: {'; '.join(row.problems)}", err=True)
        if not preview.valid:
            say("Imported nothing.", err=True)
            return 1
        added, created = import_valid(store, actor, preview)
        say(f"Imported {added} candidate(s)" + (f"; created position(s): {', '.join(created)}" if created else "") + ".")
        return 0

    return command(run, suffix=" Nothing was imported.")


if __name__ == "__main__":
    sys.exit(main())

"""Candidate lists from HR: read, preview every row and every problem, then import all valid rows at once.

    python -m data.importer FILE        (.csv or .xlsx; columns name, email, position in any case)

Nothing is half-imported: the valid rows go in together in one transaction, or none
do. Unknown positions are created. The column names are the first non-empty row; only
non-empty rows count toward MAX_ROWS, and every row not imported is named, blank ones too. The command line prints what it imported and every
problem, and exits non-zero when it imported nothing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import sys
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from data.errors import ValidationError
from data.records import COMMAND_LINE, LIMITS, Actor
from data.store import Store
from data.wording import plural

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COLUMNS = 50
REQUIRED = ("name", "email", "position")
DUPLICATE = "duplicate: "  # how a row naming someone already there begins its problem


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

    @property
    def duplicate(self) -> bool:
        """The row names someone already there (in the database or earlier in the file): a file imported twice."""
        return any(p.startswith(DUPLICATE) for p in self.problems)


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


@dataclass(frozen=True)
class Table:
    """A file's non-empty rows, each with its row number in the file, or why the file cannot be read.

    Reading is the slow, pure half of an import: a page reads an upload once and keeps the
    table (`digest` is the upload's SHA-256), while checking its rows against the database
    runs again on every preview. A blank row is not in `rows`; the gaps between row
    numbers are the blank rows. `more` means the file has rows past the limit, not read.
    """

    digest: str
    rows: tuple[tuple[int, tuple[str, ...]], ...] = ()
    problem: str | None = None
    more: bool = False


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


# A workbook's XML is read by expat, which before version 2.6 takes time quadratic in the length of one
# token (a tag with its attributes, a comment): a 37 KB workbook holding one 30 MB tag kept a core busy for a
# minute. No token Excel writes comes near MAX_TOKEN_BYTES (a cell holds at most 32,767 characters), so every
# XML part is scanned, in one linear pass, before openpyxl parses anything.
MAX_TOKEN_BYTES = 1024 * 1024
_XML_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1", b"latin1"}
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]{0,200}?\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _xml_problem(part: zipfile.ZipExtFile) -> str | None:
    """Why one XML part of a workbook may not be parsed: a token too long, or markup Excel never writes.

    Every token expat must hold whole runs from a "<" to the next "<" (an attribute value cannot hold "<"),
    so the longest stretch without "<" bounds them all, provided the part is in an encoding where "<" is
    that byte and holds no comment, DOCTYPE, CDATA or processing instruction (which may contain "<").
    """
    head = part.read(64 * 1024)
    declaration = _DECLARATION.match(head)
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(1).lower() not in _XML_ENCODINGS:
            return "it is in a text encoding Excel does not write"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4]:
        return "it is in a text encoding Excel does not write"
    chunk = head[declaration.end():] if declaration else head
    run, tail = 0, b""  # bytes since the last "<", and the byte before this chunk
    while chunk:
        if b"<!" in chunk or b"<?" in chunk or (tail == b"<" and chunk[:1] in (b"!", b"?")):
            return "it holds a comment, a declaration or an instruction Excel does not write"
        first = chunk.find(b"<")  # a stretch inside one chunk is never longer than the chunk, MAX_TOKEN_BYTES
        if run + (len(chunk) if first < 0 else first) > MAX_TOKEN_BYTES:
            return f"one piece of it is longer than {MAX_TOKEN_BYTES // 1024 // 1024} MB"
        run = run + len(chunk) if first < 0 else len(chunk) - chunk.rfind(b"<") - 1
        tail, chunk = chunk[-1:], part.read(MAX_TOKEN_BYTES)
    return None


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, tuple[str, ...]]], bool]:
    from openpyxl import load_workbook

    unreadable = "This is not a readable .xlsx workbook. Open it in Excel and save it again."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
            unpacked = sum(i.file_size for i in members)
            if unpacked > MAX_UNPACKED_BYTES:  # a small file that unpacks to gigabytes (a "zip bomb")
                raise ValidationError(f"The workbook unpacks to {unpacked / 1024 / 1024:,.0f} MB; the limit is "
                                      f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB. Save just the candidate list as CSV.")
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels")):
                    with z.open(member) as part:
                        problem = _xml_problem(part)
                    if problem:
                        raise ValidationError(f"This workbook was not read: its part {member.filename!r} looks "
                                              f"built to stall the reader ({problem}). Open it in Excel and save "
                                              "it again, or save the candidate list as CSV.")
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error, RuntimeError, NotImplementedError):
        raise ValidationError(unreadable) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows, more = [], False
        # Read no further than the row limit needs, and only the first columns: the rest is never used.
        for n, row in enumerate(wb.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            cells = tuple("" if v is None else str(v) for v in row)
            if any(c.strip() for c in cells):
                if len(rows) > MAX_ROWS:  # the header and MAX_ROWS people already read
                    more = True
                    break
                rows.append((n, cells))
        wb.close()
    except Exception:  # openpyxl raises many types for a broken file; all mean the same to the user
        raise ValidationError(unreadable) from None
    return rows, more


def read_table(filename: str, data: bytes) -> Table:
    """Read an upload's rows (the slow part of an import), touching no database."""
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return Table(digest, problem="The file is empty.")
    if len(data) > MAX_BYTES:
        return Table(digest, problem=f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                                     f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files.")
    suffix = Path(filename).suffix.lower()
    try:
        if suffix == ".csv":
            text = _decode(data)
            try:
                rows = [(n, tuple(r)) for n, r in enumerate(csv.reader(io.StringIO(text)), start=1)
                        if any(c.strip() for c in r)]
            except csv.Error as exc:
                raise ValidationError(f"The CSV cannot be read: {exc}.") from None
            more = len(rows) > MAX_ROWS + 1
            return Table(digest, tuple(rows[:MAX_ROWS + 1]), more=more)
        if suffix == ".xlsx":
            rows, more = _xlsx_rows(data)
            return Table(digest, tuple(rows), more=more)
        raise ValidationError(f"Upload a .csv or .xlsx file (this one is {suffix or 'without an extension'}).")
    except ValidationError as exc:
        return Table(digest, problem=str(exc))


def _spans(numbers: list[int]) -> str:
    """Row numbers as ranges: 2-101, 205, 300-301."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _blank_rows(rows: tuple[tuple[int, tuple[str, ...]], ...]) -> list[int]:
    """The blank rows between the column names and the last candidate: none of them holds anyone."""
    numbers = [n for n, _ in rows]
    return [n for a, b in zip(numbers, numbers[1:]) for n in range(a + 1, b)]


def check_table(store: Store, actor: Actor, table: Table) -> Preview:
    """Check every row of a table against the file and the database; writes nothing."""
    if table.problem:
        return Preview((), (table.problem,))
    if not table.rows:
        return Preview((), ("The file has no rows.",))
    header_at, header_cells = table.rows[0]
    header = [h.strip().lower() for h in header_cells]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = ", ".join(h for h in header_cells if h.strip()) or "nothing"
        where = "The first row" if header_at == 1 else f"Row {header_at}, the first row that is not empty,"
        return Preview((), (f"Missing column(s): {', '.join(missing)}. {where} must name the columns "
                            f"{', '.join(REQUIRED)}; it holds: {found}.",))
    if table.more:
        return Preview((), (f"The file has more than {MAX_ROWS:,} candidate rows (blank rows not counted); the "
                            f"limit is {MAX_ROWS:,}. Split it into smaller files.",))
    extra = [h for h in header_cells if h.strip() and h.strip().lower() not in REQUIRED]
    notes = []
    if header_at != 1:
        notes.append(f"The column names were read from row {header_at}; the rows above it are empty.")
    if extra:
        notes.append(f"Ignored {'column' if len(extra) == 1 else 'columns'}: {', '.join(extra)}.")
    blank = _blank_rows(table.rows)
    if blank:
        notes.append(f"{plural(len(blank), 'blank row')} skipped, holding no one: {'row' if len(blank) == 1 else 'rows'} "
                     f"{_spans(blank)}.")
    at = {c: header.index(c) for c in REQUIRED}

    existing = defaultdict(set)  # position name (lower) -> emails already there
    positions = {p.name.lower(): p for p in store.list_positions()}
    for c in store.candidates_with_email(actor):
        existing[c[0].lower()].add(c[1])
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for n, raw in table.rows[1:]:
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
                    problems.append(f"{DUPLICATE}the same email and position as line {seen[key]}")
                elif email in existing[position.lower()]:
                    problems.append(f"{DUPLICATE}already a candidate for {positions[position.lower()].name}")
                seen.setdefault(key, n)
        rows.append(Row(n, name, email, position, tuple(problems)))
    return Preview(tuple(rows), (), tuple(notes))


def read_candidates(store: Store, actor: Actor, filename: str, data: bytes) -> Preview:
    """Read a candidate list and check every row against the file and the database; writes nothing."""
    return check_table(store, actor, read_table(filename, data))


def import_valid(store: Store, actor: Actor, preview: Preview) -> tuple[int, list[str]]:
    """Import every valid row in one transaction; returns (candidates added, positions created)."""
    if preview.file_problems:
        raise ValidationError("Nothing was imported: " + " ".join(preview.file_problems))
    return store.import_candidates(actor, [(r.name, r.email, r.position) for r in preview.valid])


def main(argv: list[str] | None = None, prog: str = "python -m data.importer") -> int:
    import argparse

    from data.cli import command, field, open_store, say

    parser = argparse.ArgumentParser(prog=prog, description="Import a candidate list.")
    parser.add_argument("file", help=".csv or .xlsx with the columns name, email, position")
    args = parser.parse_args(argv)

    def run() -> int:
        path = Path(args.file)
        data = path.read_bytes()
        store = open_store()
        actor = COMMAND_LINE
        preview = read_candidates(store, actor, path.name, data)
        for problem in preview.file_problems:  # the file's text is in these messages: one line each, inert
            say(f"error: {field(problem)}", err=True)
        for note in preview.notes:
            say(f"note: {field(note)}")
        for row in preview.invalid:
            say(f"line {row.line}: not imported: {field('; '.join(row.problems))}", err=True)
        if not preview.valid:
            say("Imported nothing.", err=True)
            return 1
        added, created = import_valid(store, actor, preview)
        say(f"Imported {plural(added, 'candidate')}"
            + (f"; created {'position' if len(created) == 1 else 'positions'}: {', '.join(map(field, created))}"
               if created else "")
            + ".")
        return 0

    return command(run, suffix=" Nothing was imported.")


if __name__ == "__main__":
    sys.exit(main())

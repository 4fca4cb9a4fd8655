"""Exports that answer for privacy: a candidate's subject-access file and the audit log.

Each exporter returns bytes; the page offers them for download and the store logs the
export. Each exporter checks the actor's permission itself (subject access needs
"privacy.manage", the audit log "audit.view"), so no caller can hand one data and skip
the check. Every sheet is written from column specs (analysis.sheets), and the audit log's
columns are declared once for both its workbook and its CSV. Typed text is never a
formula or an error value: in workbooks it is a text cell with Excel's quote prefix, and
in CSV a cell that a spreadsheet would evaluate (starting = + - @ tab CR, as OWASP
advises for CSV injection, or reading as an error such as #N/A) is prefixed with an
apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from operator import attrgetter

from analysis.sheets import Book, Column, Fact, SheetWriter, evaluates, fact_columns
from data.access import require
from data.audit import action_name
from data.fields import ANSWER_FIELDS
from data.records import RACE_CATEGORIES, SEX_CATEGORIES, Actor, AuditEntry

AUDIT_COLUMNS: tuple[Column[AuditEntry], ...] = (
    Column("id", 8, lambda e: e.id or None),  # a subject-access file's entries carry no id
    Column("at (UTC)", 20, attrgetter("at"), fmt="yyyy-mm-dd hh:mm:ss"),
    Column("actor", 18, attrgetter("actor")),
    Column("action", 26, attrgetter("action")),
    Column("what happened", 30, lambda e: action_name(e.action)),  # the words the Audit page shows
    Column("entity", 12, attrgetter("entity")),
    Column("entity id", 10, attrgetter("entity_id")),
    Column("detail", 80, lambda e: json.dumps(e.detail, ensure_ascii=False, sort_keys=True)),
)
# The wider columns of a subject-access sheet, whose long texts wrap; any other column is 16 wide.
_LONG_TEXT_WIDTHS = {**{f.name: f.width + 10 for f in ANSWER_FIELDS}, "note": 40, "reason": 40, "evidence": 50, "text": 60}


def csv_cell(value) -> str:
    """One CSV value that no spreadsheet will evaluate."""
    text = "" if value is None else value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    text = text.replace("\x00", "")
    return "'" + text if evaluates(text) else text


def subject_access_json(actor: Actor, data: dict) -> bytes:
    """The subject-access file as UTF-8 JSON, readable by a person and by a program."""
    require(actor, "privacy.manage")
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def subject_access_xlsx(actor: Actor, data: dict) -> bytes:
    """The same subject-access data as a workbook: one sheet per kind of record.

    Self-identification reads as the category's name ("Hispanic or Latino"), as the candidate
    chose it; the JSON file keeps the stored key beside it for programs.
    """
    require(actor, "privacy.manage")
    book = Book()
    about = SheetWriter(book, "Candidate", fact_columns((24, 80), ("Field", "Value")))
    about.write_all(Fact(key.replace("_", " "), "" if value is None else str(value), wrap=True)
                    for key, value in data["candidate"].items())
    self_id = data.get("self_identification") or {}
    about.write(Fact("self-identified sex", _category(SEX_CATEGORIES, self_id.get("sex"))))
    about.write(Fact("self-identified race/ethnicity", _category(RACE_CATEGORIES, self_id.get("race_ethnicity"))))
    about.write(Fact("file generated (UTC)", data["generated_at"]))
    about.finish()
    for title, key in [("Stage history", "stage_history"), ("Interviews", "interviews"),
                       ("Interview events", "interview_events"), ("Answers", "answers"),
                       ("Earlier texts", "answer_history"), ("Ratings", "ratings"),
                       ("Recommendations", "recommendations"), ("Motivation labels", "motivation_labels"),
                       ("Label reviews", "label_reviews")]:
        rows = data.get(key, [])
        sheet = SheetWriter(book, title, _record_columns(list(rows[0]) if rows else ["(none)"]))
        sheet.write_all(rows)
        sheet.finish()
    write_audit_sheet(book, [
        AuditEntry(0, datetime.fromisoformat(e["at"]), e["actor"], e["action"], e["entity"], e["entity_id"],
                   e["detail"]) for e in data["audit_trail"]
    ], title="Audit trail")
    return book.bytes()


def _category(names: dict[str, str], key: str | None) -> str:
    """A self-identification category's name; a key no longer declared is shown as stored."""
    return "not disclosed" if not key else names.get(key, key)


def subject_access_zip(actor: Actor, data: dict) -> bytes:
    """Both forms in one download: candidate-<id>.json and candidate-<id>.xlsx."""
    require(actor, "privacy.manage")
    stem = f"candidate-{data['candidate']['id']}"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{stem}.json", subject_access_json(actor, data))
        z.writestr(f"{stem}.xlsx", subject_access_xlsx(actor, data))
    return out.getvalue()


def _record_columns(keys: list[str]) -> tuple[Column[dict], ...]:
    """A subject-access sheet's columns: one per key of its records, in the records' own order."""
    return tuple(Column(key.replace("_", " "), _LONG_TEXT_WIDTHS.get(key, 16), lambda row, key=key: _plain(row[key]),
                        wrap=key in _LONG_TEXT_WIDTHS) for key in keys)


def _plain(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_audit_sheet(book: Book, entries: list[AuditEntry], *, title: str = "Audit log") -> None:
    sheet = SheetWriter(book, title, AUDIT_COLUMNS)
    sheet.write_all(entries)
    sheet.finish()


def audit_xlsx(actor: Actor, entries: list[AuditEntry], *, filters: str = "") -> bytes:
    require(actor, "audit.view")
    book = Book()
    write_audit_sheet(book, entries)
    about = SheetWriter(book, "About", fact_columns((20, 90)))
    about.write(Fact("Filters", filters or "none"))
    about.write(Fact("Entries", len(entries)))
    about.write(Fact("Notice", "Motive's audit log is append-only: the database refuses edits and deletions.", wrap=True))
    about.finish()
    return book.bytes()


def audit_csv(actor: Actor, entries: list[AuditEntry]) -> bytes:
    require(actor, "audit.view")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c.header for c in AUDIT_COLUMNS])
    for e in entries:
        writer.writerow([csv_cell(c.value(e)) for c in AUDIT_COLUMNS])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8

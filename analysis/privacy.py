"""Exports that answer for privacy: a candidate's subject-access file and the audit log.

Each exporter returns bytes; the page offers them for download and the store logs the
export. Typed text is never a formula: in workbooks it is a text cell with Excel's quote
prefix (see analysis.report), and in CSV a cell that a spreadsheet would evaluate
(= + - @ tab CR) is prefixed with an apostrophe, as OWASP advises for CSV injection.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime

from openpyxl import Workbook

from analysis.report import FORMULA_START, SheetWriter
from data.records import AuditEntry

AUDIT_COLUMNS = ["id", "at (UTC)", "actor", "action", "entity", "entity id", "detail"]


def csv_cell(value) -> str:
    """One CSV value that no spreadsheet will evaluate."""
    text = "" if value is None else value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    text = text.replace("\x00", "")
    return "'" + text if text.startswith(FORMULA_START) else text


def subject_access_json(data: dict) -> bytes:
    """The subject-access file as UTF-8 JSON, readable by a person and by a program."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def subject_access_xlsx(data: dict) -> bytes:
    """The same subject-access data as a workbook: one sheet per kind of record."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    about = SheetWriter(wb, "Candidate", taken, ["Field", "Value"], [24, 80])
    for key, value in data["candidate"].items():
        about.append([key.replace("_", " "), "" if value is None else str(value)], wrap={1})
    self_id = data.get("self_identification") or {}
    about.append(["self-identified sex", self_id.get("sex") or "not disclosed"])
    about.append(["self-identified race/ethnicity", self_id.get("race_ethnicity") or "not disclosed"])
    about.append(["file generated (UTC)", data["generated_at"]])
    about.finish()
    widths = {"story": 60, "why": 45, "feeling": 40, "notes": 40, "note": 40, "reason": 40, "evidence": 50}
    for title, key in [("Interviews", "interviews"), ("Answers", "answers"), ("Ratings", "ratings"),
                       ("Recommendations", "recommendations"), ("Motivation labels", "motivation_labels"),
                       ("Label reviews", "label_reviews")]:
        rows = data[key]
        headers = list(rows[0]) if rows else ["(none)"]
        sheet = SheetWriter(wb, title, taken, [h.replace("_", " ") for h in headers],
                            [widths.get(h, 16) for h in headers])
        wrap = {i for i, h in enumerate(headers) if h in widths}
        for row in rows:
            sheet.append([_plain(row[h]) for h in headers], wrap=wrap)
        sheet.finish()
    write_audit_sheet(wb, taken, [
        AuditEntry(0, datetime.fromisoformat(e["at"]), e["actor"], e["action"], e["entity"], e["entity_id"],
                   e["detail"]) for e in data["audit_trail"]
    ], title="Audit trail")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def subject_access_zip(data: dict) -> bytes:
    """Both forms in one download: candidate-<id>.json and candidate-<id>.xlsx."""
    stem = f"candidate-{data['candidate']['id']}"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{stem}.json", subject_access_json(data))
        z.writestr(f"{stem}.xlsx", subject_access_xlsx(data))
    return out.getvalue()


def _plain(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_audit_sheet(wb: Workbook, taken: set[str], entries: list[AuditEntry], *, title: str = "Audit log") -> None:
    sheet = SheetWriter(wb, title, taken, AUDIT_COLUMNS, [8, 20, 18, 26, 12, 10, 80])
    for e in entries:
        sheet.append([e.id or None, e.at, e.actor, e.action, e.entity, e.entity_id,
                      json.dumps(e.detail, ensure_ascii=False, sort_keys=True)], formats={1: "yyyy-mm-dd hh:mm:ss"})
    sheet.finish()


def audit_xlsx(entries: list[AuditEntry], *, filters: str = "") -> bytes:
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    write_audit_sheet(wb, taken, entries)
    about = SheetWriter(wb, "About", taken, ["", ""], [20, 90])
    about.append(["Filters", filters or "none"])
    about.append(["Entries", len(entries)])
    about.append(["Notice", "Motive's audit log is append-only: the database refuses edits and deletions."], wrap={1})
    about.finish()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def audit_csv(entries: list[AuditEntry]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(AUDIT_COLUMNS)
    for e in entries:
        writer.writerow([csv_cell(v) for v in (e.id, e.at, e.actor, e.action, e.entity, e.entity_id,
                                               json.dumps(e.detail, ensure_ascii=False, sort_keys=True))])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8

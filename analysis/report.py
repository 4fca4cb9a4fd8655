"""HR's Excel report: a workbook built in write-only (streaming) mode and returned as bytes.

    python -m analysis.report --out FILE.xlsx [--position NAME]     (uses MOTIVE_DATABASE_URL)

Every piece of text a person typed or imported is written as a text cell, never a
formula, whatever it starts with (=, +, -, @, tab, CR): the cell is typed as a string
and carries Excel's quote prefix, so even editing it in Excel keeps it text. Characters
a workbook cannot hold are dropped, and text longer than Excel's 32,767-character cell
limit is cut with a visible marker.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from datetime import datetime, timezone

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analysis.agreement import position_agreement
from analysis.fairness import FOUR_FIFTHS, MIN_GROUP, fairness_report
from analysis.scoring import frames, score
from data.access import allowed
from data.records import MOTIVE_LABELS, RECOMMENDATION_LABELS, RECOMMENDATIONS, User
from data.store import Store

EXCEL_CELL_LIMIT = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
ADVISORY = ("The motivation label is advisory. It reads the motive a candidate stated in one answer; it is never "
            "the basis of a decision and never weighs more than the interviewers' own ratings.")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def safe_text(value: str) -> str:
    """Text a workbook can hold: illegal control characters dropped, cut at Excel's cell limit."""
    text = _ILLEGAL.sub("", value)
    if len(text) > EXCEL_CELL_LIMIT:
        marker = f" … [cut: {len(text) - EXCEL_CELL_LIMIT + 60:,} more characters in Motive]"
        text = text[: EXCEL_CELL_LIMIT - len(marker)] + marker
    return text


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unique sheet name: no []:*?/\\, not blank, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'").strip() or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


class SheetWriter:
    """A write-only sheet with a styled, frozen, filtered header and sensible column widths."""

    def __init__(self, wb: Workbook, title: str, taken: set[str], headers: list[str], widths: list[int]) -> None:
        self.ws = wb.create_sheet(sheet_name(title, taken))
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        self.ws.freeze_panes = "A2"
        self.ws.print_options.gridLines = False
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.print_title_rows = "1:1"
        self.headers = headers
        self.rows = 0
        self.ws.append([self._cell(h, header=True) for h in headers])

    def _cell(self, value, *, header: bool = False, fmt: str | None = None, wrap: bool = False):
        if isinstance(value, float) and value != value:  # NaN
            value = None
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        cell = WriteOnlyCell(self.ws, value=None)
        if isinstance(value, str):
            text = safe_text(value)
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever it starts with
            if text.startswith(FORMULA_START):
                cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
        else:
            cell.value = value
        if header:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        if fmt:
            cell.number_format = fmt
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def append(self, values: list, formats: dict[int, str] | None = None, wrap: set[int] = frozenset()) -> None:
        formats = formats or {}
        out = []
        for i, v in enumerate(values):
            if i in formats or i in wrap or not isinstance(v, (str, int)) or isinstance(v, bool):
                out.append(self._cell(v, fmt=formats.get(i), wrap=i in wrap))
            elif isinstance(v, str) and (v.startswith(FORMULA_START) or _ILLEGAL.search(v) or len(v) > EXCEL_CELL_LIMIT):
                out.append(self._cell(v))
            else:
                out.append(v)  # plain text or a whole number: written as is, nothing to style or defuse
        self.ws.append(out)
        self.rows += 1

    def finish(self) -> None:
        last = get_column_letter(len(self.headers))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def build_report(store: Store, actor: User, *, position_id: int | None = None,
                 candidate_ids: list[int] | None = None, statuses=None, filters: str = "") -> bytes:
    """The whole report for what the filters select, as .xlsx bytes."""
    data = store.panel_data(actor, position_id=position_id, candidate_ids=candidate_ids, statuses=statuses)
    kits = store.kits_by_version({row[5] for row in data.interviews})
    scores = score(data, kits)
    wb = Workbook(write_only=True)
    taken: set[str] = set()

    summary = SheetWriter(wb, "Summary", taken,
                     ["Rank", "Candidate", "Status", "Ranking score", "Composite", "Ratings (1-5)", "Spread",
                      "Interviewers", "Certainty", *[RECOMMENDATION_LABELS[r] for r in RECOMMENDATIONS],
                      "Autonomy", *[label.capitalize() for label in MOTIVE_LABELS], "Disagreements"],
                     [6, 28, 11, 13, 11, 13, 8, 12, 18, 10, 6, 6, 11, 10, 10, 9, 9, 9, 14])
    pct = "0%"
    for r in scores.itertuples():
        summary.append([r.rank, r.name, r.status, r.ranking_score, r.composite, r.rating, r.spread, r.n_interviewers,
                        "1 interviewer only" if r.single_interviewer else "",
                        *[getattr(r, v) for v in RECOMMENDATIONS], r.autonomy,
                        *[getattr(r, label) for label in MOTIVE_LABELS], r.disagreements],
                       formats={3: "0.00", 4: "0.00", 5: "0.00", 6: "0.00", 13: "+0.00;-0.00;0.00",
                                14: pct, 15: pct, 16: pct, 17: pct})
    n = len(scores)
    if n:
        summary.ws.conditional_formatting.add(
            f"D2:D{n + 1}", ColorScaleRule(start_type="num", start_value=1, start_color="F8696B",
                                           mid_type="num", mid_value=3, mid_color="FFEB84",
                                           end_type="num", end_value=5, end_color="63BE7B"))
        summary.ws.conditional_formatting.add(
            f"M2:M{n + 1}", ColorScaleRule(start_type="num", start_value=-1, start_color="F4B183",
                                           end_type="num", end_value=1, end_color="A9D08E"))
        scores_chart = BarChart()
        scores_chart.title, scores_chart.y_axis.title = "Composite score per candidate", "1-5"
        scores_chart.add_data(Reference(summary.ws, min_col=5, min_row=1, max_row=min(n, 50) + 1), titles_from_data=True)
        scores_chart.set_categories(Reference(summary.ws, min_col=2, min_row=2, max_row=min(n, 50) + 1))
        scores_chart.height, scores_chart.width = 9, 24
        summary.ws.add_chart(scores_chart, "V2")
        mix = BarChart()
        mix.type, mix.grouping, mix.overlap = "bar", "percentStacked", 100
        mix.title = "Stated-motive mix per candidate (advisory)"
        mix.add_data(Reference(summary.ws, min_col=15, max_col=18, min_row=1, max_row=min(n, 50) + 1),
                     titles_from_data=True)
        mix.set_categories(Reference(summary.ws, min_col=2, min_row=2, max_row=min(n, 50) + 1))
        mix.height, mix.width = 12, 24
        summary.ws.add_chart(mix, "V22")
    summary.finish()

    f = frames(data, kits)
    people = store.candidates_of(actor, (int(c) for c in scores["candidate_id"]))
    candidates = SheetWriter(wb, "Candidates", taken, ["Candidate", "Email", "Position", "Status", "Added"],
                        [28, 32, 26, 11, 12])
    for cid in scores["candidate_id"]:
        c = people[int(cid)]
        candidates.append([c.name, c.email or "", c.position_name, c.status, c.created_at], formats={4: "yyyy-mm-dd"})
    candidates.finish()

    answers = SheetWriter(wb, "Answers", taken,
                     ["Candidate", "Interviewer", "Question", "Story", "Why", "Feeling", "Notes", "Model label",
                      "Confidence", "Evidence", "Interviewer's label", "Review", "Reason", "Rating"],
                     [24, 14, 28, 50, 40, 30, 30, 12, 11, 40, 16, 10, 30, 8])
    titles = {(k, q.id): f"Q{i}. {q.title}" for k, kit in kits.items() for i, q in enumerate(kit.questions, 1)}
    who = {r.interview_id: r for r in f.interviews.itertuples()}
    rated = {(r.interview_id, r.question_id): int(r.score) for r in f.ratings.itertuples()}
    for (iid, qid, story, why, feeling, notes, model_label, confidence, evidence_json, final, action,
         reason) in store.iter_report_rows(actor, position_id=position_id, candidate_ids=candidate_ids,
                                                      statuses=statuses):
        iv = who[iid]
        evidence = "; ".join(f"{e['side']}: {e['phrase']}" for e in json.loads(evidence_json)) if evidence_json else ""
        answers.append([iv.name, iv.interviewer, titles.get((iv.kit_version_id, qid), qid), story, why, feeling,
                        notes, model_label or "", confidence, evidence, final or "", action or "", reason or "",
                        rated.get((iid, qid))], formats={8: "0%"})
    answers.finish()

    ratings = SheetWriter(wb, "Ratings", taken, ["Candidate", "Interviewer", "Question", "Rating", "Recommendation"],
                     [24, 14, 30, 8, 16])
    recs = dict(zip(f.recommendations["interview_id"], f.recommendations["value"]))
    for r in f.ratings.merge(f.interviews[["interview_id", "name"]], on="interview_id").itertuples():
        ratings.append([r.name, r.interviewer, titles.get((r.kit_version_id, r.question_id), r.question_id),
                        int(r.score), RECOMMENDATION_LABELS.get(recs.get(r.interview_id) or "", "")])
    ratings.finish()

    ag = position_agreement(data, kits)
    agreement = SheetWriter(wb, "Agreement", taken, ["Measure", "Between", "Value", "Over"], [44, 30, 10, 30])
    agreement.append(["Recommendations: Fleiss' kappa", "the whole panel", ag["fleiss"], f"{ag['n_panels']} panels"],
                     formats={2: "0.00"})
    agreement.append(["Ratings: ICC(1)", "the whole panel", ag["icc"], "interviewers' overall ratings"],
                     formats={2: "0.00"})
    agreement.append(["Model vs interviewers' reviewed labels: Cohen's kappa", "model and interviewers",
                      ag["model_kappa"], f"{ag['n_reviewed']} reviewed answers"], formats={2: "0.00"})
    for a, b, k, shared in ag["pairs"]:
        agreement.append(["Recommendations: Cohen's kappa", f"{a} and {b}", k, f"{shared} shared candidates"],
                         formats={2: "0.00"})
    for who, cal in ag["calibration"].items():
        agreement.append(["Calibration: offset against the panel (points)", who, cal["offset"],
                          f"{cal['items']} candidates"], formats={2: "+0.00;-0.00;0.00"})
    agreement.finish()

    if allowed(actor.role, "fairness"):
        write_fairness_sheet(wb, taken, fairness_report(store, actor, position_id=position_id, scored=scores))

    rubric = SheetWriter(wb, "Rubric", taken, ["Kit", "Version", "Question", "Principles", "Weight", "1", "2", "3", "4", "5"],
                    [26, 9, 40, 26, 8, 30, 30, 30, 30, 30])
    for kit in kits.values():
        for q in kit.questions:
            rubric.append([kit.name, kit.version, q.prompt, ", ".join(q.principles), q.weight, *q.anchors],
                          wrap={2, 5, 6, 7, 8, 9})
    rubric.finish()

    about = SheetWriter(wb, "About", taken, ["", ""], [26, 100])
    model_version = store.active_model_version() or "none"
    for k, v in [
        ("Generated", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("Generated by", actor.username),
        ("Filters", filters or "none: every submitted interview"),
        ("Candidates", str(n)),
        ("Interview kits", "; ".join(f"{kit.name} v{kit.version}" for kit in kits.values()) or "none"),
        ("Motivation model", model_version),
        ("Notice", ADVISORY),
        ("Scores", "Only submitted interviews count. See Motive's README for every formula."),
    ]:
        about.append([k, v], wrap={1})
    about.finish()

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_fairness_sheet(wb: Workbook, taken: set[str], report) -> None:
    """Adverse-impact screening per self-identified group; only in reports made by HR or administrators."""
    sheet = SheetWriter(wb, "Fairness", taken,
                        ["Measure", "Dimension", "Group", "People", "Count", "Rate", "Impact ratio", "Below 4/5"],
                        [16, 12, 44, 9, 8, 9, 12, 11])
    for row in report.rows():
        people = row["n"] if not row["suppressed"] else f"fewer than {MIN_GROUP}"
        flag = "suppressed" if row["suppressed"] else ("YES - review" if row["flag"] else "no")
        sheet.append([row["measure"], row["dimension"], row["group"], people, row["hits"], row["rate"],
                      row["impact_ratio"], flag], formats={5: "0%", 6: "0.00"})
    for label, value in [("Assessed candidates", report.total), ("Sex not disclosed", report.unknown_sex),
                         ("Race/ethnicity not disclosed", report.unknown_race)]:
        sheet.append(["Count", "", label, value, None, None, None, ""])
    sheet.append(["Notice", "", f"Selection rate = share recommended yes or strong yes by most interviewers; scoring "
                  f"rate = share above the position's median composite. Impact ratio = rate / highest group's rate; "
                  f"below {FOUR_FIFTHS:.0%} is flagged for review. Groups under {MIN_GROUP} are suppressed. "
                  "Self-identification is voluntary and never feeds any score. A screening statistic, not a "
                  "legal finding.", None, None, None, None, ""], wrap={2})
    sheet.finish()


def main(argv: list[str] | None = None) -> int:
    from data.errors import StoreError
    from data.records import COMMAND_LINE
    from data.settings import Settings, SettingsError

    parser = argparse.ArgumentParser(prog="python -m analysis.report", description="Write HR's Excel report.")
    parser.add_argument("--out", required=True, help="the .xlsx file to write")
    parser.add_argument("--position", help="only this position (by name)")
    args = parser.parse_args(argv)
    try:
        store = Store(Settings.from_env())
        actor = COMMAND_LINE
        position_id = None
        if args.position:
            match = [p for p in store.list_positions() if p.name.lower() == args.position.strip().lower()]
            if not match:
                names = ", ".join(p.name for p in store.list_positions()) or "none"
                raise StoreError(f"No position named {args.position!r}. Positions: {names}")
            position_id = match[0].id
        data = build_report(store, actor, position_id=position_id,
                            filters=f"position = {args.position}" if args.position else "")
        with open(args.out, "wb") as fh:
            fh.write(data)
        store.record_export(COMMAND_LINE, "report", position_id=position_id, file=os.path.basename(args.out))
    except (StoreError, SettingsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""HR's Excel report: reopen the bytes and check sheets, values, formats, charts and hostile text."""

import io
import re
import subprocess
import sys
from operator import attrgetter
from types import SimpleNamespace

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.utils.cell import range_boundaries

from analysis.labelling import label_answer
from analysis.report import ReportScope, build_report
from analysis.sheets import EXCEL_CELL_LIMIT, Chart, ColourScale, Column, SheetWriter, safe_text, sheet_name
from tests.builders import HOSTILE
from tests.conftest import ROOT



@pytest.fixture
def reported(store, admin, interviewer, kit, model):
    position = store.create_position(admin, "Desk")
    cand = store.add_candidate(admin, position.id, "=cmd|'/c calc'!A0", "ana@example.com")
    iid = store.start_interview(interviewer, cand.id, kit)
    for n, q in enumerate(kit.questions):
        store.save_answer_field(interviewer, iid, q.id, "why", HOSTILE[n % len(HOSTILE)])
        store.save_rating(interviewer, iid, q.id, 1 + n % 5)
    store.save_answer_field(interviewer, iid, "extra-mile", "notes", "n" * 10_000)  # the longest a note may be
    store.save_answer_field(interviewer, iid, "different-customer", "story", "s" * 20_000)
    store.save_answer_field(interviewer, iid, "extra-mile", "story", "Before\x07the bell")
    label_answer(store, model, interviewer, iid, "extra-mile")
    store.review_label(interviewer, iid, "extra-mile", action="override", label="mixed", reason="=also said bonus")
    store.save_recommendation(interviewer, iid, "yes")
    store.submit_interview(interviewer, iid, accept_gaps=True)
    data = build_report(store, admin, ReportScope(position_ids=(position.id,)))
    return openpyxl.load_workbook(io.BytesIO(data))


def _texts(ws):
    return [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_report_has_every_sheet(reported):
    assert reported.sheetnames == [
        "Summary", "Candidates", "Answers", "Ratings", "Agreement", "Fairness", "Rubric", "About"]


def test_typed_text_is_never_a_formula(reported):
    for ws in reported.worksheets:
        for cell in _texts(ws):
            assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
    answers = reported["Answers"]
    whys = [row[4].value for row in answers.iter_rows(min_row=2)]
    for text in HOSTILE[:8]:
        assert text in whys
    assert reported["Summary"]["B2"].value == "=cmd|'/c calc'!A0"
    assert reported["Summary"]["B2"].quotePrefix


def test_longest_texts_arrive_whole_and_control_characters_are_dropped(reported):
    rows = list(reported["Answers"].iter_rows(min_row=2, values_only=True))
    assert any(r[6] == "n" * 10_000 for r in rows) and any(r[3] == "s" * 20_000 for r in rows)
    assert any(r[3] == "Beforethe bell" for r in rows)


def test_text_beyond_excels_cell_limit_is_cut_with_a_visible_marker():
    cut = safe_text("x" * 50_000)
    assert len(cut) <= EXCEL_CELL_LIMIT and cut.endswith("more characters in Motive]")


def test_override_and_reason_are_in_the_answers(reported):
    row = next(r for r in reported["Answers"].iter_rows(min_row=2, values_only=True) if r[11])
    assert row[10] == "mixed" and row[11] == "override" and row[12] == "=also said bonus"
    assert row[7] in {"intrinsic", "extrinsic", "mixed", "unclear"} and 0 < row[8] <= 1


def test_summary_has_charts_frozen_header_filter_and_formats(reported):
    ws = reported["Summary"]
    assert len(ws._charts) == 2
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:S2"
    assert ws["D2"].number_format == "0.00" and ws["O2"].number_format == "0%"
    assert ws.conditional_formatting
    assert ws["A1"].font.bold


def test_about_carries_the_advisory_notice_and_versions(reported):
    about = {r[0]: r[1] for r in reported["About"].iter_rows(min_row=2, values_only=True)}
    assert "advisory" in about["Notice"] and about["Scope"] == "position: Desk"
    assert "v1.0.0" in about["Interview kits"] and about["Motivation model"]


def test_empty_selection_still_makes_a_valid_workbook(store, admin):
    wb = openpyxl.load_workbook(io.BytesIO(build_report(store, admin)))
    assert wb["Summary"].max_row == 1


@pytest.mark.parametrize("name, expected", [
    ("Summary", "Summary"), ("a/b\\c?d*e[f]g:h", "a_b_c_d_e_f_g_h"), ("x" * 40, "x" * 31), ("''", "Sheet"),
])
def test_sheet_names_are_sanitised(name, expected):
    assert sheet_name(name, set()) == expected


def test_duplicate_sheet_names_get_a_number():
    taken = set()
    assert [sheet_name("Ana", taken), sheet_name("ana", taken)] == ["Ana", "ana (2)"]


def test_safe_text_keeps_emoji_and_right_to_left():
    assert safe_text("שלום 🙂") == "שלום 🙂"


def test_command_line_writes_the_report_and_refuses_unknown_positions(db_url, store, admin, tmp_path):
    import os

    out = tmp_path / "r.xlsx"
    run = lambda *a: subprocess.run([sys.executable, "-m", "analysis.report", *a], cwd=ROOT, env=dict(os.environ),  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    done = run("--out", str(out))
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == "Summary"
    bad = run("--out", str(out), "--position", "Astronaut")
    assert bad.returncode == 1 and "No position named 'Astronaut'" in bad.stderr


def test_fairness_sheet_matches_the_fairness_report_and_suppresses_small_groups(store, admin, kit):
    from analysis.fairness import fairness_report
    from data.demo import generate

    generate(store, 120, seed=7, kit=kit)
    expected = fairness_report(store, admin).rows()
    wb = openpyxl.load_workbook(io.BytesIO(build_report(store, admin)))
    rows = list(wb["Fairness"].iter_rows(min_row=2, values_only=True))
    groups = [r for r in rows if r[0] in ("selection rate", "scoring rate")]
    assert [(r[0], r[1], r[2]) for r in groups] == [(e["measure"], e["dimension"], e["group"]) for e in expected]
    for row, want in zip(groups, expected):
        if want["suppressed"]:
            assert (row[3], row[5], row[7]) == ("fewer than 5", None, "suppressed")
        else:
            assert row[3] == want["n"] and row[5] == pytest.approx(want["rate"])
            assert row[7] == ("YES - review" if want["flag"] else "no")
    assert any(e["suppressed"] for e in expected) and any(not e["suppressed"] for e in expected)


def _cells(formula: str) -> tuple[str, int, int, int, int]:
    """'Summary'!$E$2:$E$51 -> (sheet, min_col, min_row, max_col, max_row)."""
    sheet, _, cells = formula.rpartition("!")
    return (sheet.strip("'"), *range_boundaries(cells.replace("$", "")))


def _scales_and_charts(ws) -> tuple[list, list]:
    """Every colour scale and chart on a sheet, named by the headers of the columns they point at."""
    header = {c.column: c.value for c in ws[1]}
    scales = []
    for cf in ws.conditional_formatting:
        for cells in cf.sqref.ranges:
            min_col, min_row, max_col, max_row = cells.bounds
            for rule in cf.rules:
                scales.append(([header.get(c) for c in range(min_col, max_col + 1)], (min_row, max_row),
                               [v.val for v in rule.colorScale.cfvo]))
    charts = []
    for chart in ws._charts:
        title = "".join(run.t for p in chart.title.tx.rich.p for run in p.r or [])
        series, categories = [], set()
        for s in chart.series:
            sheet, min_col, min_row, max_col, max_row = _cells(s.val.numRef.f)
            t_sheet, t_col, t_row, _, _ = _cells(s.tx.strRef.f)
            assert (sheet, t_sheet, min_col, t_col, t_row) == (ws.title, ws.title, max_col, min_col, 1), s.val.numRef.f
            series.append((header[min_col], (min_row, max_row)))
            c_sheet, c_min, c_row, c_max, c_last = _cells((s.cat.numRef or s.cat.strRef).f)
            assert (c_sheet, c_min) == (ws.title, c_max)
            categories.add((header[c_min], (c_row, c_last)))
        charts.append((title, series, categories))
    return scales, charts


def test_colour_scales_and_charts_sit_on_the_columns_their_headers_name(reported):
    rows = (2, reported["Summary"].max_row)
    labels = ["Intrinsic", "Extrinsic", "Mixed", "Unclear"]
    expected = {title: ([], []) for title in reported.sheetnames}
    expected["Summary"] = (
        [(["Ranking score"], rows, [1, 3, 5]), (["Autonomy"], rows, [-1, 1])],
        [("Composite score per candidate", [("Composite", rows)], {("Candidate", rows)}),
         ("Stated-motive mix per candidate (advisory)", [(label, rows) for label in labels], {("Candidate", rows)})],
    )
    assert {ws.title: _scales_and_charts(ws) for ws in reported.worksheets} == expected


def _sheet(columns, charts, rows):
    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, "Sheet", set(), columns, charts)
    sheet.write_all(rows)
    sheet.finish()
    out = io.BytesIO()
    wb.save(out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Sheet"]


def test_a_colour_scale_and_a_chart_follow_their_column_wherever_it_is_declared():
    columns = [Column("Name", 10, attrgetter("name"), categories_in=("c",)),
               Column("Score", 10, attrgetter("score"), series_in=("c",)),
               Column("Autonomy", 10, attrgetter("autonomy"), colour_scale=ColourScale((-1, "F4B183"), (1, "A9D08E")))]
    charts = [Chart("c", "Scores", anchor_row=2, height=9, width=24, max_rows=2)]
    rows = [SimpleNamespace(name=f"c{i}", score=i, autonomy=i / 4 - 0.5) for i in range(4)]
    expected = ([(["Autonomy"], (2, 5), [-1, 1])], [("Scores", [("Score", (2, 3))], {("Name", (2, 3))})])
    for order in (columns, columns[::-1], columns[1:] + columns[:1]):
        assert _scales_and_charts(_sheet(order, charts, rows)) == expected


@pytest.mark.parametrize("series, categories, message", [
    ((), ("c",), "no series column"), (("c",), (), "exactly one categories column"),
    (("c",), ("c", "other"), "does not have: ['other']"),
])
def test_a_chart_needs_series_and_one_categories_column_it_names(series, categories, message):
    columns = [Column("Name", 10, attrgetter("name"), categories_in=categories),
               Column("Score", 10, attrgetter("score"), series_in=series)]
    with pytest.raises(ValueError, match=re.escape(message)):
        SheetWriter(Workbook(write_only=True), "Sheet", set(), columns, [Chart("c", "Scores", 2, 9, 24)])

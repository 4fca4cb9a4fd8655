"""HR's Excel report: reopen the bytes and check sheets, values, formats, charts and hostile text."""

import csv
import io
import re
import subprocess
import sys
from datetime import date, datetime
from operator import attrgetter
from types import SimpleNamespace

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries
from sqlalchemy import update

from analysis.labelling import label_answer
from analysis.report import FILE_NAME_LIMIT, ReportScope, build_report, report_file_name
from analysis.sheets import EXCEL_CELL_LIMIT, Book, Chart, ColourScale, Column, SheetWriter, safe_text, sheet_name
from data.records import CANDIDATE_STATUSES
from data.schema import candidates
from tests.builders import HOSTILE, submitted_interview
from tests.conftest import ROOT, make_user



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


def _xstring(text: str) -> str:
    """A cell's text as Excel reads it: OOXML writes a control character such as CR as _x000D_ (and a
    literal "_x" as _x005F_x), which openpyxl leaves as it is."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def test_report_has_every_sheet(reported):
    assert reported.sheetnames == [
        "Summary", "Candidates", "Answers", "Ratings", "Agreement", "Fairness", "Rubric", "About"]


def test_typed_text_is_never_a_formula(reported):
    for ws in reported.worksheets:
        for cell in _texts(ws):
            assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
    answers = reported["Answers"]
    whys = [_xstring(row[4].value) for row in answers.iter_rows(min_row=2)]
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
    about = {r[0]: r[1] for r in reported["About"].iter_rows(values_only=True)}
    assert "advisory" in about["Notice"] and about["Scope"] == "position: Desk"
    assert "v1.1.0" in about["Interview kits"] and about["Motivation model"]


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
    groups = [r for r in rows if r[0] in ("selection rate", "recommendation rate", "scoring rate")]
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
    book = Book()
    sheet = SheetWriter(book, "Sheet", columns, charts)
    sheet.write_all(rows)
    sheet.finish()
    return openpyxl.load_workbook(io.BytesIO(book.bytes()))["Sheet"]


def test_a_colour_scale_and_a_chart_follow_their_column_wherever_it_is_declared():
    columns = [Column("Name", 10, attrgetter("name"), categories_in=("c",)),
               Column("Score", 10, attrgetter("score"), series_in=("c",)),
               Column("Autonomy", 10, attrgetter("autonomy"), colour_scale=ColourScale((-1, "F4B183"), (1, "A9D08E")))]
    charts = [Chart("c", "Scores", height=9, width=24, max_rows=2)]
    rows = [SimpleNamespace(name=f"c{i}", score=i, autonomy=i / 4 - 0.5) for i in range(4)]
    expected = ([(["Autonomy"], (2, 5), [-1, 1])], [("Scores: the first 2 of 4 rows, in the table's order",
                                                    [("Score", (2, 3))], {("Name", (2, 3))})])
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
        SheetWriter(Book(), "Sheet", columns, [Chart("c", "Scores", 9, 24)])


# -- scope: every candidate the filters select, positions, file names ------------------------

DAY1, DAY2, DAY3 = datetime(2026, 3, 2, 9), datetime(2026, 5, 20, 17), datetime(2026, 11, 30, 23, 59)


def _set(store, candidate_id: int, **values) -> None:
    """Give a candidate a past: when they were added, their stage and when they reached it."""
    with store.atomic() as conn:
        conn.execute(update(candidates).where(candidates.c.id == candidate_id).values(**values))


def _rows(wb, sheet: str) -> list[dict]:
    rows = list(wb[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def _report(store, actor, scope=ReportScope()):
    return openpyxl.load_workbook(io.BytesIO(build_report(store, actor, scope)))


@pytest.fixture
def imported(store, admin, hr, interviewer, kit):
    """Three candidates imported for Desk, one of them interviewed and since hired."""
    store.import_candidates(hr, [("Ana", "ana@example.com", "Desk"), ("Ben", "", "Desk"),
                                 ("Cleo", "cleo@example.com", "Desk")])
    people = {c.name: c for c in store.list_candidates(hr)}
    submitted_interview(store, interviewer, people["Ana"].id, kit, rating=4)
    for name, added in zip(("Ana", "Ben", "Cleo"), (DAY1, DAY2, DAY3)):
        _set(store, people[name].id, created_at=added)
    _set(store, people["Ana"].id, status="hired", status_changed_at=DAY3)
    return people


def test_a_candidate_not_interviewed_yet_is_on_the_candidates_sheet_with_empty_scores(store, hr, imported):
    desk = imported["Ana"].position_id
    rows = {r["Candidate"]: r for r in _rows(_report(store, hr, ReportScope(position_ids=(desk,))), "Candidates")}
    assert sorted(rows) == ["Ana", "Ben", "Cleo"]
    ana, ben = rows["Ana"], rows["Ben"]
    assert (ana["Stage"], ana["Stage date"], ana["Added"]) == ("Hired", DAY3, DAY1)  # the stage's name, not its key
    assert (ana["Interviewers"], ana["Rank in position"], ana["Composite"]) == (1, 1, pytest.approx(4.0))
    assert ben["Stage"] == "New" and ben["Stage date"] == ben["Added"] == DAY2  # never moved
    assert [ben[h] for h in ("Interviewers", "Rank in position", "Ranking score", "Composite")] == [0, None, None, None]
    assert not ben["Email"] and rows["Cleo"]["Email"] == "cleo@example.com"


def test_the_candidates_sheet_follows_the_stage_and_added_filters(store, hr, imported):
    def names(**scope):
        return [r["Candidate"] for r in _rows(_report(store, hr, ReportScope(**scope)), "Candidates")]

    assert names(stages=("hired",)) == ["Ana"]
    assert names(stages=()) == []
    assert names(added_from=DAY2.date()) == ["Ben", "Cleo"]
    assert names(added_to=DAY2.date()) == ["Ana", "Ben"]  # the last day counts whole
    assert names(added_from=DAY3.date(), added_to=DAY3.date()) == ["Cleo"]
    assert names(candidate_ids=(imported["Ben"].id,)) == ["Ben"]
    _set(store, imported["Cleo"].id, status="retired-stage")
    assert names(stages=CANDIDATE_STATUSES) == ["Ana", "Ben", "Cleo"]  # every stage chosen hides nobody
    wb = _report(store, hr, ReportScope(added_from=DAY2.date()))
    assert wb["Summary"].max_row == 1  # Ana, the one interviewed, was added before the range
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    assert about["Candidates"] == "2 in scope, 0 with a submitted interview"
    assert about["Scope"] == "every position; added from 2026-05-20"


@pytest.fixture
def two_positions(store, admin, interviewer, hr, kit):
    """Desk and Sales, three interviewed candidates each, rated 2 to 4 by two interviewers."""
    second = make_user(store, "second", "interviewer")
    for position in ("Sales", "Desk"):
        pid = store.create_position(admin, position).id
        for n, rating in enumerate((2, 4, 3)):
            cid = store.add_candidate(admin, pid, f"{position} {n}").id
            submitted_interview(store, interviewer, cid, kit, rating=rating)
            submitted_interview(store, second, cid, kit, rating=rating, recommendation="no")
    return {p.name: p.id for p in store.list_positions()}


def test_a_summary_across_positions_ranks_within_each_position(store, hr, two_positions):
    wb = _report(store, hr)
    header = [c.value for c in wb["Summary"][1]]
    assert header[:4] == ["Position", "Rank in position", "Candidate", "Stage"]
    rows = [(r["Position"], r["Rank in position"], r["Candidate"]) for r in _rows(wb, "Summary")]
    assert rows == [("Desk", 1, "Desk 1"), ("Desk", 2, "Desk 2"), ("Desk", 3, "Desk 0"),
                    ("Sales", 1, "Sales 1"), ("Sales", 2, "Sales 2"), ("Sales", 3, "Sales 0")]
    alone = _rows(_report(store, hr, ReportScope(position_ids=(two_positions["Sales"],))), "Summary")
    assert [r["Ranking score"] for r in alone] == pytest.approx(
        [r["Ranking score"] for r in _rows(wb, "Summary") if r["Position"] == "Sales"])  # shrunk to its own mean
    assert [c.value for c in _report(store, hr, ReportScope(position_ids=(two_positions["Sales"],)))["Summary"][1]
            ][:3] == ["Rank", "Candidate", "Stage"]  # one position keeps its layout
    ranks = {r["Candidate"]: r["Rank in position"] for r in _rows(wb, "Candidates")}
    assert ranks["Desk 1"] == ranks["Sales 1"] == 1


def test_colour_scales_and_charts_follow_their_headers_when_the_summary_spans_positions(store, hr, two_positions):
    wb = _report(store, hr, ReportScope(position_ids=tuple(two_positions.values())))
    rows = (2, 7)
    scales, charts = _scales_and_charts(wb["Summary"])
    assert scales == [(["Ranking score"], rows, [1, 3, 5]), (["Autonomy"], rows, [-1, 1])]
    assert [(title, series, cats) for title, series, cats in charts][0] == (
        "Composite score per candidate", [("Composite", rows)], {("Candidate", rows)})
    assert all(not _scales_and_charts(wb[name])[0] for name in ("Candidates", "Answers", "Ratings"))


def test_every_cell_of_a_report_across_positions_stays_text(store, admin, hr, interviewer, kit):
    for n, text in enumerate(HOSTILE[:6]):
        pid = store.create_position(admin, f"P{n} {text}"[:80]).id
        cid = store.add_candidate(admin, pid, text[:80] or "x").id
        if n % 2:
            submitted_interview(store, interviewer, cid, kit, rating=3, texts={"why": text})
    wb = _report(store, hr)
    for ws in wb.worksheets:
        for cell in _texts(ws):
            assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
            if cell.value.startswith(("=", "+", "-", "@")):
                assert cell.quotePrefix, (ws.title, cell.coordinate)
    assert len(_rows(wb, "Candidates")) == 6 and len(_rows(wb, "Summary")) == 3


TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("scope, positions, expected", [
    (ReportScope(), {}, "motive-report-all-positions-2026-12-01.xlsx"),
    (ReportScope(position_ids=(3,), added_from=date(2026, 1, 1), added_to=date(2026, 6, 30)), {3: "Sales Desk"},
     "motive-report-sales-desk-2026-01-01-2026-06-30.xlsx"),
    (ReportScope(position_ids=(3,), added_from=date(2026, 1, 1)), {3: "Sales"},
     "motive-report-sales-from-2026-01-01.xlsx"),
    (ReportScope(added_to=date(2026, 6, 30)), {}, "motive-report-all-positions-to-2026-06-30.xlsx"),
    (ReportScope(position_ids=(1, 2)), {1: "Café Führer", 2: "Night shift"},
     "motive-report-cafe-fuhrer-night-shift-2026-12-01.xlsx"),
    (ReportScope(position_ids=(7,)), {7: "שלום 🙂"}, "motive-report-position-7-2026-12-01.xlsx"),
    (ReportScope(position_ids=(7,)), {7: "../../etc/passwd\x00\r\nC:\\x"},
     "motive-report-etc-passwd-c-x-2026-12-01.xlsx"),
    (ReportScope(position_ids=tuple(range(12))), {i: f"Position number {i}" for i in range(12)},
     "motive-report-12-positions-2026-12-01.xlsx"),
    (ReportScope(candidate_ids=(42,)), {}, "motive-report-candidate-42-2026-12-01.xlsx"),
    (ReportScope(stages=("hired",)), {}, "motive-report-all-positions-hired-2026-12-01.xlsx"),
    (ReportScope(stages=()), {}, "motive-report-all-positions-no-stage-2026-12-01.xlsx"),
    (ReportScope(stages=CANDIDATE_STATUSES), {}, "motive-report-all-positions-2026-12-01.xlsx"),
])
def test_the_report_file_name_says_its_scope(scope, positions, expected):
    assert report_file_name(scope, positions, TODAY) == expected


@pytest.mark.parametrize("name", [*HOSTILE, "x" * 5_000, "a-" * 300])
def test_the_report_file_name_is_short_ascii_and_safe_whatever_the_position_is_called(name):
    for scope in (ReportScope(position_ids=(1,), added_from=TODAY, added_to=TODAY),
                  ReportScope(position_ids=(1, 2), stages=(name[:40],))):
        got = report_file_name(scope, {1: name, 2: name[::-1]}, TODAY)
        assert re.fullmatch(r"motive-report-[a-z0-9]+(-[a-z0-9]+)*\.xlsx", got), got
        assert len(got) <= FILE_NAME_LIMIT + len(".xlsx") and TODAY.isoformat() in got


def test_the_command_line_names_the_file_by_its_scope_when_not_told(db_url, store, admin, tmp_path):
    import os

    store.create_position(admin, "Night Desk")
    done = subprocess.run([sys.executable, "-m", "analysis.report", "--position", "night desk", "--stage", "hired"],
                          cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    [written] = tmp_path.glob("*.xlsx")
    assert re.fullmatch(r"motive-report-night-desk-hired-\d{4}-\d\d-\d\d\.xlsx", written.name)
    assert [e.detail["file"] for e in store.audit_entries(admin, action="export.report")[0]] == [written.name]


# -- text that reads like an Excel error value (issue 15, item 3) --------------------------------

ERROR_LOOKALIKES = ["#N/A", "#REF!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#VALUE!", "#GETTING_DATA", "#SPILL!",
                    "#CALC!", "#n/a"]


def _error_lookalike_cells(wb) -> list:
    wanted = {t.upper() for t in ERROR_LOOKALIKES}
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.upper() in wanted or c.data_type == "e"]


def test_a_candidate_named_like_an_excel_error_is_text_in_every_report_sheet(store, admin, hr, interviewer, kit):
    for n, text in enumerate(ERROR_LOOKALIKES):
        pid = store.create_position(admin, text if n < 3 else f"Desk {n}").id
        cid = store.add_candidate(admin, pid, text).id
        if n % 2:
            submitted_interview(store, interviewer, cid, kit, rating=3, texts={"why": text, "notes": text})
    cells = _error_lookalike_cells(_report(store, hr))
    assert len(cells) >= 3 * len(ERROR_LOOKALIKES)  # names on Summary and Candidates, answers on Answers
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.parent.title, cell.coordinate, cell.value)


def test_subject_access_and_audit_exports_keep_error_lookalikes_as_text(store, admin, hr, interviewer, kit):
    from analysis.privacy import audit_csv, audit_xlsx, subject_access_xlsx
    from data.records import AuditEntry

    pid = store.create_position(admin, "#REF!").id
    cid = store.add_candidate(admin, pid, "#N/A").id
    submitted_interview(store, interviewer, cid, kit, rating=3, texts={"why": "#DIV/0!", "story": "#SPILL!"})
    access = openpyxl.load_workbook(io.BytesIO(subject_access_xlsx(hr, store.subject_access(hr, cid))))
    entries = [AuditEntry(1, datetime(2026, 1, 1), text, "export.report", "position", 1, {"why": text})
               for text in ERROR_LOOKALIKES]
    audit = openpyxl.load_workbook(io.BytesIO(audit_xlsx(hr, entries, filters="#NAME?")))
    for wb, at_least in ((access, 4), (audit, len(ERROR_LOOKALIKES) + 1)):
        cells = _error_lookalike_cells(wb)
        assert len(cells) >= at_least
        assert all(c.data_type == "s" and c.quotePrefix for c in cells), [(c.coordinate, c.value) for c in cells]
    actors = [row[2] for row in csv.reader(io.StringIO(audit_csv(hr, entries).decode("utf-8-sig")))][1:]
    assert actors == ["'" + text for text in ERROR_LOOKALIKES]  # a spreadsheet opening the CSV reads text


def test_audit_exports_say_in_words_what_each_action_was_beside_its_code(hr):
    from analysis.privacy import audit_csv, audit_xlsx
    from data.records import AuditEntry

    entries = [AuditEntry(1, datetime(2026, 1, 1), "harriet", "export.report", "position", 1, {}),
               AuditEntry(2, datetime(2026, 1, 2), "harriet", "some.future_action", "position", 1, {})]
    sheet = openpyxl.load_workbook(io.BytesIO(audit_xlsx(hr, entries)))["Audit log"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    at = rows[0].index("what happened")
    assert rows[0][at - 1] == "action"
    assert [r[at - 1:at + 1] for r in rows[1:]] == [["export.report", "HR report downloaded"],
                                                   ["some.future_action", "some.future_action"]]
    lines = list(csv.reader(io.StringIO(audit_csv(hr, entries).decode("utf-8-sig"))))
    assert [line[at] for line in lines] == ["what happened", "HR report downloaded", "some.future_action"]


def test_a_sheet_writes_each_error_lookalike_as_text_however_it_is_formatted():
    book = Book()
    sheet = SheetWriter(book, "S", (Column("plain", 10, lambda t: t), Column("wrapped", 10, lambda t: t, wrap=True)))
    sheet.write_all(ERROR_LOOKALIKES)
    sheet.finish()
    rows = list(openpyxl.load_workbook(io.BytesIO(book.bytes()))["S"].iter_rows(min_row=2))
    assert [[c.value for c in row] for row in rows] == [[t, t] for t in ERROR_LOOKALIKES]
    assert all(c.data_type == "s" and c.quotePrefix for row in rows for c in row)


# -- the report's own permission check (issue 15, item 15) ---------------------------------------

def test_the_report_and_the_privacy_exports_refuse_an_actor_without_their_permission(store, admin, recruiter,
                                                                                    interviewer, kit):
    from analysis.privacy import audit_csv, audit_xlsx, subject_access_json, subject_access_xlsx, subject_access_zip
    from data.errors import AccessDenied

    cid = store.add_candidate(admin, store.create_position(admin, "Desk").id, "Ana").id
    submitted_interview(store, interviewer, cid, kit, rating=3)
    assert store.panel_data(recruiter).interviews  # the recruiter may read the records one by one ...
    with pytest.raises(AccessDenied, match="reports.export"):
        build_report(store, recruiter)  # ... but not take them away in a report
    data = store.subject_access(admin, cid)
    entries, _ = store.audit_entries(admin, limit=10)
    for who in (recruiter, interviewer):
        for export in (subject_access_json, subject_access_xlsx, subject_access_zip):
            with pytest.raises(AccessDenied, match="privacy.manage"):
                export(who, data)
        for export in (audit_csv, audit_xlsx):
            with pytest.raises(AccessDenied, match="audit.view"):
                export(who, entries)


# -- the workbook in print, and as it reads (issue 16) -------------------------------------------

def test_every_report_sheet_prints_fitted_to_one_page_wide_with_its_header_on_every_page(reported):
    for ws in reported.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title  # without it both programs ignore the fit
        assert (ws.page_setup.fitToWidth in (None, 1), ws.page_setup.fitToHeight) == (True, 0), ws.title
        assert ws.page_setup.orientation == "landscape" and ws.print_area, ws.title
        if ws.title != "About":
            assert ws.print_title_rows.replace("$", "") == "1:1", ws.title


def test_about_has_no_blank_filtered_header_and_every_notice_row_is_tall_enough_for_its_text(reported):
    about = reported["About"]
    assert about["A1"].value == "Generated" and about.auto_filter.ref is None and about.freeze_panes is None
    notice = next(row[0].row for row in about.iter_rows() if row[0].value == "Notice")
    assert about.row_dimensions[notice].height >= 2 * 12.75 and about.cell(notice, 2).alignment.wrap_text
    fairness = reported["Fairness"]
    row = next(r[0].row for r in fairness.iter_rows() if r[0].value == "Notice")
    lines = len(fairness.cell(row, 3).value) / fairness.column_dimensions["C"].width
    assert fairness.row_dimensions[row].height >= lines * 12.75  # the whole notice shows, none of it cut off


def test_ratings_and_answers_list_questions_in_the_kits_order(store, admin, interviewer, kit):
    cid = store.add_candidate(admin, store.create_position(admin, "Desk").id, "Ana").id
    iid = store.start_interview(interviewer, cid, kit)
    for q in reversed(kit.questions):  # typed and rated from the last question back
        store.save_answer_field(interviewer, iid, q.id, "why", f"why {q.id}")
        store.save_rating(interviewer, iid, q.id, 3)
    store.save_recommendation(interviewer, iid, "yes")
    store.submit_interview(interviewer, iid, accept_gaps=True)
    wb = _report(store, admin)
    in_order = [f"Q{i}. {q.title}" for i, q in enumerate(kit.questions, 1)]
    assert [r["Question"] for r in _rows(wb, "Ratings")] == in_order
    assert [r["Question"] for r in _rows(wb, "Answers")] == in_order


def test_the_motive_chart_bars_are_the_colours_the_app_gives_each_label(reported):
    from data.records import LABEL_HEX
    from ui.render import LABEL_STYLE

    [mix] = [c for c in reported["Summary"]._charts if "motive" in "".join(
        run.t for p in c.title.tx.rich.p for run in p.r or [])]
    header = {c.column: c.value for c in reported["Summary"][1]}
    fills = {header[_cells(s.val.numRef.f)[1]].lower(): getattr(s.graphicalProperties.solidFill.srgbClr, "val",
                                                                s.graphicalProperties.solidFill.srgbClr)
             for s in mix.series}
    assert fills == {label: LABEL_HEX[label].lstrip("#").upper() for label in LABEL_HEX}
    assert all(LABEL_STYLE[label][1] == LABEL_HEX[label] for label in LABEL_HEX)  # one palette, app and workbook
    assert fills["intrinsic"] == "2E7D32"  # green, as in the app


def test_a_summary_longer_than_its_charts_says_how_many_candidates_they_show(store, hr, kit):
    from data.demo import generate

    generate(store, 53, seed=9, kit=kit, position="Desk")
    wb = _report(store, hr, ReportScope(position_ids=(next(p.id for p in store.list_positions()),)))
    _, charts = _scales_and_charts(wb["Summary"])
    n = len(_rows(wb, "Summary"))
    assert n > 50 and [title for title, _, _ in charts] == [
        f"Composite score per candidate: the first 50 of {n} rows, in the table's order",
        f"Stated-motive mix per candidate (advisory): the first 50 of {n} rows, in the table's order"]
    assert all(series == [(h, (2, 51)) for h, _ in series] for _, series, _ in charts)
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    assert about["Charts"] == f"The Summary's charts show its first 50 rows of {n}, in the table's order."


def test_the_subject_access_workbook_names_self_identified_categories(store, admin, hr, interviewer, kit):
    from analysis.privacy import subject_access_json, subject_access_xlsx

    cid = store.add_candidate(admin, store.create_position(admin, "Desk").id, "Ana").id
    store.set_self_id(hr, cid, "female", "hispanic_latino")
    submitted_interview(store, interviewer, cid, kit, rating=3)
    data = store.subject_access(hr, cid)
    wb = openpyxl.load_workbook(io.BytesIO(subject_access_xlsx(hr, data)))
    facts = {r[0]: r[1] for r in wb["Candidate"].iter_rows(min_row=2, values_only=True)}
    assert facts["self-identified race/ethnicity"] == "Hispanic or Latino" and facts["self-identified sex"] == "Female"
    assert not any("hispanic_latino" in str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                   if ws.title != "Audit trail")
    assert "hispanic_latino" in subject_access_json(hr, data).decode()  # the JSON keeps the stored key for programs


def test_the_rubric_sheet_names_each_questions_principles_as_people_read_them(reported):
    header, *rows = reported["Rubric"].iter_rows(values_only=True)
    principles = [row[header.index("Principles")] for row in rows]
    assert principles and all(p and "-" not in p for p in principles)  # names, never slugs like "above-and-beyond"
    assert any("Above and beyond" in p for p in principles)

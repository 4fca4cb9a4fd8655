"""HR's Excel report: reopen the bytes and check sheets, values, formats, charts and hostile text."""

import io
import subprocess
import sys

import openpyxl
import pytest

from analysis.labelling import label_answer
from analysis.report import build_report
from analysis.sheets import EXCEL_CELL_LIMIT, safe_text, sheet_name
from tests.conftest import ROOT

HOSTILE = [
    "=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\tindented", "\rreturn",
    "<script>alert(1)</script>", "'; DROP TABLE answers; --", "שלום עליכם, مرحبا", "I felt 🙂 for her",
]


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
    data = build_report(store, admin, position_id=position.id, filters="position = Desk")
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
    assert "advisory" in about["Notice"] and about["Filters"] == "position = Desk"
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

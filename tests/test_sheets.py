"""The sheet writer under the report: the XML it streams, and typed text that stays text whatever its shape."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from operator import itemgetter

import openpyxl
import xlsxwriter

from analysis.sheets import Book, Column, SheetWriter, StreamedSheet

ROWS = [
    ("plain", 1, 2.5, True, datetime(2026, 3, 1, 9, 30)),
    (" leading and trailing ", -7, 1e-12, False, date(2026, 12, 31)),
    ("a & b < c > d \"quoted\"\nsecond line", 10**15, 0.1 + 0.2, True, datetime(1999, 1, 1)),
    ("_x0041_ looks like an escape, \x07 is a bell, \ufffe a non-character", 0, -0.0, False, date(2000, 2, 29)),
    ("<r><t>markup-shaped</t></r>", 3, 12345.678, True, datetime(2026, 1, 1)),
]


def _sheet_xml(write) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False})
    text, number = wb.add_format({"valign": "top"}), wb.add_format({"num_format": "0.00"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    write(wb, (text, number, None, text, day))
    wb.close()
    with zipfile.ZipFile(out) as z:
        return z.read("xl/worksheets/sheet1.xml")


def test_a_streamed_sheet_writes_the_xml_xlsxwriter_writes_cell_by_cell():
    def stock(wb, formats):
        ws = wb.add_worksheet("S")
        ws.set_row(1, 30)
        for r, row in enumerate(ROWS[:4]):
            ws.write_string(r, 0, row[0], formats[0])
            ws.write_number(r, 1, row[1], formats[1])
            ws.write_number(r, 2, row[2], formats[2])
            ws.write_boolean(r, 3, row[3], formats[3])
            ws.write_datetime(r, 5, row[4], formats[4])  # column E left empty

    def streamed(wb, formats):
        ws = wb.add_worksheet("S", worksheet_class=StreamedSheet)
        ws.set_row(1, 30)
        for r, row in enumerate(ROWS[:4]):
            cells = "".join(f'<c r="{col}{r + 1}"' + ws.cell_tail(value, fmt)
                            for col, value, fmt in zip("ABCDF", row, formats, strict=True))
            ws.write_row_cells(r, 0, 5, cells)

    assert _sheet_xml(streamed) == _sheet_xml(stock)


def test_text_shaped_like_rich_string_markup_is_one_text_cell_never_a_formula():
    # XlsxWriter writes a constant-memory string that starts "<r>" and ends "</r>" as raw markup,
    # so this text used to close its cell and add a HYPERLINK formula beside it.
    hostile = ('<r><t>a</t></r></is></c><c r="B2"><f>HYPERLINK("http://evil.example","open")</f></c>'
               '<c r="C2" t="inlineStr"><is><r><t>b</t></r>')
    book = Book()
    sheet = SheetWriter(book, "Notes", (Column("Note", 30, itemgetter(0)),))
    sheet.write((hostile,))
    sheet.finish()
    ws = openpyxl.load_workbook(io.BytesIO(book.bytes()))["Notes"]
    cells = [(c.coordinate, c.value, c.data_type) for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells == [("A1", "Note", "s"), ("A2", hostile, "s")]


def test_a_text_written_again_from_the_cache_keeps_its_quote_prefix_and_format():
    book = Book()
    sheet = SheetWriter(book, "Twice", (Column("Said", 20, itemgetter(0)), Column("Again", 20, itemgetter(1),
                                                                              fmt="0.00")))
    for _ in range(3):
        sheet.write(("=1+1", "=1+1"))
    sheet.finish()
    ws = openpyxl.load_workbook(io.BytesIO(book.bytes()))["Twice"]
    for row in ws.iter_rows(min_row=2):
        assert [(c.value, c.data_type, c.quotePrefix) for c in row] == [("=1+1", "s", True)] * 2
        assert row[1].number_format == "0.00" and row[0].number_format == "General"


def test_a_report_on_many_candidates_holds_one_interviews_answers_at_a_time(store, admin, hr, interviewer, kit,
                                                                            monkeypatch):
    import weakref

    from analysis import report
    from analysis.report import ReportScope, build_report
    from tests.builders import submitted_interview

    position = store.create_position(admin, "Desk")
    for n in range(12):
        cid = store.add_candidate(admin, position.id, f"Candidate {n}").id
        submitted_interview(store, interviewer, cid, kit, texts={"why": "because of {question}"}, rating=1 + n % 5)
    # Small slices, so the scores are gathered over several of them as they are for thousands of candidates.
    monkeypatch.setattr(report, "PANEL_CHUNK", 5)
    handed, alive, most = [0], {}, [0]  # answers alive, by id, each dropped by its weak reference's callback
    streamed = store.iter_report_rows

    def one_by_one(actor, **selection):  # a generator: the report can only take the answers as they come
        for answer in streamed(actor, **selection):
            handed[0] += 1
            alive[id(answer)] = weakref.ref(answer, lambda _, key=id(answer): alive.pop(key, None))
            most[0] = max(most[0], len(alive))
            yield answer

    monkeypatch.setattr(store, "iter_report_rows", one_by_one)
    wb = openpyxl.load_workbook(io.BytesIO(build_report(store, hr, ReportScope(position_ids=(position.id,)))))
    answers = [row for row in wb["Answers"].iter_rows(min_row=2, values_only=True)]
    assert handed[0] == len(answers) == 12 * len(kit.questions)
    assert most[0] <= 2 * len(kit.questions)  # one interview's answers, and the next one's as they start
    assert sorted({row[0] for row in answers}) == sorted(f"Candidate {n}" for n in range(12))
    assert [row[-1] for row in answers] == [1 + n % 5 for n in range(12) for _ in kit.questions]
    summary = [row for row in wb["Summary"].iter_rows(min_row=2, values_only=True)]
    assert [row[0] for row in summary] == list(range(1, 13))  # ranked once over every slice

"""Importing candidate lists: every problem found, nothing half-imported."""

import io
import re
import subprocess
import sys

import openpyxl
import pytest

from data.errors import ValidationError
from data.importer import MAX_BYTES, MAX_ROWS, import_valid, read_candidates
from tests.conftest import ROOT, app_as
from ui.state import Keys

GOOD = "Name,EMAIL,Position\nAna Lopez,ana@example.com,Night desk\nBen Ode,ben@example.com,Concierge\n"


def test_headers_match_in_any_case_and_unknown_positions_are_created(store, admin, hr):
    preview = read_candidates(store, hr, "list.csv", GOOD.encode())
    assert [r.name for r in preview.valid] == ["Ana Lopez", "Ben Ode"]
    added, created = import_valid(store, hr, preview)
    assert added == 2 and created == ["Night desk", "Concierge"]
    assert {c.name for c in store.list_candidates(hr)} == {"Ana Lopez", "Ben Ode"}


def test_every_row_problem_is_reported_with_its_line(store, admin, hr):
    store.add_candidate(admin, store.create_position(admin, "Night desk").id, "Old", "old@example.com")
    text = ("name,email,position\n"
            ",x@example.com,Night desk\n"           # 2 missing name
            "Cara,not-an-email,Night desk\n"         # 3 malformed
            "Dee,dee@example.com,\n"                 # 4 missing position
            "Eve,eve@example.com,Night desk\n"       # 5 fine
            "Eve Again,EVE@example.com,Night desk\n"  # 6 duplicate in the file
            "\n"                                     # 7 blank, skipped
            "Old Timer,old@example.com,Night desk\n"  # 8 already there
            "Fay,,Night desk\n")                     # 9 missing email
    rows = {r.line: r.problems for r in read_candidates(store, hr, "l.csv", text.encode()).rows}
    assert rows[2] == ("missing name",)
    assert rows[3] == ("malformed email 'not-an-email'",)
    assert rows[4] == ("missing position",)
    assert rows[5] == ()
    assert rows[6] == ("duplicate: the same email and position as line 5",)
    assert rows[8] == ("duplicate: already a candidate for Night desk",)
    assert rows[9] == ("missing email",)


@pytest.mark.parametrize("name, data, message", [
    ("l.csv", b"", "The file is empty."),
    ("l.csv", b"\n\n", "The file has no rows."),
    ("l.csv", b"full name,mail\nA,b\n", "Missing column(s): name, email, position"),
    ("l.csv", "name,email,position\nZoë,z@example.com,Desk\n".encode("latin-1"), "not UTF-8"),
    ("l.txt", b"name,email,position\n", "Upload a .csv or .xlsx file"),
    ("l.xlsx", b"PK\x03\x04 broken", "not a readable .xlsx workbook"),
    ("l.csv", b"x" * (MAX_BYTES + 1), "the limit is 5 MB"),
])
def test_file_problems_are_clear_and_import_nothing(store, admin, name, data, message, hr):
    preview = read_candidates(store, hr, name, data)
    assert any(message in p for p in preview.file_problems)
    assert preview.valid == ()
    with pytest.raises(ValidationError, match="Nothing was imported"):
        import_valid(store, hr, preview)


def test_too_many_rows_are_refused(store, admin, hr):
    data = "name,email,position\n" + "".join(f"P{i},p{i}@example.com,Desk\n" for i in range(MAX_ROWS + 1))
    assert "the limit is 10,000" in read_candidates(store, hr, "l.csv", data.encode()).file_problems[0]


def test_utf16_and_bom_files_are_read(store, admin, hr):
    assert read_candidates(store, hr, "l.csv", GOOD.encode("utf-16")).valid
    assert read_candidates(store, hr, "l.csv", b"\xef\xbb\xbf" + GOOD.encode()).valid


def test_xlsx_lists_are_read(store, admin, hr):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["POSITION", "Name", "Email", "Notes"])
    ws.append(["Desk", "Zoë Ng", "zoe@example.com", "=1+1"])
    buf = io.BytesIO()
    wb.save(buf)
    preview = read_candidates(store, hr, "l.xlsx", buf.getvalue())
    assert [(r.name, r.email, r.position) for r in preview.valid] == [("Zoë Ng", "zoe@example.com", "Desk")]
    assert preview.notes == ("Ignored column: Notes.",)


def test_a_clash_inside_the_transaction_rolls_everything_back(store, admin, hr):
    preview = read_candidates(store, hr, "l.csv", GOOD.encode())
    store.add_candidate(admin, store.create_position(admin, "Concierge").id, "Ben First", "ben@example.com")
    with pytest.raises(ValidationError, match="nothing was imported"):
        import_valid(store, hr, preview)
    assert [c.name for c in store.list_candidates(hr)] == ["Ben First"]
    assert [p.name for p in store.list_positions()] == ["Concierge"]  # Night desk was not left behind


def test_only_hr_and_admins_import(store, admin, interviewer):
    with pytest.raises(Exception, match="may not do this"):
        store.import_candidates(interviewer, [("A", "a@example.com", "Desk")])


def _cli(path, env):
    return subprocess.run([sys.executable, "-m", "data.importer", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_command_line_imports_reports_and_fails_when_nothing_imported(db_url, store, admin, tmp_path):
    import os

    f = tmp_path / "l.csv"
    f.write_text(GOOD + "Bad,nope,Desk\n")
    done = _cli(f, dict(os.environ))
    assert done.returncode == 0 and "Imported 2 candidates" in done.stdout
    assert "line 4: not imported: malformed email 'nope'" in done.stderr
    again = _cli(f, dict(os.environ))
    assert again.returncode == 1 and "Imported nothing." in again.stderr


def test_import_page_previews_then_imports_the_valid_rows(store, admin, hr):
    at = app_as(store, hr, "ui/pages/imports.py")
    assert not at.exception and "Import candidates" in at.title[0].value
    at.get("file_uploader")[0].upload("list.csv", (GOOD + "=HYPERLINK(1),bad,Desk\n").encode(), "text/csv").run()
    assert not at.exception
    preview = at.dataframe[0].value
    assert list(preview["problems"]) == ["ok", "ok", "malformed email 'bad'"]
    assert list(preview["name"])[2] == "=HYPERLINK(1)"  # shown as text
    at.button(key=Keys.IMP_SUBMIT).click().run()
    assert not at.exception
    assert {c.name for c in store.list_candidates(hr)} == {"Ana Lopez", "Ben Ode"}


def test_import_page_shows_a_file_problem_and_disables_import(store, admin, hr):
    at = app_as(store, hr, "ui/pages/imports.py")
    at.get("file_uploader")[0].upload("list.csv", b"who,what\nx,y\n", "text/csv").run()
    assert "Missing column" in at.error[0].value and at.button(key=Keys.IMP_SUBMIT).disabled


def _deferred_downloads(monkeypatch) -> dict[str, object]:
    """The callables handed to st.download_button, by file name: the browser calls them on a click."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, object] = {}
    register = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    return made


def test_reports_page_builds_the_workbook_when_the_download_is_clicked(store, admin, model, monkeypatch, hr):
    from data.demo import generate

    generate(store, 6, seed=1, model=model)
    downloads = _deferred_downloads(monkeypatch)
    at = app_as(store, hr, "ui/pages/reports.py")
    assert not at.exception and not store.audit_entries(admin, action="export.report")[0]
    [(name, build)] = downloads.items()
    assert re.fullmatch(r"motive-report-[a-z0-9-]+-\d{4}-\d\d-\d\d\.xlsx", name)
    data = build()
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0] == "Summary"
    assert store.audit_entries(admin, action="export.report")[0]  # logged when it is built, not before
    at.radio(key=Keys.REP_SCOPE).set_value("Everything within the filters").run()
    at.multiselect(key=Keys.REP_STATUS).set_value(["hired"]).run()
    assert not at.exception and "hired" in at.get("download_button")[0].proto.label


# -- blank rows (issue 15, item 13) ---------------------------------------------------------------

def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_blank_rows_never_push_candidates_past_the_row_limit_and_are_reported(store, admin, hr):
    people = [[f"P{i}", f"p{i}@example.com", "Desk"] for i in range(MAX_ROWS)]
    data = _xlsx([["name", "email", "position"], *([None] for _ in range(100)), *people])
    preview = read_candidates(store, hr, "l.xlsx", data)
    assert not preview.file_problems and len(preview.valid) == MAX_ROWS
    assert preview.valid[-1].name == f"P{MAX_ROWS - 1}" and preview.valid[0].line == 102
    assert "100 blank rows skipped, holding no one: rows 2-101." in preview.notes


def test_blank_rows_do_not_count_but_one_person_past_the_limit_still_refuses_the_file(store, admin, hr):
    people = [[f"P{i}", f"p{i}@example.com", "Desk"] for i in range(MAX_ROWS + 1)]
    data = _xlsx([["name", "email", "position"], *people[:5], [None], [None], *people[5:]])
    assert "more than 10,000 candidate rows" in read_candidates(store, hr, "l.xlsx", data).file_problems[0]


def test_every_row_not_imported_is_named_with_its_row_number(store, admin, hr):
    text = "name,email,position\nAna,ana@example.com,Desk\n\n , ,\nBen,,Desk\n\n\nCleo,cleo@example.com,Desk\n\n\n"
    preview = read_candidates(store, hr, "l.csv", text.encode())
    assert [r.line for r in preview.valid] == [2, 8] and [(r.line, r.problems) for r in preview.invalid] == [
        (5, ("missing email",))]
    assert preview.notes == ("4 blank rows skipped, holding no one: rows 3-4, 6-7.",)  # trailing ones hold no one


def test_a_workbook_whose_first_rows_are_empty_finds_its_header_below_them(store, admin, hr):
    data = _xlsx([[None], [None, None], ["Name", "Email", "Position"], ["Ana", "ana@example.com", "Desk"]])
    preview = read_candidates(store, hr, "l.xlsx", data)
    assert [(r.line, r.name) for r in preview.valid] == [(4, "Ana")]
    assert preview.notes == ("The column names were read from row 3; the rows above it are empty.",)
    wrong = read_candidates(store, hr, "l.xlsx", _xlsx([[None], ["Ana", "ana@example.com", "Desk"]]))
    assert wrong.file_problems == ("Missing column(s): name, email, position. Row 2, the first row that is not "
                                   "empty, must name the columns name, email, position; it holds: Ana, "
                                   "ana@example.com, Desk.",)


def test_the_import_page_reads_an_upload_once_and_checks_it_again_on_every_rerun(store, admin, hr, monkeypatch):
    import data.importer

    reads = []
    real = data.importer.read_table
    monkeypatch.setattr(data.importer, "read_table", lambda *a: reads.append(a[0]) or real(*a))
    at = app_as(store, hr, "ui/pages/imports.py")
    at.get("file_uploader")[0].upload("list.csv", GOOD.encode(), "text/csv").run()
    assert reads == ["list.csv"] and list(at.dataframe[0].value["problems"]) == ["ok", "ok"]
    store.add_candidate(admin, store.create_position(admin, "Concierge").id, "Ben First", "ben@example.com")
    at.run()
    assert not at.exception and reads == ["list.csv"]  # not read again ...
    assert list(at.dataframe[0].value["problems"]) == ["ok", "duplicate: already a candidate for Concierge"]  # ... checked
    at.get("file_uploader")[0].upload("other.csv", GOOD.encode(), "text/csv").run()
    assert reads == ["list.csv", "other.csv"]


# -- the import flow (issue 16, Import) -----------------------------------------------------------

def test_after_an_import_the_uploader_is_empty_and_the_page_says_what_was_imported(store, admin, hr):
    at = app_as(store, hr, "ui/pages/imports.py")
    at.get("file_uploader")[0].upload("list.csv", (GOOD + "Cleo,bad,Desk\n").encode(), "text/csv").run()
    at.button(key=Keys.IMP_SUBMIT).click().run()
    assert not at.exception
    assert at.get("file_uploader")[0].value is None  # a fresh uploader, not the imported file
    assert any("Imported 2 candidates" in s.value for s in at.success)
    done = at.dataframe[0].value
    assert list(done["result"]) == ["imported", "imported", "not imported: malformed email 'bad'"]
    assert list(done["name"]) == ["Ana Lopez", "Ben Ode", "Cleo"]


def test_the_same_file_uploaded_again_is_previewed_again_with_its_rows_reported_as_duplicates(store, admin, hr):
    at = app_as(store, hr, "ui/pages/imports.py")
    at.get("file_uploader")[0].upload("list.csv", GOOD.encode(), "text/csv").run()
    at.button(key=Keys.IMP_SUBMIT).click().run()
    at.get("file_uploader")[0].upload("list.csv", GOOD.encode(), "text/csv").run()
    assert not at.exception
    preview = at.dataframe[0].value
    assert list(preview["problems"]) == ["duplicate: already a candidate for Night desk",
                                         "duplicate: already a candidate for Concierge"]
    assert any("0 rows ready to import; 2 are already candidates (duplicates)." in m.value for m in at.markdown)
    assert at.button(key=Keys.IMP_SUBMIT).disabled and len(store.list_candidates(hr)) == 2


def test_every_problem_is_listed_in_full_below_the_preview(store, admin, hr):
    long_email = "x" * 150 + "@@example.com"
    at = app_as(store, hr, "ui/pages/imports.py")
    at.get("file_uploader")[0].upload("list.csv", (GOOD + f"Cleo,{long_email},Desk\n").encode(), "text/csv").run()
    assert not at.exception
    listed = [t.value for t in at.text]
    assert f"Line 4: malformed email '{long_email}'" in "\n".join(listed)


def test_the_upload_limit_the_uploader_shows_is_the_importers_limit(store, admin, hr):
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_BYTES  # the server refuses more, too
    at = app_as(store, hr, "ui/pages/imports.py")
    assert at.get("file_uploader")[0].proto.max_upload_size_mb * 1024 * 1024 == MAX_BYTES

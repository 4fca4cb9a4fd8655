"""Hostile input through the store, the model, every page and every export.

Formula strings, HTML and script tags, markdown that would render, SQL-looking text,
1 MB of text, NUL bytes, emoji, right-to-left text, malformed and oversized uploads.
Nothing may crash, nothing may execute or render, and nothing already saved may be lost.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest

from analysis.labelling import label_answer
from analysis.privacy import audit_csv, audit_xlsx, subject_access_json, subject_access_xlsx
from analysis.report import build_report
from data.errors import AuthError, ValidationError
from data.importer import read_candidates
from data.records import LIMITS
from tests.builders import HOSTILE
from tests.conftest import answer_box, app_as, make_user
from ui.state import Keys

# Would render or run if they reached markdown unescaped (a backslash before them makes them literal text).
RENDERED = [re.compile(r"(?<!\\)" + re.escape(m)) for m in ("](javascript", "](http://evil", "<script", "<img", "<b>")]
WORD_JOINER = "\u2060"  # invisible; what ui/render.md_escape puts before `:`, `.` and `@` to stop autolinks
MEGABYTE = "I helped because I cared. " * 40_330  # just over 1 MB


def stored(value: str) -> str:
    return value.replace("\x00", "")


@pytest.fixture
def hostile_world(store, admin, interviewer, kit, model):
    """A database where every piece of typed text is hostile, with one submitted and one open interview."""
    second = make_user(store, "bea", "interviewer")
    pos = store.create_position(admin, "[click me](javascript:alert(1)) <script>")
    cands = [store.add_candidate(admin, pos.id, text.strip() or "blank", same_name_ok=True) for text in HOSTILE]
    iids = []
    for who in (interviewer, second):
        iid = store.start_interview(who, cands[0].id, kit)
        for n, q in enumerate(kit.questions):
            for field in ("story", "why", "feeling", "notes"):
                store.save_answer_field(who, iid, q.id, field, HOSTILE[(n + len(field)) % len(HOSTILE)])
            store.save_rating(who, iid, q.id, 1 + n % 5)
        label_answer(store, model, who, iid, kit.questions[0].id)
        store.review_label(who, iid, kit.questions[0].id, action="override", label="mixed", reason=HOSTILE[9])
        store.save_recommendation(who, iid, "yes", HOSTILE[10])
        iids.append(iid)
    store.submit_interview(interviewer, iids[0], accept_gaps=True)
    store.submit_interview(second, iids[1], accept_gaps=True)
    open_iid = store.start_interview(interviewer, cands[1].id, kit)
    store.save_answer_field(interviewer, open_iid, kit.questions[0].id, "story", HOSTILE[11])
    for c in cands:  # Home's queue and the Assignments page show every hostile name
        store.assign_interviewers(admin, c.id, [interviewer.id, second.id])
    return {"position": pos, "candidates": cands, "interviews": iids, "open": open_iid}


# -- the store --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_store_keeps_hostile_text_exactly(store, admin, interviewer, candidate, kit, text):
    iid = store.start_interview(interviewer, candidate.id, kit)
    q = kit.questions[0].id
    for field in ("story", "why", "feeling", "notes"):
        assert store.save_answer_field(interviewer, iid, q, field, text).text(field) == stored(text)
    assert store.sheet(interviewer, iid).answers[q].story == stored(text)
    made = store.add_candidate(admin, candidate.position_id, text)
    assert store.get_candidate(admin, made.id).name == stored(text).strip() or text.strip() == ""


def test_sql_looking_text_is_only_ever_data(store, admin, candidate):
    store.add_candidate(admin, candidate.position_id, "'; DROP TABLE candidates; --")
    found = store.list_candidates(admin, search="'; DROP")
    assert [c.name for c in found] == ["'; DROP TABLE candidates; --"]
    assert store.list_candidates(admin, search="%") == [] and store.list_candidates(admin, search="_") == []
    assert len(store.list_candidates(admin)) == 2


@pytest.mark.parametrize("field", ["story", "why", "feeling", "notes"])
def test_a_megabyte_is_refused_clearly_and_the_saved_text_stays(store, interviewer, candidate, kit, field):
    iid = store.start_interview(interviewer, candidate.id, kit)
    q = kit.questions[0].id
    store.save_answer_field(interviewer, iid, q, field, "What was said before.")
    with pytest.raises(ValidationError, match=f"the limit is {LIMITS[field]:,}"):
        store.save_answer_field(interviewer, iid, q, field, MEGABYTE)
    assert store.sheet(interviewer, iid).answers[q].text(field) == "What was said before."


@pytest.mark.parametrize("call", ["candidate", "position", "email", "reason", "note", "retention"])
def test_every_other_text_input_has_a_limit_with_a_clear_message(store, admin, interviewer, candidate, kit, call):
    iid = store.start_interview(interviewer, candidate.id, kit)
    with pytest.raises(ValidationError):
        {
            "candidate": lambda: store.add_candidate(admin, candidate.position_id, MEGABYTE),
            "position": lambda: store.create_position(admin, MEGABYTE),
            "email": lambda: store.add_candidate(admin, candidate.position_id, "Ann", MEGABYTE),
            "reason": lambda: store.review_label(interviewer, iid, kit.questions[0].id, action="override",
                                                 label="mixed", reason=MEGABYTE),
            "note": lambda: store.save_recommendation_note(interviewer, iid, MEGABYTE),
            "retention": lambda: store.set_retention(admin, candidate.position_id, 10**9),
        }[call]()
    assert store.get_candidate(admin, candidate.id).name == "Maya Okafor"


# -- the model ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [*HOSTILE, MEGABYTE, "", "\x00" * 100], ids=range(len(HOSTILE) + 3))
def test_model_labels_any_text_without_crashing(model, text):
    prediction = model.predict_one(text)
    assert prediction.label in ("intrinsic", "extrinsic", "mixed", "unclear")
    assert 0.0 <= prediction.confidence <= 1.0


# -- every page -----------------------------------------------------------------------------------

# Element bodies Streamlit parses as Markdown (st.text, st.code and table cells show text literally).
MARKDOWN_BODIES = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success",
                   "toast")
# Elements whose label (and help tooltip) Streamlit parses as Markdown; the inputs among them also hand the
# label, as typed, to the browser as the field's accessible name.
INPUTS = ("checkbox", "toggle", "radio", "selectbox", "multiselect", "select_slider", "slider", "text_input",
          "text_area", "number_input", "date_input", "time_input", "color_picker", "file_uploader", "chat_input")
LABELLED = (*INPUTS, "button", "download_button", "link_button", "page_link", "expander", "tab", "metric", "status")
# Active if they reach Markdown unescaped (a backslash before them makes them literal text).
RENDERED = [re.compile(r"(?<!\\)" + re.escape(m)) for m in (
    "](javascript", "](http", "![", "<script", "<img", "<b>", ":red[", ":material/home:", ":smile:", "$x^2$",
    "$$y$$")]
# Streamlit's Markdown autolinks these in the text as shown, after backslash escapes are resolved.
AUTOLINK = re.compile(r"https?://|www\.\w|[\w.+-]@[\w-]+\.\w")


def _shown(markdown: str) -> str:
    """The text Markdown shows once backslash escapes are resolved."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def _live(markdown: str) -> list[str]:
    """What in `markdown` would render as more than text: markup, maths, shortcodes, links."""
    found = [m.pattern for m in RENDERED if m.search(markdown)]
    return found + [f"autolink {m.group()!r}" for m in AUTOLINK.finditer(_shown(markdown))]


def _proto_label(element) -> str:
    for holder in (element, getattr(element, "proto", None)):
        label = getattr(holder, "label", None)
        if isinstance(label, str):
            return label
    return ""


def _texts(at) -> list[tuple[str, str]]:
    """Every text on the page that Streamlit parses as Markdown, named by where it is."""
    out = [(kind, str(e.value)) for kind in MARKDOWN_BODIES for e in at.get(kind)]
    for kind in LABELLED:
        for e in at.get(kind):
            out.append((f"{kind} label", _proto_label(e)))
            tip = getattr(getattr(e, "proto", None), "help", "")
            if tip:
                out.append((f"{kind} help", tip))
    out += [("radio option", str(option)) for e in at.get("radio") for option in e.options]
    return out


def assert_inert(at, where: str = "") -> None:
    """No text on the page renders as markup or a link, and no input's accessible name carries an escape."""
    assert not at.exception, [e.value for e in at.exception]
    for kind, text in _texts(at):
        assert not _live(text), (where, kind, _live(text), text[:300])
    for kind in INPUTS:
        for e in at.get(kind):
            label = _proto_label(e)
            assert "\\" not in label and WORD_JOINER not in label, (where, kind, "read aloud as", label)


PAGES = [
    ("admin", "ui/pages/home.py", {}), ("admin", "ui/pages/candidates.py", {}),
    ("admin", "ui/pages/compare.py", {}), ("admin", "ui/pages/reports.py", {}),
    ("admin", "ui/pages/imports.py", {}), ("admin", "ui/pages/users.py", {}), ("admin", "ui/pages/model.py", {}),
    ("admin", "ui/pages/account.py", {}), ("admin", "ui/pages/fairness.py", {}),
    ("admin", "ui/pages/assignments.py", {}),
    ("admin", "ui/pages/privacy.py", {}), ("admin", "ui/pages/audit.py", {}),
    ("interviewer", "ui/pages/home.py", {}), ("interviewer", "ui/pages/interview.py", {"submitted": True}),
    ("interviewer", "ui/pages/interview.py", {"submitted": False}),
]


@pytest.mark.parametrize("role, page, opts", PAGES, ids=[f"{r}-{p.split('/')[-1]}-{i}" for i, (r, p, _) in
                                                          enumerate(PAGES)])
def test_every_page_shows_hostile_text_inert(store, admin, interviewer, hostile_world, role, page, opts):
    user = admin if role == "admin" else interviewer
    query = {}
    if "submitted" in opts:
        iid = hostile_world["interviews"][0] if opts["submitted"] else hostile_world["open"]
        query = {"interview": str(iid)}
    at = app_as(store, user, query=query)
    at.switch_page(page)
    at.run()
    assert_inert(at, page)
    for html in at.get("html"):
        for marker in HOSTILE:
            assert marker not in str(html.proto), "typed text reached an HTML element"
    for box in at.get("bidi_component"):  # the answer fields: typed text travels only as JSON data
        markup = box.proto.html_content + box.proto.css_content + box.proto.js_content
        for marker in HOSTILE:
            assert marker not in markup, "typed text reached an answer field's markup or code"


def test_compare_page_shows_hostile_names_inert_side_by_side(store, admin, hostile_world):
    at = app_as(store, admin, "ui/pages/compare.py")
    assert_inert(at, "compare")


# -- both exports (and the privacy exports) -------------------------------------------------------

def _assert_no_formulas(data: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate)


def test_excel_report_neutralises_every_hostile_text(store, admin, hostile_world):
    _assert_no_formulas(build_report(store, admin))


def test_subject_access_files_neutralise_and_keep_every_hostile_text(store, admin, hostile_world):
    data = store.subject_access(admin, hostile_world["candidates"][0].id)
    _assert_no_formulas(subject_access_xlsx(admin, data))
    again = json.loads(subject_access_json(admin, data))
    stories = {a["story"] for a in again["answers"]}
    assert stored(HOSTILE[14]) in {a["why"] for a in again["answers"]} | stories | {
        a["feeling"] for a in again["answers"]} | {a["notes"] for a in again["answers"]}


def test_audit_exports_never_emit_a_formula(store, admin, hostile_world):
    store.record_export(admin, "report", filters=HOSTILE[0])
    with pytest.raises(AuthError):
        store.authenticate("=cmd|'/c calc'!A0", "x")  # a hostile username lands in the log
    entries, _ = store.audit_entries(admin, limit=100_000)
    _assert_no_formulas(audit_xlsx(admin, entries, filters=HOSTILE[1]))
    for row in csv.reader(io.StringIO(audit_csv(admin, entries).decode("utf-8-sig"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# -- uploads --------------------------------------------------------------------------------------

def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/sharedStrings.xml", b"\0" * (200 * 1024 * 1024))
    return out.getvalue()


def _tall_workbook(rows: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["name", "email", "position"])
    for i in range(rows):
        ws.append([f"Person {i}", "", "Desk"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("list.xlsx", b"\x00\x01garbage" * 100, "not a readable .xlsx"),
    ("list.xlsx", b"", "The file is empty"),
    ("bomb.xlsx", None, "unpacks to"),
    ("tall.xlsx", "tall", "limit is 10,000"),
    ("list.csv", b"name,email,position\nAnn\x00,,Desk\n" + b"\xff\xfe\xfa" * 10, "not UTF-8"),
    ("list.csv", b"x" * (6 * 1024 * 1024), "limit is 5 MB"),
    ("list.exe", b"MZ\x90\x00", "Upload a .csv or .xlsx"),
])
def test_malformed_and_oversized_uploads_are_refused_clearly(store, admin, name, data, message):
    if data is None:
        data = _zip_bomb()
    elif data == "tall":
        data = _tall_workbook(10_050)
    preview = read_candidates(store, admin, name, data)
    assert preview.file_problems and message in " ".join(preview.file_problems)
    assert preview.valid == ()


def test_hostile_rows_import_as_plain_text(store, admin):
    rows = "\n".join(f'"{t.replace(chr(34), chr(34) * 2)}",p{i}@example.com,Desk'
                     for i, t in enumerate(HOSTILE) if "\x00" not in t)
    preview = read_candidates(store, admin, "list.csv", ("name,email,position\n" + rows).encode())
    assert not preview.file_problems
    done, _ = store.import_candidates(admin, [(r.name, r.email or "", r.position) for r in preview.valid])
    names = {c.name for c in store.list_candidates(admin, limit=100)}
    assert "'; DROP TABLE candidates; --" in names and done == len(preview.valid)


def test_import_page_survives_a_malformed_upload(store, admin):
    at = app_as(store, admin, "ui/pages/imports.py")
    at.get("file_uploader")[0].upload("bomb.xlsx", _zip_bomb(), "application/octet-stream")
    at.run()
    assert not at.exception
    assert any("unpacks to" in e.value for e in at.error)
    assert at.button(key=Keys.IMP_SUBMIT).disabled


def test_a_full_field_says_so_next_to_the_saved_mark(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    q = kit.questions[0].id
    store.save_answer_field(interviewer, iid, q, "why", "w" * LIMITS["why"])
    at = app_as(store, interviewer, query={"interview": str(iid)})
    at.switch_page("ui/pages/interview.py")
    at.run()
    assert not at.exception
    assert any("5,000 characters is its limit" in w.value for w in at.warning)
    field = answer_box(at, Keys.answer(iid, q, "why"))
    assert field["text"] == "w" * LIMITS["why"] and field["limit"] == LIMITS["why"]


def _with_sheet_xml(change) -> bytes:
    """A valid one-person workbook whose first sheet's XML has been changed by `change`."""
    wb = openpyxl.Workbook()
    wb.active.append(["name", "email", "position"])
    wb.active.append(["Ana", "ana@example.com", "Desk"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member in src.namelist():
            part = src.read(member)
            z.writestr(member, change(part) if member == "xl/worksheets/sheet1.xml" else part)
    return out.getvalue()


@pytest.mark.parametrize("token", [
    b'<row r="9" spans="' + b"9" * 30_000_000 + b'"/>',  # one 30 MB tag: a minute of expat 2.5 before the fix
    b'<row r="9" x="' + b"a>" * 10_000_000 + b'"/>',      # the same, with ">" all through its attribute
    b"&" + b"a" * 5_000_000 + b";",                         # one long entity reference
    b"<!--" + b"<a>" * 100_000 + b"-->",                    # a comment, which may hold "<"
])
def test_a_small_workbook_with_one_huge_xml_token_is_refused_at_once(store, admin, token):
    import time

    data = _with_sheet_xml(lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + token, 1))
    assert len(data) < 100 * 1024  # under every size limit
    started = time.monotonic()
    preview = read_candidates(store, admin, "list.xlsx", data)
    assert time.monotonic() - started < 10  # the refusal path only: a bound, not a benchmark
    assert preview.valid == () and "looks built to stall the reader" in preview.file_problems[0]
    assert read_candidates(store, admin, "list.xlsx", _with_sheet_xml(lambda xml: xml)).valid  # the same, intact


def test_import_page_refuses_a_workbook_built_to_stall_it(store, admin):
    at = app_as(store, admin, "ui/pages/imports.py")
    stall = _with_sheet_xml(lambda xml: xml.replace(b"<sheetData>", b'<sheetData><row x="' + b"a" * 30_000_000
                                                    + b'"/>', 1))
    at.get("file_uploader")[0].upload("list.xlsx", stall, "application/octet-stream").run()
    assert not at.exception and any("built to stall the reader" in e.value for e in at.error)
    assert at.button(key=Keys.IMP_SUBMIT).disabled


def test_a_kit_files_anchors_probes_and_prompts_show_inert_on_the_interview_page(store, interviewer, candidate,
                                                                                   tmp_path, monkeypatch, model):
    from analysis.labelling import save_answer
    from rubric.loader import load_kit
    from tests.builders import mini_kit

    planted = "![a](http://127.0.0.1:9/a.png) www.anchor.example :red[x] $x^2$ ann@beacon.example"
    kit_text = (mini_kit(principles={"listen": planted}).replace('id = "mini"', 'id = "planted"')
                .replace('1 = "a"', f'1 = "{planted}"').replace('title = "Listening"', f'title = "{planted}"')
                .replace('prompt = "Tell me about a time."', f'prompt = "{planted}"')
                .replace(f'listen = "{planted}"', f'[principles.listen]\ntitle = "{planted}"\nsummary = "{planted}"')
                .replace("[principles]", f'[follow_up]\nextrinsic = "{planted} ?"\n[principles]', 1))
    (tmp_path / "planted.toml").write_text(kit_text)
    monkeypatch.setenv("MOTIVE_KITS_DIR", str(tmp_path))
    kit = load_kit(tmp_path / "planted.toml")
    assert kit.principles[0].title == planted and kit.extrinsic_probe == f"{planted} ?"
    iid = store.start_interview(interviewer, candidate.id, kit)
    for field, text in (("story", "I re-booked her van."), ("why", "My manager was watching and I would have got a "
                                                                    "written warning otherwise."),
                        ("feeling", "Relieved that I kept my bonus.")):
        save_answer(store, model, interviewer, iid, "q1", field, text)
    assert store.labels(interviewer, iid)["q1"].label == "extrinsic"  # so the kit's follow-up is on the page
    at = app_as(store, interviewer, "ui/pages/interview.py", query={"interview": str(iid)})
    shown = [_shown(text).replace(WORD_JOINER, "") for _, text in _texts(at)]
    assert any(planted in text for text in shown), "the anchor is shown"
    assert any(f"Principles it probes: {planted}" in text for text in shown), "the principle's name is shown"
    assert any(f"{planted} ?" in text for text in shown), "the kit's follow-up is shown"
    assert_inert(at, "interview")


@pytest.mark.parametrize("header, then", [
    ("name,email,position,{planted}", "Ignored column"),  # an extra column, named in a caption
    ("{planted},email", "it holds:"),  # the required columns missing: the refusal quotes what the header holds
])
def test_an_imported_files_headers_and_new_positions_show_inert(store, admin, header, then):
    planted = "![i](http://127.0.0.1:9/h.png) www.header.example ann@beacon.example :red[x] $x^2$"
    data = (header.format(planted=planted) + "\n" + f"Ann Lee,ann@example.com,{planted},x\n").encode()
    at = app_as(store, admin, "ui/pages/imports.py")
    at.get("file_uploader")[0].upload("list.csv", data, "text/csv")
    at.run()
    assert any(then in _shown(text).replace(WORD_JOINER, "") for _, text in _texts(at)), then
    assert_inert(at, "import")
    if then == "Ignored column":
        at.button(key=Keys.IMP_SUBMIT).click().run()
        assert any("New position" in e.value for e in at.success)
        assert_inert(at, "import, after")

"""Real-browser tests: Playwright driving Debian's Chromium against `streamlit run app.py`."""

import http.server
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

# Each rerun repaints the page; on a busy 2-core CI machine that can take longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)

from tests.browser import CHROMIUM, chromium_page, sign_in, sso_server, streamlit_process, streamlit_server
from tests.conftest import PASSWORD, make_user

# Each browser flow runs once, on SQLite; test_typed_answer_survives_a_reload_on_postgresql runs the app on PostgreSQL.
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only("the app process runs on one database per flow")]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def opened(db_url, store, admin, kit):
    """Ivan's open interview of Maya, and the environment a server on this database needs."""
    interviewer = make_user(store, "ivan", "interviewer")
    position = store.create_position(admin, "Customer support agent")
    cand = store.add_candidate(admin, position.id, "Maya Okafor", "maya@example.com")
    iid = store.start_interview(interviewer, cand.id, kit)
    return {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4"}, iid, interviewer


@pytest.fixture
def live(opened):
    env, iid, interviewer = opened
    with streamlit_server(env) as url:
        yield url, iid, interviewer


def test_typed_answer_survives_a_reload(live, store):
    url, iid, interviewer = live
    with chromium_page() as page:
        page.goto(f"{url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text("Interview: Maya Okafor").wait_for()
        why = page.get_by_label("Why did you do it?")
        why.fill("Because he had driven two hours and I pictured my dad in his place.")
        why.blur()
        page.get_by_text("✓ Saved", exact=False).first.wait_for()
        assert store.sheet(interviewer, iid).answers["extra-mile"].why.startswith("Because he had driven")

        page.reload()
        page.get_by_text("Interview: Maya Okafor").wait_for()  # still signed in: the session cookie
        expect(page.get_by_label("Why did you do it?")).to_have_value(
            "Because he had driven two hours and I pictured my dad in his place."
        )
        # The reload itself must never write: the stored answer is untouched.
        answer = store.sheet(interviewer, iid).answers["extra-mile"]
        assert answer.why.startswith("Because he had driven") and answer.revision == 1
        if os.environ.get("SCREENSHOTS_DIR"):  # the README's picture
            page.set_viewport_size({"width": 1400, "height": 1500})
            story = page.get_by_label("What happened", exact=True)
            story.fill("A farmer drove two hours for a part we had listed online, but it had sold that morning. "
                       "I rang three branches, found one and had it sent to his village post office.")
            story.blur()
            feeling = page.get_by_label("How did it make you feel?")
            feeling.fill("Really good. I went home smiling.")
            feeling.blur()
            expect(page.get_by_text("✓ Saved", exact=False)).to_have_count(3)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / "interview.png"))


def test_a_second_tab_opens_the_same_question(live, store):
    url, iid, interviewer = live
    with chromium_page() as page:
        page.goto(f"{url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_role("button", name="Next ▶").click()
        page.get_by_text("Q2. A customer who did not fit").wait_for()
        second = page.context.new_page()
        second.goto(f"{url}/interview?interview={iid}")
        second.get_by_text("Q2. A customer who did not fit").wait_for()


def test_newcomer_makes_the_first_admin_and_submits_an_interview(db_url, tmp_path):
    """Issue 2's acceptance, as a person would do it, on an empty database."""
    env = {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4"}
    with streamlit_server(env) as url, chromium_page() as page:
        page.goto(url)
        page.get_by_text("Welcome to Motive").wait_for()
        page.get_by_role("textbox", name="Administrator username").fill("founder")
        page.get_by_role("textbox", name="Password (at least 12 characters)").fill(PASSWORD)
        page.get_by_role("textbox", name="Repeat password").fill(PASSWORD)
        page.get_by_role("button", name="Create administrator").click()
        page.get_by_text("Hello, founder.").wait_for()

        page.get_by_role("link", name="Candidates", exact=True).click()
        page.get_by_role("textbox", name="Position name").fill("Night desk agent")
        page.get_by_role("button", name="Add position").click()
        page.get_by_text("Added the position Night desk agent", exact=False).wait_for()
        page.get_by_role("textbox", name="Full name").fill("Ana Lopez")
        page.get_by_role("textbox", name="Full name").press("Tab")  # commit the name: its rerun can close a dropdown
        page.wait_for_timeout(500)
        page.get_by_placeholder("Choose a position").click()
        page.get_by_role("option", name="Night desk agent").click()
        page.get_by_role("button", name="Add candidate").click()
        page.get_by_text("Added candidate Ana Lopez to the position Night desk agent", exact=False).wait_for()
        page.get_by_role("button", name="Start or resume interview").click()

        page.get_by_text("Interview: Ana Lopez").wait_for()
        why = page.get_by_label("Why did you do it?")
        why.fill("I could not leave her standing in the rain with a sick child.")
        why.blur()
        page.get_by_text("✓ Saved", exact=False).first.wait_for()
        page.reload()
        expect(page.get_by_label("Why did you do it?")).to_have_value(
            "I could not leave her standing in the rain with a sick child.")

        page.get_by_role("combobox", name="Question").click()
        page.get_by_role("option", name="Recommendation and submit").click()
        page.get_by_text("Yes", exact=True).click()
        page.get_by_text("✓ Saved", exact=False).first.wait_for()
        page.get_by_text("flagged as unanswered").click()
        page.get_by_text("I have reviewed my answers").click()
        page.get_by_role("button", name="Submit interview").click()
        page.get_by_text("Submitted: this interview is read-only.").wait_for()


def _words(text: str) -> str:
    """The text up to its first `.`, `:` or `@`: Markdown shows each with a word joiner before it (ui/render.py)."""
    return re.split(r"[.:@]", text)[0]


def test_the_first_question_fits_a_1440_by_900_screen_with_its_probe_and_anchors(opened, store, kit, model):
    """Issue 16: the question, the three answer fields, the probe and the rating with every anchor, without scrolling."""
    from analysis.labelling import save_answer

    env, iid, interviewer = opened
    first = kit.questions[0]
    for field, text in (("story", "Her parcel was stuck in the depot, so I re-booked the van and rang her back the "
                                  "same day. She had waited a week and rung us four times."),
                        ("why", "My manager was watching and I would have got a written warning otherwise."),
                        ("feeling", "Relieved that I kept my bonus.")):
        save_answer(store, model, interviewer, iid, first.id, field, text)
    assert store.labels(interviewer, iid)[first.id].evidence  # the label panel at its fullest: evidence shown
    with streamlit_server(env) as url, chromium_page(1440, 900) as page:
        page.goto(f"{url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text(f"Q1. {first.title}").wait_for()
        page.get_by_text(kit.extrinsic_probe).wait_for()
        page.wait_for_timeout(1000)  # let the fields settle at their height
        in_view = {
            "question": page.get_by_text(_words(first.prompt)),
            **{label: page.get_by_label(label, exact=True) for label in ("What happened", first.why_prompt,
                                                                        first.feeling_prompt)},
            "probe": page.get_by_text(kit.extrinsic_probe),
            "evidence": page.get_by_text("towards intrinsic"),
            "rating": page.get_by_text("Rating (behavioural anchors)"),
            **{f"anchor {n}": page.get_by_text(_words(first.anchor(n))) for n in range(1, 6)},
        }
        _shot(page, "interview-one-screen.png")
        for what, element in in_view.items():
            box = element.first.bounding_box()
            assert box is not None, f"{what} is not on the page"
            assert box["y"] >= 0 and box["y"] + box["height"] <= 900, f"{what} is outside the 900 px window: {box}"
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1440, f"{what} is outside the 1440 px window: {box}"


def test_compare_page_shows_candidates_side_by_side(db_url, store, admin, model):
    from data.demo import generate

    generate(store, 40, seed=4, model=model)
    env = {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4"}
    with streamlit_server(env) as url, chromium_page(1400, 2600) as page:
        page.goto(f"{url}/compare")
        sign_in(page, "admin", PASSWORD)
        page.get_by_text("Compare candidates").first.wait_for()
        pick = page.get_by_role("combobox", name="Compare side by side (2 to 4)")
        for _ in range(3):
            pick.click()
            page.get_by_role("option").first.click()
        page.keyboard.press("Escape")
        page.get_by_text("What they said, question by question").wait_for()
        expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(2)
        if os.environ.get("SCREENSHOTS_DIR"):
            page.wait_for_timeout(1500)
            page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / "compare.png"))


def test_hr_reads_the_fairness_report_and_erases_a_candidate(db_url, store, admin, kit):
    from data.demo import generate
    from data.errors import NotFoundError

    generate(store, 150, seed=11, kit=kit)
    make_user(store, "harriet", "hr")
    doomed = store.list_candidates(admin, limit=1)[0]
    env = {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4"}
    with streamlit_server(env) as url, chromium_page(1400, 1900) as page:
        page.goto(f"{url}/fairness")
        sign_in(page, "harriet", PASSWORD)
        page.get_by_text("Adverse-impact screening").wait_for()
        page.get_by_text("Selection rate (recorded decisions)", exact=True).wait_for()
        expect(page.locator("[data-testid='stDataFrame']")).to_have_count(3)  # decisions, recommendations, scores
        if os.environ.get("SCREENSHOTS_DIR"):
            page.wait_for_timeout(1500)
            page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / "fairness.png"))

        page.goto(f"{url}/privacy")
        page.get_by_text("A candidate's data").wait_for()
        search = page.get_by_label("Find the candidate (name or email)")
        search.fill(doomed.email)
        search.press("Enter")
        page.get_by_placeholder("Choose a candidate").click()  # nobody is aimed at until picked
        page.get_by_role("option", name=f"id {doomed.id}", exact=False).click()
        confirm = page.get_by_label("Type the candidate's name to confirm")
        confirm.wait_for()
        erase = page.get_by_role("button", name="Erase this candidate")
        expect(erase).to_be_disabled()
        confirm.fill(doomed.name)
        confirm.press("Enter")
        expect(erase).to_be_enabled()
        erase.click()
        page.get_by_text(f"Erased candidate {doomed.id}").wait_for()
    with pytest.raises(NotFoundError):
        store.get_candidate(admin, doomed.id)
    assert store.audit_entries(admin, action="candidate.erased")[0][0].actor == "harriet"


def _type_and_leave(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    # While a rerun repaints, Streamlit can briefly show a field twice; act on it once it is settled.
    expect(box).to_have_count(1)
    box.fill(text)
    expect(box).to_have_count(1)
    box.blur()


def _answer(store, interviewer, iid, question: str = "extra-mile"):
    return store.sheet(interviewer, iid).answers[question]


def _wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def _drafts(page) -> dict:
    return page.evaluate("() => Object.fromEntries(Object.keys(localStorage)"
                         ".filter(k => k.startsWith('motive.draft.')).map(k => [k, localStorage.getItem(k)]))")


def _shot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS_DIR"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / name))


def test_killed_server_loses_nothing_not_even_the_field_in_focus(opened, store):
    env, iid, interviewer = opened
    with streamlit_process(env) as server, chromium_page() as page:
        page.goto(f"{server.url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text("Interview: Maya Okafor").wait_for()
        _type_and_leave(page, "What happened", "She had lost her booking; I rebuilt it from her emails.")
        _type_and_leave(page, "Why did you do it?", "I hated to think of her stranded at the gate.")
        expect(page.get_by_text("✓ Saved", exact=False)).to_have_count(2)
        feeling = page.get_by_label("How did it make you feel?", exact=True)
        feeling.click()
        feeling.press_sequentially("Typed but never left the box", delay=10)

        server.kill()  # mid-sentence, before the field's next send, with the field still in focus
        server.start()  # same port, same database

        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
        page.reload()
        page.get_by_text("Interview: Maya Okafor").wait_for()  # the session survived the crash too
        expect(page.get_by_label("What happened", exact=True)).to_have_value(
            "She had lost her booking; I rebuilt it from her emails.")
        expect(page.get_by_label("Why did you do it?", exact=True)).to_have_value(
            "I hated to think of her stranded at the gate.")
        # Nothing changed on the server since the words were typed, so the browser's copy is saved at once.
        expect(page.get_by_label("How did it make you feel?", exact=True)).to_have_value("Typed but never left the box")
        _wait_for(lambda: _answer(store, interviewer, iid).feeling == "Typed but never left the box",
                  "the text typed before the crash never reached the database")
        expect(page.get_by_text("✓ Saved", exact=False)).to_have_count(3)
        _wait_for(lambda: _drafts(page) == {}, "the browser kept a draft the server already holds", 10)
        assert dialogs == ["beforeunload"]  # the reload came while the text was still unconfirmed
    answer = _answer(store, interviewer, iid)
    assert answer.story.startswith("She had lost") and answer.why.startswith("I hated")


def test_page_reconnects_after_a_dropped_connection_and_keeps_saving(opened, store):
    env, iid, interviewer = opened
    with streamlit_process(env) as server, chromium_page() as page:
        page.goto(f"{server.url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text("Interview: Maya Okafor").wait_for()
        _type_and_leave(page, "Why did you do it?", "Because nobody else would have.")
        page.get_by_text("✓ Saved", exact=False).first.wait_for()

        server.kill()  # the connection drops under the page
        time.sleep(2)
        server.start()

        # No reload, and typing straight away: Streamlit's client reconnects by itself, the app signs the
        # new server session back in from the cookie, and the text typed across the gap is saved.
        feeling = page.get_by_label("How did it make you feel?", exact=True)
        feeling.fill("Proud, quietly.")
        feeling.blur()
        deadline = time.monotonic() + 30
        while store.sheet(interviewer, iid).answers["extra-mile"].feeling != "Proud, quietly.":
            assert time.monotonic() < deadline, "the save after reconnecting never reached the database"
            time.sleep(0.3)
        # And it keeps working: the next field saves through its normal change callback.
        _type_and_leave(page, "What happened", "A lost parcel, found at the depot.")
        deadline = time.monotonic() + 30
        while store.sheet(interviewer, iid).answers["extra-mile"].story != "A lost parcel, found at the depot.":
            assert time.monotonic() < deadline, "the second save after reconnecting never reached the database"
            time.sleep(0.3)
    answer = store.sheet(interviewer, iid).answers["extra-mile"]
    assert answer.why == "Because nobody else would have." and answer.feeling == "Proud, quietly."


def test_typed_answer_survives_a_reload_on_postgresql(tmp_path, monkeypatch, kit):
    """The same flow against a real PostgreSQL server: the app process on MOTIVE_DATABASE_URL=postgresql+psycopg."""
    from data.settings import Settings
    from data.store import Store
    from tests.conftest import postgres_schema

    with postgres_schema() as url:
        monkeypatch.setenv("MOTIVE_DATABASE_URL", url)
        monkeypatch.setenv("MOTIVE_PASSWORD_ROUNDS", "4")
        store = Store(Settings.from_env())
        admin = store.bootstrap_admin("admin", PASSWORD)
        interviewer = make_user(store, "ivan", "interviewer")
        cand = store.add_candidate(admin, store.create_position(admin, "Night desk").id, "Maya Okafor")
        iid = store.start_interview(interviewer, cand.id, kit)
        env = {"MOTIVE_DATABASE_URL": url, "MOTIVE_PASSWORD_ROUNDS": "4"}
        try:
            with streamlit_server(env) as server_url, chromium_page() as page:
                page.goto(f"{server_url}/interview?interview={iid}")
                sign_in(page, "ivan", PASSWORD)
                page.get_by_text("Interview: Maya Okafor").wait_for()
                _type_and_leave(page, "Why did you do it?", "Her train left in ten minutes.")
                page.get_by_text("✓ Saved", exact=False).first.wait_for()
                page.reload()
                expect(page.get_by_label("Why did you do it?", exact=True)).to_have_value(
                    "Her train left in ten minutes.")
            assert store.sheet(interviewer, iid).answers["extra-mile"].why == "Her train left in ten minutes."
        finally:
            store.dispose()


def test_typing_without_leaving_the_field_is_saved_and_is_there_after_closing_the_browser(live, store):
    url, iid, interviewer = live
    words = 'He drove two hours for a part <img src=x onerror="window.pwned = 1"> **that had sold**'
    with chromium_page() as page:
        page.goto(f"{url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text("Interview: Maya Okafor").wait_for()
        story = page.get_by_label("What happened", exact=True)
        story.click()
        story.press_sequentially(words, delay=15)
        # Still in the field, and about 1.5 s after the last keystroke the text is in the database.
        _wait_for(lambda: _answer(store, interviewer, iid).story == words, "typing never reached the database", 5)
        expect(page.get_by_text("✓ Saved", exact=False)).to_have_count(1)
        expect(story).to_be_focused()
        assert _answer(store, interviewer, iid).revision <= 2, "saved once per keystroke instead of after a pause"
        # Typed markup is text: nothing ran and no element was made of it.
        expect(story).to_have_value(words)
        assert page.evaluate("() => window.pwned") is None
        assert page.locator("img[src=x]").count() == 0
        _shot(page, "typing.png")
    with chromium_page() as page:  # a new browser: nothing kept locally, everything from the server
        page.goto(f"{url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        expect(page.get_by_label("What happened", exact=True)).to_have_value(words)
        assert page.evaluate("() => window.pwned") is None and page.locator("img[src=x]").count() == 0


def test_a_reload_with_unsaved_text_asks_first(live, store):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url, iid, interviewer = live
    with chromium_page() as page:
        page.goto(f"{url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text("Interview: Maya Okafor").wait_for()
        why = page.get_by_label("Why did you do it?", exact=True)
        why.click()
        why.press_sequentially("Because nobody", delay=10)
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
        with pytest.raises(PlaywrightTimeout):
            page.reload(timeout=3000)  # "Leave site?" answered "Cancel": the page stays
        assert dialogs == ["beforeunload"]
        expect(why).to_have_value("Because nobody")
        _wait_for(lambda: _answer(store, interviewer, iid).why == "Because nobody", "the text was never saved", 10)
        page.get_by_text("✓ Saved", exact=False).first.wait_for()
        page.reload()  # everything on screen is saved now: no question asked
        page.get_by_text("Interview: Maya Okafor").wait_for()
        expect(page.get_by_label("Why did you do it?", exact=True)).to_have_value("Because nobody")
        assert dialogs == ["beforeunload"]


def test_text_the_server_never_got_is_marked_not_saved_then_offered_after_the_tab_closes(opened, store):
    env, iid, interviewer = opened
    with streamlit_process(env) as server, chromium_page() as page:
        page.goto(f"{server.url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text("Interview: Maya Okafor").wait_for()
        # The answer fields are drawn by the autosave component after the title; kill only once they are there.
        for label in ("What happened", "Why did you do it?"):
            expect(page.get_by_label(label, exact=True)).to_have_count(1)
        server.kill()  # the connection is gone before the interviewer types
        _type_and_leave(page, "What happened", "A farmer drove two hours; I found the part in another branch.")
        _type_and_leave(page, "Why did you do it?", "It was my job to.")
        expect(page.get_by_text("✗ Not saved", exact=False)).to_have_count(2, timeout=15_000)
        expect(page.get_by_text("✓ Saved", exact=False)).to_have_count(0)
        _shot(page, "not-saved.png")
        assert len(_drafts(page)) == 2
        page.close()  # the tab is closed with the text unsaved

        # Meanwhile the same answers were saved from another device, so the browser's copies must not win silently.
        store.save_answer_field(interviewer, iid, "extra-mile", "story", "Saved on the tablet.")
        store.save_answer_field(interviewer, iid, "extra-mile", "why", "Because it was right.")
        server.start()
        tab = page.context.new_page()
        tab.goto(f"{server.url}/interview?interview={iid}")
        tab.get_by_text("Interview: Maya Okafor").wait_for()
        expect(tab.get_by_text("Unsaved text from this browser:")).to_have_count(2)
        expect(tab.get_by_label("What happened", exact=True)).to_have_value("Saved on the tablet.")
        _shot(tab, "offered.png")
        assert _answer(store, interviewer, iid).story == "Saved on the tablet."

        tab.get_by_role("button", name="Restore").first.click()
        _wait_for(lambda: _answer(store, interviewer, iid).story.startswith("A farmer drove"), "restored, not saved")
        expect(tab.get_by_label("What happened", exact=True)).to_have_value(
            "A farmer drove two hours; I found the part in another branch.")
        tab.get_by_role("button", name="Discard").click()
        expect(tab.get_by_text("Unsaved text from this browser:")).to_have_count(0)
        _wait_for(lambda: _drafts(tab) == {}, "a restored or discarded draft stayed in the browser", 10)
        assert _answer(store, interviewer, iid).why == "Because it was right."

        # Signing out forgets every draft this browser holds, whoever's.
        tab.evaluate("() => localStorage.setItem('motive.draft.99.1.extra-mile.story', "
                     "JSON.stringify({text: 'x', base: 0, at: Date.now()}))")
        tab.get_by_role("button", name="Sign out").click()
        tab.get_by_role("textbox", name="Username").wait_for()
        _wait_for(lambda: _drafts(tab) == {}, "signing out left drafts in the browser", 10)


def test_two_tabs_editing_one_field_show_the_conflict_and_keep_both_texts(live, store):
    url, iid, interviewer = live
    with chromium_page() as laptop:
        laptop.goto(f"{url}/interview?interview={iid}")
        sign_in(laptop, "ivan", PASSWORD)
        laptop.get_by_text("Interview: Maya Okafor").wait_for()
        tablet = laptop.context.new_page()  # the same sign-in, a second tab: both drawn before either saves
        tablet.goto(f"{url}/interview?interview={iid}")
        # The title is drawn before the answers: wait until the tablet holds the field as it was, or on a
        # slow machine the tablet can read the laptop's save and rightly see no conflict.
        expect(tablet.get_by_label("Why did you do it?", exact=True)).to_have_value("")
        expect(laptop.get_by_label("Why did you do it?", exact=True)).to_have_value("")
        _type_and_leave(laptop, "Why did you do it?", "She was crying at the counter.")
        _wait_for(lambda: _answer(store, interviewer, iid).why == "She was crying at the counter.", "laptop never saved")
        _type_and_leave(tablet, "Why did you do it?", "My supervisor told me to.")
        tablet.get_by_text("Changed on another device or tab.", exact=False).wait_for()
        expect(tablet.get_by_text("She was crying at the counter.", exact=True)).to_be_visible()
        expect(tablet.get_by_text("My supervisor told me to.", exact=True).first).to_be_visible()
        assert _answer(store, interviewer, iid).why == "She was crying at the counter."  # never silently replaced
        _shot(tablet, "conflict.png")
        tablet.get_by_role("button", name="Merge both").click()
        merged = "She was crying at the counter.\n\nMy supervisor told me to."
        _wait_for(lambda: _answer(store, interviewer, iid).why == merged, "the merge never reached the database")
        expect(tablet.get_by_label("Why did you do it?")).to_have_value(merged)
        assert {v.text for v in store.field_history(interviewer, iid)} == {
            "My supervisor told me to.", "She was crying at the counter."}


def test_a_deactivated_interviewers_open_page_cannot_save(live, store, admin):
    url, iid, interviewer = live
    with chromium_page() as page:
        page.goto(f"{url}/interview?interview={iid}")
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text("Interview: Maya Okafor").wait_for()
        store.set_active(admin, interviewer.id, False)
        story = page.get_by_label("What happened", exact=True)
        story.click()
        story.press_sequentially("Typed after the account was deactivated.", delay=10)
        story.blur()
        page.wait_for_timeout(4000)
        assert _answer(store, interviewer, iid).story == ""
        assert "Typed after the account was deactivated." in json.dumps(_drafts(page))  # kept in this browser


def _pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium printed (its page objects are never packed into object streams)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_a_recruiter_reads_a_full_scorecard_and_moves_the_candidate_to_hired_with_a_reason(live, store, kit, model):
    from analysis.labelling import label_answer
    from data.fields import ANSWER_FIELDS
    from tests.builders import submitted_interview

    url, iid, interviewer = live
    said = {spec.name: f"Ivan's {spec.heading.lower()}: she rang three branches." for spec in ANSWER_FIELDS}
    for field, text in said.items():
        store.save_answer_field(interviewer, iid, "extra-mile", field, text)
    store.save_rating(interviewer, iid, "extra-mile", 5)
    label_answer(store, model, interviewer, iid, "extra-mile")
    store.review_label(interviewer, iid, "extra-mile", action="override", label="mixed",
                       reason="She named the bonus and the farmer.")
    store.save_recommendation(interviewer, iid, "strong_yes", "Ready to start on the night desk.")
    store.submit_interview(interviewer, iid, accept_gaps=True)
    candidate_id = store.get_interview(interviewer, iid).candidate_id
    submitted_interview(store, make_user(store, "olga", "interviewer"), candidate_id, kit,
                        texts={"story": "Olga's story of {question}."}, rating=3, recommendation="yes")
    make_user(store, "rory", "recruiter")

    with chromium_page(1400, 1400) as page:
        page.goto(f"{url}/candidate?candidate={candidate_id}")
        sign_in(page, "rory", PASSWORD)
        page.get_by_role("heading", name="Maya Okafor").wait_for()
        for text in [*said.values(), "She named the bonus and the farmer.", "Ready to start on the night desk."]:
            expect(page.get_by_text(text, exact=True)).to_be_visible()
        expect(page.get_by_text("Overridden to mixed by ivan", exact=False)).to_be_visible()
        expect(page.get_by_text("Rating 5 of 5:", exact=False)).to_be_visible()
        expect(page.get_by_text("Olga's story of extra-mile.", exact=True)).to_be_attached()
        page.wait_for_timeout(500)
        _shot(page, "candidate.png")

        page.emulate_media(media="print")
        for hidden in ("[data-testid='stSidebar']", "[data-testid='stHeader']", ".st-key-candidate-screen-only"):
            expect(page.locator(hidden)).to_be_hidden()
        expect(page.get_by_text("Ready to start on the night desk.", exact=True)).to_be_visible()
        expect(page.get_by_text(f"Olga's story of {kit.questions[-1].id}.", exact=True)).to_be_visible()
        breaks = page.evaluate("() => [0, 1].map(n => getComputedStyle("
                               "document.querySelector('.st-key-candidate-scorecard-' + n)).breakBefore)")
        assert breaks[0] != "page" and breaks[1] == "page", breaks
        pdf = page.pdf(format="A4", print_background=False)
        # Ivan's card under the header, then Olga's from a fresh page: at least three sheets of paper.
        assert pdf.startswith(b"%PDF") and _pdf_pages(pdf) >= 3, _pdf_pages(pdf)
        _shot(page, "candidate-print.png")

        # Having read the scorecards, the recruiter records the decision beside them.
        page.emulate_media(media="screen")
        expect(page.get_by_text("New since", exact=False).first).to_be_visible()
        page.get_by_role("combobox", name="Move to").click()
        page.get_by_role("option", name="Hired", exact=True).click()
        move = page.get_by_role("button", name="Move to Hired")
        expect(move).to_be_disabled()  # the rerun has drawn hiring's reasons; none chosen yet
        page.get_by_role("combobox", name="Reason").click()
        page.get_by_role("option", name="Accepted the offer", exact=True).click()
        expect(move).to_be_enabled()
        move.click()
        expect(page.get_by_text("Moved Maya Okafor to Hired", exact=False)).to_be_visible()  # escaped: joiners before "."
        expect(page.get_by_text("Hired since", exact=False).first).to_be_visible()
        rory = store.find_user("rory")
        assert store.get_candidate(rory, candidate_id).status == "hired"
        [move] = store.stage_history(rory, candidate_id)
        assert (move.from_stage, move.to_stage, move.reason, move.mover) == ("new", "hired", "Accepted the offer", "rory")
        expect(page.get_by_role("combobox", name="Move to")).to_have_count(1)
        page.wait_for_timeout(1000)  # the history table paints on a canvas
        _shot(page, "candidate-hired.png")

def test_an_interviewer_sees_their_assigned_queue(db_url, store, admin, kit):
    recruiter = make_user(store, "rory", "recruiter")
    interviewer = make_user(store, "ivan", "interviewer")
    position = store.create_position(recruiter, "Customer support agent")
    maya = store.add_candidate(recruiter, position.id, "Maya Okafor")
    theo = store.add_candidate(recruiter, position.id, "Theo Brandt")
    store.assign_interviewers(recruiter, maya.id, [interviewer.id], kit_id=kit.id)
    store.assign_interviewers(recruiter, theo.id, [interviewer.id])
    iid = store.start_interview(interviewer, maya.id, kit)
    env = {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4"}
    with streamlit_server(env) as url, chromium_page(1200, 1400) as page:
        page.goto(url)
        sign_in(page, "ivan", PASSWORD)
        page.get_by_text("Assigned to you").wait_for()
        maya_row = page.locator("[data-testid='stHorizontalBlock']").filter(has_text="Maya Okafor")
        expect(maya_row.get_by_text("In progress")).to_be_visible()
        theo_row = page.locator("[data-testid='stHorizontalBlock']").filter(has_text="Theo Brandt")
        expect(theo_row.get_by_text("Not started")).to_be_visible()
        expect(theo_row.get_by_role("button", name="Start")).to_be_visible()
        _shot(page, "assigned-queue.png")
        maya_row.get_by_role("link", name="Continue").click()
        page.get_by_text("Interview: Maya Okafor").wait_for()
        assert f"interview={iid}" in page.url


def test_an_interviewer_opening_an_hr_page_by_its_address_is_told_and_finds_the_way_home(db_url, store, admin):
    make_user(store, "ivan", "interviewer")
    env = {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4"}
    with streamlit_server(env) as url, chromium_page(1440, 900) as page:
        page.goto(f"{url}/fairness")  # a bookmark, or a link a colleague pasted
        sign_in(page, "ivan", PASSWORD)
        expect(page.get_by_role("heading", name="You don't have access to this page")).to_be_visible()
        expect(page.get_by_text("Your role (interviewer) does not give access to this page")).to_be_visible()
        expect(page.get_by_text("Page not found")).to_have_count(0)
        expect(page.get_by_role("link", name="Fairness")).to_have_count(0)  # not offered in the menu either
        _shot(page, "no-access.png")
        page.get_by_role("link", name="Go to your home page").click()
        expect(page.get_by_text("Assigned to you")).to_be_visible()
        assert not page.url.rstrip("/").endswith("fairness")


class _Beacon(http.server.BaseHTTPRequestHandler):
    """Answers every request with a 1x1 GIF and remembers the path: any request at all is a leak."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
                         b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

    do_POST = do_HEAD = do_GET

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def beacon():
    """A local HTTP server on a random loopback port; yields (its address, the list of paths it was asked for)."""
    hits: list[str] = []
    handler = type("Beacon", (_Beacon,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def _planted(address: str, where: str) -> str:
    """Text that would fetch from, or link to, the beacon if it were rendered as Markdown or autolinked."""
    return (f"{where} ![i](http://{address}/{where}.png) [l](http://{address}/{where}) http://{address}/{where}-bare "
            f"www.{where}.example {where}@beacon.example :red[x] $x^2$")


def test_planted_addresses_never_reach_the_browser_as_images_or_links(db_url, store, admin, tmp_path, beacon, model):
    from analysis.labelling import label_answer
    from data.access import allowed
    from rubric.loader import load_kit
    from tests.builders import mini_kit
    from ui.navigation import PAGES

    address, hits = beacon
    kits = tmp_path / "kits"
    kits.mkdir()
    kit_text = mini_kit(name="Beacon kit").replace('id = "mini"', 'id = "beacon"').replace(
        '1 = "a"', f'1 = "![a](http://{address}/anchor.png) www.anchor.example"')
    (kits / "beacon.toml").write_text(kit_text)
    beacon_kit = load_kit(kits / "beacon.toml")
    users = {role: make_user(store, f"{role}-user", role) for role in ("hr", "recruiter", "interviewer")}
    ivan = users["interviewer"]
    position = store.create_position(admin, _planted(address, "position"))
    people = [store.add_candidate(admin, position.id, _planted(address, f"candidate{n}"), f"c{n}@example.com")
              for n in range(2)]
    story = "I helped. " + _planted(address, "story")
    for n, person in enumerate(people):
        iid = store.start_interview(ivan, person.id, beacon_kit)
        store.save_answer_field(ivan, iid, "q1", "story", story)
        store.save_answer_field(ivan, iid, "q1", "why", "Because I wanted to. " + _planted(address, "why"))
        store.save_rating(ivan, iid, "q1", 1 + 4 * n)
        label_answer(store, model, ivan, iid, "q1")
        store.save_recommendation(ivan, iid, "yes", _planted(address, "note"))
        store.submit_interview(ivan, iid, accept_gaps=True)
    opened = store.start_interview(ivan, store.add_candidate(admin, position.id, _planted(address, "open")).id,
                                   beacon_kit)
    store.save_rating(ivan, opened, "q1", 1)
    store.assign_interviewers(admin, people[0].id, [ivan.id])
    env = {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4", "MOTIVE_KITS_DIR": str(kits)}
    upload = tmp_path / "list.csv"
    upload.write_text(f"name,email,position,{_planted(address, 'header').replace(',', ' ')}\n"
                      f"Ann Lee,ann@example.com,{_planted(address, 'imported')},x\n")
    query = {"candidate": f"?candidate={people[0].id}", "interview": f"?interview={opened}"}
    extra = {"interview": [f"interview?interview={opened - 1}"]}  # a submitted one, read-only

    def _settled(page) -> None:
        page.get_by_text(f"Signed in as {who}-user" if who != "admin" else "Signed in as admin").wait_for()
        page.locator("h1").first.wait_for()
        page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
        expect(page.locator("[data-testid='stException']")).to_have_count(0)

    def leaks(page) -> list[str]:
        page.wait_for_timeout(800)  # images load asynchronously
        links = page.locator(f"a[href*='{address}'], a[href*='.example'], a[href^='mailto:'], img[src*='{address}']")
        found_here = [links.nth(i).evaluate("e => e.outerHTML") for i in range(links.count())]
        # What a screen reader reads: no name or text may carry the backslashes of Markdown escaping.
        spoken = page.locator("[data-testid='stMain']").aria_snapshot()
        return found_here + [f"read aloud: {line.strip()}" for line in spoken.splitlines()
                             if re.search(r"\\\\?[()\[\]:.!_*#$]", line)]

    found: list[tuple[str, str, list[str]]] = []
    with streamlit_server(env) as url:
        for who in ("admin", *users):
            username = "admin" if who == "admin" else f"{who}-user"
            with chromium_page(1400, 2400) as page:
                page.goto(url)
                sign_in(page, username, PASSWORD)
                _wait_for(lambda: any(c["name"] == "motive_session" for c in page.context.cookies()),
                          "the session cookie")
                pages = [("" if spec.url == "home" else spec.url) + query.get(spec.url, "") for spec in PAGES
                         if allowed(who, spec.permission)]
                pages += [p for spec in PAGES if allowed(who, spec.permission) for p in extra.get(spec.url, [])]
                for path in pages:
                    page.goto(f"{url}/{path}")
                    _settled(page)
                    if path == "import" and who in ("admin", "hr"):
                        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
                        page.get_by_text("Ignored column", exact=False).wait_for()
                        _settled(page)
                        if who == "admin":
                            found.append((who, path, leaks(page)))
                            page.get_by_role("button", name="Import the 1 valid row").click()
                            page.get_by_text("Imported 1 candidate", exact=False).wait_for()
                            _settled(page)
                    found.append((who, path, leaks(page)))
                    if path.startswith(f"interview?interview={opened}"):
                        expect(page.get_by_label("Your notes (not shown to the candidate)", exact=True)).to_be_visible()
                        if not page.get_by_role("radio", name=re.compile(r"^1 · !\[a\]\(http")).count():
                            found.append((who, path, ["the kit's rating anchor is not shown as it was written"]))
    leaked = "\n".join(f"{who} on /{path}: {html}" for who, path, found_there in found for html in found_there)
    assert not leaked, "planted addresses became links or images:\n" + leaked
    assert not hits, f"the browser asked the beacon for {hits}"


AXE_VERSION = "4.14.1"  # .ci/run fetches this exact release from the npm registry and checks its sha512
AXE_CORE_JS = Path(os.environ.get("AXE_CORE_JS") or
                   Path.home() / ".cache" / "motive-test-tools" / f"axe-core-{AXE_VERSION}" / "axe.min.js")
# What axe may not find on any page: WCAG's "serious" and "critical" impacts.
AXE_BLOCKING = ("serious", "critical")


# With SCREENSHOTS_DIR set, the accessibility walk also takes the README's picture of every page, each as the
# role that uses it most (every role's home); the pictures stay current because the suite takes them. The
# interview, compare and fairness pictures come from the tests of those flows, with their own data.
README_PICTURES = {"candidates": "recruiter", "assignments": "recruiter", "candidate": "recruiter",
                   "reports": "hr", "import": "hr", "privacy": "hr", "audit": "hr", "users": "admin",
                   "model": "admin", "account": "interviewer"}


# The one exclusion, by rule and element: Streamlit's own sectioned menu puts each section's heading, a <div>,
# between the <li>s of its <ul> (list, listitem). That markup is Streamlit's and cannot be changed from a page;
# every other rule still runs on the menu, and these two run everywhere else.
STREAMLIT_MENU = "[data-testid='stSidebarNavItems']"
_AXE_RUN = """async ([menu]) => {
  const shape = v => ({id: v.id, impact: v.impact, help: v.help,
                       targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)});
  const lists = ['list', 'listitem'];
  const all = await axe.run(document, {resultTypes: ['violations'], rules: {list: {enabled: false},
                                                                           listitem: {enabled: false}}});
  const rest = await axe.run({include: [document], exclude: [[menu]]},
                             {resultTypes: ['violations'], runOnly: {type: 'rule', values: lists}});
  return all.violations.concat(rest.violations).map(shape);
}"""


def _axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now drawn."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_CORE_JS))
    found = page.evaluate(_AXE_RUN, [STREAMLIT_MENU])
    return [v for v in found if v["impact"] in AXE_BLOCKING]


def test_every_page_for_every_role_has_no_serious_accessibility_violation(db_url, store, admin, model, kit):
    from data.access import allowed
    from data.demo import generate
    from ui.navigation import PAGES

    if not AXE_CORE_JS.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{AXE_CORE_JS} is missing: .ci/run must fetch axe-core {AXE_VERSION}")
        pytest.skip(f"axe-core {AXE_VERSION} is not fetched (see .ci/run: npm pack axe-core@{AXE_VERSION})")
    users = {role: make_user(store, f"{role}-user", role) for role in ("hr", "recruiter", "interviewer")}
    generate(store, 12, seed=3, model=model)
    person = store.list_candidates(admin)[0]
    iid = store.start_interview(users["interviewer"], person.id, kit)
    store.save_answer_field(users["interviewer"], iid, "extra-mile", "story", "I drove her parcel round myself.")
    store.save_answer_field(users["interviewer"], iid, "extra-mile", "why", "My manager said to, and I felt for her.")
    store.assign_interviewers(admin, person.id, [users["interviewer"].id])
    query = {"candidate": f"?candidate={person.id}", "interview": f"?interview={iid}"}
    env = {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4"}
    found: list[str] = []
    with streamlit_server(env) as url:
        with chromium_page(1440, 900) as page:
            page.goto(url)
            page.get_by_role("textbox", name="Username").wait_for()
            found += [f"sign-in page: {v}" for v in _axe_violations(page)]
        for who in ("admin", *users):
            username = "admin" if who == "admin" else f"{who}-user"
            with chromium_page(1440, 900) as page:
                page.goto(url)
                sign_in(page, username, PASSWORD)
                _wait_for(lambda: any(c["name"] == "motive_session" for c in page.context.cookies()),
                          "the session cookie")  # before leaving the page, or the next one asks to sign in again
                for spec in PAGES:
                    if not allowed(who, spec.permission) or (spec.url == "interview" and who != "interviewer"):
                        continue
                    path = ("" if spec.url == "home" else spec.url) + query.get(spec.url, "")
                    page.goto(f"{url}/{path}")
                    page.locator("h1").first.wait_for()
                    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
                        state="attached")
                    page.get_by_text(f"Signed in as {username}", exact=False).wait_for()  # the page, not the sign-in form
                    expect(page.locator("[data-testid='stException']")).to_have_count(0)
                    page.wait_for_timeout(500)  # charts and custom components draw after the script ends
                    found += [f"{who} on /{path}: {v}" for v in _axe_violations(page)]
                    if os.environ.get("SCREENSHOTS_DIR") and (spec.url == "home" or who == README_PICTURES.get(spec.url)):
                        name = f"home-{who}.png" if spec.url == "home" else f"{spec.url}.png"
                        page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / name), full_page=True)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(map(str, found))


# -- single sign-on against a real OpenID Connect provider (tests/oidc_provider.py) ------------------


@pytest.fixture
def sso(db_url, store, admin, tmp_path):
    """Motive with single sign-on through a provider on loopback; Rory, a recruiter, is linked to her e-mail."""
    rory = make_user(store, "rory", "recruiter")
    store.set_user_email(admin, rory.id, "rory@example.com")
    store.add_candidate(admin, store.create_position(admin, "Night desk").id, "Maya Okafor")
    env = {"MOTIVE_DATABASE_URL": db_url, "MOTIVE_PASSWORD_ROUNDS": "4"}
    with sso_server(env, tmp_path) as (server, provider):
        yield server.url, provider, rory


def _watch_requests(page) -> list[str]:
    """Every address the browser asks for from now on."""
    seen: list[str] = []
    page.context.on("request", lambda request: seen.append(request.url))
    return seen


def _loopback_only(seen: list[str]) -> None:
    elsewhere = [u for u in seen if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                 and urlsplit(u).hostname != "127.0.0.1"]
    assert not elsewhere, elsewhere


def _sso_sign_in(page, url: str, email: str, provider) -> None:
    """Motive's button, then the identity provider's own login form, as a person fills it in."""
    page.goto(url)
    page.get_by_role("button", name="Sign in with single sign-on").click()
    page.wait_for_url(f"{provider.issuer}/authorize?*")
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{url}/**")


def _shown_text(page) -> str:
    """The page's text without the word joiners that keep an address from becoming a link."""
    return page.locator("body").inner_text().replace("\u2060", "")


def test_sso_a_linked_identity_signs_in_through_a_real_provider_and_lands_on_their_home(sso, store, admin):
    url, provider, rory = sso
    with chromium_page(1440, 900) as page:
        seen = _watch_requests(page)
        _sso_sign_in(page, url, "Rory@Example.com", provider)
        expect(page.get_by_text("Signed in as rory · recruiter")).to_be_visible()
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name="Candidates")).to_be_visible()
        expect(nav.get_by_role("link", name="Users")).to_have_count(0)  # roles come from Motive's table
        expect(page.get_by_text("Hello, rory.")).to_be_visible()  # her home, with a recruiter's links
        expect(page.get_by_role("link", name="Assign interviewers")).to_be_visible()
        assert urlsplit(page.url).path in ("", "/")
        _shot(page, "sso-signed-in.png")
        page.reload()  # Streamlit's signed cookie keeps her signed in
        expect(page.get_by_text("Signed in as rory · recruiter")).to_be_visible()
    # discovery, the browser's form, then the code exchange, its id_token checked against the published key
    steps = iter(provider.calls)
    assert all(step in steps for step in ("discovery", "authorize:GET", "authorize:POST", "token", "jwks")), \
        provider.calls
    entries, _ = store.audit_entries(admin, action="auth.signed_in")
    # one entry per page load that found the identity (two here: the sign-in and the reload)
    assert {(e.actor, e.entity_id, e.detail.get("method")) for e in entries} == {("rory", rory.id, "sso")}
    _loopback_only(seen)


def test_sso_an_unlinked_identity_is_refused_with_motives_message_and_no_session(sso, store, admin):
    url, provider, _ = sso
    with chromium_page(1440, 900) as page:
        seen = _watch_requests(page)
        _sso_sign_in(page, url, "nobody@example.com", provider)
        expect(page.get_by_role("button", name="Sign out of single sign-on")).to_be_visible()
        assert ("No Motive account is linked to nobody@example.com; ask an administrator to add you."
                in _shown_text(page))
        _shot(page, "sso-refused.png")
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        page.goto(f"{url}/candidates")  # a page's address opens nothing either
        expect(page.get_by_role("button", name="Sign out of single sign-on")).to_be_visible()
        assert "No Motive account is linked to nobody@example.com" in _shown_text(page)
        expect(page.get_by_text("Maya Okafor")).to_have_count(0)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    refused, _ = store.audit_entries(admin, action="auth.sign_in_failed")
    assert refused and {(e.actor, e.detail.get("method"), e.detail.get("email")) for e in refused} == {
        ("anonymous", "sso", "nobody@example.com")}
    assert store.audit_entries(admin, action="auth.signed_in")[1] == 0
    _loopback_only(seen)


def test_sso_signing_out_ends_the_session_at_motive_and_the_provider(sso):
    url, provider, _ = sso
    with chromium_page(1440, 900) as page:
        seen = _watch_requests(page)
        _sso_sign_in(page, url, "rory@example.com", provider)
        expect(page.get_by_text("Signed in as rory · recruiter")).to_be_visible()
        session = [c for c in page.context.cookies() if c["name"] == "_streamlit_user"]
        assert session and session[0]["httpOnly"], session  # Streamlit's signed cookie, out of scripts' reach
        page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
        assert "end_session" in provider.calls  # OIDC RP-initiated logout, with the id_token as hint
        page.reload()
        expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        page.goto(f"{url}/candidates")
        expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
        assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    _loopback_only(seen)

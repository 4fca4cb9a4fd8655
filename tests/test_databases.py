"""Everything the app and the command lines do, on SQLite and on PostgreSQL.

The store and export suites already run on both (tests/conftest.py, BOTH_DATABASES);
this adds every page, run through the router, and every command line.
"""

import openpyxl
import pytest

from tests.conftest import app_as, browser_sends, make_user

PAGES = ["home", "candidates", "interview", "compare", "reports", "imports", "users", "model", "account",
         "fairness", "privacy", "audit"]


@pytest.fixture
def world(store, admin, kit, model):
    from data.demo import generate

    generate(store, 25, seed=3, kit=kit, model=model)
    return store


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_for_an_administrator(world, admin, page):
    at = app_as(world, admin, f"ui/pages/{page}.py")
    assert not at.exception, [e.value for e in at.exception]


def test_an_interviewer_saves_through_the_interview_page(world, admin, kit):
    from ui.state import Keys

    ivan = make_user(world, "ivan.pg", "interviewer")
    cand = world.list_candidates(admin, limit=1)[0]
    iid = world.start_interview(ivan, cand.id, kit)
    at = app_as(world, ivan, query={"interview": str(iid)})
    at.switch_page("ui/pages/interview.py")
    at.run()
    key = Keys.answer(iid, kit.questions[0].id, "why")
    browser_sends(at, key, "Because I could not", n=1)  # while typing
    assert world.sheet(ivan, iid).answers[kit.questions[0].id].why == "Because I could not"
    at.session_state[key] = "Because I could not leave her waiting."
    at.run()
    assert not at.exception
    assert world.sheet(ivan, iid).answers[kit.questions[0].id].why == "Because I could not leave her waiting."


def test_every_command_line_works(store, admin, tmp_path, monkeypatch, capsys):
    from motive.__main__ import main

    monkeypatch.setenv("MOTIVE_PASSWORD", "a long enough password")
    assert main(["users", "add", "carla", "--role", "recruiter"]) == 0
    assert main(["users", "set-email", "carla", "Carla@Corp.example"]) == 0
    assert store.user_for_email("carla@corp.example").username == "carla"
    assert main(["demo", "--candidates", "12", "--seed", "1"]) == 0
    listing = tmp_path / "people.csv"
    listing.write_text("name,email,position\nAda Lovelace,ada@example.com,Night desk\n")
    assert main(["import", str(listing)]) == 0
    assert main(["retention", "--dry-run"]) == 0
    out = tmp_path / "report.xlsx"
    assert main(["report", "--out", str(out)]) == 0
    assert "Summary" in openpyxl.load_workbook(out).sheetnames
    assert store.find_user("carla").role == "recruiter"
    assert any(c.name == "Ada Lovelace" for c in store.list_candidates(admin, limit=500))

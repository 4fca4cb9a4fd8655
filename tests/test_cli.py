"""`python -m motive COMMAND`: one entry point, one way to open the store, print and fail."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from data.records import COMMAND_LINE
from data.terminal import inert
from motive.__main__ import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
# Retitles the terminal (OSC 0), clears it (CSI 2J), then reverses what follows (RIGHT-TO-LEFT OVERRIDE).
HOSTILE_NAME = "Night\x1b]0;pwned\x07\x1b[2J\u202e desk"
SHOWN_NAME = "Night\\u001b]0;pwned\\u0007\\u001b[2J\\u202e desk"
# Anything a terminal acts on: C0 but tab and newline, DEL, C1, bidi embeddings, overrides, isolates.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _printed(capsys) -> str:
    """What a command wrote to both streams, checked to hold nothing a terminal would act on."""
    done = capsys.readouterr()
    out = done.out + done.err
    assert not ACTIVE.search(out), repr(out)
    return out


def test_every_control_character_prints_as_a_visible_escape_but_tabs_and_newlines_stay():
    assert inert(HOSTILE_NAME) == SHOWN_NAME
    assert inert("a\tb\nc\x9b\x7f\r\x08\u2066\u2069") == "a\tb\nc\\u009b\\u007f\\u000d\\u0008\\u2066\\u2069"
    assert inert("a\tb\nc", keep="") == "a\\u0009b\\u000ac"
    assert inert("Zoë Ñúñez, 東京") == "Zoë Ñúñez, 東京"


def test_a_json_line_stays_valid_json_once_made_inert():
    line = inert(json.dumps({"phrase": HOSTILE_NAME + "\x9d0;x\x9c"}, ensure_ascii=False))
    assert not ACTIVE.search(line)
    assert json.loads(line) == {"phrase": HOSTILE_NAME + "\x9d0;x\x9c"}


def _csv(*rows: tuple[str, ...]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode()


def test_an_import_prints_the_files_headers_and_positions_inert_one_line_each(store, tmp_path, capsys):
    people = tmp_path / "people.csv"
    people.write_bytes(_csv(("name", "email", "position", HOSTILE_NAME),
                            ("Ann Bee", "ann@example.com", HOSTILE_NAME, "x"),
                            ("Cy Dee", "cy@example.com", "Night\nerror: forged line", "x")))
    assert main(["import", str(people)]) == 0
    out = _printed(capsys)
    assert f"note: Ignored column: {SHOWN_NAME}." in out
    assert f"created positions: {SHOWN_NAME}, Night\\u000aerror: forged line." in out
    assert not any(line.startswith("error:") for line in out.splitlines())
    assert main(["import", str(people)]) == 1  # both already there: each refusal names the position
    out = _printed(capsys)
    assert f"line 2: not imported: duplicate: already a candidate for {SHOWN_NAME}" in out
    assert "line 3: not imported: duplicate: already a candidate for Night\\u000aerror: forged line" in out


def test_printed_names_cannot_drive_the_terminal(store, admin, tmp_path, capsys):
    store.create_position(admin, HOSTILE_NAME)
    store.create_position(admin, "Day\ndesk")
    assert main(["report", "--out", str(tmp_path / "r.xlsx"), "--position", "no such"]) == 1
    out = _printed(capsys)
    assert f"Positions: Day\\u000adesk, {SHOWN_NAME}" in out and len(out.splitlines()) == 1


def test_a_listed_or_linked_e_mail_address_prints_inert(store, admin, capsys):
    hostile = "ann\x1b[2J\u202e@example.com"
    store.set_user_email(COMMAND_LINE, admin.id, hostile)
    assert main(["users", "list"]) == 0
    assert f"{admin.username}\tadmin\tactive\tann\\u001b[2j\\u202e@example.com" in _printed(capsys)
    assert main(["users", "set-email", admin.username, hostile]) == 0
    assert "signs in with ann\\u001b[2J\\u202e@example.com." in _printed(capsys)


def test_every_command_says_its_help(capsys):
    for name in COMMANDS:
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        assert f"python -m motive {name}" in capsys.readouterr().out or name in ("label", "evaluate", "train")


def test_no_or_unknown_command_prints_usage_and_fails(capsys):
    assert main([]) == 2
    assert "usage: python -m motive COMMAND" in capsys.readouterr().out
    assert main(["hire-everyone"]) == 2
    err = capsys.readouterr().err
    assert "no command 'hire-everyone'" in err and "users" in err




def test_a_missing_file_is_one_error_line_not_a_traceback(store, capsys):
    assert main(["import", "/nonexistent/people.csv"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: /nonexistent/people.csv: file not found.") and "Traceback" not in err


def test_a_database_that_cannot_be_opened_is_one_error_line(monkeypatch, capsys):
    monkeypatch.setenv("MOTIVE_DATABASE_URL", "mysql://nobody@nowhere/motive")
    assert main(["users", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "MOTIVE_DATABASE_URL" in err and "Traceback" not in err


def test_the_old_module_spellings_still_run(tmp_path):
    env = {**os.environ, "MOTIVE_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
           "MOTIVE_PASSWORD_ROUNDS": "4"}
    demo = subprocess.run([sys.executable, "-m", "data.demo", "--candidates", "3", "--seed", "2"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.startswith("Added 3 candidates")
    listing = subprocess.run([sys.executable, "-m", "data.users", "list"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert listing.returncode == 0, listing.stderr
    assert "demo.alex\tinterviewer\tactive" in listing.stdout

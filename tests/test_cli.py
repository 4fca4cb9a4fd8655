"""`python -m motive COMMAND`: one entry point, one way to open the store, print and fail."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.cli import printable
from motive.__main__ import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_NAME = "Night\x1b]0;pwned\x07 desk\x1b[2J\x1b[31m\r\x08"


def test_control_sequences_are_stripped_but_tabs_and_newlines_kept():
    assert printable(HOSTILE_NAME) == "Night desk"
    assert printable("a\tb\nc\x9b") == "a\tb\nc"


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


def test_printed_names_cannot_drive_the_terminal(store, admin, tmp_path, capsys):
    store.create_position(admin, HOSTILE_NAME)
    assert main(["report", "--out", str(tmp_path / "r.xlsx"), "--position", "no such"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\r" not in err
    assert "Positions: Night desk" in err


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

"""`python -m data.backup`: a consistent copy of a live SQLite database, while interviewers save."""

import sqlite3
import threading
import time

import pytest

from data import backup
from data.errors import StoreError
from data.settings import Settings
from data.store import Store

pytestmark = pytest.mark.sqlite_only("the backup command copies an SQLite file")


def test_backup_while_an_interviewer_saves_is_consistent_and_usable(store, admin, interviewer, candidate, kit,
                                                                     db_url, tmp_path, monkeypatch):
    iid = store.start_interview(interviewer, candidate.id, kit)
    stop = threading.Event()
    saved = []

    def keep_saving():
        n = 0
        while not stop.is_set():
            store.save_answer_field(interviewer, iid, kit.questions[n % len(kit.questions)].id, "why", f"save {n}")
            saved.append(n)
            n += 1

    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        while len(saved) < 20:
            pass
        assert backup.main([str(tmp_path / "copy.db")]) == 0
        during = len(saved)
        deadline = time.monotonic() + 10
        while len(saved) < during + 5:  # the interviewer's saves carry on after the copy
            assert time.monotonic() < deadline, "saves stalled after the backup"
    finally:
        stop.set()
        writer.join()
    with sqlite3.connect(tmp_path / "copy.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    monkeypatch.setenv("MOTIVE_DATABASE_URL", f"sqlite:///{tmp_path / 'copy.db'}")
    copy = Store(Settings.from_env())
    revisions = sum(a.revision for a in copy.sheet(interviewer, iid).answers.values())
    assert 20 <= revisions <= len(saved)  # a snapshot from during the run, whole
    assert copy.get_candidate(admin, candidate.id).name == "Maya Okafor"
    copy.dispose()


def test_backup_refuses_to_overwrite_or_copy_onto_itself(store, db_url, tmp_path):
    target = tmp_path / "copy.db"
    target.write_text("keep me")
    with pytest.raises(StoreError, match="exists"):
        backup.backup_sqlite(db_url, target)
    assert target.read_text() == "keep me"
    with pytest.raises(StoreError, match="different file"):
        backup.backup_sqlite(db_url, tmp_path / "motive.db", overwrite=True)
    assert backup.backup_sqlite(db_url, target, overwrite=True)["schema_version"]


def test_backup_points_postgresql_users_to_pg_dump(capsys):
    with pytest.raises(StoreError, match="pg_dump"):
        backup.backup_sqlite("postgresql+psycopg://u@h/db", __import__("pathlib").Path("x.db"))

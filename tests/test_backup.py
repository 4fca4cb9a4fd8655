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


# -- every copy owner-only, known, and erased from (issue 15, item 8) ------------------------------

import os
import shutil
import stat
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from data import copies, schema
from data.errors import NotFoundError
from data.store import utcnow
from tests.conftest import app_as
from ui.state import Keys

SECRET_NAME = "Zebedee Quixotic"
SECRET_TEXT = "the lighthouse keeper's marmalade"


@contextmanager
def umask(mask):
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


def mode(path):
    return stat.S_IMODE(Path(path).stat().st_mode)


def with_secret(store, admin, interviewer, kit, name=SECRET_NAME, email="zq@example.com", text=SECRET_TEXT):
    """A candidate whose name and answer text are distinctive enough to find in a file's bytes."""
    position = next(iter(store.list_positions()), None) or store.create_position(admin, "Support")
    cand = store.add_candidate(admin, position.id, name, email)
    iid = store.start_interview(interviewer, cand.id, kit)
    store.save_answer_field(interviewer, iid, kit.questions[0].id, "why", f"{name} wrote {text}.")
    return cand


def holds_secret(path, name=SECRET_NAME):
    raw = b"".join(Path(p).read_bytes() for p in (path, f"{path}-wal", f"{path}-journal") if Path(p).exists())
    return name.encode() in raw or SECRET_TEXT.encode() in raw


def test_a_backup_is_owner_only_and_self_contained_whatever_the_umask(store, admin, interviewer, kit, tmp_path):
    with_secret(store, admin, interviewer, kit)
    with umask(0):
        assert backup.main([str(tmp_path / "copies" / "copy.db")]) == 0
    copy = tmp_path / "copies" / "copy.db"
    assert mode(copy) == 0o600
    assert not list((tmp_path / "copies").glob("copy.db-*")), "no -wal or -shm beside the copy"
    with umask(0o277):  # a umask that would leave the owner unable to write still gives 0600
        backup.backup_sqlite(store.settings.database_url, tmp_path / "strict.db")
    assert mode(tmp_path / "strict.db") == 0o600


def test_erasure_reaches_every_known_backup_and_leaves_none_of_their_bytes(store, admin, hr, interviewer, kit,
                                                                            tmp_path):
    cand = with_secret(store, admin, interviewer, kit)
    other = with_secret(store, admin, interviewer, kit, name="Sam Poe", email="sam@example.com", text="a plain note")
    db = Path(store.engine.url.database)
    made = backup.backup_sqlite(store.settings.database_url, tmp_path / "offsite" / "nightly.db")["file"]
    upgrade_copy = db.with_name(f"{db.name}.v6-20260101T000000Z.bak")  # named as an upgrade names its copy
    copies.write_copy(db, upgrade_copy)
    assert holds_secret(made) and holds_secret(upgrade_copy)  # the test can see the candidate in each
    result = store.erase_candidate(hr, cand.id, "candidate request")
    assert sorted(result.copies_erased) == sorted([str(Path(made).resolve()), str(upgrade_copy.resolve())])
    assert result.copies_kept == ()
    for copy in (made, upgrade_copy):
        assert not holds_secret(copy), f"{copy} still holds the erased candidate"
        assert mode(copy) == 0o600
        with sqlite3.connect(copy) as conn:  # the rest of the copy is whole
            assert conn.execute("SELECT name FROM candidates WHERE id = ?", (other.id,)).fetchone() == ("Sam Poe",)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    entry = store.audit_entries(admin, action="candidate.erased_from_copies")[0][0]
    assert (entry.entity_id, len(entry.detail["copies"]), entry.detail["still_holding"]) == (cand.id, 2, [])


def test_erasure_names_each_backup_it_could_not_change_and_leaves_other_databases_alone(
        store, admin, hr, interviewer, kit, tmp_path, monkeypatch):
    cand = with_secret(store, admin, interviewer, kit)
    db = Path(store.engine.url.database)
    moved = tmp_path / "moved.db"
    backup.backup_sqlite(store.settings.database_url, moved)
    moved.rename(tmp_path / "elsewhere.db")  # Motive cannot know where it went
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database at all " * 100)
    copies.remember(db, damaged, "backup")
    # Another deployment's database, whose candidate has the same id, listed by mistake: never touched.
    monkeypatch.setenv("MOTIVE_DATABASE_URL", f"sqlite:///{tmp_path / 'other' / 'motive.db'}")
    foreign_store = Store(Settings.from_env())
    foreign_admin = foreign_store.bootstrap_admin("root", "a long enough password")
    position = foreign_store.create_position(foreign_admin, "Elsewhere")
    foreign = foreign_store.add_candidate(foreign_admin, position.id, "Uma Other", None)
    foreign_store.dispose()
    assert foreign.id == cand.id
    copies.remember(db, tmp_path / "other" / "motive.db", "backup")

    result = store.erase_candidate(hr, cand.id, "candidate request")
    kept = dict(result.copies_kept)
    assert set(kept) == {str(moved.resolve()), str(damaged.resolve()), str((tmp_path / "other" / "motive.db").resolve())}
    assert "if it was moved, it still holds the candidate" in kept[str(moved.resolve())]
    assert "could not be" in kept[str(damaged.resolve())]
    assert "another database" in kept[str((tmp_path / "other" / "motive.db").resolve())]
    with sqlite3.connect(tmp_path / "other" / "motive.db") as conn:
        assert conn.execute("SELECT name FROM candidates WHERE id = ?", (cand.id,)).fetchone() == ("Uma Other",)
    assert holds_secret(tmp_path / "elsewhere.db")  # what the result warns about is true
    still = store.audit_entries(admin, action="candidate.erased_from_copies")[0][0].detail["still_holding"]
    assert sorted(still) == sorted(kept)


def test_erasure_deletes_from_each_backup_the_model_versions_that_learnt_from_the_candidate(
        store, admin, hr, interviewer, kit, tmp_path):
    from analysis.registry import ensure_active_model

    default = ensure_active_model(store)
    cand = with_secret(store, admin, interviewer, kit)
    other = with_secret(store, admin, interviewer, kit, name="Sam Poe", email="sam@example.com", text="a plain note")
    store.add_model_version(admin, "org-both", f"vocabulary: {SECRET_TEXT}".encode(), metrics={},
                            trained_on=[cand.id, other.id], activate=True)
    store.add_model_version(admin, "org-sam", b"vocabulary: a plain note", metrics={}, trained_on=[other.id])
    made = backup.backup_sqlite(store.settings.database_url, tmp_path / "offsite" / "nightly.db")["file"]
    assert holds_secret(made)

    store.erase_candidate(hr, cand.id, "candidate request")

    assert not holds_secret(made), "the copy still holds the erased candidate's words in a model version"
    with sqlite3.connect(made) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT version FROM model_versions")) == sorted([default, "org-sam"])


def test_every_table_about_a_candidate_is_erased_from_backups():
    """A new table that points at a candidate, an interview or an answer must be added to copies.CANDIDATE_ROWS."""
    pointing = {(t.name, fk.parent.name) for t in schema.metadata.sorted_tables for fk in t.foreign_keys
                if fk.column.table.name in ("candidates", "interviews", "answers")}
    erased = {(table, column) for table, column, _ in copies.CANDIDATE_ROWS}
    assert pointing | {("candidates", "id")} == erased


def test_the_privacy_page_lists_backups_and_says_which_copies_still_hold_an_erased_candidate(
        store, admin, hr, interviewer, kit, tmp_path):
    cand = with_secret(store, admin, interviewer, kit)
    db = Path(store.engine.url.database)
    name = "**bold** [x](http://beacon.example) _copy_.db"
    backup.backup_sqlite(store.settings.database_url, tmp_path / name)
    world_readable = tmp_path / "old-copy.db"
    copies.write_copy(db, world_readable)
    world_readable.chmod(0o644)  # as every copy was written before
    copies.remember(db, world_readable, "backup")
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"garbage " * 100)
    copies.remember(db, damaged, "backup")

    at = app_as(store, hr, "ui/pages/privacy.py")
    assert not at.exception
    table = at.dataframe[0].value
    files = list(table["File"])
    assert str((tmp_path / name).resolve()) in files  # the name as it is, a plain table cell
    row = table[table["File"] == str(world_readable.resolve())].iloc[0]
    assert row["Owner-only"] == "no: others can read it" and row["Kind"] == "backup"
    assert "Backups" in [h.value for h in at.header]

    at.selectbox(key=Keys.PRV_CANDIDATE).set_value(cand.id).run()
    at.text_input(key=Keys.PRV_CONFIRM).input(cand.name).run()  # erasure is confirmed by the name
    at.button(key=Keys.PRV_ERASE).click().run()
    assert not at.exception
    message = at.success[0].value
    assert "Also erased from 2 backup copies." in message
    assert "Still holding this candidate:" in message and "could not be" in message
    assert str(damaged.resolve()) in message.replace("\\", "").replace("\u2060", "")
    assert mode(world_readable) == 0o600 and not holds_secret(world_readable)


# -- restoring a backup re-applies the erasures made since (issue 15, item 10) ---------------------

def test_restoring_a_backup_erases_again_the_candidates_erased_since(store, admin, hr, interviewer, kit,
                                                                      tmp_path, capsys):
    cand = with_secret(store, admin, interviewer, kit)
    kept = with_secret(store, admin, interviewer, kit, name="Sam Poe", email="sam@example.com", text="a plain note")
    backup.backup_sqlite(store.settings.database_url, tmp_path / "nightly.db")
    usb = tmp_path / "usb-stick.db"  # a copy Motive does not know of, so erasure cannot reach it
    shutil.copyfile(tmp_path / "nightly.db", usb)
    store.erase_candidate(hr, cand.id, "entered in error")
    store.dispose()
    assert holds_secret(usb)

    assert backup.main(["restore", str(usb)]) == 0
    said = capsys.readouterr().out
    assert f"1 candidate(s) erased again (ids {cand.id})" in said
    restored = Store(Settings.from_env())
    with pytest.raises(NotFoundError):
        restored.get_candidate(admin, cand.id)
    assert restored.get_candidate(admin, kept.id).name == "Sam Poe"
    again = restored.audit_entries(admin, action="tombstone.reapplied")[0][0]
    assert (again.entity_id, again.detail["candidates"], again.detail["of"]) == (cand.id, [cand.id], "candidate.erased")
    tombstone = next(e for e in restored.audit_entries(admin, action="candidate.erased")[0]
                     if e.action == "candidate.erased")
    assert (tombstone.actor, tombstone.detail["reason"]) == ("system", "entered in error")
    assert restored.caught_up.tombstones == 0  # applied once, not at every start
    assert restored.audit_chain(admin).intact
    db = Path(restored.engine.url.database)
    restored.dispose()
    assert not holds_secret(db)
    assert not holds_secret(usb), "the restored-from copy is known now, and was erased from too"
    before = [f for f in copies.known_copies(db) if f.kind == "before restore"]
    assert len(before) == 1 and before[0].owner_only and mode(db) == 0o600


def test_a_database_copied_back_by_hand_is_caught_up_before_the_app_serves_anyone(store, admin, hr, interviewer,
                                                                                   kit, tmp_path):
    cand = with_secret(store, admin, interviewer, kit)
    backup.backup_sqlite(store.settings.database_url, tmp_path / "nightly.db")
    shutil.copyfile(tmp_path / "nightly.db", tmp_path / "usb.db")
    store.erase_candidate(hr, cand.id, "candidate request")
    store.dispose()
    db = Path(store.engine.url.database)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "usb.db", db)  # what an operator does by hand, app stopped

    started = Store(Settings.from_env())  # what the app does first
    assert started.caught_up.erased == (cand.id,)
    with pytest.raises(NotFoundError):
        started.get_candidate(admin, cand.id)
    # The id may be given again: the newcomer is not erased by the old tombstone at the next start.
    newcomer = started.add_candidate(admin, started.list_positions()[0].id, "New Person", None)
    started.dispose()
    assert newcomer.id == cand.id
    again = Store(Settings.from_env())
    assert again.get_candidate(admin, newcomer.id).name == "New Person"
    assert again.caught_up.tombstones == 0
    again.dispose()


def test_a_restore_anonymises_again_the_candidates_anonymised_since(store, admin, hr, interviewer, kit, tmp_path):
    cand = with_secret(store, admin, interviewer, kit)
    backup.backup_sqlite(store.settings.database_url, tmp_path / "nightly.db")
    shutil.copyfile(tmp_path / "nightly.db", tmp_path / "usb.db")
    store.set_retention(hr, cand.position_id, 30)
    with store.atomic() as conn:
        from data.schema import candidates, interviews
        then = utcnow() - timedelta(days=60)
        conn.execute(update(candidates).where(candidates.c.id == cand.id).values(created_at=then))
        conn.execute(update(interviews).where(interviews.c.candidate_id == cand.id).values(updated_at=then))
    assert store.apply_retention(hr).total == 1
    store.dispose()

    done = backup.restore_sqlite(Settings.from_env(), tmp_path / "usb.db")
    assert done.caught_up.anonymised == (cand.id,)
    restored = Store(Settings.from_env())
    assert restored.get_candidate(admin, cand.id).name == f"Anonymised candidate {cand.id}"
    restored.dispose()


def test_restore_refuses_a_file_that_is_not_a_motive_database_and_changes_nothing(store, admin, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage " * 100)
    with pytest.raises(StoreError, match="not a Motive database|integrity"):
        backup.restore_sqlite(Settings.from_env(), bad)
    assert store.get_user(admin.id).username == "admin"
    assert not list(tmp_path.glob("motive.db.before-restore-*"))

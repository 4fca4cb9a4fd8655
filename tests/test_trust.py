"""The audit trail, erasure, retention, subject access, self-identification and SSO identities."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from data import retention
from data.errors import AccessDenied, AuthError, ConflictError, NotFoundError, ValidationError
from data.schema import (
    answers,
    audit_log,
    candidate_self_id,
    candidates,
    interviews,
    label_reviews,
    motivation_labels,
    ratings,
    recommendations,
    sessions,
)
from data.store import utcnow
from tests.builders import age
from tests.conftest import PASSWORD, make_user

STORY = "I drove the forgotten passport to the airport myself."
WHY = "I could not bear the thought of her missing her mother's funeral."


def interviewed(store, admin, interviewer, kit, name="Jane Roe", email="jane.roe@example.com", position="Support"):
    """A candidate with one submitted interview, a model label and an override: every kind of record."""
    try:
        pos = next(p for p in store.list_positions() if p.name == position)
    except StopIteration:
        pos = store.create_position(admin, position)
    cand = store.add_candidate(admin, pos.id, name, email)
    iid = store.start_interview(interviewer, cand.id, kit)
    q = kit.questions[0].id
    store.save_answer_field(interviewer, iid, q, "story", STORY)
    store.save_answer_field(interviewer, iid, q, "why", WHY)
    store.save_answer_field(interviewer, iid, q, "notes", "Spoke warmly about Mrs Okafor.")
    store.save_rating(interviewer, iid, q, 5)
    store.save_recommendation(interviewer, iid, "strong_yes", "Hire Jane.")
    store.record_label(interviewer, iid, q, label="intrinsic", confidence=0.9,
                       probabilities={"intrinsic": 0.9}, evidence=[{"text": "could not bear"}],
                       model_version="m1", input_text=WHY)
    store.review_label(interviewer, iid, q, action="override", label="mixed", reason="Jane also mentioned her bonus.")
    store.submit_interview(interviewer, iid, accept_gaps=True)
    return cand, iid


def log(store):
    with store.reading() as conn:
        return conn.execute(select(audit_log).order_by(audit_log.c.id)).all()


# -- the audit trail ------------------------------------------------------------------------------

def test_sign_ins_and_failed_sign_ins_are_logged(store, admin):
    store.authenticate("admin", PASSWORD)
    with pytest.raises(AuthError):
        store.authenticate("admin", "wrong password!!")
    with pytest.raises(AuthError):
        store.authenticate("nobody", "wrong password!!")
    entries = [(e.action, e.actor, e.detail.get("reason")) for e in store.audit_entries(admin, action="auth.")[0]]
    assert ("auth.signed_in", "admin", None) in entries
    assert ("auth.sign_in_failed", "anonymous", "wrong password") in entries
    assert ("auth.sign_in_failed", "anonymous", "unknown username") in entries


def test_every_kind_of_change_is_logged_with_who_and_what(store, admin, interviewer, kit):
    cand, iid = interviewed(store, admin, interviewer, kit)
    store.set_role(admin, interviewer.id, "recruiter")
    actions = {(e.action, e.actor) for e in store.audit_entries(admin)[0]}
    for expected in [("position.created", "admin"), ("candidate.created", "admin"), ("interview.started", "ivan"),
                     ("answer.edited", "ivan"), ("rating.edited", "ivan"), ("recommendation.edited", "ivan"),
                     ("label.overridden", "ivan"), ("interview.submitted", "ivan"), ("user.role_changed", "admin")]:
        assert expected in actions
    role = store.audit_entries(admin, action="user.role_changed")[0][0]
    assert (role.entity, role.entity_id, role.detail["before"], role.detail["after"]) == (
        "user", interviewer.id, "interviewer", "recruiter")


def test_the_log_holds_no_candidate_words_or_contact(store, admin, interviewer, kit):
    interviewed(store, admin, interviewer, kit)
    dump = json.dumps([tuple(map(str, r)) for r in log(store)])
    for secret in ("Jane", "jane.roe", "passport", "could not bear", "Okafor", "bonus"):
        assert secret not in dump


def test_the_database_refuses_to_edit_or_delete_log_entries(store, admin):
    store.authenticate("admin", PASSWORD)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with store.atomic() as conn:
                conn.execute(text(statement))
    assert len(log(store)) >= 2


def test_the_store_offers_no_way_to_change_the_log(store):
    mutators = [name for name in dir(store) if "audit" in name and any(
        verb in name for verb in ("delete", "update", "edit", "remove", "purge", "clear"))]
    assert mutators == []


def test_audit_log_filters_by_actor_entity_and_date(store, admin, interviewer, kit):
    cand, iid = interviewed(store, admin, interviewer, kit)
    mine, total = store.audit_entries(admin, who="ivan")
    assert total == len(mine) > 0 and {e.actor for e in mine} == {"ivan"}
    about, _ = store.audit_entries(admin, entity="interview", entity_id=iid)
    assert about and all(e.entity_id == iid for e in about)
    future, total = store.audit_entries(admin, since=utcnow() + timedelta(days=1))
    assert (future, total) == ([], 0)
    page, total = store.audit_entries(admin, limit=3)
    assert len(page) == 3 and total > 3


def test_only_admins_and_hr_read_the_log(store, admin, hr, interviewer, recruiter):
    store.audit_entries(hr)
    for user in (interviewer, recruiter):
        with pytest.raises(AccessDenied):
            store.audit_entries(user)


def test_exports_are_logged(store, admin):
    store.record_export(admin, "report", position_id=None, candidates=3)
    entry = store.audit_entries(admin, action="export.")[0][0]
    assert (entry.action, entry.actor, entry.detail["candidates"]) == ("export.report", "admin", 3)


# -- erasure --------------------------------------------------------------------------------------

def test_erasure_removes_everything_and_leaves_a_tombstone(store, admin, hr, interviewer, kit):
    cand, iid = interviewed(store, admin, interviewer, kit)
    other, other_iid = interviewed(store, admin, interviewer, kit, name="Sam Poe", email="sam@example.com")
    store.set_self_id(hr, cand.id, "female", "asian")
    result = store.erase_candidate(hr, cand.id, "candidate request")
    assert (result.interviews, result.answers, result.labels, result.reviews) == (1, len(kit.questions), 1, 1)
    with store.reading() as conn:
        for table, col, value in [(candidates, candidates.c.id, cand.id), (interviews, interviews.c.id, iid),
                                  (answers, answers.c.interview_id, iid), (ratings, ratings.c.interview_id, iid),
                                  (recommendations, recommendations.c.interview_id, iid),
                                  (candidate_self_id, candidate_self_id.c.candidate_id, cand.id)]:
            assert conn.execute(select(func.count()).select_from(table).where(col == value)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(motivation_labels)).scalar_one() == 1  # Sam's
        assert conn.execute(select(func.count()).select_from(label_reviews)).scalar_one() == 1
    with pytest.raises(NotFoundError):
        store.get_candidate(admin, cand.id)
    assert store.get_candidate(admin, other.id).name == "Sam Poe"
    tomb = store.audit_entries(admin, action="candidate.erased")[0][0]
    assert (tomb.entity_id, tomb.actor, tomb.detail["reason"]) == (cand.id, "harriet", "candidate request")
    dump = json.dumps([tuple(map(str, r)) for r in log(store)])
    assert "Jane" not in dump and "jane.roe" not in dump


def test_erasure_leaves_no_readable_trace_in_the_sqlite_file(store, admin, hr, interviewer, kit, backend):
    if backend != "sqlite":
        pytest.skip("a file-level check; PostgreSQL reclaims deleted rows with VACUUM (see SECURITY.md)")
    cand, _ = interviewed(store, admin, interviewer, kit, name="Zebedee Quixotic", email="zq@example.com")
    interviewed(store, admin, interviewer, kit, name="Sam Poe", email="sam@example.com")  # pages stay in use
    store._checkpoint()
    assert b"Zebedee Quixotic" in open(store.engine.url.database, "rb").read()  # the test can see a trace
    store.erase_candidate(hr, cand.id, "candidate request")
    raw = open(store.engine.url.database, "rb").read()
    assert b"Zebedee" not in raw and b"zq@example.com" not in raw


def test_erasure_needs_a_reason_category_and_the_right_role(store, admin, interviewer, recruiter, kit):
    cand, _ = interviewed(store, admin, interviewer, kit)
    with pytest.raises(ValidationError):
        store.erase_candidate(admin, cand.id, "because Jane asked on the phone")
    for user in (interviewer, recruiter):
        with pytest.raises(AccessDenied):
            store.erase_candidate(user, cand.id, "candidate request")
    with pytest.raises(NotFoundError):
        store.erase_candidate(admin, 99999, "candidate request")
    assert store.get_candidate(admin, cand.id)


def test_erasure_names_the_model_versions_it_deleted(store, admin, interviewer, kit):
    cand, _ = interviewed(store, admin, interviewer, kit)
    store.add_model_version(admin, "org-1", b"artifact", metrics={}, trained_on=[cand.id])
    result = store.erase_candidate(admin, cand.id, "candidate request")
    assert result.models_deleted == ("org-1",)
    assert "org-1" not in {v.version for v in store.list_model_versions()}


# -- retention ------------------------------------------------------------------------------------

def test_retention_anonymises_old_candidates_not_hired(store, admin, hr, interviewer, kit):
    old, old_iid = interviewed(store, admin, interviewer, kit, name="Old Rejected", email="old@example.com")
    hired, _ = interviewed(store, admin, interviewer, kit, name="Old Hired", email="hired@example.com")
    recent, _ = interviewed(store, admin, interviewer, kit, name="Recent One", email="recent@example.com")
    store.set_candidate_status(admin, old.id, "rejected")
    store.set_candidate_status(admin, hired.id, "hired")
    for c in (old, hired):
        age(store, c.id, 40)
    with store.atomic() as conn:  # the status changes happened long ago too
        conn.execute(update(candidates).values(status_changed_at=utcnow() - timedelta(days=40)))
    store.set_retention(hr, old.position_id, 30)

    dry = store.apply_retention(hr, dry_run=True)
    assert dry.anonymised == {old.position_id: (old.id,)}
    assert store.get_candidate(admin, old.id).name == "Old Rejected"

    run = store.apply_retention(hr)
    assert run.total == 1
    gone = store.get_candidate(admin, old.id)
    assert (gone.name, gone.email) == (f"Anonymised candidate {old.id}", None)
    sheet = store.sheet(interviewer, old_iid)
    assert all(not (a.story or a.why or a.feeling or a.notes) for a in sheet.answers.values())
    assert sheet.ratings[kit.questions[0].id] == 5  # the numbers stay for statistics
    assert store.get_candidate(admin, hired.id).name == "Old Hired"
    assert store.get_candidate(admin, recent.id).name == "Recent One"
    entry = store.audit_entries(admin, action="retention.")[0][0]
    assert (entry.actor, entry.detail["candidate_ids"], entry.detail["retention_days"]) == ("harriet", [old.id], 30)
    assert store.apply_retention(hr).total == 0  # nothing twice


@pytest.mark.sqlite_only("holds SQLite's one write lock from a second connection")
def test_a_retention_dry_run_writes_nothing_so_it_never_waits_for_the_write_lock(store, admin, hr, interviewer, kit,
                                                                                 db_url):
    """HR's home shows what is due on every visit: it must not queue behind interviewers' saves."""
    import sqlite3
    import threading

    old, _ = interviewed(store, admin, interviewer, kit, name="Old Rejected")
    store.set_candidate_status(admin, old.id, "rejected")
    age(store, old.id, 40)
    with store.atomic() as conn:
        conn.execute(update(candidates).values(status_changed_at=utcnow() - timedelta(days=40)))
    store.set_retention(hr, old.position_id, 30)
    writer = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another save, mid-transaction
    found = []
    try:
        dry = threading.Thread(target=lambda: found.append(store.apply_retention(hr, dry_run=True).total), daemon=True)
        dry.start()
        dry.join(timeout=5)
        assert found == [1]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        dry.join()


def test_recent_activity_restarts_the_retention_clock(store, admin, interviewer, kit):
    cand, iid = interviewed(store, admin, interviewer, kit)
    age(store, cand.id, 40)
    store.set_candidate_status(admin, cand.id, "withdrawn")  # activity today
    store.set_retention(admin, cand.position_id, 30)
    assert store.apply_retention(admin).total == 0


def test_retention_setting_is_validated(store, admin, hr):
    pos = store.create_position(admin, "Support")
    for bad in (0, -3, 10_000, 2.5, True):
        with pytest.raises(ValidationError):
            store.set_retention(hr, pos.id, bad)
    store.set_retention(hr, pos.id, None)
    assert store.retention_days()[pos.id] is None


def test_retention_command_line_runs_and_reports(store, admin, interviewer, kit, capsys):
    cand, _ = interviewed(store, admin, interviewer, kit)
    age(store, cand.id, 400)
    store.set_retention(admin, cand.position_id, 365)
    assert retention.main(["--dry-run"]) == 0
    assert "would anonymise 1" in capsys.readouterr().out
    assert store.get_candidate(admin, cand.id).name == "Jane Roe"
    assert retention.main([]) == 0
    assert "anonymised 1" in capsys.readouterr().out
    assert store.get_candidate(admin, cand.id).name.startswith("Anonymised")
    assert store.audit_entries(admin, action="retention.")[0][0].actor == "command line"



def test_command_lines_and_the_system_are_named_alike_in_every_audit_row(store, admin, interviewer, kit, tmp_path,
                                                                         monkeypatch, capsys):
    """One spelling each: the log must not call the command line both "command line" and "command-line"."""
    from analysis import report
    from analysis.registry import ensure_active_model
    from data import importer, users

    monkeypatch.setenv("MOTIVE_PASSWORD", "a long enough password")
    assert users.main(["add", "carla", "--role", "recruiter"]) == 0
    assert users.main(["set-role", "carla", "hr"]) == 0
    assert users.main(["set-password", "carla"]) == 0
    assert users.main(["set-email", "carla", "carla@corp.example"]) == 0
    listing = tmp_path / "people.csv"
    listing.write_text("name,email,position\nAda Lovelace,ada@example.com,Night desk\n")
    assert importer.main([str(listing)]) == 0
    assert report.main(["--out", str(tmp_path / "report.xlsx")]) == 0
    by_hand, _ = interviewed(store, admin, interviewer, kit)
    by_app, _ = interviewed(store, admin, interviewer, kit, name="Sam Poe", email="sam@example.com",
                            position="Night shift")
    age(store, by_hand.id, 40)
    store.set_retention(admin, by_hand.position_id, 30)
    assert retention.main([]) == 0
    age(store, by_app.id, 40)
    store.set_retention(admin, by_app.position_id, 30)
    assert store.apply_retention().total == 1
    ensure_active_model(store)

    people = {admin.id, interviewer.id}
    rows = [r for r in log(store) if r.actor_id not in people]
    named = {(r.actor, r.actor_id) for r in rows}
    assert named == {("command line", None), ("system", None)}, named
    actions = {name: {r.action for r in rows if r.actor == name} for name, _ in named}
    assert {"user.created", "user.role_changed", "user.password_reset", "user.sso_linked", "candidates.imported",
            "export.report", "retention.anonymised"} <= actions["command line"]
    assert {"retention.anonymised", "model.added"} <= actions["system"]


# -- subject access -------------------------------------------------------------------------------

def test_subject_access_returns_everything_held_on_one_candidate(store, admin, hr, interviewer, kit):
    cand, iid = interviewed(store, admin, interviewer, kit)
    interviewed(store, admin, interviewer, kit, name="Sam Poe", email="sam@example.com")
    store.set_self_id(hr, cand.id, "female", None)
    data = store.subject_access(hr, cand.id)
    assert data["candidate"]["name"] == "Jane Roe" and data["candidate"]["email"] == "jane.roe@example.com"
    assert data["self_identification"]["sex"] == "female"
    assert [a["story"] for a in data["answers"] if a["story"]] == [STORY]
    assert {a["interview_id"] for a in data["answers"]} == {iid}
    assert data["recommendations"][0]["note"] == "Hire Jane."
    assert data["motivation_labels"][0]["evidence"] == [{"text": "could not bear"}]
    assert data["label_reviews"][0]["reason"] == "Jane also mentioned her bonus."
    assert "candidate.created" in {e["action"] for e in data["audit_trail"]}
    json.dumps(data)  # plain data throughout
    assert store.audit_entries(admin, action="export.subject_access")[0][0].entity_id == cand.id


def test_subject_access_is_for_hr_and_admins_only(store, admin, interviewer, recruiter, kit):
    cand, _ = interviewed(store, admin, interviewer, kit)
    for user in (interviewer, recruiter):
        with pytest.raises(AccessDenied):
            store.subject_access(user, cand.id)


# -- self-identification --------------------------------------------------------------------------

def test_self_identification_is_hidden_from_interviewers_and_recruiters(store, admin, hr, interviewer, recruiter, kit):
    cand, _ = interviewed(store, admin, interviewer, kit)
    store.set_self_id(hr, cand.id, "male", "two_or_more")
    assert store.self_identification(hr) == [(cand.id, "male", "two_or_more")]
    for user in (interviewer, recruiter):
        with pytest.raises(AccessDenied):
            store.self_identification(user)
        with pytest.raises(AccessDenied):
            store.set_self_id(user, cand.id, "female", None)


def test_self_identification_categories_are_checked_and_can_be_withdrawn(store, admin, hr, interviewer, kit):
    cand, _ = interviewed(store, admin, interviewer, kit)
    with pytest.raises(ValidationError):
        store.set_self_id(hr, cand.id, "F", None)
    with pytest.raises(ValidationError):
        store.set_self_id(hr, cand.id, None, "caucasian")
    store.set_self_id(hr, cand.id, None, "asian")
    store.set_self_id(hr, cand.id, None, None)
    assert store.self_identification(hr) == []
    entry = store.audit_entries(admin, action="self_id.")[0][0]
    assert "asian" not in json.dumps(entry.detail)


# -- accounts: expiry and single sign-on ----------------------------------------------------------

def test_an_expired_session_signs_the_user_out(store, admin):
    token = store.create_session(admin)
    with store.atomic() as conn:
        conn.execute(update(sessions).values(expires_at=utcnow() - timedelta(minutes=1)))
    with pytest.raises(AuthError, match="expired"):
        store.user_for_session(token)


def test_sso_identity_maps_to_a_linked_account_and_its_role(store, admin, interviewer):
    store.set_user_email(admin, interviewer.id, "Ivan@Example.com")
    assert store.user_for_email("ivan@example.com").role == "interviewer"
    with pytest.raises(NotFoundError, match="No Motive account"):
        store.user_for_email("stranger@example.com")
    other = make_user(store, "olga", "recruiter")
    with pytest.raises(ValidationError, match="already linked"):
        store.set_user_email(admin, other.id, "ivan@example.com")
    store.set_active(admin, interviewer.id, False)
    with pytest.raises(ConflictError):
        store.user_for_email("ivan@example.com")


def test_subject_access_download_holds_json_and_excel_of_the_same_data(store, admin, hr, interviewer, kit):
    import io
    import zipfile

    import openpyxl

    from analysis.privacy import subject_access_zip

    cand, _ = interviewed(store, admin, interviewer, kit)
    data = store.subject_access(hr, cand.id)
    with zipfile.ZipFile(io.BytesIO(subject_access_zip(hr, data))) as z:
        assert sorted(z.namelist()) == [f"candidate-{cand.id}.json", f"candidate-{cand.id}.xlsx"]
        assert json.loads(z.read(f"candidate-{cand.id}.json"))["candidate"]["name"] == "Jane Roe"
        wb = openpyxl.load_workbook(io.BytesIO(z.read(f"candidate-{cand.id}.xlsx")))
    assert {"Candidate", "Answers", "Label reviews", "Audit trail"} <= set(wb.sheetnames)
    stories = [row[2] for row in wb["Answers"].iter_rows(min_row=2, values_only=True)]
    assert STORY in stories


# -- erasure while another connection reads: SQLite's write-ahead log (issue 15, item 9) -------------

def _wal_bytes(store):
    from pathlib import Path

    wal = Path(store.engine.url.database + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def _reader_holding_a_snapshot(store):
    import sqlite3

    reader = sqlite3.connect(store.engine.url.database, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM candidates").fetchone()  # the read transaction pins the log
    return reader


def test_erasure_while_someone_reads_says_the_write_ahead_log_still_holds_the_text(store, admin, hr, interviewer,
                                                                                   kit, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's write-ahead log; PostgreSQL's WAL is the server's (see SECURITY.md)")
    cand, _ = interviewed(store, admin, interviewer, kit, name="Zebedee Quixotic", email="zq@example.com")
    assert b"Zebedee" in _wal_bytes(store)  # the test can see the text in the log
    store.checkpoint_patience = 0.5
    reader = _reader_holding_a_snapshot(store)
    try:
        result = store.erase_candidate(hr, cand.id, "candidate request")
        assert result.wal_emptied is False, "the erasure must say the log could not be emptied"
        assert b"Zebedee" in _wal_bytes(store)  # what it says is true
        assert store.empty_wal(hr) is False
    finally:
        reader.close()
    assert store.empty_wal(hr) is True
    assert b"Zebedee" not in _wal_bytes(store)
    assert b"Zebedee" not in open(store.engine.url.database, "rb").read()
    with pytest.raises(AccessDenied):
        store.empty_wal(interviewer)


def test_erasure_waits_a_little_for_a_reader_and_then_empties_the_write_ahead_log(store, admin, hr, interviewer,
                                                                                  kit, backend):
    import threading
    import time

    if backend != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    cand, _ = interviewed(store, admin, interviewer, kit, name="Zebedee Quixotic", email="zq@example.com")
    reader = _reader_holding_a_snapshot(store)
    threading.Timer(0.4, reader.close).start()  # a report that finishes reading soon after
    started = time.monotonic()
    result = store.erase_candidate(hr, cand.id, "candidate request")
    assert result.wal_emptied is True
    assert time.monotonic() - started < store.checkpoint_patience
    assert b"Zebedee" not in _wal_bytes(store)
    assert b"Zebedee" not in open(store.engine.url.database, "rb").read()


# -- a PostgreSQL restore: tombstones written out, applied again after pg_restore (issue 15, item 10) --

def test_tombstones_written_out_are_applied_again_after_a_pg_restore(store, admin, hr, interviewer, kit, backend,
                                                                      db_url, tmp_path, capsys):
    import shutil
    import subprocess
    from urllib.parse import parse_qs, urlsplit

    from sqlalchemy import create_engine

    from data import backup
    from data.store import Store
    from tests.conftest import POSTGRES_URL

    if backend != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("SQLite keeps its tombstones beside the file (tests/test_backup.py); this is pg_dump's path")
    schema = parse_qs(urlsplit(db_url).query)["application_name"][0]
    libpq = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    cand, _ = interviewed(store, admin, interviewer, kit, name="Zebedee Quixotic", email="zq@example.com")
    dump = tmp_path / "motive.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--schema={schema}", f"--file={dump}", libpq], check=True)
    store.erase_candidate(hr, cand.id, "candidate request")
    assert backup.main(["tombstones", str(tmp_path / "erasures.jsonl")]) == 0
    store.dispose()
    owner = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = :n AND pid <> pg_backend_pid()"), {"n": schema})
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    owner.dispose()
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq}", str(dump)], check=True)
    restored = Store(store.settings)
    assert restored.get_candidate(admin, cand.id).name == "Zebedee Quixotic"  # pg_restore brought them back
    restored.dispose()
    capsys.readouterr()

    assert backup.main(["reapply", str(tmp_path / "erasures.jsonl")]) == 0
    assert f"1 candidate(s) erased again (ids {cand.id})" in capsys.readouterr().out
    again = Store(store.settings)
    with pytest.raises(NotFoundError):
        again.get_candidate(admin, cand.id)
    assert backup.main(["reapply", str(tmp_path / "erasures.jsonl")]) == 0  # once only
    assert "0 erasure(s)" in capsys.readouterr().out
    again.dispose()

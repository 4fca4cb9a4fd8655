"""The audit log as a hash chain: every entry linked to the one before, checked from the command line and
the Audit page, appended without forks by concurrent writers, REPLACE refused on SQLite, and, on PostgreSQL,
an app role that cannot switch the log's triggers off (issue 15, item 12)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import threading
import uuid
from datetime import datetime

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from data import migrations
from data.errors import StoreError
from data.records import COMMAND_LINE
from data.schema import audit_log
from data.settings import Settings
from data.store import Store, make_engine
from motive.__main__ import main as motive
from tests.conftest import PASSWORD, POSTGRES_URL, ROOT, app_as
from ui.state import Keys

GENESIS = "0" * 64
FAST = {"MOTIVE_PASSWORD_ROUNDS": "4"}


def entries(store):
    with store.reading() as conn:
        return conn.execute(select(audit_log).order_by(audit_log.c.id)).all()


def some_history(store, admin, n=5):
    store.authenticate("admin", PASSWORD)
    for i in range(n):
        store.create_position(admin, f"Position {i}")


def tamper(store, statement, **params):
    """What someone with the database's owner or file can do around the store: the triggers off, a change."""
    with store.engine.connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
            conn.execute(text(statement), params)
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
            conn.execute(text(statement), params)


def verify(capsys, *args):
    status = motive(["audit", "verify", *args])
    out = capsys.readouterr()
    return status, out.out + out.err


# -- the chain ------------------------------------------------------------------------------------------

def test_every_audit_entry_carries_a_sha256_over_its_content_and_the_previous_entrys_hash(store, admin):
    some_history(store, admin)
    rows = entries(store)
    assert len(rows) >= 6
    prev = GENESIS
    for row in rows:
        assert row.prev_hash == prev
        content = [row.id, row.at.isoformat(sep=" ", timespec="microseconds"), row.actor_id, row.actor, row.action,
                   row.entity, row.entity_id, row.detail, prev]
        encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
        assert row.hash == hashlib.sha256(encoded).hexdigest(), f"entry {row.id}"
        prev = row.hash


def test_an_entry_written_in_a_rolled_back_inner_block_leaves_no_gap_in_the_chain(store, admin):
    store.authenticate("admin", PASSWORD)
    with store.atomic():
        store.create_position(admin, "Kept")
        with pytest.raises(RuntimeError):
            with store.atomic():
                store.create_position(admin, "Rolled back")
                raise RuntimeError("the inner block fails")
        store.create_position(admin, "Also kept")
    created = [json.loads(r.detail).get("name") for r in entries(store) if r.action == "position.created"]
    assert "Rolled back" not in created and len(created) == 2
    assert store.audit_chain(admin).intact


def test_concurrent_writers_never_fork_the_chain(store, admin):
    """Command-line writers, so no person's account row (locked by each write of theirs) orders them."""
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for i in range(15):
                store.create_position(COMMAND_LINE, f"Writer {w} position {i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = entries(store)
    assert len({r.prev_hash for r in rows}) == len(rows), "two entries follow the same one: the chain forked"
    state = store.audit_chain(admin)
    assert state.intact and state.verified == len(rows) and state.last_id == rows[-1].id


def test_only_admins_and_hr_may_check_the_chain(store, admin, interviewer, recruiter):
    from data.errors import AccessDenied

    for who in (interviewer, recruiter):
        with pytest.raises(AccessDenied):
            store.audit_chain(who)


# -- verifying -----------------------------------------------------------------------------------------

def test_verify_says_how_many_entries_an_intact_chain_holds(store, admin, capsys):
    some_history(store, admin)
    n = len(entries(store))
    status, said = verify(capsys)
    assert status == 0
    assert f"verified: {n} entries, up to entry {entries(store)[-1].id}" in said


def test_verify_names_the_first_entry_changed_around_the_store(store, admin, capsys):
    some_history(store, admin)
    third = entries(store)[2]
    tamper(store, "UPDATE audit_log SET actor = 'someone else' WHERE id = :id", id=third.id)
    status, said = verify(capsys)
    assert status == 1
    assert f"broken at entry {third.id}: its content does not match its hash" in said
    assert "2 entries before it verified" in said


def test_verify_names_the_entry_after_one_that_was_deleted(store, admin, capsys):
    some_history(store, admin)
    rows = entries(store)
    tamper(store, "DELETE FROM audit_log WHERE id = :id", id=rows[3].id)
    status, said = verify(capsys)
    assert status == 1
    assert f"broken at entry {rows[4].id}: it does not link to the entry before it" in said


def test_a_rewritten_chain_fails_against_a_head_hash_kept_elsewhere(store, admin, capsys):
    """Whoever rewrites an entry can rehash everything after it; the head printed earlier then no longer exists."""
    some_history(store, admin)
    status, said = verify(capsys)
    head = entries(store)[-1].hash
    assert status == 0 and head in said
    assert verify(capsys, "--head", head)[0] == 0
    rows = entries(store)
    tamper(store, "DELETE FROM audit_log WHERE id >= :id", id=rows[2].id)
    assert verify(capsys)[0] == 0, "a log cut at the end still links up"
    status, said = verify(capsys, "--head", head)
    assert status == 1 and "cut from the end" in said


def test_an_entry_inserted_around_the_store_breaks_the_chain(store, admin, capsys):
    some_history(store, admin)
    last = entries(store)[-1]
    with store.engine.connect() as conn, conn.begin():
        conn.execute(text("INSERT INTO audit_log (id, at, actor, action, entity, detail) "
                          "VALUES (:id, :at, 'ghost', 'user.created', 'user', '{}')"), {"id": last.id + 1, "at": last.at})
    status, said = verify(capsys)
    assert status == 1 and f"broken at entry {last.id + 1}: it carries no hash" in said


def test_the_audit_page_shows_the_chains_state(store, admin):
    some_history(store, admin)
    at = app_as(store, admin, "ui/pages/audit.py")
    assert not at.exception
    rows = entries(store)
    assert any(f"verified: {len(rows)} entries" in s.value for s in at.success), [s.value for s in at.success]
    tamper(store, "UPDATE audit_log SET detail = '{}' WHERE id = :id", id=rows[1].id)
    at.button(key=Keys.AUD_VERIFY).click().run()  # a check is kept for minutes; the button checks at once
    assert not at.exception
    assert any(f"broken at entry {rows[1].id}" in e.value for e in at.error), [e.value for e in at.error]


# -- upgrading ------------------------------------------------------------------------------------------

def test_an_upgraded_database_hashes_its_existing_entries_in_id_order_and_verifies(settings):
    engine = make_engine(settings)
    with engine.connect() as conn:
        conn = conn.execution_options(motive_write=True)
        with conn.begin():
            for version in range(1, 7):
                migrations.STEPS[version](conn)
            conn.execute(text("INSERT INTO motive_meta VALUES ('schema_version', '6')"))
            for i in range(1, 8):
                conn.execute(text("INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, detail) "
                                  "VALUES (:at, NULL, 'command line', 'position.created', 'position', :i, :d)"),
                             {"at": datetime(2026, 3, i, 9, 30, 0, 120000 * (i % 2)), "i": i,
                              "d": json.dumps({"name": f"Old {i}"})})
    engine.dispose()
    store = Store(settings)
    try:
        state = store.audit_chain(COMMAND_LINE)
        assert state.intact and state.verified == 7
        store.bootstrap_admin("admin", PASSWORD)
        after = store.audit_chain(COMMAND_LINE)
        assert after.intact and after.verified == 8
    finally:
        store.dispose()


@pytest.mark.sqlite_only("INSERT OR REPLACE is SQLite's; PostgreSQL's INSERT ... ON CONFLICT fires the UPDATE trigger")
def test_sqlite_refuses_insert_or_replace_over_an_audit_entry(store, admin):
    some_history(store, admin)
    first = entries(store)[0]
    for verb in ("INSERT OR REPLACE", "REPLACE"):
        with pytest.raises(DBAPIError, match="append-only"):
            with store.atomic() as conn:
                conn.execute(text(f"{verb} INTO audit_log (id, at, actor, action, entity, detail) "
                                  "VALUES (:id, :at, 'someone else', 'nothing.happened', 'user', '{}')"),
                             {"id": first.id, "at": first.at})
    assert entries(store)[0] == first
    assert store.audit_chain(admin).intact


# -- PostgreSQL: the owner role and the app role -----------------------------------------------------------

def _can_create_roles(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")).scalar())
    finally:
        engine.dispose()


def test_on_postgresql_the_app_role_cannot_switch_off_or_bypass_the_audit_triggers():
    """deploy/postgres-roles.sql run for real: the owner upgrades, the app writes, and cannot touch the triggers."""
    admin_url = os.environ.get("TEST_POSTGRES_ADMIN_URL") or POSTGRES_URL
    if not admin_url:
        pytest.skip("no PostgreSQL server (set TEST_POSTGRES_URL to run these against one)")
    if not _can_create_roles(admin_url):
        pytest.skip(f"the test role {make_url(admin_url).username!r} may not create roles (it has neither "
                    "CREATEROLE nor SUPERUSER): set TEST_POSTGRES_ADMIN_URL to a role that may, or "
                    "ALTER ROLE ... CREATEROLE, to check deploy/postgres-roles.sql")
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql is not installed; it runs deploy/postgres-roles.sql")
    tag = uuid.uuid4().hex[:10]
    owner, app, schema = f"motive_owner_{tag}", f"motive_app_{tag}", f"motive_{tag}"
    owner_pw, app_pw = f"owner-{tag}", f"app-{tag}"
    admin = make_url(admin_url)
    libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    run = subprocess.run([psql, libpq, "-q", "-v", f"owner={owner}", "-v", f"owner_password={owner_pw}",
                          "-v", f"app={app}", "-v", f"app_password={app_pw}", "-v", f"schema={schema}",
                          "-f", str(ROOT / "deploy" / "postgres-roles.sql")], capture_output=True, text=True)
    stores: list[Store] = []
    try:
        assert run.returncode == 0, run.stderr

        def url_of(user: str, password: str) -> str:
            return admin.set(username=user, password=password).render_as_string(hide_password=False)

        stores.append(Store(Settings.from_env({"MOTIVE_DATABASE_URL": url_of(owner, owner_pw), **FAST})))
        app_store = Store(Settings.from_env({"MOTIVE_DATABASE_URL": url_of(app, app_pw), **FAST}))
        stores.append(app_store)
        first = app_store.bootstrap_admin("admin", PASSWORD)  # the app role writes, and its entries chain
        app_store.create_position(first, "Support")
        assert app_store.audit_chain(first).verified == 2
        with app_store.engine.connect() as conn:
            owner_of = conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log' "
                                         "AND schemaname = current_schema()")).scalar()
        assert owner_of == owner
        for statement in (
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL",
            "DROP TRIGGER audit_log_append_only ON audit_log",
            "SET session_replication_role = replica",
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with app_store.engine.connect() as conn:
                with pytest.raises(DBAPIError, match="must be owner|permission denied|append-only"):
                    conn.execute(text(statement))
        assert app_store.audit_chain(first).intact
        with stores[0].atomic() as conn:  # as if a release with a new schema step had been deployed
            conn.execute(text("UPDATE motive_meta SET value = '6' WHERE key = 'schema_version'"))
        with pytest.raises(StoreError, match="run the upgrade once as the owner role"):
            Store(Settings.from_env({"MOTIVE_DATABASE_URL": url_of(app, app_pw), **FAST}))
        with stores[0].atomic() as conn:
            assert conn.execute(text("SELECT value FROM motive_meta WHERE key = 'schema_version'")).scalar() == "6"
    finally:
        for s in stores:
            s.dispose()
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": owner}).first():
                conn.execute(text(f'DROP OWNED BY "{owner}"'))  # its default privileges, which name the app
            for role in (app, owner):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        engine.dispose()

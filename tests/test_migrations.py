"""Upgrading databases made by older schema versions, without losing rows."""

from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from data import migrations
from data.errors import StoreError
from data.schema import SCHEMA_VERSION
from data.store import Store, make_engine


def _v1_database(settings):
    """A database exactly as schema v1 made it, with a submitted interview in it."""
    engine = make_engine(settings)
    with engine.connect() as conn:
        with conn.begin():
            migrations.STEPS[1](conn)
            now = datetime(2026, 1, 5, 9, 30)
            conn.execute(text("INSERT INTO motive_meta VALUES ('schema_version', '1')"))
            conn.execute(text("INSERT INTO users (id, username, password_hash, role, active, failed_logins, created_at) "
                              "VALUES (1, 'old.admin', 'x', 'admin', TRUE, 0, :t)"), {"t": now})
            conn.execute(text("INSERT INTO positions VALUES (1, 'Agent', '', :t)"), {"t": now})
            conn.execute(text("INSERT INTO candidates VALUES (1, 1, 'Zoë Old', 'zoe@example.com', 'active', :t)"), {"t": now})
            conn.execute(text("INSERT INTO kit_versions VALUES (1, 'k', '1', 'sha', 'K', 'src', :t)"), {"t": now})
            conn.execute(text("INSERT INTO interviews VALUES (1, 1, 1, 1, 'submitted', 'q1', :t, :t, :t)"), {"t": now})
            conn.execute(text("INSERT INTO answers VALUES (1, 1, 'q1', 'story', 'because I cared', 'glad', '', :t)"),
                         {"t": now})
            conn.execute(text("INSERT INTO ratings VALUES (1, 1, 'q1', 4, :t)"), {"t": now})
            conn.execute(text("INSERT INTO recommendations VALUES (1, 1, 'yes', 'fine', :t)"), {"t": now})
            if engine.dialect.name == "postgresql":  # explicit ids do not move PostgreSQL's sequences
                for table in ("users", "positions", "candidates", "kit_versions", "interviews", "answers", "ratings",
                              "recommendations"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
    return engine


def test_v1_database_upgrades_without_losing_rows(settings, tmp_path, backend):
    engine = _v1_database(settings)
    with engine.connect() as conn:
        before = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in
                  ("users", "positions", "candidates", "interviews", "answers", "ratings", "recommendations")}
    assert migrations.upgrade(engine) == (1, SCHEMA_VERSION)
    with engine.connect() as conn:
        after = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in before}
        row = conn.execute(text("SELECT why, revision FROM answers WHERE id = 1")).one()
    assert after == before
    assert tuple(row) == ("because I cared", 0)
    if backend == "sqlite":  # PostgreSQL's upgrade is one transaction per step; back up with pg_dump first
        assert list(tmp_path.glob("motive.db.v1-*.bak")), "a copy of the old database is kept beside it"
    engine.dispose()


def test_upgraded_database_works_with_the_current_store(settings):
    _v1_database(settings).dispose()
    store = Store(settings)
    user = store.get_user(1)
    assert store.get_candidate(user, 1).name == "Zoë Old"
    token = store.create_session(user)  # a table the upgrade added
    assert store.user_for_session(token).username == "old.admin"


def test_upgrade_is_idempotent(store):
    assert migrations.upgrade(store.engine) == (SCHEMA_VERSION, SCHEMA_VERSION)


def test_newer_database_than_the_code_is_refused(store):
    with store.atomic() as conn:
        conn.execute(text("UPDATE motive_meta SET value = '999' WHERE key = 'schema_version'"))
    with pytest.raises(StoreError, match="newer than this Motive"):
        migrations.upgrade(store.engine)


def test_foreign_database_is_not_touched(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER)"))
    with pytest.raises(StoreError, match="another application"):
        migrations.upgrade(engine)


def test_the_copy_kept_before_an_upgrade_is_owner_only_whatever_the_umask(settings, tmp_path, backend):
    import os
    import stat

    if backend != "sqlite":
        pytest.skip("PostgreSQL's upgrade makes no file copy; back up with pg_dump first")
    engine = _v1_database(settings)
    before = os.umask(0)
    try:
        migrations.upgrade(engine)
    finally:
        os.umask(before)
    engine.dispose()
    (copy,) = tmp_path.glob("motive.db.v1-*.bak")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("motive.db.v1-*.bak-*")), "one self-contained file, no -wal or -shm"
    from data.copies import known_copies

    assert [f.kind for f in known_copies(tmp_path / "motive.db")] == ["upgrade"]

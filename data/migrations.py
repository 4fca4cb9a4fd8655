"""Schema versions and the path from any older database to the current one.

Each step is frozen history: once released it is never edited, because
databases in the field were made by it. A fresh database runs every step from
the first, so the upgrade path is the path that is always exercised.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    LargeBinary,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    inspect,
    select,
    text,
    update,
)

from sqlalchemy.exc import DBAPIError

from data.chain import GENESIS, entry_hash
from data.copies import write_copy
from data.errors import StoreError
from data.schema import SCHEMA_VERSION

_INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL: an app role that does not own the tables tried to alter them


def _step1_baseline(conn: Connection) -> None:
    """v1: accounts, positions, candidates, kits, interviews, answers, ratings, recommendations."""
    md = MetaData()
    Table("motive_meta", md, Column("key", String(64), primary_key=True), Column("value", String(256), nullable=False))
    Table(
        "users", md,
        Column("id", Integer, primary_key=True),
        Column("username", String(64), nullable=False, unique=True),
        Column("password_hash", String(200)),
        Column("role", String(16), nullable=False),
        Column("active", Boolean, nullable=False),
        Column("failed_logins", Integer, nullable=False),
        Column("locked_until", DateTime),
        Column("password_changed_at", DateTime),
        Column("created_at", DateTime, nullable=False),
    )
    Table(
        "positions", md,
        Column("id", Integer, primary_key=True),
        Column("name", String(200), nullable=False, unique=True),
        Column("description", Text, nullable=False),
        Column("created_at", DateTime, nullable=False),
    )
    Table(
        "candidates", md,
        Column("id", Integer, primary_key=True),
        Column("position_id", Integer, ForeignKey("positions.id", ondelete="CASCADE"), nullable=False),
        Column("name", String(200), nullable=False),
        Column("email", String(320)),
        Column("status", String(16), nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_candidates_position", "position_id"),
    )
    Table(
        "kit_versions", md,
        Column("id", Integer, primary_key=True),
        Column("kit_id", String(64), nullable=False),
        Column("version", String(32), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("name", String(200), nullable=False),
        Column("source", Text, nullable=False),
        Column("created_at", DateTime, nullable=False),
        UniqueConstraint("kit_id", "version", "sha256", name="uq_kit_versions"),
    )
    Table(
        "interviews", md,
        Column("id", Integer, primary_key=True),
        Column("candidate_id", Integer, ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
        Column("interviewer_id", Integer, ForeignKey("users.id"), nullable=False),
        Column("kit_version_id", Integer, ForeignKey("kit_versions.id"), nullable=False),
        Column("status", String(16), nullable=False),
        Column("current_question", String(64)),
        Column("started_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
        Column("submitted_at", DateTime),
        UniqueConstraint("candidate_id", "interviewer_id", name="uq_interview_candidate_interviewer"),
        Index("ix_interviews_interviewer", "interviewer_id", "status"),
    )
    for name, extra in (
        ("answers", [Column(c, Text, nullable=False) for c in ("story", "why", "feeling", "notes")]),
        ("ratings", [Column("score", Integer), CheckConstraint("score IS NULL OR (score BETWEEN 1 AND 5)", name="ck_ratings_score")]),
    ):
        Table(
            name, md,
            Column("id", Integer, primary_key=True),
            Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
            Column("question_id", String(64), nullable=False),
            *extra,
            Column("updated_at", DateTime, nullable=False),
            UniqueConstraint("interview_id", "question_id", name=f"uq_{name}_interview_question"),
        )
    Table(
        "recommendations", md,
        Column("id", Integer, primary_key=True),
        Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False, unique=True),
        Column("value", String(16)),
        Column("note", Text, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )
    md.create_all(conn)


def _step2_sessions(conn: Connection) -> None:
    """v2: server-side sign-in sessions (refresh keeps you signed in) and answer revisions."""
    md = MetaData()
    Table("users", md, Column("id", Integer, primary_key=True))
    Table(
        "sessions", md,
        Column("id", Integer, primary_key=True),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("expires_at", DateTime, nullable=False),
        Column("revoked_at", DateTime),
    )
    md.tables["sessions"].create(conn)
    conn.execute(text("ALTER TABLE answers ADD COLUMN revision INTEGER NOT NULL DEFAULT 0"))


def _step3_motivation(conn: Connection) -> None:
    """v3: the motivation model's labels, the interviewers' confirmations and overrides, model versions."""
    md = MetaData()
    Table("users", md, Column("id", Integer, primary_key=True))
    Table("answers", md, Column("id", Integer, primary_key=True))
    Table(
        "model_versions", md,
        Column("id", Integer, primary_key=True),
        Column("version", String(64), nullable=False, unique=True),
        Column("status", String(16), nullable=False),
        Column("artifact", LargeBinary, nullable=False),
        Column("metrics", Text, nullable=False),
        Column("notes", Text, nullable=False),
        Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
        Column("created_at", DateTime, nullable=False),
        Column("activated_at", DateTime),
    )
    Table(
        "motivation_labels", md,
        Column("id", Integer, primary_key=True),
        Column("answer_id", Integer, ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
        Column("model_version", String(64), nullable=False),
        Column("label", String(16), nullable=False),
        Column("confidence", Float, nullable=False),
        Column("probabilities", Text, nullable=False),
        Column("evidence", Text, nullable=False),
        Column("input_sha", String(64), nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_motivation_labels_answer", "answer_id", "id"),
    )
    Table(
        "label_reviews", md,
        Column("id", Integer, primary_key=True),
        Column("answer_id", Integer, ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
        Column("motivation_label_id", Integer, ForeignKey("motivation_labels.id", ondelete="CASCADE"), nullable=False),
        Column("action", String(16), nullable=False),
        Column("label", String(16), nullable=False),
        Column("reason", Text, nullable=False),
        Column("reviewer_id", Integer, ForeignKey("users.id"), nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_label_reviews_answer", "answer_id", "id"),
    )
    for name in ("model_versions", "motivation_labels", "label_reviews"):
        md.tables[name].create(conn)


def _step4_trust(conn: Connection) -> None:
    """v4: the append-only audit log, voluntary self-identification, retention, SSO e-mail on accounts."""
    md = MetaData()
    Table("users", md, Column("id", Integer, primary_key=True))
    Table("candidates", md, Column("id", Integer, primary_key=True))
    Table(
        "audit_log", md,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime, nullable=False),
        Column("actor_id", Integer),
        Column("actor", String(64), nullable=False),
        Column("action", String(48), nullable=False),
        Column("entity", String(32), nullable=False),
        Column("entity_id", Integer),
        Column("detail", Text, nullable=False),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_entity", "entity", "entity_id"),
    )
    Table(
        "candidate_self_id", md,
        Column("candidate_id", Integer, ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
        Column("sex", String(32)),
        Column("race", String(48)),
        Column("recorded_by", Integer, ForeignKey("users.id"), nullable=False),
        Column("recorded_at", DateTime, nullable=False),
    )
    for name in ("audit_log", "candidate_self_id"):
        md.tables[name].create(conn)
    conn.execute(text("ALTER TABLE users ADD COLUMN email VARCHAR(320)"))
    conn.execute(text("CREATE UNIQUE INDEX ux_users_email ON users (email)"))
    conn.execute(text("ALTER TABLE positions ADD COLUMN retention_days INTEGER"))
    conn.execute(text("ALTER TABLE candidates ADD COLUMN status_changed_at TIMESTAMP"))
    conn.execute(text("ALTER TABLE candidates ADD COLUMN anonymised_at TIMESTAMP"))
    # Append-only is enforced by the database itself, not only by the store having no such method.
    if conn.dialect.name == "postgresql":
        conn.execute(text(
            "CREATE FUNCTION motive_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        ))
        conn.execute(text(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION motive_audit_append_only()"
        ))
        conn.execute(text(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION motive_audit_append_only()"
        ))
    else:
        for verb in ("UPDATE", "DELETE"):
            conn.execute(text(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            ))


def _step5_answer_history(conn: Connection) -> None:
    """v5: a field's earlier texts, kept when two devices edit one field (the text not applied, the text replaced)."""
    md = MetaData()
    Table("users", md, Column("id", Integer, primary_key=True))
    Table("answers", md, Column("id", Integer, primary_key=True))
    Table(
        "answer_history", md,
        Column("id", Integer, primary_key=True),
        Column("answer_id", Integer, ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
        Column("field", String(32), nullable=False),
        Column("text", Text, nullable=False),
        Column("revision", Integer, nullable=False),
        Column("reason", String(32), nullable=False),
        Column("saved_by", Integer, ForeignKey("users.id")),
        Column("saved_at", DateTime, nullable=False),
        Index("ix_answer_history_answer", "answer_id"),
    )
    md.tables["answer_history"].create(conn)


def _step6_hiring(conn: Connection) -> None:
    """v6: stages with their history, closed positions, assignments, withdrawn and reopened interviews.

    The old statuses become stages: a candidate still "active" is "interviewing" once someone
    interviewed them, else "new"; hired, rejected and withdrawn keep their names.
    """
    md = MetaData()
    Table("users", md, Column("id", Integer, primary_key=True))
    Table("candidates", md, Column("id", Integer, primary_key=True))
    Table("interviews", md, Column("id", Integer, primary_key=True))
    Table(
        "stage_history", md,
        Column("id", Integer, primary_key=True),
        Column("candidate_id", Integer, ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
        Column("from_stage", String(48)),
        Column("to_stage", String(48), nullable=False),
        Column("reason", String(64), nullable=False),
        Column("note", Text, nullable=False),
        Column("moved_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
        Column("mover", String(64), nullable=False),
        Column("moved_at", DateTime, nullable=False),
        Index("ix_stage_history_candidate", "candidate_id", "id"),
    )
    Table(
        "assignments", md,
        Column("id", Integer, primary_key=True),
        Column("candidate_id", Integer, ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
        Column("interviewer_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        Column("kit_id", String(64)),
        Column("assigned_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
        Column("assigned_at", DateTime, nullable=False),
        UniqueConstraint("candidate_id", "interviewer_id", name="uq_assignments_candidate_interviewer"),
        Index("ix_assignments_interviewer", "interviewer_id"),
    )
    Table(
        "interview_events", md,
        Column("id", Integer, primary_key=True),
        Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("reason", Text, nullable=False),
        Column("actor_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
        Column("actor", String(64), nullable=False),
        Column("at", DateTime, nullable=False),
        Index("ix_interview_events_interview", "interview_id", "id"),
    )
    for name in ("stage_history", "assignments", "interview_events"):
        md.tables[name].create(conn)
    conn.execute(text("ALTER TABLE positions ADD COLUMN closed_at TIMESTAMP"))
    conn.execute(text("ALTER TABLE interviews ADD COLUMN reopened_at TIMESTAMP"))
    conn.execute(text("CREATE INDEX ix_candidates_created ON candidates (created_at)"))
    conn.execute(text("CREATE INDEX ix_candidates_stage ON candidates (position_id, status)"))
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE candidates ALTER COLUMN status TYPE VARCHAR(48)"))
    conn.execute(text(
        "UPDATE candidates SET status = CASE WHEN EXISTS "
        "(SELECT 1 FROM interviews WHERE interviews.candidate_id = candidates.id) "
        "THEN 'interviewing' ELSE 'new' END WHERE status = 'active'"
    ))


def _step7_audit_chain(conn: Connection) -> None:
    """v7: the audit log becomes a hash chain (data/chain.py), and SQLite refuses INSERT OR REPLACE on it.

    The entries already there are hashed in id order, so an upgraded log verifies from its
    first entry. Writing the hashes is the one UPDATE the log ever takes: the append-only
    trigger is set aside for it inside this step's transaction and is back before it commits.
    """
    conn.execute(text("ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR(64)"))
    conn.execute(text("ALTER TABLE audit_log ADD COLUMN hash VARCHAR(64)"))
    md = MetaData()
    log = Table(
        "audit_log", md,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime, nullable=False),
        Column("actor_id", Integer),
        Column("actor", String(64), nullable=False),
        Column("action", String(48), nullable=False),
        Column("entity", String(32), nullable=False),
        Column("entity_id", Integer),
        Column("detail", Text, nullable=False),
        Column("prev_hash", String(64)),
        Column("hash", String(64)),
    )
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    else:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
    prev, last_id = GENESIS, 0
    while True:
        batch = conn.execute(select(log).where(log.c.id > last_id).order_by(log.c.id).limit(5000)).all()
        if not batch:
            break
        chained = []
        for row in batch:
            digest = entry_hash(id=row.id, at=row.at, actor_id=row.actor_id, actor=row.actor, action=row.action,
                                entity=row.entity, entity_id=row.entity_id, detail=row.detail, prev_hash=prev)
            chained.append({"row_id": row.id, "new_prev": prev, "new_hash": digest})
            prev, last_id = digest, row.id
        conn.execute(update(log).where(log.c.id == bindparam("row_id"))
                     .values(prev_hash=bindparam("new_prev"), hash=bindparam("new_hash")), chained)
    if postgres:
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        # Only the owner may rewrite the log or switch its triggers off; an app role given UPDATE or
        # DELETE by default privileges (deploy/postgres-roles.sql) loses them here.
        grantees = conn.execute(text(
            "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
            "WHERE table_schema = current_schema() AND table_name = 'audit_log' "
            "AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') AND grantee <> (SELECT tableowner FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'audit_log')"
        )).scalars().all()
        for grantee in grantees:
            role = "PUBLIC" if grantee == "PUBLIC" else '"' + grantee.replace('"', '""') + '"'
            conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}"))
    else:
        conn.execute(text(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        ))
        # INSERT OR REPLACE deletes the row it collides with without firing the DELETE trigger.
        conn.execute(text(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        ))


def _step8_model_training(conn: Connection) -> None:
    """v8: each model version records which candidates' answers it was trained on, so erasure can find them.

    Versions made before are unknown (NULL) and erasure treats them with caution, except the shipped
    default, installed by the system with a corpus version name: it was trained on the corpus only.
    """
    conn.execute(text("ALTER TABLE model_versions ADD COLUMN trained_on TEXT"))
    conn.execute(text("UPDATE model_versions SET trained_on = '[]' WHERE created_by IS NULL AND version LIKE 'corpus-%'"))


STEPS: dict[int, Callable[[Connection], None]] = {
    1: _step1_baseline,
    2: _step2_sessions,
    3: _step3_motivation,
    4: _step4_trust,
    5: _step5_answer_history,
    6: _step6_hiring,
    7: _step7_audit_chain,
    8: _step8_model_training,
}
assert sorted(STEPS) == list(range(1, SCHEMA_VERSION + 1)), "every schema version needs exactly one step"


def current_version(conn: Connection) -> int:
    """The schema version a database is at; 0 for an empty database."""
    if not inspect(conn).has_table("motive_meta"):
        if inspect(conn).get_table_names():
            raise StoreError("the database has tables but no Motive schema version: is it another application's?")
        return 0
    row = conn.execute(text("SELECT value FROM motive_meta WHERE key = :k"), {"k": "schema_version"}).first()
    return int(row[0]) if row else 0


def _backup_sqlite(engine: Engine, version: int) -> Path | None:
    """Copy the file aside before an upgrade: owner-only, one file, found by its name (data/copies.py)."""
    db = engine.url.database
    if not db or db == ":memory:" or not Path(db).exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = Path(f"{db}.v{version}-{stamp}.bak")
    write_copy(Path(db), target)
    return target


def upgrade(engine: Engine, *, backup: bool = True) -> tuple[int, int]:
    """Bring the database to SCHEMA_VERSION; returns (from_version, to_version).

    SQLite files are copied aside before an upgrade from a non-empty version, so
    a failed upgrade can never cost data. Steps run one transaction each.
    """
    with engine.connect() as conn:
        start = current_version(conn)
        conn.rollback()
    if start > SCHEMA_VERSION:
        raise StoreError(
            f"the database is at schema v{start}, newer than this Motive (v{SCHEMA_VERSION}); upgrade Motive first"
        )
    if start == SCHEMA_VERSION:
        return start, start
    if backup and start > 0 and engine.dialect.name == "sqlite":
        _backup_sqlite(engine, start)
    for version in range(start + 1, SCHEMA_VERSION + 1):
        with engine.connect() as conn:
            conn = conn.execution_options(motive_write=True)
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(7204611)"))
                # Another process may have upgraded while we waited for the lock.
                if current_version(conn) >= version:
                    continue
                try:
                    STEPS[version](conn)
                except DBAPIError as exc:
                    if getattr(exc.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
                        raise StoreError(
                            f"the database is at schema v{version - 1} and this Motive needs v{SCHEMA_VERSION}, but "
                            f"this role ({engine.url.username}) may not change the tables: run the upgrade once as "
                            "the owner role (docs/deployment.md, 'Upgrading Motive'), then start the app again"
                        ) from exc
                    raise
                conn.execute(text("DELETE FROM motive_meta WHERE key = 'schema_version'"))
                conn.execute(
                    text("INSERT INTO motive_meta (key, value) VALUES ('schema_version', :v)"), {"v": str(version)}
                )
    return start, SCHEMA_VERSION

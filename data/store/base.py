"""The store's foundation: the engine, transactions, the audit writer, and what every subject shares.

Writes run in `atomic()` transactions that, on SQLite, start with BEGIN IMMEDIATE:
a deferred transaction that reads and then writes fails with "database is
locked" when two interviewers save at the same moment, and a lost save is the one
thing this product must never do. All SQL is built with SQLAlchemy Core, so every
value is a bound parameter.

Transactions nest. An `atomic()` opened while the same thread is inside another one
joins it (the held connection lives in a context variable) through a savepoint, so a
composite operation, such as starting an interview, is one transaction that commits
once: an error that leaves the inner block rolls back everything, and one the outer
code catches rolls back only the inner block's writes. A `reading()` inside a write
transaction reads through it, and so sees its writes.

When the database does not answer, the store raises `StoreUnavailable` rather than the
driver's error, so no caller needs to know SQLAlchemy.

The audit log is a hash chain (data/chain.py): each entry's hash covers the one before
it, so two writers must never append after the same entry. A write transaction keeps its
audit entries aside and appends them just before it commits, under a lock held until the
commit (SQLite's write lock, which `atomic()` holds from its first statement; on
PostgreSQL an advisory transaction lock). Taking that lock last, after every row lock the
change needed, means it cannot be part of a deadlock, and it is held for two short
statements rather than for the whole save.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import Connection, Row, Select, create_engine, event, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from data import migrations
from data.access import allowed, require
from data.chain import GENESIS, entry_hash
from data.fields import FIELD_NAMES
from data.errors import AccessDenied, AuthError, ConflictError, NotFoundError, StoreUnavailable, ValidationError
from data.records import (
    LIMITS,
    Actor,
    Answer,
    Candidate,
    Interview,
    InterviewStatus,
    Sheet,
    User,
)
from data.schema import (
    answers,
    audit_log,
    candidates,
    interviews,
    kit_versions,
    positions,
    ratings,
    recommendations,
    sessions,
    users,
)
from data.settings import Settings
from rubric import Rubric, load_kit_text, load_kits

AUDIT_CHAIN_LOCK = 7204612
"""PostgreSQL advisory lock key held by whoever appends to the audit chain (the upgrade uses 7204611)."""

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]{2,}$")


def utcnow() -> datetime:
    """Naive UTC, the one time representation stored in both SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def clean_text(value: str | None, field: str) -> str:
    """Normalise typed text for storage: NUL bytes dropped (PostgreSQL rejects them), length checked."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text")
    value = value.replace("\x00", "")
    limit = LIMITS.get(field)
    if limit is not None and len(value) > limit:
        raise ValidationError(
            f"{field.replace('_', ' ').capitalize()} is {len(value):,} characters; the limit is {limit:,}. "
            "Shorten it - nothing you saved before has been changed."
        )
    return value


def normalise_email(email: str | None) -> str | None:
    """A valid address in lower case, or None for none; candidates and single sign-on share the rule."""
    email = clean_text(email, "email").strip()
    if not email:
        return None
    if not _EMAIL.match(email):
        raise ValidationError(f"{email!r} is not a valid email address.")
    return email.lower()


def make_engine(settings: Settings) -> Engine:
    """An engine configured for safe concurrent writes on either database."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # (a file: URI, e.g. ?mode=ro, is as given)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:  # pragma: no cover - exercised via every test
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")  # erased and anonymised text is overwritten, not left in free pages
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute(f"PRAGMA synchronous={settings.sqlite_synchronous}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = "IMMEDIATE" if conn.get_execution_options().get("motive_write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


# What a database in a bad state means for the person using Motive, and what to do about it. The store
# raises these as StoreUnavailable, which the app shows as Motive's own message (app.py), never a crash.
READ_ONLY = ("Motive cannot save anything: its database is read-only (the database file or its folder cannot "
             "be written by the app, or this is a read-only copy). Nothing was saved. Ask whoever runs Motive to "
             "make the database writable again, then reload this page.")
DAMAGED = ("Motive's database is damaged and cannot be read safely, so Motive has stopped using it; nothing was "
           "saved. Ask whoever runs Motive to stop the app, keep a copy of the damaged file, and restore the "
           "latest backup (see README: backups and restore).")
FULL = ("The disk holding Motive's database is full, so what was being saved was not saved. Ask whoever runs "
        "Motive to free space on it, then try again.")
CANNOT_OPEN = ("Motive cannot open its database file: it is missing, or the app may not read or create it in its "
               "folder. Ask whoever runs Motive to check MOTIVE_DATABASE_URL and the folder's permissions.")
_SQLITE_STATES = (("SQLITE_READONLY", READ_ONLY), ("SQLITE_CORRUPT", DAMAGED), ("SQLITE_NOTADB", DAMAGED),
                  ("SQLITE_FULL", FULL), ("SQLITE_CANTOPEN", CANNOT_OPEN))
_POSTGRES_STATES = (("25006", READ_ONLY), ("XX001", DAMAGED), ("XX002", DAMAGED), ("53", FULL))


def unavailable(exc: DBAPIError) -> StoreUnavailable | None:
    """The store's own error for a driver error that means the database cannot serve, or None for a bug.

    Read-only, damaged, full and unopenable databases each get a message that says what happened
    and what to do; any other operational error (down, restarting, locked too long) is "not reachable".
    """
    name = getattr(exc.orig, "sqlite_errorname", None) or ""
    state = getattr(exc.orig, "sqlstate", None) or ""
    for prefix, message in _SQLITE_STATES:
        if name.startswith(prefix):
            return StoreUnavailable(message)
    for prefix, message in _POSTGRES_STATES:
        if state.startswith(prefix):
            return StoreUnavailable(message)
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        return StoreUnavailable()
    return None


@contextmanager
def _reachable() -> Iterator[None]:
    """Turn the driver's "cannot use the database" errors into the store's own, keeping the cause."""
    try:
        yield
    except DBAPIError as exc:
        mapped = unavailable(exc)
        if mapped is not None:
            raise mapped from exc
        raise


@dataclass
class _Held:
    """The write transaction this thread is inside, the audit entries it will append, and what to run
    once it has committed."""

    conn: Connection
    audit: list[dict[str, Any]] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)


class StoreBase:
    """The engine, transactions and the audit writer; each subject of the store builds on this."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None, upgrade: bool = True) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings)
        self._kit_cache: dict[int, Rubric] = {}
        self._kits: dict[str, Rubric] | None = None
        self._held: ContextVar[_Held | None] = ContextVar(f"motive_store_{id(self)}", default=None)
        if upgrade:
            with _reachable():
                migrations.upgrade(self.engine)

    normalise_email = staticmethod(normalise_email)

    def known_kits(self) -> dict[str, Rubric]:
        """The kits this deployment offers (built in, plus MOTIVE_KITS_DIR), by id: read once per store."""
        if self._kits is None:
            self._kits = load_kits(self.settings.kits_dir)
        return self._kits

    # -- transactions ---------------------------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """A write transaction: all or nothing, and on SQLite it takes the write lock up front.

        Inside another `atomic()` of this store on this thread it joins that transaction
        through a savepoint instead, so the outermost one commits everything once.
        """
        held = self._held.get()
        if held is not None:
            mark = len(held.audit)
            try:
                with _reachable(), held.conn.begin_nested():
                    yield held.conn
            except BaseException:
                del held.audit[mark:]  # the inner block's writes rolled back; so do the entries recording them
                raise
            return
        with _reachable(), self.engine.connect() as conn:
            conn = conn.execution_options(motive_write=True)
            mine = _Held(conn)
            with conn.begin():
                token = self._held.set(mine)
                try:
                    yield conn
                    self._append_audit(conn, mine.audit)
                finally:
                    self._held.reset(token)
        with _reachable():
            for callback in mine.after_commit:
                callback()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only snapshot; inside a write transaction, a read through it (seeing its writes)."""
        held = self._held.get()
        if held is not None:
            with _reachable():
                yield held.conn
            return
        with _reachable(), self.engine.connect() as conn, conn.begin():
            yield conn

    def in_transaction(self) -> bool:
        """Whether this thread is inside a write transaction of this store."""
        return self._held.get() is not None

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the current write transaction has committed (now, outside one)."""
        held = self._held.get()
        if held is None:
            callback()
        else:
            held.after_commit.append(callback)

    def dispose(self) -> None:
        self.engine.dispose()

    def _stored_kit(self, conn: Connection, kit_version_id: int) -> Rubric:
        """The kit exactly as an interview started with it; a stored kit text never changes, so it is cached."""
        if kit_version_id not in self._kit_cache:
            row = conn.execute(select(kit_versions).where(kit_versions.c.id == kit_version_id)).first()
            if row is None:
                raise NotFoundError(f"No kit version with id {kit_version_id}.")
            self._kit_cache[kit_version_id] = load_kit_text(row.source, origin=f"stored kit {row.kit_id} v{row.version}")
        return self._kit_cache[kit_version_id]

    # -- the audit trail -------------------------------------------------------------------------

    def _audit(self, conn: Connection, actor: Actor | None, action: str, entity: str,
               entity_id: int | None = None, **detail: Any) -> None:
        """Append one audit entry inside the caller's transaction, so it lands if and only if the change does.

        A person is recorded by id and username; a non-person actor (data.records.SystemActor)
        by its kind's name with no id, the same way wherever it acts. Callers pass ids, field
        names and counts in `detail`, never a candidate's name, contact or words, so an erased
        candidate leaves no personal data behind in the log.

        Every write audits, so this is also where a person's right to write is re-checked, inside
        the write's own transaction: a refusal here rolls the whole write back.
        """
        if isinstance(actor, User) and not (entity == "user" and entity_id == actor.id):
            self._check_still_allowed(conn, actor)
        entry = dict(at=utcnow(), actor_id=actor.id, actor=actor.username[:64], action=action, entity=entity,
                     entity_id=entity_id, detail=json.dumps(detail, sort_keys=True, default=str))
        held = self._held.get()
        if held is not None and held.conn is conn:
            held.audit.append(entry)  # appended to the chain as the transaction commits (see atomic)
        else:
            self._append_audit(conn, [entry])

    def _append_audit(self, conn: Connection, entries: list[dict[str, Any]]) -> None:
        """Chain `entries` onto the log's last entry and insert them, under the lock that orders appenders."""
        if not entries:
            return
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # on SQLite the write transaction already holds the database's one write lock
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
        head = conn.execute(select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).first()
        if postgres:
            ids = sorted(conn.execute(text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) "
                                           "FROM generate_series(1, :n)"), {"n": len(entries)}).scalars())
        else:
            ids = [(head.id if head else 0) + i for i in range(1, len(entries) + 1)]
        prev = (head.hash or GENESIS) if head else GENESIS
        rows = []
        for entry_id, entry in zip(ids, entries):
            digest = entry_hash(id=entry_id, prev_hash=prev, **entry)
            rows.append({**entry, "id": entry_id, "prev_hash": prev, "hash": digest})
            prev = digest
        conn.execute(insert(audit_log), rows)


    def _check_still_allowed(self, conn: Connection, actor: User) -> None:
        """Refuse a write for a person who was deactivated, given another role, or whose sign-in ended since
        their page was drawn (the actor record is the one the page read then). Operations on one's own
        account (signing in or out, changing one's password) check themselves and are not refused here.
        """
        row = conn.execute(select(users.c.active, users.c.role).where(users.c.id == actor.id)
                           .with_for_update()).first()
        if row is None or not row.active:
            raise AuthError("This account has been deactivated; nothing was saved. Ask an administrator.")
        if row.role != actor.role:
            raise AuthError(f"Your role changed to {row.role} since this page was opened; nothing was saved. "
                            "Reload the page.")
        if actor.session is not None:
            live = conn.execute(select(sessions.c.expires_at, sessions.c.revoked_at)
                                .where(sessions.c.token_hash == actor.session)).first()
            if live is None or live.revoked_at is not None:
                raise AuthError("Your sign-in has ended (signed out, or the password was reset, elsewhere); "
                                "nothing was saved. Sign in again.")
            if live.expires_at <= utcnow():
                raise AuthError("Your sign-in has expired; nothing was saved. Sign in again.")


# -- rows every subject reads -------------------------------------------------------------------

def to_user(row: Row) -> User:
    return User(id=row.id, username=row.username, role=row.role, active=bool(row.active), email=row.email)


def candidate_query() -> Select:
    return select(candidates, positions.c.name.label("position_name")).join(
        positions, positions.c.id == candidates.c.position_id
    )


def to_candidate(r: Row) -> Candidate:
    return Candidate(
        id=r.id,
        position_id=r.position_id,
        position_name=r.position_name,
        name=r.name,
        email=r.email,
        status=r.status,
        created_at=r.created_at,
        status_changed_at=r.status_changed_at,
    )


def interview_query() -> Select:
    return (
        select(
            interviews,
            candidates.c.name.label("candidate_name"),
            candidates.c.anonymised_at.label("candidate_anonymised_at"),
            positions.c.name.label("position_name"),
            users.c.username.label("interviewer_name"),
            kit_versions.c.name.label("kit_name"),
            kit_versions.c.version.label("kit_version"),
        )
        .join(candidates, candidates.c.id == interviews.c.candidate_id)
        .join(positions, positions.c.id == candidates.c.position_id)
        .join(users, users.c.id == interviews.c.interviewer_id)
        .join(kit_versions, kit_versions.c.id == interviews.c.kit_version_id)
    )


def to_interview(r: Row) -> Interview:
    return Interview(
        id=r.id,
        candidate_id=r.candidate_id,
        candidate_name=r.candidate_name,
        position_name=r.position_name,
        interviewer_id=r.interviewer_id,
        interviewer_name=r.interviewer_name,
        kit_version_id=r.kit_version_id,
        kit_label=f"{r.kit_name} (v{r.kit_version})",
        status=r.status,
        current_question=r.current_question,
        started_at=r.started_at,
        updated_at=r.updated_at,
        submitted_at=r.submitted_at,
        reopened_at=r.reopened_at,
        candidate_anonymised_at=r.candidate_anonymised_at,
    )


def to_answer(a: Row) -> Answer:
    return Answer(question_id=a.question_id, texts={name: a._mapping[name] for name in FIELD_NAMES},
                  revision=a.revision, updated_at=a.updated_at)


def interview_id_for(conn: Connection, interviewer_id: int | None, candidate_id: int) -> int | None:
    """The interviewer's own interview of a candidate, if they started one."""
    return conn.execute(
        select(interviews.c.id).where(
            interviews.c.candidate_id == candidate_id, interviews.c.interviewer_id == interviewer_id
        )
    ).scalar()


ANONYMISED_READ_ONLY = ("This candidate was anonymised under the retention rules, so their interviews are read-only; "
                        "nothing was changed.")
ID_LIMIT = 2**63 - 1  # the largest id either database can hold; a larger one in a link is simply not found


def no_interview(interview_id: object) -> NotFoundError:
    """The one answer for an interview the actor may not open, whether or not it exists, so ids cannot be probed."""
    return NotFoundError(f"No interview with id {interview_id} that you may open.")


def visible_interview(conn: Connection, actor: Actor, interview_id: int) -> Interview:
    """An interview the actor may see: their own, or any one for reviewing roles.

    Anything else is `no_interview`: "exists but not yours" and "no such id" answer alike.
    """
    if not 0 < interview_id <= ID_LIMIT:
        raise no_interview(interview_id)
    r = conn.execute(interview_query().where(interviews.c.id == interview_id)).first()
    if r is None:
        raise no_interview(interview_id)
    interview = to_interview(r)
    if interview.interviewer_id != actor.id:
        try:
            require(actor, "interviews.review")
        except AccessDenied:
            raise no_interview(interview_id) from None
    return interview


def read_sheet(conn: Connection, interview: Interview) -> Sheet:
    """An interview's records; callers have already decided the reader may see them."""
    answer_rows = conn.execute(select(answers).where(answers.c.interview_id == interview.id)).all()
    rating_rows = conn.execute(select(ratings).where(ratings.c.interview_id == interview.id)).all()
    rec = conn.execute(select(recommendations).where(recommendations.c.interview_id == interview.id)).first()
    return Sheet(
        interview=interview,
        answers={a.question_id: to_answer(a) for a in answer_rows},
        ratings={r.question_id: r.score for r in rating_rows},
        recommendation=rec.value if rec else None,
        recommendation_note=rec.note if rec else "",
    )


def check_writable(conn: Connection, actor: Actor, interview_id: int) -> Row:
    """Inside the write transaction: the interview is the actor's own and still open.

    Returns its row (interviewer_id, status, reopened_at): a write to a reopened interview is a revision.
    An anonymised candidate's interviews take no writes at all: text typed after the retention pass
    would never be anonymised.
    """
    require(actor, "interviews.conduct")
    row = None if not 0 < interview_id <= ID_LIMIT else conn.execute(
        select(interviews.c.interviewer_id, interviews.c.status, interviews.c.reopened_at, candidates.c.anonymised_at)
        .join(candidates, candidates.c.id == interviews.c.candidate_id)
        .where(interviews.c.id == interview_id)
    ).first()
    if row is None:
        raise no_interview(interview_id)
    if row.interviewer_id != actor.id:
        if not allowed(actor.role, "interviews.review"):  # they may not even know it exists
            raise no_interview(interview_id)
        raise AccessDenied("Only the interviewer who runs an interview can write to it.")
    if row.anonymised_at is not None:
        raise ConflictError(ANONYMISED_READ_ONLY)
    if row.status == InterviewStatus.SUBMITTED:
        raise ConflictError("This interview was submitted and is read-only; nothing was changed.")
    if row.status == InterviewStatus.WITHDRAWN:
        raise ConflictError("This interview was withdrawn and is read-only; nothing was changed.")
    return row

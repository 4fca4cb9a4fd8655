"""The one store: every read and write of Motive's data goes through here.

Writes run in `atomic()` transactions that, on SQLite, start with BEGIN IMMEDIATE:
a deferred transaction that reads and then writes fails with "database is
locked" when two interviewers save at the same moment, and a lost save is the one
thing this product must never do. All SQL is built with SQLAlchemy Core, so every
value is a bound parameter.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, create_engine, event, func, insert, or_, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError

from data import migrations, passwords
from data.access import Role, require
from data.errors import AccessDenied, AuthError, ConflictError, NotFoundError, ValidationError
from data.records import (
    ANSWER_FIELDS,
    MOTIVE_LABELS,
    LabelRecord,
    PanelData,
    ModelVersion,
    Review,
    CANDIDATE_STATUSES,
    LIMITS,
    RECOMMENDATIONS,
    Answer,
    Candidate,
    Interview,
    Position,
    Sheet,
    User,
)
from data.schema import (
    answers,
    audit_log,
    label_reviews,
    model_versions,
    motivation_labels,
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
from data.trust import TrustMixin
from rubric import Rubric, load_kit_text

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]{2,}$")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")


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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def make_engine(settings: Settings) -> Engine:
    """An engine configured for safe concurrent writes on either database."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
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


class Store(TrustMixin):
    """Motive's persistence: accounts, positions, candidates, kits and interviews."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None, upgrade: bool = True) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings)
        self._kit_cache: dict[int, Rubric] = {}
        if upgrade:
            migrations.upgrade(self.engine)

    # -- transactions ---------------------------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """A write transaction: all or nothing, and on SQLite it takes the write lock up front."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(motive_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only snapshot."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()

    # -- the audit trail -------------------------------------------------------------------------

    def _audit(self, conn: Connection, actor: "User | str | None", action: str, entity: str,
               entity_id: int | None = None, **detail) -> None:
        """Append one audit entry inside the caller's transaction, so it lands if and only if the change does.

        `actor=None` is the command line; a string names a non-person actor ("system").
        Callers pass ids, field names and counts in `detail`, never a candidate's name, contact or words,
        so an erased candidate leaves no personal data behind in the log.
        """
        if actor is None:
            actor_id, name = None, "command line"
        elif isinstance(actor, str):
            actor_id, name = None, actor
        else:
            actor_id, name = actor.id, actor.username
        conn.execute(insert(audit_log).values(
            at=utcnow(), actor_id=actor_id, actor=name[:64], action=action, entity=entity, entity_id=entity_id,
            detail=json.dumps(detail, sort_keys=True, default=str),
        ))

    # -- accounts -------------------------------------------------------------------------------

    def user_count(self) -> int:
        with self.reading() as conn:
            return conn.execute(select(func.count()).select_from(users)).scalar_one()

    def _check_password(self, password: str) -> None:
        if not isinstance(password, str) or len(password) < self.settings.min_password_length:
            raise ValidationError(f"Passwords need at least {self.settings.min_password_length} characters.")
        if len(password) > passwords.MAX_PASSWORD_LENGTH:
            raise ValidationError(f"Passwords can be at most {passwords.MAX_PASSWORD_LENGTH} characters.")

    def _insert_user(self, conn: Connection, username: str, password: str, role: str) -> User:
        username = (username or "").strip()
        if not _USERNAME.match(username):
            raise ValidationError(
                "Usernames are 2-64 characters: letters, digits, '.', '_', '@' or '-', starting with a letter or digit."
            )
        try:
            role = Role(role).value
        except ValueError:
            raise ValidationError(f"Unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}.") from None
        self._check_password(password)
        exists = conn.execute(select(users.c.id).where(func.lower(users.c.username) == username.lower())).first()
        if exists:
            raise ValidationError(f"The username {username!r} is taken.")
        now = utcnow()
        uid = conn.execute(
            insert(users).values(
                username=username,
                password_hash=passwords.hash_password(password, self.settings.password_rounds),
                role=role,
                active=True,
                failed_logins=0,
                password_changed_at=now,
                created_at=now,
            )
        ).inserted_primary_key[0]
        return User(id=uid, username=username, role=role, active=True)

    def bootstrap_admin(self, username: str, password: str) -> User:
        """Create the first administrator; refused once any account exists (checked inside the lock)."""
        with self.atomic() as conn:
            if conn.execute(select(func.count()).select_from(users)).scalar_one():
                raise ConflictError("An administrator already exists; sign in instead.")
            user = self._insert_user(conn, username, password, Role.ADMIN)
            self._audit(conn, user, "user.created", "user", user.id, role=user.role, first_administrator=True)
            return user

    def create_user(self, username: str, password: str, role: str, *, actor: User | None) -> User:
        """Create an account. `actor=None` is the command line, which already has the server's trust."""
        if actor is not None:
            require(actor, "users.manage")
        with self.atomic() as conn:
            user = self._insert_user(conn, username, password, role)
            self._audit(conn, actor, "user.created", "user", user.id, username=user.username, role=user.role)
            return user

    def _user(self, row) -> User:
        return User(id=row.id, username=row.username, role=row.role, active=bool(row.active), email=row.email)

    def get_user(self, user_id: int) -> User:
        with self.reading() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id)).first()
        if row is None:
            raise NotFoundError(f"No user with id {user_id}.")
        return self._user(row)

    def list_users(self, actor: User) -> list[User]:
        require(actor, "users.manage")
        with self.reading() as conn:
            return [self._user(r) for r in conn.execute(select(users).order_by(users.c.username))]

    def set_role(self, actor: User, user_id: int, role: str) -> User:
        require(actor, "users.manage")
        try:
            role = Role(role).value
        except ValueError:
            raise ValidationError(f"Unknown role {role!r}.") from None
        with self.atomic() as conn:
            target = conn.execute(select(users).where(users.c.id == user_id)).first()
            if target is None:
                raise NotFoundError(f"No user with id {user_id}.")
            if target.role == Role.ADMIN and role != Role.ADMIN:
                self._keep_one_admin(conn, user_id)
            conn.execute(update(users).where(users.c.id == user_id).values(role=role))
            if target.role != role:
                self._audit(conn, actor, "user.role_changed", "user", user_id, username=target.username,
                            before=target.role, after=role)
        return self.get_user(user_id)

    def set_active(self, actor: User, user_id: int, active: bool) -> User:
        require(actor, "users.manage")
        with self.atomic() as conn:
            target = conn.execute(select(users).where(users.c.id == user_id)).first()
            if target is None:
                raise NotFoundError(f"No user with id {user_id}.")
            if not active and target.role == Role.ADMIN:
                self._keep_one_admin(conn, user_id)
            conn.execute(update(users).where(users.c.id == user_id).values(active=active))
            if bool(target.active) != bool(active):
                self._audit(conn, actor, "user.activated" if active else "user.deactivated", "user", user_id,
                            username=target.username)
            if not active:
                conn.execute(
                    update(sessions)
                    .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
                    .values(revoked_at=utcnow())
                )
        return self.get_user(user_id)

    def _keep_one_admin(self, conn: Connection, leaving_id: int) -> None:
        others = conn.execute(
            select(func.count())
            .select_from(users)
            .where(users.c.role == Role.ADMIN, users.c.active.is_(True), users.c.id != leaving_id)
        ).scalar_one()
        if not others:
            raise ConflictError("This is the last active administrator; make another administrator first.")

    def authenticate(self, username: str, password: str) -> User:
        """Check a username and password; repeated failures lock the account for a while."""
        failure: AuthError | None = None
        with self.atomic() as conn:
            row = conn.execute(
                select(users).where(func.lower(users.c.username) == (username or "").strip().lower())
            ).first()
            now = utcnow()
            if row is None:
                passwords.verify_password(password or "", passwords.dummy_hash(self.settings.password_rounds))
                failure = AuthError("Unknown username or wrong password.")
                self._audit(conn, "anonymous", "auth.sign_in_failed", "user", None,
                            username=str(username or "")[:64], reason="unknown username")
            elif row.locked_until is not None and row.locked_until > now:
                minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
                failure = AuthError(f"Too many failed sign-ins: this account is locked for {minutes} more minute(s).")
                self._audit(conn, "anonymous", "auth.sign_in_failed", "user", row.id,
                            username=row.username, reason="locked")
            elif row.password_hash is None or not passwords.verify_password(password or "", row.password_hash):
                failures = row.failed_logins + 1
                values: dict = {"failed_logins": failures}
                if failures >= self.settings.max_login_failures:
                    values = {"failed_logins": 0, "locked_until": now + timedelta(minutes=self.settings.lockout_minutes)}
                # Committed with the transaction below: the count must persist although sign-in fails.
                conn.execute(update(users).where(users.c.id == row.id).values(**values))
                failure = AuthError("Unknown username or wrong password.")
                self._audit(conn, "anonymous", "auth.sign_in_failed", "user", row.id, username=row.username,
                            reason="wrong password", locked="locked_until" in values)
            elif not row.active:
                failure = AuthError("This account is deactivated; ask an administrator.")
                self._audit(conn, "anonymous", "auth.sign_in_failed", "user", row.id, username=row.username,
                            reason="deactivated")
            else:
                conn.execute(update(users).where(users.c.id == row.id).values(failed_logins=0, locked_until=None))
                self._audit(conn, self._user(row), "auth.signed_in", "user", row.id, method="password")
        if failure is not None:
            raise failure
        return self._user(row)

    def change_password(self, user: User, old: str, new: str, *, keep_token: str | None = None) -> None:
        """Change one's own password; every other sign-in session of the user ends."""
        with self.atomic() as conn:
            row = conn.execute(select(users).where(users.c.id == user.id)).first()
            if row is None or not passwords.verify_password(old or "", row.password_hash):
                raise AuthError("The current password is wrong.")
            self._check_password(new)
            now = utcnow()
            conn.execute(
                update(users)
                .where(users.c.id == user.id)
                .values(password_hash=passwords.hash_password(new, self.settings.password_rounds), password_changed_at=now)
            )
            keep = _token_hash(keep_token) if keep_token else ""
            ended = conn.execute(
                update(sessions)
                .where(sessions.c.user_id == user.id, sessions.c.revoked_at.is_(None), sessions.c.token_hash != keep)
                .values(revoked_at=now)
            ).rowcount
            self._audit(conn, user, "user.password_changed", "user", user.id, other_sessions_ended=ended)

    def reset_password(self, actor: User | None, user_id: int, new: str) -> None:
        """An administrator (or the command line) sets a new password; all the user's sessions end."""
        if actor is not None:
            require(actor, "users.manage")
        self._check_password(new)
        with self.atomic() as conn:
            now = utcnow()
            done = conn.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(
                    password_hash=passwords.hash_password(new, self.settings.password_rounds),
                    password_changed_at=now,
                    failed_logins=0,
                    locked_until=None,
                )
            ).rowcount
            if not done:
                raise NotFoundError(f"No user with id {user_id}.")
            ended = conn.execute(
                update(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None)).values(revoked_at=now)
            ).rowcount
            self._audit(conn, actor, "user.password_reset", "user", user_id, sessions_ended=ended)

    def find_user(self, username: str) -> User:
        with self.reading() as conn:
            row = conn.execute(select(users).where(func.lower(users.c.username) == username.strip().lower())).first()
        if row is None:
            raise NotFoundError(f"No user named {username!r}.")
        return self._user(row)

    # -- sign-in sessions -------------------------------------------------------------------------

    def create_session(self, user: User) -> str:
        """A new sign-in session; the returned token is shown to the browser once and stored only hashed."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        with self.atomic() as conn:
            conn.execute(
                insert(sessions).values(
                    token_hash=_token_hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + timedelta(hours=self.settings.session_hours),
                )
            )
        return token

    def user_for_session(self, token: str | None) -> User:
        """The user a session token belongs to; AuthError if it is unknown, expired, revoked or deactivated."""
        if not token or not isinstance(token, str):
            raise AuthError("Not signed in.")
        with self.reading() as conn:
            row = conn.execute(
                select(users, sessions.c.expires_at, sessions.c.revoked_at)
                .join(sessions, sessions.c.user_id == users.c.id)
                .where(sessions.c.token_hash == _token_hash(token))
            ).first()
        if row is None or row.revoked_at is not None:
            raise AuthError("Your sign-in has ended; please sign in again.")
        if row.expires_at <= utcnow():
            raise AuthError("Your sign-in has expired; please sign in again.")
        if not row.active:
            raise AuthError("This account is deactivated; ask an administrator.")
        return self._user(row)

    def end_session(self, token: str | None) -> None:
        if not token or not isinstance(token, str):
            return
        with self.atomic() as conn:
            row = conn.execute(
                select(users).join(sessions, sessions.c.user_id == users.c.id)
                .where(sessions.c.token_hash == _token_hash(token), sessions.c.revoked_at.is_(None))
            ).first()
            if row is None:
                return
            conn.execute(
                update(sessions)
                .where(sessions.c.token_hash == _token_hash(token), sessions.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            self._audit(conn, self._user(row), "auth.signed_out", "user", row.id)

    # -- positions and candidates ----------------------------------------------------------------

    def create_position(self, actor: User, name: str, description: str = "") -> Position:
        require(actor, "positions.write")
        name = clean_text(name, "position_name").strip()
        description = clean_text(description, "position_description").strip()
        if not name:
            raise ValidationError("A position needs a name.")
        with self.atomic() as conn:
            if conn.execute(select(positions.c.id).where(func.lower(positions.c.name) == name.lower())).first():
                raise ValidationError(f"A position named {name!r} already exists.")
            pid = conn.execute(
                insert(positions).values(name=name, description=description, created_at=utcnow())
            ).inserted_primary_key[0]
            self._audit(conn, actor, "position.created", "position", pid)
        return Position(id=pid, name=name, description=description)

    def list_positions(self) -> list[Position]:
        with self.reading() as conn:
            rows = conn.execute(select(positions).order_by(positions.c.name)).all()
        return [Position(id=r.id, name=r.name, description=r.description) for r in rows]

    def get_position(self, position_id: int) -> Position:
        with self.reading() as conn:
            r = conn.execute(select(positions).where(positions.c.id == position_id)).first()
        if r is None:
            raise NotFoundError(f"No position with id {position_id}.")
        return Position(id=r.id, name=r.name, description=r.description)

    @staticmethod
    def normalise_email(email: str | None) -> str | None:
        email = clean_text(email, "email").strip()
        if not email:
            return None
        if not _EMAIL.match(email):
            raise ValidationError(f"{email!r} is not a valid email address.")
        return email.lower()

    def add_candidate(self, actor: User, position_id: int, name: str, email: str | None = None) -> Candidate:
        require(actor, "candidates.write")
        name = clean_text(name, "candidate_name").strip()
        if not name:
            raise ValidationError("A candidate needs a name.")
        email = self.normalise_email(email)
        with self.atomic() as conn:
            if conn.execute(select(positions.c.id).where(positions.c.id == position_id)).first() is None:
                raise NotFoundError(f"No position with id {position_id}.")
            if email and conn.execute(
                select(candidates.c.id).where(candidates.c.position_id == position_id, candidates.c.email == email)
            ).first():
                raise ValidationError(f"A candidate with the email {email} already applied for this position.")
            cid = conn.execute(
                insert(candidates).values(
                    position_id=position_id, name=name, email=email, status="active", created_at=utcnow()
                )
            ).inserted_primary_key[0]
            self._audit(conn, actor, "candidate.created", "candidate", cid, position_id=position_id)
        return self.get_candidate(actor, cid)

    def _candidate_query(self):
        return select(candidates, positions.c.name.label("position_name")).join(
            positions, positions.c.id == candidates.c.position_id
        )

    @staticmethod
    def _candidate(r) -> Candidate:
        return Candidate(
            id=r.id,
            position_id=r.position_id,
            position_name=r.position_name,
            name=r.name,
            email=r.email,
            status=r.status,
            created_at=r.created_at,
        )

    def get_candidate(self, actor: User, candidate_id: int) -> Candidate:
        require(actor, "candidates.view")
        with self.reading() as conn:
            r = conn.execute(self._candidate_query().where(candidates.c.id == candidate_id)).first()
        if r is None:
            raise NotFoundError(f"No candidate with id {candidate_id}.")
        return self._candidate(r)

    def list_candidates(
        self, actor: User, *, position_id: int | None = None, search: str = "", limit: int = 200
    ) -> list[Candidate]:
        """Newest first; `search` matches name or email, case-insensitively, as a plain substring."""
        require(actor, "candidates.view")
        q = self._candidate_query()
        if position_id is not None:
            q = q.where(candidates.c.position_id == position_id)
        search = (search or "").strip().lower()
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            q = q.where(
                or_(
                    func.lower(candidates.c.name).like(pattern, escape="\\"),
                    func.lower(candidates.c.email).like(pattern, escape="\\"),
                )
            )
        q = q.order_by(candidates.c.id.desc()).limit(limit)
        with self.reading() as conn:
            return [self._candidate(r) for r in conn.execute(q)]

    def set_candidate_status(self, actor: User, candidate_id: int, status: str) -> None:
        require(actor, "candidates.write")
        if status not in CANDIDATE_STATUSES:
            raise ValidationError(f"Unknown status {status!r}; choose one of {', '.join(CANDIDATE_STATUSES)}.")
        with self.atomic() as conn:
            before = conn.execute(select(candidates.c.status).where(candidates.c.id == candidate_id)).scalar()
            if before is None:
                raise NotFoundError(f"No candidate with id {candidate_id}.")
            if before == status:
                return
            conn.execute(update(candidates).where(candidates.c.id == candidate_id)
                         .values(status=status, status_changed_at=utcnow()))
            self._audit(conn, actor, "candidate.status_changed", "candidate", candidate_id, before=before, after=status)

    # -- kits ------------------------------------------------------------------------------------

    def register_kit(self, kit: Rubric) -> int:
        """Record the exact kit text an interview will use; the same text is stored once."""
        sha = hashlib.sha256(kit.source.encode("utf-8")).hexdigest()
        key = (kit_versions.c.kit_id == kit.id, kit_versions.c.version == kit.version, kit_versions.c.sha256 == sha)
        with self.reading() as conn:
            found = conn.execute(select(kit_versions.c.id).where(*key)).scalar()
        if found is not None:
            return found
        try:
            with self.atomic() as conn:
                return conn.execute(
                    insert(kit_versions).values(
                        kit_id=kit.id, version=kit.version, sha256=sha, name=kit.name, source=kit.source, created_at=utcnow()
                    )
                ).inserted_primary_key[0]
        except IntegrityError:  # another process registered it first
            with self.reading() as conn:
                return conn.execute(select(kit_versions.c.id).where(*key)).scalar_one()

    def kit_for_version(self, kit_version_id: int) -> Rubric:
        """The kit exactly as it was when the interview started, whatever the files say today."""
        if kit_version_id not in self._kit_cache:
            with self.reading() as conn:
                row = conn.execute(select(kit_versions).where(kit_versions.c.id == kit_version_id)).first()
            if row is None:
                raise NotFoundError(f"No kit version with id {kit_version_id}.")
            self._kit_cache[kit_version_id] = load_kit_text(row.source, origin=f"stored kit {row.kit_id} v{row.version}")
        return self._kit_cache[kit_version_id]

    # -- interviews ------------------------------------------------------------------------------

    def start_interview(self, actor: User, candidate_id: int, kit: Rubric) -> int:
        """Start (or resume) the actor's interview of a candidate; rows for every question exist from the start."""
        require(actor, "interviews.conduct")
        kit_version_id = self.register_kit(kit)
        existing = self._interview_id_for(actor.id, candidate_id)
        if existing is not None:
            return existing
        now = utcnow()
        try:
            with self.atomic() as conn:
                if conn.execute(select(candidates.c.id).where(candidates.c.id == candidate_id)).first() is None:
                    raise NotFoundError(f"No candidate with id {candidate_id}.")
                iid = conn.execute(
                    insert(interviews).values(
                        candidate_id=candidate_id,
                        interviewer_id=actor.id,
                        kit_version_id=kit_version_id,
                        status="in_progress",
                        current_question=kit.questions[0].id,
                        started_at=now,
                        updated_at=now,
                    )
                ).inserted_primary_key[0]
                conn.execute(
                    insert(answers),
                    [
                        {"interview_id": iid, "question_id": q.id, "story": "", "why": "", "feeling": "", "notes": "",
                         "revision": 0, "updated_at": now}
                        for q in kit.questions
                    ],
                )
                conn.execute(
                    insert(ratings), [{"interview_id": iid, "question_id": q.id, "updated_at": now} for q in kit.questions]
                )
                conn.execute(insert(recommendations).values(interview_id=iid, note="", updated_at=now))
                self._audit(conn, actor, "interview.started", "interview", iid, candidate_id=candidate_id,
                            kit=f"{kit.id} {kit.version}")
                return iid
        except IntegrityError:  # a double click or a second tab started it a moment ago
            existing = self._interview_id_for(actor.id, candidate_id)
            if existing is None:
                raise
            return existing

    def _interview_id_for(self, interviewer_id: int, candidate_id: int) -> int | None:
        with self.reading() as conn:
            return conn.execute(
                select(interviews.c.id).where(
                    interviews.c.candidate_id == candidate_id, interviews.c.interviewer_id == interviewer_id
                )
            ).scalar()

    def _interview_query(self):
        return (
            select(
                interviews,
                candidates.c.name.label("candidate_name"),
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

    @staticmethod
    def _interview(r) -> Interview:
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
        )

    def get_interview(self, actor: User, interview_id: int) -> Interview:
        """An interview the actor may see: their own, or any one for reviewing roles."""
        with self.reading() as conn:
            r = conn.execute(self._interview_query().where(interviews.c.id == interview_id)).first()
        if r is None:
            raise NotFoundError(f"No interview with id {interview_id}.")
        interview = self._interview(r)
        if interview.interviewer_id != actor.id:
            try:
                require(actor, "interviews.review")
            except AccessDenied:
                raise NotFoundError(f"No interview with id {interview_id} among yours.") from None
        return interview

    def list_interviews(
        self, actor: User, *, mine: bool = True, status: str | None = None, candidate_id: int | None = None
    ) -> list[Interview]:
        q = self._interview_query()
        if mine:
            q = q.where(interviews.c.interviewer_id == actor.id)
        else:
            require(actor, "interviews.review")
        if status:
            q = q.where(interviews.c.status == status)
        if candidate_id is not None:
            q = q.where(interviews.c.candidate_id == candidate_id)
        with self.reading() as conn:
            return [self._interview(r) for r in conn.execute(q.order_by(interviews.c.updated_at.desc()).limit(500))]

    def sheet(self, actor: User, interview_id: int) -> Sheet:
        """Everything recorded in one interview the actor may see, in one read snapshot."""
        return self._sheet(self.get_interview(actor, interview_id))

    def _sheet(self, interview: Interview) -> Sheet:
        """Read an interview's records; callers have already decided the reader may see them."""
        with self.reading() as conn:
            answer_rows = conn.execute(select(answers).where(answers.c.interview_id == interview.id)).all()
            rating_rows = conn.execute(select(ratings).where(ratings.c.interview_id == interview.id)).all()
            rec = conn.execute(select(recommendations).where(recommendations.c.interview_id == interview.id)).first()
        return Sheet(
            interview=interview,
            answers={a.question_id: self._answer(a) for a in answer_rows},
            ratings={r.question_id: r.score for r in rating_rows},
            recommendation=rec.value if rec else None,
            recommendation_note=rec.note if rec else "",
        )

    @staticmethod
    def _answer(a) -> Answer:
        return Answer(
            question_id=a.question_id, story=a.story, why=a.why, feeling=a.feeling, notes=a.notes,
            revision=a.revision, updated_at=a.updated_at,
        )

    def _writable(self, conn: Connection, actor: User, interview_id: int) -> None:
        """Inside the write transaction: the interview is the actor's own and still open."""
        require(actor, "interviews.conduct")
        row = conn.execute(
            select(interviews.c.interviewer_id, interviews.c.status).where(interviews.c.id == interview_id)
        ).first()
        if row is None:
            raise NotFoundError(f"No interview with id {interview_id}.")
        if row.interviewer_id != actor.id:
            raise AccessDenied("Only the interviewer who runs an interview can write to it.")
        if row.status == "submitted":
            raise ConflictError("This interview was submitted and is read-only; nothing was changed.")

    def save_answer_field(self, actor: User, interview_id: int, question_id: str, field: str, text: str) -> Answer:
        """Save one field the moment it leaves focus; returns the answer as now stored."""
        if field not in ANSWER_FIELDS:
            raise ValidationError(f"Unknown answer field {field!r}; expected one of {', '.join(ANSWER_FIELDS)}.")
        text = clean_text(text, field)
        now = utcnow()
        with self.atomic() as conn:
            self._writable(conn, actor, interview_id)
            done = conn.execute(
                update(answers)
                .where(answers.c.interview_id == interview_id, answers.c.question_id == question_id)
                .values({field: text, "revision": answers.c.revision + 1, "updated_at": now})
            ).rowcount
            if not done:
                raise NotFoundError(f"Question {question_id!r} is not part of interview {interview_id}.")
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(updated_at=now))
            a = conn.execute(
                select(answers).where(answers.c.interview_id == interview_id, answers.c.question_id == question_id)
            ).one()
            self._audit(conn, actor, "answer.edited", "interview", interview_id, question=question_id, field=field,
                        revision=a.revision, characters=len(text))
        return self._answer(a)

    def save_rating(self, actor: User, interview_id: int, question_id: str, score: int | None) -> datetime:
        if score is not None and (isinstance(score, bool) or score not in (1, 2, 3, 4, 5)):
            raise ValidationError("Ratings are whole numbers from 1 to 5.")
        now = utcnow()
        with self.atomic() as conn:
            self._writable(conn, actor, interview_id)
            done = conn.execute(
                update(ratings)
                .where(ratings.c.interview_id == interview_id, ratings.c.question_id == question_id)
                .values(score=score, updated_at=now)
            ).rowcount
            if not done:
                raise NotFoundError(f"Question {question_id!r} is not part of interview {interview_id}.")
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(updated_at=now))
            self._audit(conn, actor, "rating.edited", "interview", interview_id, question=question_id, score=score)
        return now

    def save_recommendation(self, actor: User, interview_id: int, value: str | None, note: str | None = None) -> datetime:
        """Save the overall recommendation; `note=None` leaves the note as it was."""
        if value is not None and value not in RECOMMENDATIONS:
            raise ValidationError(f"Recommendation must be one of {', '.join(RECOMMENDATIONS)}.")
        values: dict = {"value": value, "updated_at": utcnow()}
        if note is not None:
            values["note"] = clean_text(note, "recommendation_note")
        with self.atomic() as conn:
            self._writable(conn, actor, interview_id)
            conn.execute(update(recommendations).where(recommendations.c.interview_id == interview_id).values(**values))
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(updated_at=values["updated_at"]))
            self._audit(conn, actor, "recommendation.edited", "interview", interview_id, value=value,
                        note_changed=note is not None)
        return values["updated_at"]

    def save_recommendation_note(self, actor: User, interview_id: int, note: str) -> datetime:
        note = clean_text(note, "recommendation_note")
        now = utcnow()
        with self.atomic() as conn:
            self._writable(conn, actor, interview_id)
            conn.execute(
                update(recommendations).where(recommendations.c.interview_id == interview_id).values(note=note, updated_at=now)
            )
            self._audit(conn, actor, "recommendation.edited", "interview", interview_id, note_changed=True)
        return now

    def set_current_question(self, actor: User, interview_id: int, question_id: str) -> None:
        """Remember where the interviewer is, so another tab or a reconnect opens the same question."""
        with self.atomic() as conn:
            row = conn.execute(
                select(interviews.c.interviewer_id, interviews.c.status).where(interviews.c.id == interview_id)
            ).first()
            if row is None or row.interviewer_id != actor.id or row.status == "submitted":
                return
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(current_question=question_id))

    def submit_interview(self, actor: User, interview_id: int, *, accept_gaps: bool = False) -> tuple[str, ...]:
        """Submit; with gaps, refuse unless `accept_gaps`. Returns the gaps flagged. Nothing is ever dropped."""
        from data.progress import gaps

        sheet = self.sheet(actor, interview_id)
        kit = self.kit_for_version(sheet.interview.kit_version_id)
        flagged = gaps(sheet, kit)
        if flagged and not accept_gaps:
            raise ValidationError("Not submitted; still open: " + "; ".join(flagged))
        with self.atomic() as conn:
            self._writable(conn, actor, interview_id)
            now = utcnow()
            conn.execute(
                update(interviews)
                .where(interviews.c.id == interview_id)
                .values(status="submitted", submitted_at=now, updated_at=now)
            )
            self._audit(conn, actor, "interview.submitted", "interview", interview_id, open_parts=len(flagged))
        return flagged

    # -- motivation labels and reviews ------------------------------------------------------------

    def answer_for(self, actor: User, interview_id: int, question_id: str) -> Answer:
        sheet = self.sheet(actor, interview_id)
        if question_id not in sheet.answers:
            raise NotFoundError(f"Question {question_id!r} is not part of interview {interview_id}.")
        return sheet.answers[question_id]

    def record_label(
        self, actor: User, interview_id: int, question_id: str, *, label: str, confidence: float,
        probabilities: dict[str, float], evidence: list[dict], model_version: str, input_text: str,
    ) -> bool:
        """Keep the model's output for an answer; skipped (False) when the text and model are unchanged."""
        if label not in MOTIVE_LABELS:
            raise ValidationError(f"Unknown motivation label {label!r}.")
        sha = hashlib.sha256(f"{model_version}\n{input_text}".encode("utf-8")).hexdigest()
        with self.atomic() as conn:
            self._writable(conn, actor, interview_id)
            answer_id = self._answer_id(conn, interview_id, question_id)
            latest = conn.execute(
                select(motivation_labels.c.input_sha)
                .where(motivation_labels.c.answer_id == answer_id)
                .order_by(motivation_labels.c.id.desc())
                .limit(1)
            ).scalar()
            if latest == sha:
                return False
            conn.execute(insert(motivation_labels).values(
                answer_id=answer_id, model_version=model_version, label=label, confidence=float(confidence),
                probabilities=json.dumps(probabilities), evidence=json.dumps(evidence), input_sha=sha,
                created_at=utcnow(),
            ))
        return True

    def _answer_id(self, conn: Connection, interview_id: int, question_id: str) -> int:
        answer_id = conn.execute(
            select(answers.c.id).where(answers.c.interview_id == interview_id, answers.c.question_id == question_id)
        ).scalar()
        if answer_id is None:
            raise NotFoundError(f"Question {question_id!r} is not part of interview {interview_id}.")
        return answer_id

    def review_label(
        self, actor: User, interview_id: int, question_id: str, *, action: str, label: str | None = None,
        reason: str = "",
    ) -> None:
        """Confirm the model's latest label, or override it with a reason; the model's output is kept."""
        if action not in ("confirm", "override"):
            raise ValidationError("A review either confirms or overrides the label.")
        reason = clean_text(reason, "review_reason").strip()
        with self.atomic() as conn:
            self._writable(conn, actor, interview_id)
            answer_id = self._answer_id(conn, interview_id, question_id)
            latest = conn.execute(
                select(motivation_labels.c.id, motivation_labels.c.label)
                .where(motivation_labels.c.answer_id == answer_id)
                .order_by(motivation_labels.c.id.desc())
                .limit(1)
            ).first()
            if latest is None:
                raise ConflictError("There is no model label to review yet: save the why or the feeling first.")
            if action == "confirm":
                label = latest.label
            else:
                if label not in MOTIVE_LABELS:
                    raise ValidationError(f"Choose one of {', '.join(MOTIVE_LABELS)} to override with.")
                if not reason:
                    raise ValidationError("An override needs a reason: say what the candidate's answer shows.")
            conn.execute(insert(label_reviews).values(
                answer_id=answer_id, motivation_label_id=latest.id, action=action, label=label, reason=reason,
                reviewer_id=actor.id, created_at=utcnow(),
            ))
            self._audit(conn, actor, "label.confirmed" if action == "confirm" else "label.overridden", "interview",
                        interview_id, question=question_id, model_label=latest.label, final_label=label)

    def labels(self, actor: User, interview_id: int) -> dict[str, LabelRecord]:
        """The latest model label per question, with its latest review if that review is of this label."""
        self.get_interview(actor, interview_id)  # visibility check
        return self._labels_where(answers.c.interview_id == interview_id).get(interview_id, {})

    def _labels_where(self, condition) -> dict[int, dict[str, LabelRecord]]:
        newest = (
            select(func.max(motivation_labels.c.id))
            .join(answers, answers.c.id == motivation_labels.c.answer_id)
            .where(condition)
            .group_by(motivation_labels.c.answer_id)
        )
        with self.reading() as conn:
            rows = conn.execute(
                select(motivation_labels, answers.c.question_id, answers.c.interview_id)
                .join(answers, answers.c.id == motivation_labels.c.answer_id)
                .where(motivation_labels.c.id.in_(newest))
            ).all()
            ids = [r.id for r in rows]
            reviews: dict[int, Review] = {}
            if ids:
                for rv in conn.execute(
                    select(label_reviews, users.c.username)
                    .join(users, users.c.id == label_reviews.c.reviewer_id)
                    .where(label_reviews.c.motivation_label_id.in_(ids))
                    .order_by(label_reviews.c.id)
                ):
                    reviews[rv.motivation_label_id] = Review(rv.action, rv.label, rv.reason, rv.username, rv.created_at)
        out: dict[int, dict[str, LabelRecord]] = {}
        for r in rows:
            out.setdefault(r.interview_id, {})[r.question_id] = LabelRecord(
                id=r.id, question_id=r.question_id, label=r.label, confidence=r.confidence,
                probabilities=json.loads(r.probabilities), evidence=tuple(json.loads(r.evidence)),
                model_version=r.model_version, created_at=r.created_at, review=reviews.get(r.id),
            )
        return out

    def motivation_profile(self, actor: User, candidate_id: int) -> dict:
        """Counts per final label across the candidate's questions and interviewers.

        Returns {"total": Counter-like dict, "by_interviewer": {name: dict}}; the
        interviewer's confirmed or overridden label wins over the model's.
        """
        require(actor, "interviews.review")
        with self.reading() as conn:
            names = dict(conn.execute(
                select(interviews.c.id, users.c.username)
                .join(users, users.c.id == interviews.c.interviewer_id)
                .where(interviews.c.candidate_id == candidate_id)
            ).all())
        labels = self._labels_where(answers.c.interview_id.in_(list(names) or [-1]))
        total = {label: 0 for label in MOTIVE_LABELS}
        by: dict[str, dict[str, int]] = {}
        for iid, per_q in labels.items():
            mine = by.setdefault(names[iid], {label: 0 for label in MOTIVE_LABELS})
            for rec in per_q.values():
                total[rec.final_label] += 1
                mine[rec.final_label] += 1
        return {"total": total, "by_interviewer": by}

    def reviewed_examples(self) -> list[tuple[str, str, str, str]]:
        """(final label, story, why, feeling) for every answer an interviewer reviewed: retraining data."""
        latest = select(func.max(label_reviews.c.id)).group_by(label_reviews.c.answer_id)
        with self.reading() as conn:
            rows = conn.execute(
                select(label_reviews.c.label, answers.c.story, answers.c.why, answers.c.feeling)
                .join(answers, answers.c.id == label_reviews.c.answer_id)
                .where(label_reviews.c.id.in_(latest))
                .order_by(label_reviews.c.id)
            ).all()
        return [tuple(r) for r in rows]

    # -- model versions ---------------------------------------------------------------------------

    def _model_version(self, r) -> ModelVersion:
        return ModelVersion(
            id=r.id, version=r.version, status=r.status, metrics=json.loads(r.metrics or "{}"), notes=r.notes,
            created_by=r.username, created_at=r.created_at, activated_at=r.activated_at,
        )

    def list_model_versions(self) -> list[ModelVersion]:
        with self.reading() as conn:
            rows = conn.execute(
                select(model_versions.c.id, model_versions.c.version, model_versions.c.status,
                       model_versions.c.metrics, model_versions.c.notes, model_versions.c.created_at,
                       model_versions.c.activated_at, users.c.username)
                .outerjoin(users, users.c.id == model_versions.c.created_by)
                .order_by(model_versions.c.id.desc())
            ).all()
        return [self._model_version(r) for r in rows]

    def active_model_version(self) -> str | None:
        with self.reading() as conn:
            return conn.execute(select(model_versions.c.version).where(model_versions.c.status == "active")).scalar()

    def model_artifact(self, version: str) -> bytes:
        with self.reading() as conn:
            data = conn.execute(select(model_versions.c.artifact).where(model_versions.c.version == version)).scalar()
        if data is None:
            raise NotFoundError(f"No model version {version!r}.")
        return bytes(data)

    def add_model_version(
        self, actor: User | None, version: str, artifact: bytes, *, metrics: dict, notes: str = "",
        activate: bool = False,
    ) -> None:
        """Keep a model artifact; `actor=None` is the app installing its shipped default model."""
        if actor is not None:
            require(actor, "users.manage")
        now = utcnow()
        try:
            with self.atomic() as conn:
                if activate:
                    self._demote_active(conn)
                conn.execute(insert(model_versions).values(
                    version=version, status="active" if activate else "candidate", artifact=artifact,
                    metrics=json.dumps(metrics), notes=notes, created_by=actor.id if actor else None,
                    created_at=now, activated_at=now if activate else None,
                ))
                self._audit(conn, actor if actor is not None else "system", "model.added", "model", None,
                            version=version, activated=activate)
        except IntegrityError:
            raise ConflictError(f"A model version {version!r} already exists.") from None

    @staticmethod
    def _model_status(conn: Connection, version: str) -> str:
        status = conn.execute(select(model_versions.c.status).where(model_versions.c.version == version)).scalar()
        if status is None:
            raise NotFoundError(f"No model version {version!r}.")
        return status

    @staticmethod
    def _demote_active(conn: Connection) -> None:
        """The active model becomes the roll-back target; the old roll-back target retires."""
        conn.execute(update(model_versions).where(model_versions.c.status == "previous").values(status="retired"))
        conn.execute(update(model_versions).where(model_versions.c.status == "active").values(status="previous"))

    def activate_model(self, actor: User, version: str) -> None:
        """Make a candidate (or an older) version active; the active one becomes the rollback target."""
        require(actor, "users.manage")
        with self.atomic() as conn:
            status = self._model_status(conn, version)
            if status == "active":
                return
            self._demote_active(conn)
            conn.execute(update(model_versions).where(model_versions.c.version == version)
                         .values(status="active", activated_at=utcnow()))
            self._audit(conn, actor, "model.activated", "model", None, version=version)

    def rollback_model(self, actor: User) -> str:
        """Return to the previously active model; returns its version."""
        require(actor, "users.manage")
        with self.atomic() as conn:
            previous = conn.execute(select(model_versions.c.version).where(model_versions.c.status == "previous")).scalar()
            if previous is None:
                raise ConflictError("There is no previous model to roll back to.")
            conn.execute(update(model_versions).where(model_versions.c.status == "active").values(status="retired"))
            conn.execute(update(model_versions).where(model_versions.c.version == previous)
                         .values(status="active", activated_at=utcnow()))
            self._audit(conn, actor, "model.rolled_back", "model", None, version=previous)
        return previous

    def retire_model(self, actor: User, version: str) -> None:
        """Set a candidate aside without deleting it; the active model cannot be retired this way."""
        require(actor, "users.manage")
        with self.atomic() as conn:
            status = self._model_status(conn, version)
            if status == "active":
                raise ConflictError("The active model cannot be discarded; activate or roll back to another first.")
            conn.execute(update(model_versions).where(model_versions.c.version == version).values(status="retired"))
            self._audit(conn, actor, "model.retired", "model", None, version=version)

    # -- panels: what scoring and agreement read ---------------------------------------------------

    def panel_data(self, actor: User, *, position_id: int | None = None,
                   candidate_ids: list[int] | None = None, statuses=None) -> PanelData:
        """Every submitted interview (of a position, or of some candidates) and what it recorded."""
        require(actor, "interviews.review")
        q = self._submitted(position_id, candidate_ids, statuses)
        with self.reading() as conn:
            ivs = conn.execute(q.order_by(interviews.c.id)).all()
            ids = select(q.subquery().c.id)
            rts = conn.execute(select(ratings.c.interview_id, ratings.c.question_id, ratings.c.score)
                               .where(ratings.c.interview_id.in_(ids))).all()
            recs = conn.execute(select(recommendations.c.interview_id, recommendations.c.value)
                                .where(recommendations.c.interview_id.in_(ids))).all()
            newest = select(func.max(motivation_labels.c.id)).group_by(motivation_labels.c.answer_id)
            labs = conn.execute(
                select(motivation_labels.c.id, answers.c.interview_id, answers.c.question_id, motivation_labels.c.label)
                .join(answers, answers.c.id == motivation_labels.c.answer_id)
                .where(answers.c.interview_id.in_(ids), motivation_labels.c.id.in_(newest))
            ).all()
            latest_review = select(func.max(label_reviews.c.id)).group_by(label_reviews.c.motivation_label_id)
            reviewed = dict(conn.execute(
                select(label_reviews.c.motivation_label_id, label_reviews.c.label)
                .where(label_reviews.c.id.in_(latest_review))
            ).all()) if labs else {}
        return PanelData(
            interviews=tuple(tuple(r) for r in ivs),
            ratings=tuple(tuple(r) for r in rts),
            recommendations=tuple(tuple(r) for r in recs),
            labels=tuple((r.interview_id, r.question_id, r.label, reviewed.get(r.id, r.label), r.id in reviewed)
                         for r in labs),
        )

    @staticmethod
    def _submitted(position_id: int | None, candidate_ids: list[int] | None, statuses=None):
        """The submitted interviews a panel view or report covers."""
        q = (
            select(interviews.c.id, interviews.c.candidate_id, candidates.c.name, candidates.c.status,
                   users.c.username, interviews.c.kit_version_id, interviews.c.submitted_at)
            .join(candidates, candidates.c.id == interviews.c.candidate_id)
            .join(users, users.c.id == interviews.c.interviewer_id)
            .where(interviews.c.status == "submitted")
        )
        if position_id is not None:
            q = q.where(candidates.c.position_id == position_id)
        if candidate_ids is not None:
            q = q.where(interviews.c.candidate_id.in_(candidate_ids or [-1]))
        if statuses is not None:
            q = q.where(candidates.c.status.in_(list(statuses) or ["-"]))
        return q

    def iter_report_rows(self, actor: User, *, position_id: int | None = None,
                         candidate_ids: list[int] | None = None, statuses=None, batch: int = 2000) -> Iterator[tuple]:
        """Every answer of the selected submitted interviews with its latest label and review, streamed.

        Yields (interview_id, question_id, story, why, feeling, notes, model_label, confidence,
        evidence_json, final_label, review_action, review_reason); label fields are None when
        the answer was never labelled. One query, read `batch` rows at a time, so a report's
        memory stays flat however many candidates it covers.
        """
        require(actor, "interviews.review")
        ids = select(self._submitted(position_id, candidate_ids, statuses).subquery().c.id)
        latest = (select(motivation_labels.c.answer_id, func.max(motivation_labels.c.id).label("lid"))
                  .group_by(motivation_labels.c.answer_id).subquery())
        reviewed = (select(label_reviews.c.motivation_label_id, func.max(label_reviews.c.id).label("rid"))
                    .group_by(label_reviews.c.motivation_label_id).subquery())
        q = (
            select(answers.c.interview_id, answers.c.question_id, answers.c.story, answers.c.why, answers.c.feeling,
                   answers.c.notes, motivation_labels.c.label, motivation_labels.c.confidence,
                   motivation_labels.c.evidence, label_reviews.c.label, label_reviews.c.action, label_reviews.c.reason)
            .outerjoin(latest, latest.c.answer_id == answers.c.id)
            .outerjoin(motivation_labels, motivation_labels.c.id == latest.c.lid)
            .outerjoin(reviewed, reviewed.c.motivation_label_id == motivation_labels.c.id)
            .outerjoin(label_reviews, label_reviews.c.id == reviewed.c.rid)
            .where(answers.c.interview_id.in_(ids))
            .order_by(answers.c.interview_id, answers.c.id)
        )
        with self.reading() as conn:
            for r in conn.execution_options(yield_per=batch).execute(q):
                yield (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] or r[6], r[10], r[11])

    def candidates_of(self, actor: User, candidate_ids) -> dict[int, Candidate]:
        require(actor, "candidates.view")
        ids = list(candidate_ids)
        out: dict[int, Candidate] = {}
        with self.reading() as conn:
            for start in range(0, len(ids), 500):
                for c in conn.execute(self._candidate_query().where(candidates.c.id.in_(ids[start:start + 500]))):
                    out[c.id] = self._candidate(c)
        return out

    def kits_by_version(self, kit_version_ids) -> dict[int, Rubric]:
        return {k: self.kit_for_version(k) for k in set(kit_version_ids)}

    def panel_for(self, actor: User, candidate_id: int) -> list[Sheet]:
        """The other interviewers' submitted interviews of a candidate.

        An interviewer sees them only once their own interview of that candidate is
        submitted, so nobody's ratings are anchored by a colleague's; reviewing roles
        see them always.
        """
        try:
            require(actor, "interviews.review")
        except AccessDenied:
            own = self._interview_id_for(actor.id, candidate_id)
            if own is None or self.get_interview(actor, own).status != "submitted":
                raise AccessDenied("Other interviewers' ratings and notes appear once you submit your own.") from None
        with self.reading() as conn:
            rows = conn.execute(
                self._interview_query().where(interviews.c.candidate_id == candidate_id,
                                              interviews.c.status == "submitted",
                                              interviews.c.interviewer_id != actor.id)
                .order_by(interviews.c.id)
            ).all()
        return [self._sheet(self._interview(r)) for r in rows]

    # -- import --------------------------------------------------------------------------------

    def candidates_with_email(self, actor: User) -> list[tuple[str, str]]:
        """(position name, email) of every candidate with an email: what an import must not repeat."""
        require(actor, "candidates.view")
        with self.reading() as conn:
            return [tuple(r) for r in conn.execute(
                select(positions.c.name, candidates.c.email)
                .join(candidates, candidates.c.position_id == positions.c.id)
                .where(candidates.c.email.is_not(None)))]

    def import_candidates(self, actor: User, rows: list[tuple[str, str, str]]) -> tuple[int, list[str]]:
        """Add (name, email, position) rows in one transaction, creating unknown positions.

        All or nothing: a row that turns out invalid inside the transaction (say, the same
        email added a moment ago by someone else) rolls everything back.
        """
        require(actor, "candidates.import")
        if not rows:
            raise ValidationError("There are no valid rows to import.")
        now = utcnow()
        created: list[str] = []
        with self.atomic() as conn:
            known = {name.lower(): pid for pid, name in conn.execute(select(positions.c.id, positions.c.name))}
            taken = {(pid, email) for pid, email in conn.execute(
                select(candidates.c.position_id, candidates.c.email).where(candidates.c.email.is_not(None)))}
            batch = []
            for name, email, position in rows:
                name = clean_text(name, "candidate_name").strip()
                position = clean_text(position, "position_name").strip()
                email = self.normalise_email(email)
                if not name or not position:
                    raise ValidationError("Every imported row needs a name and a position; nothing was imported.")
                pid = known.get(position.lower())
                if pid is None:
                    pid = conn.execute(insert(positions).values(name=position, description="", created_at=now)
                                       ).inserted_primary_key[0]
                    known[position.lower()] = pid
                    created.append(position)
                if email and (pid, email) in taken:
                    raise ValidationError(f"{email} is already a candidate for {position}; nothing was imported.")
                taken.add((pid, email))
                batch.append({"position_id": pid, "name": name, "email": email, "status": "active", "created_at": now})
            conn.execute(insert(candidates), batch)
            self._audit(conn, actor, "candidates.imported", "candidate", None, rows=len(batch),
                        positions_created=len(created))
        return len(batch), created

    def record_export(self, actor: User | None, what: str, **detail) -> None:
        """Log that data left the system (a report, a subject-access file, the audit log itself)."""
        with self.atomic() as conn:
            self._audit(conn, actor, "export." + what, "export", None, **detail)

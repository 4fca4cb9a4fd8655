"""Accounts: password and single-sign-on accounts, roles, sign-in and sign-in sessions.

Repeated failed sign-ins pause sign-in for one account from one source address, never for the
account everywhere, so nobody can lock someone else out by guessing; the pause is read from the
audit log's own entries, and an administrator lifts it. A session token is shown to the browser
once and stored only hashed; roles always come from Motive's own table, also for single sign-on,
where the identity provider only vouches for an e-mail address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from data import passwords
from data.access import Role, require
from data.errors import AuthError, ConflictError, NotFoundError, ValidationError
from data.records import ANONYMOUS, Actor, User
from data.schema import audit_log, meta, sessions, users
from data.store.base import StoreBase, normalise_email, to_user, utcnow

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")


# Failures in one window from all sources together before sources that never signed in to the
# account are paused too: it bounds guessing spread over many addresses, and cannot shut out an
# address the account's owner has signed in from.
ACCOUNT_FACTOR = 4
_PSEUDONYM_KEY = "pseudonym_key"  # motive_meta: this installation's secret for keyed hashes
# What each counted event does to the failure count, in the order they were logged.
_FAILED, _SIGNED_IN, _UNLOCKED, _RESET = "auth.sign_in_failed", "auth.signed_in", "user.sign_in_unlocked", \
    "user.password_reset"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SignInPause:
    """An account's paused sign-in: how many source addresses are paused, and whether new ones are too."""

    sources: int
    new_sources: bool

    def __bool__(self) -> bool:
        return bool(self.sources or self.new_sources)

    @property
    def summary(self) -> str:
        parts = [f"from {self.sources} address(es)"] if self.sources else []
        return " and ".join(parts + (["from new addresses"] if self.new_sources else []))


class AccountStore(StoreBase):
    """Who may sign in, how, and with which role."""

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

    def create_user(self, username: str, password: str, role: str, *, actor: Actor) -> User:
        """Create an account; data.records.COMMAND_LINE may, as an administrator may."""
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
        return to_user(row)

    def list_users(self, actor: Actor) -> list[User]:
        require(actor, "users.manage")
        with self.reading() as conn:
            return [to_user(r) for r in conn.execute(select(users).order_by(users.c.username))]

    def set_role(self, actor: Actor, user_id: int, role: str) -> User:
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

    def set_active(self, actor: Actor, user_id: int, active: bool) -> User:
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

    def sign_in_failed_message(self) -> str:
        """The one answer to every refused password sign-in: unknown, wrong, paused or deactivated alike."""
        return (f"Unknown username or wrong password. After {self.settings.max_login_failures} failures, "
                f"sign-in from the same address pauses for {self.settings.lockout_minutes} minutes; "
                "an administrator can lift the pause on the Users page.")

    def _pseudonym_key(self, conn: Connection) -> bytes:
        """This installation's secret for keyed hashes, made once and kept in motive_meta."""
        cached = getattr(self, "_pseudonym_secret", None)
        if cached is not None:
            return cached
        row = conn.execute(select(meta.c.value).where(meta.c.key == _PSEUDONYM_KEY)).first()
        if row is None:
            dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            conn.execute(dialect_insert(meta).values(key=_PSEUDONYM_KEY, value=secrets.token_hex(32))
                         .on_conflict_do_nothing(index_elements=["key"]))
            row = conn.execute(select(meta.c.value).where(meta.c.key == _PSEUDONYM_KEY)).first()
        self._pseudonym_secret = bytes.fromhex(row.value)
        return self._pseudonym_secret

    def _pseudonym(self, conn: Connection, kind: str, value: str) -> str:
        """A keyed hash that correlates repeats of `value` without keeping it (HMAC-SHA256, 64 bits shown)."""
        message = f"{kind}:{value}".encode("utf-8", "replace")
        return hmac.new(self._pseudonym_key(conn), message, hashlib.sha256).hexdigest()[:16]

    def _failures(self, conn: Connection, now: datetime, user_id: int | None = None) -> dict[int, Counter]:
        """Counted failed sign-ins in the last lock-out window, by account (all, or `user_id`) and source.

        A source's count restarts when the account signs in from it; every count restarts when an
        administrator lifts the pause or sets a new password. Refusals during a pause are logged
        under another action and are not counted, so a pause ends on time however hard it is hit.
        """
        query = (
            select(audit_log.c.entity_id, audit_log.c.action, audit_log.c.detail)
            .where(audit_log.c.entity == "user", audit_log.c.entity_id.is_not(None),
                   audit_log.c.at > now - timedelta(minutes=self.settings.lockout_minutes),
                   audit_log.c.action.in_((_FAILED, _SIGNED_IN, _UNLOCKED, _RESET)))
            .order_by(audit_log.c.id)
        )
        if user_id is not None:
            query = query.where(audit_log.c.entity_id == user_id)
        counts: dict[int, Counter] = {}
        for row in conn.execute(query):
            mine = counts.setdefault(row.entity_id, Counter())
            source = json.loads(row.detail).get("source")
            if row.action == _FAILED and source:
                mine[source] += 1
            elif row.action == _SIGNED_IN and source:
                mine.pop(source, None)
            elif row.action in (_UNLOCKED, _RESET):
                mine.clear()
        return counts

    def _pause_of(self, failures: Counter) -> SignInPause:
        limit = self.settings.max_login_failures
        return SignInPause(sum(1 for n in failures.values() if n >= limit),
                           sum(failures.values()) >= limit * ACCOUNT_FACTOR)

    def _known_source(self, conn: Connection, user_id: int, source: str) -> bool:
        """Has the account ever signed in from this source? (A random 16-hex key, quoted, matches only itself.)"""
        return conn.execute(
            select(audit_log.c.id)
            .where(audit_log.c.entity == "user", audit_log.c.entity_id == user_id, audit_log.c.action == _SIGNED_IN,
                   audit_log.c.detail.like(f'%"{source}"%'))
            .limit(1)
        ).first() is not None

    def _paused(self, conn: Connection, user_id: int, source: str, now: datetime) -> str | None:
        """Why sign-in to this account from this source is paused now, or None."""
        failures = self._failures(conn, now, user_id).get(user_id, Counter())
        limit = self.settings.max_login_failures
        if failures[source] >= limit:
            return "too many failures from this source"
        if sum(failures.values()) >= limit * ACCOUNT_FACTOR and not self._known_source(conn, user_id, source):
            return "too many failures for this account, from a source it never signed in from"
        return None

    def authenticate(self, username: str, password: str, *, source: str | None = None) -> User:
        """Check a username and password sent from `source` (the client's address; None when local).

        Every refusal gives the same message after the same work (one bcrypt check, against the
        account's hash or a dummy one), so an answer tells an attacker nothing about whether the
        account exists, is paused, or is deactivated with the password they typed.
        """
        failure = AuthError(self.sign_in_failed_message())
        typed = str(username or "").strip()
        with self.atomic() as conn:
            row = conn.execute(select(users).where(func.lower(users.c.username) == typed.lower())).first()
            now = utcnow()
            where = self._pseudonym(conn, "source", source or "local")
            paused = self._paused(conn, row.id, where, now) if row is not None else None
            stored = row.password_hash if row is not None and row.password_hash else None
            right = passwords.verify_password(password or "", stored or passwords.dummy_hash(
                self.settings.password_rounds)) and stored is not None
            if row is None:
                # What was typed may be a password in the wrong box: keep only a keyed hash of it.
                self._audit(conn, ANONYMOUS, _FAILED, "user", None, reason="unknown username", source=where,
                            username_hmac=self._pseudonym(conn, "username", typed.lower()))
            elif paused:
                self._audit(conn, ANONYMOUS, "auth.sign_in_paused", "user", row.id, username=row.username,
                            reason=paused, source=where)
            elif not right or not row.active:
                self._audit(conn, ANONYMOUS, _FAILED, "user", row.id, username=row.username, source=where,
                            reason="deactivated" if right else "wrong password")
            else:
                self._audit(conn, to_user(row), _SIGNED_IN, "user", row.id, method="password", source=where)
                failure = None
        if failure is not None:
            raise failure
        return to_user(row)

    def sign_in_pauses(self, actor: Actor) -> dict[int, SignInPause]:
        """Every account whose password sign-in is paused somewhere now, for the Users page."""
        require(actor, "users.manage")
        with self.reading() as conn:
            failures = self._failures(conn, utcnow())
        pauses = {uid: self._pause_of(counts) for uid, counts in failures.items()}
        return {uid: pause for uid, pause in pauses.items() if pause}

    def lift_sign_in_pause(self, actor: Actor, user_id: int) -> SignInPause:
        """Lift every pause on an account's sign-in, from every source; returns what was paused.

        Also the way back for the last administrator: `python -m motive users unlock NAME`.
        """
        require(actor, "users.manage")
        with self.atomic() as conn:
            target = conn.execute(select(users.c.username).where(users.c.id == user_id)).first()
            if target is None:
                raise NotFoundError(f"No user with id {user_id}.")
            pause = self._pause_of(self._failures(conn, utcnow(), user_id).get(user_id, Counter()))
            self._audit(conn, actor, _UNLOCKED, "user", user_id, username=target.username,
                        sources=pause.sources, new_sources=pause.new_sources)
        return pause

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

    def reset_password(self, actor: Actor, user_id: int, new: str) -> None:
        """An administrator (or the command line) sets a new password; all the user's sessions end."""
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
        return to_user(row)

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
        return replace(to_user(row), session=_token_hash(token))

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
            self._audit(conn, to_user(row), "auth.signed_out", "user", row.id)

    # -- single sign-on identities -------------------------------------------------------------

    def user_for_email(self, email: str | None) -> User:
        """The active account an SSO identity maps to; roles always come from Motive's own table."""
        email = (email or "").strip().lower()
        if not email:
            raise NotFoundError("The identity provider gave no e-mail address.")
        with self.reading() as conn:
            row = conn.execute(select(users).where(users.c.email == email)).first()
        if row is None:
            raise NotFoundError(f"No Motive account is linked to {email}; ask an administrator to add you.")
        if not row.active:
            raise ConflictError("This account is deactivated; ask an administrator.")
        return to_user(row)

    def set_user_email(self, actor: Actor, user_id: int, email: str | None) -> None:
        """Link (or unlink, with None) an account to a single-sign-on e-mail address."""
        require(actor, "users.manage")
        email = normalise_email(email)
        with self.atomic() as conn:
            if conn.execute(select(users.c.id).where(users.c.id == user_id)).first() is None:
                raise NotFoundError(f"No user with id {user_id}.")
            if email and conn.execute(select(users.c.id).where(users.c.email == email, users.c.id != user_id)).first():
                raise ValidationError(f"{email} is already linked to another account.")
            conn.execute(update(users).where(users.c.id == user_id).values(email=email))
            self._audit(conn, actor, "user.sso_linked" if email else "user.sso_unlinked", "user", user_id)

    def bootstrap_sso_admin(self, username: str, email: str) -> User:
        """The first administrator of a single-sign-on deployment: linked to `email`, no usable password."""
        email = normalise_email(email)
        if not email:
            raise ValidationError("The identity provider gave no e-mail address.")
        with self.atomic() as conn:
            if conn.execute(select(func.count()).select_from(users)).scalar_one():
                raise ConflictError("An administrator already exists; sign in instead.")
            user = self._insert_user(conn, username, secrets.token_urlsafe(48), Role.ADMIN)
            conn.execute(update(users).where(users.c.id == user.id).values(email=email))
            self._audit(conn, user, "user.created", "user", user.id, role=user.role, first_administrator=True,
                        sso=True)
        return self.get_user(user.id)

    def record_sso_sign_in(self, user: User | None, *, refused_email: str | None = None) -> None:
        with self.atomic() as conn:
            if refused_email is not None:
                self._audit(conn, ANONYMOUS, "auth.sign_in_failed", "user", None, method="sso",
                            email=refused_email[:320], reason="no linked account")
            else:
                self._audit(conn, user, "auth.signed_in", "user", user.id, method="sso")

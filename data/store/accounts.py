"""Accounts: password and single-sign-on accounts, roles, sign-in and sign-in sessions.

Repeated failed sign-ins lock an account for a while; a session token is shown to the
browser once and stored only hashed; roles always come from Motive's own table, also
for single sign-on, where the identity provider only vouches for an e-mail address.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Connection, func, insert, select, update

from data import passwords
from data.access import Role, require
from data.errors import AuthError, ConflictError, NotFoundError, ValidationError
from data.records import ANONYMOUS, Actor, User
from data.schema import sessions, users
from data.store.base import StoreBase, normalise_email, to_user, utcnow

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
                self._audit(conn, ANONYMOUS, "auth.sign_in_failed", "user", None,
                            username=str(username or "")[:64], reason="unknown username")
            elif row.locked_until is not None and row.locked_until > now:
                minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
                failure = AuthError(f"Too many failed sign-ins: this account is locked for {minutes} more minute(s).")
                self._audit(conn, ANONYMOUS, "auth.sign_in_failed", "user", row.id,
                            username=row.username, reason="locked")
            elif row.password_hash is None or not passwords.verify_password(password or "", row.password_hash):
                failures = row.failed_logins + 1
                values: dict = {"failed_logins": failures}
                if failures >= self.settings.max_login_failures:
                    values = {"failed_logins": 0, "locked_until": now + timedelta(minutes=self.settings.lockout_minutes)}
                # Committed with the transaction below: the count must persist although sign-in fails.
                conn.execute(update(users).where(users.c.id == row.id).values(**values))
                failure = AuthError("Unknown username or wrong password.")
                self._audit(conn, ANONYMOUS, "auth.sign_in_failed", "user", row.id, username=row.username,
                            reason="wrong password", locked="locked_until" in values)
            elif not row.active:
                failure = AuthError("This account is deactivated; ask an administrator.")
                self._audit(conn, ANONYMOUS, "auth.sign_in_failed", "user", row.id, username=row.username,
                            reason="deactivated")
            else:
                conn.execute(update(users).where(users.c.id == row.id).values(failed_logins=0, locked_until=None))
                self._audit(conn, to_user(row), "auth.signed_in", "user", row.id, method="password")
        if failure is not None:
            raise failure
        return to_user(row)

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

"""The one Settings object, built from the environment and validated at start-up.

An unknown MOTIVE_* variable or a malformed value fails loudly and names the key:
a typo in a deployment must never silently fall back to a default database.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from data.stages import DEFAULT_SPEC, DEFAULT_STAGES, StageError, Stages

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = ROOT / "data" / "motive.db"


class SettingsError(ValueError):
    """A MOTIVE_* environment variable is unknown or malformed."""


_KNOWN = {
    "MOTIVE_DATABASE_URL": "SQLAlchemy URL; default: SQLite file data/motive.db",
    "MOTIVE_KITS_DIR": "folder of the organisation's own kit files (*.toml)",
    "MOTIVE_SESSION_HOURS": "hours a sign-in stays valid (1-168, default 12)",
    "MOTIVE_PASSWORD_ROUNDS": "bcrypt cost factor (4-15, default 12; below 10 only for tests)",
    "MOTIVE_MIN_PASSWORD_LENGTH": "minimum password length (8-128, default 12)",
    "MOTIVE_SQLITE_SYNCHRONOUS": "SQLite synchronous mode: FULL (default) or NORMAL",
    "MOTIVE_PASSWORD": "password for `python -m data.users add` (read once, never stored)",
    "MOTIVE_MAX_LOGIN_FAILURES": "failed sign-ins from one address that pause the account's sign-in from there "
                                 "(3-20, default 5)",
    "MOTIVE_LOCKOUT_MINUTES": "minutes that pause lasts after the failures (1-1440, default 15)",
    "MOTIVE_CLIENT_ADDRESS_HEADER": "header the reverse proxy passes the client's address in, e.g. X-Forwarded-For "
                                    "(its last entry is used); default: none, the connection's own address",
    "MOTIVE_STAGES": "a candidate's stages in order, as `Name[:outcome], ...` (default: " + DEFAULT_SPEC + ")",
    "MOTIVE_UNASSIGNED_INTERVIEWS": "allow (default) or refuse starting an interview nobody assigned",
    "MOTIVE_ASSIGNMENT_DUE_DAYS": "days after assignment an interview still open is flagged overdue (1-90, default 7)",
}


def _int(env: Mapping[str, str], key: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{key}={raw!r} is not a whole number ({_KNOWN[key]})") from None
    if not lo <= value <= hi:
        raise SettingsError(f"{key}={value} is out of range {lo}-{hi} ({_KNOWN[key]})")
    return value


@dataclass(frozen=True)
class Settings:
    """Validated configuration; every field has a safe default for a single laptop."""

    database_url: str
    kits_dir: Path | None
    session_hours: int
    password_rounds: int
    min_password_length: int
    sqlite_synchronous: str
    max_login_failures: int
    lockout_minutes: int
    stages: Stages = DEFAULT_STAGES
    unassigned_interviews: bool = True  # may an interviewer start an interview nobody assigned them?
    assignment_due_days: int = 7
    client_address_header: str | None = None  # set only behind a proxy that writes it; clients can forge it

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        unknown = sorted(k for k in env if k.startswith("MOTIVE_") and k not in _KNOWN)
        if unknown:
            known = ", ".join(sorted(_KNOWN))
            raise SettingsError(f"unknown setting(s) {unknown}; known settings: {known}")
        url = env.get("MOTIVE_DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"
        if "://" not in url:
            raise SettingsError(
                f"MOTIVE_DATABASE_URL={url!r} is not a database URL; "
                "use e.g. sqlite:///path/motive.db or postgresql+psycopg://user@host/db"
            )
        if not (url.startswith("sqlite") or url.startswith("postgresql")):
            raise SettingsError(f"MOTIVE_DATABASE_URL must be a sqlite or postgresql URL, got scheme {url.split(':')[0]!r}")
        kits = env.get("MOTIVE_KITS_DIR") or None
        sync = (env.get("MOTIVE_SQLITE_SYNCHRONOUS") or "FULL").upper()
        if sync not in {"FULL", "NORMAL"}:
            raise SettingsError(f"MOTIVE_SQLITE_SYNCHRONOUS={sync!r} must be FULL or NORMAL")
        try:
            stages = Stages.parse(env.get("MOTIVE_STAGES") or DEFAULT_SPEC)
        except StageError as e:
            raise SettingsError(f"MOTIVE_STAGES: {e}") from None
        unassigned = (env.get("MOTIVE_UNASSIGNED_INTERVIEWS") or "allow").strip().lower()
        if unassigned not in {"allow", "refuse"}:
            raise SettingsError(f"MOTIVE_UNASSIGNED_INTERVIEWS={unassigned!r} must be allow or refuse")
        header = (env.get("MOTIVE_CLIENT_ADDRESS_HEADER") or "").strip() or None
        if header is not None and not re.fullmatch(r"[A-Za-z0-9-]{1,64}", header):
            raise SettingsError(f"MOTIVE_CLIENT_ADDRESS_HEADER={header!r} is not a header name "
                                f"({_KNOWN['MOTIVE_CLIENT_ADDRESS_HEADER']})")
        return cls(
            client_address_header=header,
            stages=stages,
            unassigned_interviews=unassigned == "allow",
            assignment_due_days=_int(env, "MOTIVE_ASSIGNMENT_DUE_DAYS", 7, 1, 90),
            database_url=url,
            kits_dir=Path(kits) if kits else None,
            session_hours=_int(env, "MOTIVE_SESSION_HOURS", 12, 1, 168),
            password_rounds=_int(env, "MOTIVE_PASSWORD_ROUNDS", 12, 4, 15),
            min_password_length=_int(env, "MOTIVE_MIN_PASSWORD_LENGTH", 12, 8, 128),
            sqlite_synchronous=sync,
            max_login_failures=_int(env, "MOTIVE_MAX_LOGIN_FAILURES", 5, 3, 20),
            lockout_minutes=_int(env, "MOTIVE_LOCKOUT_MINUTES", 15, 1, 1440),
        )

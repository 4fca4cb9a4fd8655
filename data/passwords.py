"""Salted, deliberately slow password hashes (bcrypt over SHA-256, so long passphrases are whole)."""

from __future__ import annotations

import base64
import hashlib

import bcrypt

_PREFIX = "bcrypt-sha256$"
MAX_PASSWORD_LENGTH = 1024


def _prehash(password: str) -> bytes:
    # bcrypt reads at most 72 bytes; hashing first keeps every character significant.
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str, rounds: int = 12) -> str:
    return _PREFIX + bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith(_PREFIX):
        return False
    try:
        return bcrypt.checkpw(_prehash(password), stored[len(_PREFIX):].encode("ascii"))
    except ValueError:
        return False


_dummy: dict[int, str] = {}


def dummy_hash(rounds: int) -> str:
    """A hash to check against for unknown usernames, so they cost the same time as known ones."""
    if rounds not in _dummy:
        _dummy[rounds] = hash_password("motive-timing-equaliser", rounds)
    return _dummy[rounds]

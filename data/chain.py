"""The audit log's hash chain: what an entry's hash covers, and walking a chain to find where it breaks.

Each entry stores the hash of the entry before it (`prev_hash`; the first links to `GENESIS`)
and a SHA-256 `hash` over its own content and that link, so editing, deleting, reordering or
inserting an entry anywhere but at the end shows: the entry no longer matches its hash, or
the next one no longer links to it. AWS CloudTrail's log-file integrity validation is the
model. The rule here is frozen like a migration step: entries in the field were hashed by it.

Appending needs the previous entry's hash, so the store appends under the write lock
(data/store/base.py); this module only computes and checks, and knows no database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""


COLUMNS = ("id", "at", "actor_id", "actor", "action", "entity", "entity_id", "detail", "prev_hash", "hash")
"""The audit_log columns the chain reads, in the order `ChainWalk.feed` takes them."""

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def entry_hash(*, id: int, at: datetime, actor_id: int | None, actor: str, action: str, entity: str,
               entity_id: int | None, detail: str, prev_hash: str) -> str:
    """SHA-256 (hex) over one entry's content and the previous entry's hash, in one canonical encoding.

    The time is written to the microsecond (both databases keep microseconds), `detail` is the
    stored JSON text as it is, and the fields go in a JSON array, so no two contents share an encoding.
    """
    content = [id, at.isoformat(sep=" ", timespec="microseconds"), actor_id, actor, action, entity, entity_id,
               detail, prev_hash]
    return hashlib.sha256(_ENCODER.encode(content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainState:
    """The result of walking the log from its first entry: `broken_at` is None only if every entry verified."""

    verified: int  # entries checked and found intact, from the first, before any break
    last_id: int | None  # the last intact entry's id (None when there is none)
    head_hash: str  # that entry's hash (GENESIS for an empty log): keep it to notice a later cut at the end
    broken_at: int | None = None  # the id of the first entry that does not verify
    problem: str = ""  # what is wrong with it, in words

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    def summary(self) -> str:
        """One line a person can act on."""
        if self.intact:
            if self.last_id is None:
                return "The audit log is empty; there is nothing to verify."
            return (f"Audit chain verified: {self.verified:,} entries, up to entry {self.last_id} "
                    f"(head hash {self.head_hash}).")
        return (f"Audit chain broken at entry {self.broken_at}: {self.problem}. "
                f"{self.verified:,} entries before it verified"
                + (f", up to entry {self.last_id}." if self.last_id is not None else "."))


class ChainWalk:
    """Checks entries fed in id order, a batch at a time, and remembers the first break."""

    def __init__(self) -> None:
        self.verified = 0
        self.last_id: int | None = None
        self.head = GENESIS
        self.broken_at: int | None = None
        self.problem = ""

    def feed(self, rows: Iterable[Sequence[Any]]) -> bool:
        """Check the next entries, each a tuple of `COLUMNS`; False once a break is found (feed no more)."""
        head, verified, last_id = self.head, self.verified, self.last_id
        try:
            for entry_id, at, actor_id, actor, action, entity, entity_id, detail, prev_hash, digest in rows:
                if prev_hash is None or digest is None:
                    return self._broken(entry_id, "it carries no hash (written around the store, or its hash "
                                                  "was removed)")
                if prev_hash != head:
                    what = "the entry before it" if last_id is not None else "the start of the log"
                    return self._broken(entry_id, f"it does not link to {what} (an entry was removed, inserted "
                                                  "or reordered)")
                if entry_hash(id=entry_id, at=at, actor_id=actor_id, actor=actor, action=action, entity=entity,
                              entity_id=entity_id, detail=detail, prev_hash=head) != digest:
                    return self._broken(entry_id, "its content does not match its hash (it was changed after it "
                                                  "was written)")
                verified, last_id, head = verified + 1, entry_id, digest
            return True
        finally:
            self.head, self.verified, self.last_id = head, verified, last_id

    def _broken(self, entry_id: int, problem: str) -> bool:
        self.broken_at, self.problem = entry_id, problem
        return False

    def state(self) -> ChainState:
        return ChainState(self.verified, self.last_id, self.head, self.broken_at, self.problem)

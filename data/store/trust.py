"""The store's privacy and accountability duties: reading the audit trail, erasure, retention,
subject access and voluntary self-identification.

They live in one module so that a data protection officer can read these rules in one place.

* **Audit trail**: entries are appended inside the same transaction as the change they
  record (data/store/base.py writes them); the database refuses UPDATE and DELETE on the
  table (triggers, schema v4) and, on SQLite, INSERT OR REPLACE (schema v7), and no method
  here edits or removes one. Each entry carries a hash over its content and the previous
  entry's hash (data/chain.py), so `audit_chain` finds any change made around the store.
* **Erasure** deletes the candidate and everything recorded about them, every model
  version trained on their answers included; the log keeps a tombstone with counts and
  the versions deleted. The log never held their name, contact or words. On SQLite it
  also empties the write-ahead log (or says it could not), erases them from every copy of the
  database Motive knows of (data/copies.py, or names the copies it could not change), and
  writes the tombstone to the ledger beside the database, so a database put back from a copy
  has its later erasures re-applied before it serves anyone (`catch_up_erasures`).
* **Retention** anonymises candidates not hired once a position's retention period has
  passed since their last activity: name, e-mail and every free text go; ratings,
  recommendations, labels and self-identification stay for statistics. An anonymised
  candidate's interviews take no more writes (data/store/base.py `check_writable`).
* **Self-identification** is readable only with the `fairness` permission and is never
  joined into scoring.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Connection, Row, delete, func, literal, or_, select, update

from data.access import require
from data.chain import COLUMNS as CHAIN_COLUMNS, GENESIS, ChainState, ChainWalk
from data.copies import (ABSENT, ERASED, TOMBSTONE_ACTIONS, BackupFile, add_to_ledger, database_file,
                         erase_from_copy, known_copies, lineage, read_ledger)
from data.errors import NotFoundError, StoreError, ValidationError
from data.fields import FIELD_NAMES
from data.records import (RACE_CATEGORIES, SEX_CATEGORIES, SYSTEM, Actor, AuditEntry, CatchUp, ErasureResult,
                          ModelStatus, RetentionDue, RetentionRun)
from data.schema import (
    answer_history,
    answers,
    assignments,
    interview_events,
    stage_history,
    audit_log,
    candidate_self_id,
    candidates,
    interviews,
    kit_versions,
    label_reviews,
    motivation_labels,
    positions,
    ratings,
    recommendations,
    users,
)
from data.stages import Outcome
from data.store.base import StoreBase, utcnow
from data.store.labels import delete_model_versions, versions_trained_on

ERASURE_REASONS = ("candidate request", "entered in error", "legal obligation", "other")
SEX_KEYS = tuple(SEX_CATEGORIES)
RACE_KEYS = tuple(RACE_CATEGORIES)
MAX_RETENTION_DAYS = 3650
CHAIN_BATCH = 5000  # audit entries read at a time while walking the chain
REAPPLIED = "tombstone.reapplied"  # a ledger tombstone this database was missing, applied to it


class TrustStore(StoreBase):
    """Accountability and privacy: who did what, and what is kept about a candidate, for how long."""

    checkpoint_patience = 5.0  # seconds an erasure retries emptying SQLite's write-ahead log while others read

    # -- the audit trail ---------------------------------------------------------------------

    def audit_entries(
        self, actor: Actor, *, action: str = "", who: str = "", entity: str = "", entity_id: int | None = None,
        since: datetime | None = None, until: datetime | None = None, limit: int = 500, offset: int = 0,
        hide: Iterable[str] = (),
    ) -> tuple[list[AuditEntry], int]:
        """Newest first, filtered; returns (one page of entries, how many match in all).

        `hide` leaves out entries with these actions (the page's routine sign-ins)."""
        require(actor, "audit.view")
        conditions = []
        if hidden := list(hide):
            conditions.append(audit_log.c.action.not_in(hidden))
        if action:
            conditions.append(audit_log.c.action.like(action.replace("%", "").replace("_", "\\_") + "%", escape="\\"))
        if who:
            conditions.append(func.lower(audit_log.c.actor) == who.strip().lower())
        if entity:
            conditions.append(audit_log.c.entity == entity)
        if entity_id is not None:
            conditions.append(audit_log.c.entity_id == entity_id)
        if since is not None:
            conditions.append(audit_log.c.at >= since)
        if until is not None:
            conditions.append(audit_log.c.at < until)
        limit = max(1, min(int(limit), 100_000))
        with self.reading() as conn:
            total = conn.execute(select(func.count()).select_from(audit_log).where(*conditions)).scalar_one()
            rows = conn.execute(
                select(audit_log).where(*conditions).order_by(audit_log.c.id.desc()).limit(limit).offset(max(0, offset))
            ).all()
        return [self._entry(r) for r in rows], total

    def audit_chain(self, actor: Actor) -> ChainState:
        """Walk the whole log in id order and check every entry's hash and link; stops at the first break."""
        require(actor, "audit.view")
        walk, last_id = ChainWalk(), None
        with self.reading() as conn:
            while True:
                query = select(*(audit_log.c[name] for name in CHAIN_COLUMNS)).order_by(audit_log.c.id).limit(CHAIN_BATCH)
                if last_id is not None:
                    query = query.where(audit_log.c.id > last_id)
                batch = conn.execute(query).all()
                if not batch or not walk.feed(batch):
                    break
                last_id = batch[-1][0]
        return walk.state()

    def audit_chain_holds(self, actor: Actor, head_hash: str) -> bool:
        """Whether an entry with this hash (a head printed by an earlier verification) is still in the log.

        With an intact chain that means every entry up to it is as it was then: the check for
        entries cut from the end, which the chain alone cannot show.
        """
        require(actor, "audit.view")
        head_hash = head_hash.strip().lower()
        if head_hash == GENESIS:
            return True
        with self.reading() as conn:
            return conn.execute(select(audit_log.c.id).where(audit_log.c.hash == head_hash)).first() is not None

    @staticmethod
    def _entry(r: Row) -> AuditEntry:
        return AuditEntry(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, json.loads(r.detail or "{}"))

    def audit_record_names(self, actor: Actor, entries: Iterable[AuditEntry]) -> dict[tuple[str, int], str | None]:
        """The name each entry's record has now, read at display time: the log itself holds ids only.

        Keyed by (entity, id): a candidate's or position's name, a user's username, an interview's
        candidate's name; None for an anonymised candidate (and their interviews). A record erased
        since is not in the answer at all.
        """
        require(actor, "audit.view")
        wanted: dict[str, set[int]] = {}
        for e in entries:
            if e.entity_id is not None and e.entity in ("candidate", "interview", "position", "user"):
                wanted.setdefault(e.entity, set()).add(e.entity_id)
        names: dict[tuple[str, int], str | None] = {}
        with self.reading() as conn:
            if ids := wanted.get("candidate"):
                for cid, name, gone in conn.execute(select(candidates.c.id, candidates.c.name, candidates.c.anonymised_at)
                                                    .where(candidates.c.id.in_(sorted(ids)))):
                    names["candidate", cid] = None if gone else name
            if ids := wanted.get("interview"):
                for iid, name, gone in conn.execute(
                        select(interviews.c.id, candidates.c.name, candidates.c.anonymised_at)
                        .join(candidates, candidates.c.id == interviews.c.candidate_id).where(interviews.c.id.in_(sorted(ids)))):
                    names["interview", iid] = None if gone else name
            if ids := wanted.get("position"):
                for pid, name in conn.execute(select(positions.c.id, positions.c.name).where(positions.c.id.in_(sorted(ids)))):
                    names["position", pid] = name
            if ids := wanted.get("user"):
                for uid, name in conn.execute(select(users.c.id, users.c.username).where(users.c.id.in_(sorted(ids)))):
                    names["user", uid] = name
        return names

    def audit_vocabulary(self, actor: Actor) -> tuple[list[str], list[str]]:
        """(actions, actors) that occur in the log, for the filter menus."""
        require(actor, "audit.view")
        with self.reading() as conn:
            actions = conn.execute(select(audit_log.c.action).distinct().order_by(audit_log.c.action)).scalars().all()
            actors = conn.execute(select(audit_log.c.actor).distinct().order_by(audit_log.c.actor)).scalars().all()
        return list(actions), list(actors)

    # -- erasure -------------------------------------------------------------------------------

    def _candidate_scope(self, conn: Connection, candidate_id: int) -> tuple[list[int], list[int]]:
        if conn.execute(select(candidates.c.id).where(candidates.c.id == candidate_id)).first() is None:
            raise NotFoundError(f"No candidate with id {candidate_id}.")
        iv_ids = conn.execute(select(interviews.c.id).where(interviews.c.candidate_id == candidate_id)).scalars().all()
        ans_ids = conn.execute(select(answers.c.id).where(answers.c.interview_id.in_(iv_ids or [-1]))).scalars().all()
        return list(iv_ids), list(ans_ids)

    def erase_candidate(self, actor: Actor, candidate_id: int, reason: str) -> ErasureResult:
        """Delete a candidate and everything recorded about them; the audit log keeps a tombstone.

        `reason` is one of ERASURE_REASONS, a category rather than free text, so the
        tombstone cannot carry the personal data the erasure removed.
        """
        require(actor, "privacy.manage")
        if reason not in ERASURE_REASONS:
            raise ValidationError(f"Choose a reason for the erasure: {', '.join(ERASURE_REASONS)}.")
        with self.atomic() as conn:
            iv_ids, ans_ids = self._candidate_scope(conn, candidate_id)
            first_review = conn.execute(
                select(func.min(label_reviews.c.created_at)).where(label_reviews.c.answer_id.in_(ans_ids or [-1]))
            ).scalar()
            # A retrained version holds its training answers' words (vocabulary, neighbour bank): the
            # versions that learnt from this candidate go with them, retired ones too.
            doomed = versions_trained_on(conn, candidate_id, first_review)
            activated = delete_model_versions(conn, doomed)
            models = tuple(r.version for r in doomed)
            active_deleted = any(r.status == ModelStatus.ACTIVE for r in doomed)
            n_reviews = conn.execute(delete(label_reviews).where(label_reviews.c.answer_id.in_(ans_ids or [-1]))).rowcount
            n_labels = conn.execute(
                delete(motivation_labels).where(motivation_labels.c.answer_id.in_(ans_ids or [-1]))
            ).rowcount
            conn.execute(delete(answer_history).where(answer_history.c.answer_id.in_(ans_ids or [-1])))
            n_answers = conn.execute(delete(answers).where(answers.c.interview_id.in_(iv_ids or [-1]))).rowcount
            conn.execute(delete(ratings).where(ratings.c.interview_id.in_(iv_ids or [-1])))
            conn.execute(delete(recommendations).where(recommendations.c.interview_id.in_(iv_ids or [-1])))
            conn.execute(delete(interview_events).where(interview_events.c.interview_id.in_(iv_ids or [-1])))
            conn.execute(delete(interviews).where(interviews.c.candidate_id == candidate_id))
            conn.execute(delete(stage_history).where(stage_history.c.candidate_id == candidate_id))
            conn.execute(delete(assignments).where(assignments.c.candidate_id == candidate_id))
            conn.execute(delete(candidate_self_id).where(candidate_self_id.c.candidate_id == candidate_id))
            conn.execute(delete(candidates).where(candidates.c.id == candidate_id))
            self._audit(conn, actor, "candidate.erased", "candidate", candidate_id, reason=reason,
                        interviews=len(iv_ids), answers=n_answers, labels=n_labels, reviews=n_reviews,
                        models_deleted=list(models), active_model_deleted=active_deleted, model_activated=activated)
            beyond: dict[str, Any] = {}
            self.after_commit(lambda: beyond.update(self._erase_beyond(candidate_id)))
        return ErasureResult(candidate_id, len(iv_ids), n_answers, n_labels, n_reviews, models, active_deleted,
                             activated, **beyond)

    def _checkpoint(self) -> bool:
        """On SQLite, fold the write-ahead log into the main file and empty it, so erased pages are
        overwritten there and gone from the log; False if readers kept it busy for all of
        `checkpoint_patience` (the log then still holds the old pages).

        A reader's open snapshot pins the log: the checkpoint reports busy and leaves it whole.
        It is retried with a growing pause rather than waiting out the 30-second busy timeout.
        """
        if self.engine.dialect.name != "sqlite":
            return True
        deadline, pause = time.monotonic() + self.checkpoint_patience, 0.02
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection  # outside SQLAlchemy's transaction: a checkpoint is not one
            raw.execute("PRAGMA busy_timeout=50")
            try:
                while True:
                    busy, log, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    if not busy and log <= 0:
                        return True
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    time.sleep(min(pause, left))
                    pause = min(pause * 2, 0.5)
            finally:
                raw.execute("PRAGMA busy_timeout=30000")

    def empty_wal(self, actor: Actor) -> bool:
        """Try again to empty SQLite's write-ahead log (after an erasure could not); True once it is empty."""
        require(actor, "privacy.manage")
        return self._checkpoint()

    # -- copies of the database and the tombstone ledger (SQLite) -----------------------------

    def _database_file(self) -> Path | None:
        return database_file(self.engine.url)

    def backup_files(self, actor: Actor) -> list[BackupFile]:
        """The copies of this database Motive wrote or found (SQLite), newest first; none on PostgreSQL."""
        require(actor, "privacy.manage")
        db = self._database_file()
        return known_copies(db) if db else []

    def _lineage(self, conn: Connection) -> str | None:
        first = [conn.execute(select(func.min(t.c.created_at))).scalar() for t in (users, positions)]
        return lineage(min((t for t in first if t is not None), default=None))

    def _tombstones(self, conn: Connection) -> list[dict[str, Any]]:
        """The audit log's erasures and anonymisations, oldest first, as ledger entries (no personal data)."""
        rows = conn.execute(
            select(audit_log.c.hash, audit_log.c.at, audit_log.c.action, audit_log.c.entity_id, audit_log.c.detail)
            .where(audit_log.c.action.in_(TOMBSTONE_ACTIONS)).order_by(audit_log.c.id)
        ).all()
        stones = []
        for r in rows:
            detail = json.loads(r.detail or "{}")
            ids = [r.entity_id] if r.action == "candidate.erased" else list(detail.get("candidate_ids", []))
            stones.append({"hash": r.hash, "at": r.at.isoformat(), "action": r.action, "entity_id": r.entity_id,
                           "candidates": ids, "reason": detail.get("reason")})
        return stones

    def _sync_ledger(self, db: Path) -> bool:
        """Add the audit log's tombstones the ledger lacks; False if the ledger cannot be written."""
        with self.reading() as conn:
            mark, stones = self._lineage(conn), self._tombstones(conn)
        try:
            have = {e["hash"] for e in read_ledger(db)}
            add_to_ledger(db, [dict(s, lineage=mark) for s in stones if s["hash"] not in have])
        except OSError:
            return False
        return True

    def _erase_beyond(self, candidate_id: int) -> dict[str, Any]:
        """After an erasure commits: the write-ahead log, the ledger, and every known copy."""
        found: dict[str, Any] = {"wal_emptied": self._checkpoint()}
        db = self._database_file()
        if db is None:
            return found
        found["ledger_written"] = self._sync_ledger(db)
        with self.reading() as conn:
            mark = self._lineage(conn)
        erased, kept = [], []
        for copy in known_copies(db):
            outcome = erase_from_copy(Path(copy.path), candidate_id, mark)
            if outcome == ERASED:
                erased.append(copy.path)
            elif outcome != ABSENT:
                kept.append((copy.path, outcome))
        if erased or kept:
            with self.atomic() as conn:  # file names only: they are not personal data
                self._audit(conn, SYSTEM, "candidate.erased_from_copies", "candidate", candidate_id,
                            copies=erased, still_holding=[path for path, _ in kept])
        found.update(copies_erased=tuple(erased), copies_kept=tuple(kept))
        return found

    def tombstone_ledger(self, actor: Actor) -> list[dict[str, Any]]:
        """Every erasure and anonymisation in the audit log as ledger entries: ids, times, hashes, no names.

        On PostgreSQL nothing sits beside the database, so `python -m motive backup tombstones`
        writes this out, and `... reapply` hands it back to `catch_up_erasures` after a pg_restore.
        """
        require(actor, "privacy.manage")
        with self.reading() as conn:
            mark = self._lineage(conn)
            return [dict(s, lineage=mark) for s in self._tombstones(conn)]

    def catch_up_erasures(self, actor: Actor = SYSTEM, ledger: list[dict[str, Any]] | None = None) -> CatchUp:
        """Re-apply every tombstone in the ledger that this database's audit log is missing.

        That happens when a database was put back from a copy taken before those erasures (or
        anonymisations): the copy's audit log ends earlier, the ledger beside the file (SQLite),
        or the `ledger` passed in (written out by `tombstone_ledger`), does not.
        Each tombstone is applied once: a `tombstone.reapplied` entry records it, even when
        the candidate is not in this database, so a later candidate given the same id is safe.
        Only tombstones of this database (the same first account or position) are applied.
        """
        require(actor, "privacy.manage")
        db = self._database_file()
        if ledger is None:
            try:
                ledger = read_ledger(db) if db else []
            except OSError as exc:
                raise StoreError(f"Motive cannot read its tombstone list beside the database ({exc}), so it cannot "
                                 "tell whether erasures must be applied again; make the file readable by the app.") from exc
        ledger = [e for e in ledger if isinstance(e, dict) and isinstance(e.get("hash"), str)]
        if not ledger:
            if db:
                self._sync_ledger(db)
            return CatchUp()
        with self.reading() as conn:
            mark = self._lineage(conn)
            done = set(conn.execute(select(audit_log.c.hash).where(audit_log.c.action.in_(TOMBSTONE_ACTIONS))).scalars())
            for detail in conn.execute(select(audit_log.c.detail).where(audit_log.c.action == REAPPLIED)).scalars():
                done.add(json.loads(detail or "{}").get("tombstone"))
        erased: list[int] = []
        anonymised: list[int] = []
        missing = 0
        for stone in ledger:
            if mark is None or stone.get("lineage") != mark or stone["hash"] in done:
                continue
            done.add(stone["hash"])
            missing += 1
            ids = [int(i) for i in stone.get("candidates", []) if isinstance(i, int)]
            with self.atomic() as conn:
                held = conn.execute(select(candidates.c.id, candidates.c.anonymised_at)
                                    .where(candidates.c.id.in_(ids or [-1])).order_by(candidates.c.id)).all()
                hit = []
                if stone.get("action") == "candidate.erased":
                    reason = stone.get("reason") if stone.get("reason") in ERASURE_REASONS else "other"
                    for cid, _ in held:
                        self.erase_candidate(actor, cid, reason)
                        hit.append(cid)
                    erased += hit
                else:
                    now = utcnow()
                    for cid, anonymised_at in held:
                        if anonymised_at is None:
                            self._anonymise(conn, cid, now)
                            hit.append(cid)
                    anonymised += hit
                    if hit:
                        self.after_commit(self._checkpoint)
                self._audit(conn, actor, REAPPLIED, "candidate" if stone.get("action") == "candidate.erased"
                            else "position", stone.get("entity_id"), tombstone=stone["hash"], of=stone.get("action"),
                            recorded_at=stone.get("at"), candidates=hit)
        if db:
            self._sync_ledger(db)
        return CatchUp(tuple(erased), tuple(anonymised), missing)

    # -- retention -----------------------------------------------------------------------------

    def set_retention(self, actor: Actor, position_id: int, days: int | None) -> None:
        """How long candidates not hired for a position are kept before anonymisation; None keeps them."""
        require(actor, "privacy.manage")
        if days is not None:
            if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RETENTION_DAYS:
                raise ValidationError(f"Retention is a whole number of days from 1 to {MAX_RETENTION_DAYS}, or none.")
        with self.atomic() as conn:
            before = conn.execute(select(positions.c.retention_days).where(positions.c.id == position_id)).first()
            if before is None:
                raise NotFoundError(f"No position with id {position_id}.")
            conn.execute(update(positions).where(positions.c.id == position_id).values(retention_days=days))
            self._audit(conn, actor, "position.retention_set", "position", position_id, before=before[0], after=days)

    def retention_days(self) -> dict[int, int | None]:
        with self.reading() as conn:
            return dict(conn.execute(select(positions.c.id, positions.c.retention_days)).all())

    def apply_retention(self, actor: Actor = SYSTEM, *, now: datetime | None = None, dry_run: bool = False,
                        only: Iterable[int] | None = None) -> RetentionRun:
        """Anonymise every candidate not hired whose position's retention period has passed.

        The clock starts at the candidate's last activity: added, status changed, or an
        interview of theirs touched. A candidate anonymised before, who still has text typed
        after it (before their interviews became read-only), is anonymised again. `only`
        narrows the pass to the candidates a person saw in a dry run. `actor` is someone
        holding privacy.manage, the command line, or data.records.SYSTEM for the pass the app
        runs on start.
        """
        require(actor, "privacy.manage")
        now = now or utcnow()
        chosen = None if only is None else set(only)
        last_interview = (
            select(interviews.c.candidate_id, func.max(interviews.c.updated_at).label("touched"))
            .group_by(interviews.c.candidate_id).subquery()
        )
        done: dict[int, tuple[int, ...]] = {}
        due: list[RetentionDue] = []
        models: list[str] = []
        with (self.reading() if dry_run else self.atomic()) as conn:  # a dry run never waits for the write lock
            policies = conn.execute(
                select(positions.c.id, positions.c.name, positions.c.retention_days)
                .where(positions.c.retention_days.is_not(None)).order_by(positions.c.id)
            ).all()
            for pid, position_name, days in policies:
                cutoff = now - timedelta(days=days)
                rows = conn.execute(
                    select(candidates.c.id, candidates.c.name, candidates.c.created_at, candidates.c.status_changed_at,
                           last_interview.c.touched)
                    .outerjoin(last_interview, last_interview.c.candidate_id == candidates.c.id)
                    .where(candidates.c.position_id == pid, candidates.c.status.not_in(self.settings.stages.with_outcome(Outcome.HIRED)),
                           candidates.c.anonymised_at.is_(None))
                ).all()
                mine = []
                for r in rows:
                    last = max(t for t in (r.created_at, r.status_changed_at, r.touched) if t is not None)
                    if last < cutoff and (chosen is None or r.id in chosen):
                        mine.append(RetentionDue(r.id, r.name, pid, position_name, last, (now - last).days, days))
                if not mine:
                    continue
                mine.sort(key=lambda d: d.candidate_id)
                done[pid] = tuple(d.candidate_id for d in mine)
                due += mine
                if not dry_run:
                    gone = [v for cid in done[pid] for v in self._anonymise(conn, cid, now)]
                    models += gone
                    self._audit(conn, actor, "retention.anonymised", "position", pid, retention_days=days,
                                candidates=len(mine), candidate_ids=list(done[pid]), models_deleted=gone)
            again = self._left_over(conn, now, chosen)
            due += again
            again_by: dict[int, tuple[int, ...]] = {}
            for d in again:
                again_by[d.position_id] = again_by.get(d.position_id, ()) + (d.candidate_id,)
            if not dry_run:
                gone_by: dict[int, list[str]] = {}
                for d in again:  # keeps the date they were anonymised
                    gone_by.setdefault(d.position_id, []).extend(self._anonymise(conn, d.candidate_id, d.last_activity))
                for pid, ids in again_by.items():
                    models += gone_by.get(pid, [])
                    self._audit(conn, actor, "retention.anonymised", "position", pid, again=True,
                                candidates=len(ids), candidate_ids=list(ids), models_deleted=gone_by.get(pid, []))
                if due:
                    self.after_commit(self._checkpoint)
        return RetentionRun(done, dry_run, tuple(due), again_by, tuple(models))

    @staticmethod
    def _left_over(conn: Connection, now: datetime, chosen: set[int] | None) -> list[RetentionDue]:
        """Anonymised candidates who still have typed text (from before anonymised interviews were read-only)."""
        typed = [
            select(interviews.c.candidate_id).join(answers, answers.c.interview_id == interviews.c.id)
            .where(or_(*(answers.c[name] != "" for name in FIELD_NAMES))),
            select(interviews.c.candidate_id).join(answers, answers.c.interview_id == interviews.c.id)
            .join(answer_history, answer_history.c.answer_id == answers.c.id),
            select(interviews.c.candidate_id).join(answers, answers.c.interview_id == interviews.c.id)
            .join(label_reviews, label_reviews.c.answer_id == answers.c.id).where(label_reviews.c.reason != ""),
            select(interviews.c.candidate_id).join(recommendations, recommendations.c.interview_id == interviews.c.id)
            .where(recommendations.c.note != ""),
            select(interviews.c.candidate_id).join(interview_events, interview_events.c.interview_id == interviews.c.id)
            .where(interview_events.c.reason != ""),
            select(stage_history.c.candidate_id).where(stage_history.c.note != ""),
        ]
        rows = conn.execute(
            select(candidates.c.id, candidates.c.name, candidates.c.position_id, positions.c.name.label("position"),
                   candidates.c.anonymised_at, positions.c.retention_days)
            .join(positions, positions.c.id == candidates.c.position_id)
            .where(candidates.c.anonymised_at.is_not(None), or_(*(candidates.c.id.in_(q) for q in typed)))
            .order_by(candidates.c.id)
        ).all()
        return [RetentionDue(r.id, r.name, r.position_id, r.position, r.anonymised_at, (now - r.anonymised_at).days,
                             r.retention_days, again=True)
                for r in rows if chosen is None or r.id in chosen]

    def _anonymise(self, conn: Connection, candidate_id: int, now: datetime) -> tuple[str, ...]:
        """Remove the candidate's name and words, keep the numbers; returns the model versions deleted.

        A retrained version holds its training answers' words, so the versions that learnt from the
        candidate go, as on erasure (the active one hands over to its roll-back target)."""
        iv_ids, ans_ids = self._candidate_scope(conn, candidate_id)
        first_review = conn.execute(
            select(func.min(label_reviews.c.created_at)).where(label_reviews.c.answer_id.in_(ans_ids or [-1]))
        ).scalar()
        doomed = versions_trained_on(conn, candidate_id, first_review)
        delete_model_versions(conn, doomed)
        conn.execute(update(candidates).where(candidates.c.id == candidate_id).values(
            name=f"Anonymised candidate {candidate_id}", email=None, anonymised_at=now))
        if iv_ids:
            conn.execute(update(answers).where(answers.c.interview_id.in_(iv_ids))
                         .values({name: "" for name in FIELD_NAMES}))
            conn.execute(update(recommendations).where(recommendations.c.interview_id.in_(iv_ids)).values(note=""))
            conn.execute(update(interview_events).where(interview_events.c.interview_id.in_(iv_ids)).values(reason=""))
        conn.execute(update(stage_history).where(stage_history.c.candidate_id == candidate_id).values(note=""))
        if ans_ids:
            conn.execute(delete(answer_history).where(answer_history.c.answer_id.in_(ans_ids)))
            conn.execute(update(motivation_labels).where(motivation_labels.c.answer_id.in_(ans_ids))
                         .values(evidence="[]", input_sha="anonymised"))
            conn.execute(update(label_reviews).where(label_reviews.c.answer_id.in_(ans_ids)).values(reason=""))
        return tuple(r.version for r in doomed)

    # -- subject access ------------------------------------------------------------------------

    def subject_access(self, actor: Actor, candidate_id: int) -> dict:
        """Everything Motive holds on one candidate, as plain JSON-ready data."""
        require(actor, "privacy.manage")
        with self.reading() as conn:
            iv_ids, ans_ids = self._candidate_scope(conn, candidate_id)
            cand = conn.execute(
                select(candidates, positions.c.name.label("position"))
                .join(positions, positions.c.id == candidates.c.position_id).where(candidates.c.id == candidate_id)
            ).one()
            self_id = conn.execute(
                select(candidate_self_id.c.sex, candidate_self_id.c.race, candidate_self_id.c.recorded_at)
                .where(candidate_self_id.c.candidate_id == candidate_id)
            ).first()
            ivs = conn.execute(
                select(interviews.c.id, users.c.username.label("interviewer"), interviews.c.status,
                       interviews.c.started_at, interviews.c.submitted_at,
                       (kit_versions.c.kit_id + literal(" ") + kit_versions.c.version).label("kit"))
                .join(users, users.c.id == interviews.c.interviewer_id)
                .join(kit_versions, kit_versions.c.id == interviews.c.kit_version_id)
                .where(interviews.c.id.in_(iv_ids or [-1])).order_by(interviews.c.id)
            ).all()
            ans = conn.execute(
                select(answers.c.interview_id, answers.c.question_id, *(answers.c[name] for name in FIELD_NAMES),
                       answers.c.revision, answers.c.updated_at)
                .where(answers.c.interview_id.in_(iv_ids or [-1])).order_by(answers.c.interview_id, answers.c.id)
            ).all()
            rts = conn.execute(
                select(ratings.c.interview_id, ratings.c.question_id, ratings.c.score, ratings.c.updated_at)
                .where(ratings.c.interview_id.in_(iv_ids or [-1])).order_by(ratings.c.interview_id, ratings.c.id)
            ).all()
            recs = conn.execute(
                select(recommendations.c.interview_id, recommendations.c.value, recommendations.c.note,
                       recommendations.c.updated_at)
                .where(recommendations.c.interview_id.in_(iv_ids or [-1])).order_by(recommendations.c.interview_id)
            ).all()
            labs = conn.execute(
                select(answers.c.interview_id, answers.c.question_id, motivation_labels.c.model_version,
                       motivation_labels.c.label, motivation_labels.c.confidence, motivation_labels.c.evidence,
                       motivation_labels.c.created_at)
                .join(answers, answers.c.id == motivation_labels.c.answer_id)
                .where(motivation_labels.c.answer_id.in_(ans_ids or [-1])).order_by(motivation_labels.c.id)
            ).all()
            revs = conn.execute(
                select(answers.c.interview_id, answers.c.question_id, label_reviews.c.action, label_reviews.c.label,
                       label_reviews.c.reason, users.c.username.label("reviewer"), label_reviews.c.created_at)
                .join(answers, answers.c.id == label_reviews.c.answer_id)
                .join(users, users.c.id == label_reviews.c.reviewer_id)
                .where(label_reviews.c.answer_id.in_(ans_ids or [-1])).order_by(label_reviews.c.id)
            ).all()
            kept = conn.execute(
                select(answers.c.interview_id, answers.c.question_id, answer_history.c.field, answer_history.c.text,
                       answer_history.c.revision, answer_history.c.reason, users.c.username.label("saved_by"),
                       answer_history.c.saved_at)
                .join(answers, answers.c.id == answer_history.c.answer_id)
                .outerjoin(users, users.c.id == answer_history.c.saved_by)
                .where(answer_history.c.answer_id.in_(ans_ids or [-1])).order_by(answer_history.c.id)
            ).all()
            moves = conn.execute(
                select(stage_history.c.from_stage, stage_history.c.to_stage, stage_history.c.reason,
                       stage_history.c.note, stage_history.c.mover, stage_history.c.moved_at)
                .where(stage_history.c.candidate_id == candidate_id).order_by(stage_history.c.id)
            ).all()
            events = conn.execute(
                select(interview_events.c.interview_id, interview_events.c.kind, interview_events.c.reason,
                       interview_events.c.actor, interview_events.c.at)
                .where(interview_events.c.interview_id.in_(iv_ids or [-1])).order_by(interview_events.c.id)
            ).all()
            trail = conn.execute(
                select(audit_log).where(or_(
                    (audit_log.c.entity == "candidate") & (audit_log.c.entity_id == candidate_id),
                    (audit_log.c.entity == "interview") & audit_log.c.entity_id.in_(iv_ids or [-1]),
                )).order_by(audit_log.c.id)
            ).all()

        with self.atomic() as conn:
            self._audit(conn, actor, "export.subject_access", "candidate", candidate_id)

        def rows(result: list[Row]) -> list[dict]:
            return [{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r._mapping.items()} for r in result]

        labels = rows(labs)
        for lab in labels:
            lab["evidence"] = json.loads(lab["evidence"] or "[]")
        return {
            "generated_at": utcnow().isoformat(),
            "candidate": {
                "id": cand.id, "name": cand.name, "email": cand.email, "position": cand.position,
                "status": cand.status, "added_at": cand.created_at.isoformat(),
                "anonymised_at": cand.anonymised_at.isoformat() if cand.anonymised_at else None,
            },
            "self_identification": (
                {"sex": self_id.sex, "race_ethnicity": self_id.race, "recorded_at": self_id.recorded_at.isoformat()}
                if self_id else None
            ),
            "stage_history": rows(moves),
            "interviews": rows(ivs),
            "interview_events": rows(events),
            "answers": rows(ans),
            "answer_history": rows(kept),
            "ratings": rows(rts),
            "recommendations": rows(recs),
            "motivation_labels": labels,
            "label_reviews": rows(revs),
            "audit_trail": [
                {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "entity": e.entity,
                 "entity_id": e.entity_id, "detail": e.detail}
                for e in map(self._entry, trail)
            ],
        }

    # -- voluntary self-identification ---------------------------------------------------------

    def set_self_id(self, actor: Actor, candidate_id: int, sex: str | None, race: str | None) -> None:
        """Record (or clear, with both None) what a candidate chose to disclose; None means declined."""
        require(actor, "fairness")
        if sex is not None and sex not in SEX_KEYS:
            raise ValidationError(f"Unknown sex category {sex!r}; choose one of {', '.join(SEX_KEYS)} or none.")
        if race is not None and race not in RACE_KEYS:
            raise ValidationError(f"Unknown race/ethnicity category {race!r}.")
        with self.atomic() as conn:
            if conn.execute(select(candidates.c.anonymised_at).where(candidates.c.id == candidate_id)).first() is None:
                raise NotFoundError(f"No candidate with id {candidate_id}.")
            conn.execute(delete(candidate_self_id).where(candidate_self_id.c.candidate_id == candidate_id))
            if sex is not None or race is not None:
                conn.execute(candidate_self_id.insert().values(
                    candidate_id=candidate_id, sex=sex, race=race, recorded_by=actor.id, recorded_at=utcnow()))
            # The categories themselves stay out of the log: it is readable more widely than they are.
            self._audit(conn, actor, "self_id.recorded", "candidate", candidate_id)

    def self_identification(self, actor: Actor, *, position_id: int | None = None) -> list[tuple[int, str | None, str | None]]:
        """(candidate_id, sex, race) for those who disclosed anything; HR and administrators only."""
        require(actor, "fairness")
        q = select(candidate_self_id.c.candidate_id, candidate_self_id.c.sex, candidate_self_id.c.race)
        if position_id is not None:
            q = q.join(candidates, candidates.c.id == candidate_self_id.c.candidate_id).where(
                candidates.c.position_id == position_id)
        with self.reading() as conn:
            return [tuple(r) for r in conn.execute(q.order_by(candidate_self_id.c.candidate_id))]

    # -- exports -------------------------------------------------------------------------------

    def record_export(self, actor: Actor, what: str, **detail: Any) -> None:
        """Log that data left the system (a report, a subject-access file, the audit log itself)."""
        with self.atomic() as conn:
            self._audit(conn, actor, "export." + what, "export", None, **detail)

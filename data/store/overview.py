"""What a role's home shows: the open positions by stage, who is waiting for an interviewer, and what
changed since the person's previous sign-in.

Each read checks the actor's permission like every other store read; names come from the records as
they are now (an erased candidate is gone, an anonymised one reads as anonymised), never from the
audit log, which holds none.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, select

from data.access import require
from data.records import Actor, Changes, RecentMove, RecentSubmission
from data.schema import (assignments, audit_log, candidate_self_id, candidates, interviews, positions, stage_history,
                         users)
from data.stages import Outcome
from data.store.base import StoreBase, utcnow

RECENT = 8  # moves and submissions listed by name; the counts cover every one
FIRST_VISIT_DAYS = 7  # with no earlier sign-in to compare with, "recently" is the last week


class OverviewStore(StoreBase):
    """Counts and short lists for the homes: reads only, each behind the permission its page needs."""

    def previous_visit(self, actor: Actor) -> datetime | None:
        """When `actor` signed in before the sign-in that began this visit (their own entries only)."""
        require(actor, "candidates.view")
        with self.reading() as conn:
            times = conn.execute(
                select(audit_log.c.at).where(audit_log.c.action == "auth.signed_in", audit_log.c.actor_id == actor.id)
                .order_by(audit_log.c.id.desc()).limit(2)).scalars().all()
        return times[1] if len(times) == 2 else None

    def stage_counts(self, actor: Actor) -> dict[int, dict[str, int]]:
        """{open position id: {stage key: candidates in it}}, stages with nobody left out."""
        require(actor, "candidates.view")
        with self.reading() as conn:
            rows = conn.execute(
                select(candidates.c.position_id, candidates.c.status, func.count())
                .join(positions, positions.c.id == candidates.c.position_id)
                .where(positions.c.closed_at.is_(None))
                .group_by(candidates.c.position_id, candidates.c.status)).all()
        out: dict[int, dict[str, int]] = {}
        for pid, status, n in rows:
            out.setdefault(pid, {})[status] = int(n)
        return out

    def unassigned(self, actor: Actor) -> dict[int, int]:
        """{open position id: candidates in a still-open stage with no interviewer assigned}."""
        require(actor, "interviews.assign")
        still_open = self.settings.stages.with_outcome(Outcome.OPEN)
        anyone = select(assignments.c.id).where(assignments.c.candidate_id == candidates.c.id).exists()
        with self.reading() as conn:
            rows = conn.execute(
                select(candidates.c.position_id, func.count())
                .join(positions, positions.c.id == candidates.c.position_id)
                .where(positions.c.closed_at.is_(None), candidates.c.status.in_(still_open),
                       candidates.c.anonymised_at.is_(None), ~anyone)
                .group_by(candidates.c.position_id)).all()
        return {pid: int(n) for pid, n in rows}

    def changes_since(self, actor: Actor, since: datetime | None) -> Changes:
        """Stage moves, submitted interviews and new candidates after `since` (None: the last week)."""
        require(actor, "candidates.stage")
        after = since or utcnow() - timedelta(days=FIRST_VISIT_DAYS)
        moved = stage_history.c.moved_at > after
        submitted = and_(interviews.c.submitted_at.is_not(None), interviews.c.submitted_at > after)
        with self.reading() as conn:
            n_moves = conn.execute(select(func.count()).select_from(stage_history).where(moved)).scalar_one()
            n_submitted = conn.execute(select(func.count()).select_from(interviews).where(submitted)).scalar_one()
            n_added = conn.execute(select(func.count()).select_from(candidates)
                                   .where(candidates.c.created_at > after)).scalar_one()
            moves = conn.execute(
                select(stage_history.c.candidate_id, candidates.c.name, positions.c.name.label("position"),
                       stage_history.c.from_stage, stage_history.c.to_stage, stage_history.c.mover,
                       stage_history.c.moved_at)
                .join(candidates, candidates.c.id == stage_history.c.candidate_id)
                .join(positions, positions.c.id == candidates.c.position_id)
                .where(moved).order_by(stage_history.c.id.desc()).limit(RECENT)).all()
            done = conn.execute(
                select(interviews.c.candidate_id, candidates.c.name, positions.c.name.label("position"),
                       users.c.username, interviews.c.submitted_at)
                .join(candidates, candidates.c.id == interviews.c.candidate_id)
                .join(positions, positions.c.id == candidates.c.position_id)
                .join(users, users.c.id == interviews.c.interviewer_id)
                .where(submitted).order_by(interviews.c.submitted_at.desc(), interviews.c.id.desc())
                .limit(RECENT)).all()
        return Changes(
            since, int(n_moves), int(n_submitted), int(n_added),
            tuple(RecentMove(r.candidate_id, r.name, r.position, r.from_stage, r.to_stage, r.mover, r.moved_at)
                  for r in moves),
            tuple(RecentSubmission(r.candidate_id, r.name, r.position, r.username, r.submitted_at) for r in done))

    def self_id_coverage(self, actor: Actor) -> tuple[int, int]:
        """(candidates with a recorded decision who self-identified, candidates with a recorded decision)."""
        require(actor, "fairness")
        decided = self.settings.stages.with_outcome(Outcome.FORWARD, Outcome.HIRED, Outcome.REJECTED)
        with self.reading() as conn:
            total = conn.execute(select(func.count()).select_from(candidates)
                                 .where(candidates.c.status.in_(decided))).scalar_one()
            told = conn.execute(select(func.count()).select_from(candidates)
                                .join(candidate_self_id, candidate_self_id.c.candidate_id == candidates.c.id)
                                .where(candidates.c.status.in_(decided))).scalar_one()
        return int(told), int(total)

    def last_import(self, actor: Actor) -> datetime | None:
        """When candidates were last imported from a file."""
        require(actor, "candidates.import")
        with self.reading() as conn:
            return conn.execute(select(func.max(audit_log.c.at))
                                .where(audit_log.c.action == "candidates.imported")).scalar()

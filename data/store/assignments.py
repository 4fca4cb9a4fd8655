"""Assignments: which interviewers a recruiter asked to interview which candidate, and with which kit.

An assignment is a request, not an interview: the interview itself starts when the interviewer
opens it (`InterviewStore.start_interview`, which reads the assigned kit, and refuses an
unassigned interviewer when the team's setting says so). Reading the assignments reads each
one's interview state in the same query.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Iterable

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.exc import IntegrityError

from data.access import PERMISSIONS, allowed, require
from data.errors import AccessDenied, ConflictError, NotFoundError, ValidationError
from data.records import Actor, Assignment, User
from data.schema import assignments, candidates, interviews, positions, users
from data.store.base import StoreBase, to_user, utcnow


class AssignmentStore(StoreBase):
    """Panels: interviewers assigned to candidates, and the queue each interviewer works through."""

    def assign_interviewers(self, actor: Actor, candidate_id: int, interviewer_ids: Iterable[int],
                            kit_id: str | None = None) -> int:
        """Ask interviewers to interview a candidate (optionally with a kit); returns how many were new.

        Assigning someone already assigned to that candidate changes nothing (their kit included),
        so a double click or two recruiters at once leave one assignment. Refused for a closed
        position, an anonymised candidate, a deactivated account, an account whose role cannot
        conduct interviews, and a kit this deployment does not offer.
        """
        require(actor, "interviews.assign")
        wanted = list(dict.fromkeys(int(i) for i in interviewer_ids))
        if not wanted:
            raise ValidationError("Choose at least one interviewer to assign.")
        kits = self.known_kits()
        if kit_id is not None and kit_id not in kits:
            raise ValidationError(f"There is no interview kit {kit_id!r}; choose one of {', '.join(sorted(kits))}.")
        try:
            return self._assign(actor, candidate_id, wanted, kit_id)
        except IntegrityError:  # someone assigned one of them a moment ago: the second pass sees it and skips it
            return self._assign(actor, candidate_id, wanted, kit_id)

    def _assign(self, actor: Actor, candidate_id: int, wanted: list[int], kit_id: str | None) -> int:
        with self.atomic() as conn:
            cand = conn.execute(
                select(candidates.c.anonymised_at, positions.c.name, positions.c.closed_at)
                .join(positions, positions.c.id == candidates.c.position_id)
                .where(candidates.c.id == candidate_id)
            ).first()
            if cand is None:
                raise NotFoundError(f"No candidate with id {candidate_id}.")
            if cand.closed_at is not None:
                raise ConflictError(f"The position {cand.name!r} is closed, so nobody can be assigned to it. "
                                    "Reopen the position first.")
            if cand.anonymised_at is not None:
                raise ConflictError("This candidate was anonymised under the retention rules; nobody can be assigned.")
            people = {r.id: r for r in conn.execute(
                select(users.c.id, users.c.username, users.c.role, users.c.active).where(users.c.id.in_(wanted)))}
            for uid in wanted:
                person = people.get(uid)
                if person is None:
                    raise NotFoundError(f"No account with id {uid}.")
                if not person.active:
                    raise ValidationError(f"{person.username} is deactivated and cannot be assigned.")
                if not allowed(person.role, "interviews.conduct"):
                    raise ValidationError(f"{person.username} ({person.role}) cannot conduct interviews; "
                                          "assign an interviewer or an administrator.")
            held = set(conn.execute(select(assignments.c.interviewer_id).where(
                assignments.c.candidate_id == candidate_id, assignments.c.interviewer_id.in_(wanted))).scalars())
            new = [uid for uid in wanted if uid not in held]
            now = utcnow()
            if new:
                conn.execute(insert(assignments), [
                    {"candidate_id": candidate_id, "interviewer_id": uid, "kit_id": kit_id,
                     "assigned_by": actor.id, "assigned_at": now} for uid in new])
            for uid in new:
                self._audit(conn, actor, "interview.assigned", "candidate", candidate_id, interviewer_id=uid,
                            kit=kit_id)
        return len(new)

    def interviewers(self, actor: Actor) -> list[User]:
        """The active accounts a recruiter can assign: those whose role conducts interviews, by name."""
        require(actor, "interviews.assign")
        roles = [role.value for role in PERMISSIONS["interviews.conduct"]]
        with self.reading() as conn:
            rows = conn.execute(select(users).where(users.c.active.is_(True), users.c.role.in_(roles))
                                .order_by(users.c.username)).all()
        return [to_user(r) for r in rows]

    def unassign(self, actor: Actor, candidate_id: int, interviewer_id: int) -> None:
        """Take an interviewer off a candidate's panel; an interview they started stays theirs.

        Refused once that interview was submitted: the scorecard counts, so the panel it belongs to stays.
        """
        require(actor, "interviews.assign")
        with self.atomic() as conn:
            where = (assignments.c.candidate_id == candidate_id, assignments.c.interviewer_id == interviewer_id)
            if conn.execute(select(assignments.c.id).where(*where)).first() is None:
                raise NotFoundError("That interviewer is not assigned to this candidate.")
            submitted = conn.execute(select(interviews.c.submitted_at).where(
                interviews.c.candidate_id == candidate_id, interviews.c.interviewer_id == interviewer_id)).scalar()
            if submitted is not None:
                raise ConflictError("This interviewer already submitted their interview of the candidate, "
                                    "so the assignment stays.")
            conn.execute(delete(assignments).where(*where))
            self._audit(conn, actor, "interview.unassigned", "candidate", candidate_id, interviewer_id=interviewer_id)

    def assignments(self, actor: Actor, *, interviewer_id: int | None = None,
                    position_id: int | None = None) -> list[Assignment]:
        """Assignments with their interview's state, oldest first, in one query.

        Whoever may assign reads any (all of them, one interviewer's, or one position's); an
        interviewer reads only their own. `overdue` marks one never submitted
        `settings.assignment_due_days` after it was assigned.
        """
        role = getattr(actor, "role", None)
        if role is None or not allowed(role, "interviews.assign"):
            require(actor, "interviews.conduct")
            if interviewer_id not in (None, actor.id):
                raise AccessDenied("An interviewer can read only their own assignments.")
            interviewer_id = actor.id
        q = (
            select(assignments.c.id, assignments.c.candidate_id, candidates.c.name.label("candidate_name"),
                   candidates.c.position_id, positions.c.name.label("position_name"), assignments.c.interviewer_id,
                   users.c.username.label("interviewer_name"), assignments.c.kit_id, assignments.c.assigned_at,
                   interviews.c.id.label("interview_id"), interviews.c.status.label("interview_status"),
                   interviews.c.submitted_at)
            .join(candidates, candidates.c.id == assignments.c.candidate_id)
            .join(positions, positions.c.id == candidates.c.position_id)
            .join(users, users.c.id == assignments.c.interviewer_id)
            .outerjoin(interviews, and_(interviews.c.candidate_id == assignments.c.candidate_id,
                                        interviews.c.interviewer_id == assignments.c.interviewer_id))
            .where(candidates.c.anonymised_at.is_(None))
            .order_by(assignments.c.assigned_at, assignments.c.id)
        )
        if interviewer_id is not None:
            q = q.where(assignments.c.interviewer_id == interviewer_id)
        if position_id is not None:
            q = q.where(candidates.c.position_id == position_id)
        due = utcnow() - timedelta(days=self.settings.assignment_due_days)
        with self.reading() as conn:
            rows = conn.execute(q).all()
        return [Assignment(id=r.id, candidate_id=r.candidate_id, candidate_name=r.candidate_name,
                           position_id=r.position_id, position_name=r.position_name, interviewer_id=r.interviewer_id,
                           interviewer_name=r.interviewer_name, kit_id=r.kit_id, assigned_at=r.assigned_at,
                           interview_id=r.interview_id, interview_status=r.interview_status,
                           overdue=r.submitted_at is None and r.assigned_at < due)
                for r in rows]

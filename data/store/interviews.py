"""Interviews: the kits they are pinned to, answers, ratings, recommendations and submitting.

Every field is saved the moment it is typed, each save in its own transaction; an
interview is written only by the interviewer who runs it and only until it is submitted (or
withdrawn). HR can reopen a submitted one for a correction: until it is submitted again every
replaced text is kept in the field's history and every rating and recommendation change is
audited with its value before.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Iterable

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from data.access import require
from data.errors import AccessDenied, ConflictError, EditConflict, NotFoundError, ValidationError
from data.fields import FIELD_NAMES
from data.progress import gaps
from data.records import (ANSWER_FIELDS, RECOMMENDATIONS, Actor, Answer, FieldVersion, Interview, InterviewEvent,
                          InterviewStatus, Sheet)
from data.schema import (answer_history, answers, assignments, candidates, interview_events, interviews, kit_versions,
                         positions, ratings, recommendations, users)
from data.store.base import (
    ANONYMISED_READ_ONLY,
    StoreBase,
    check_writable,
    clean_text,
    interview_query,
    read_sheet,
    to_answer,
    to_interview,
    utcnow,
    visible_interview,
)
from rubric import Rubric


class InterviewStore(StoreBase):
    """One interviewer's scorecard per candidate, pinned to the exact kit text it started with."""

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
                return self._stored_kit(conn, kit_version_id)
        return self._kit_cache[kit_version_id]

    def kits_by_version(self, kit_version_ids: Iterable[int]) -> dict[int, Rubric]:
        return {k: self.kit_for_version(k) for k in set(kit_version_ids)}

    # -- interviews ------------------------------------------------------------------------------

    def start_interview(self, actor: Actor, candidate_id: int, kit: Rubric | None = None) -> int:
        """Start (or resume) the actor's interview of a candidate; rows for every question exist from the start.

        An interview already open (or submitted) is returned as it is. A withdrawn one is resumed, its
        text kept, rather than a second one started. A new or resumed one is refused on a closed
        position, and, when the team starts only assigned interviews (settings.unassigned_interviews
        off), for an interviewer nobody assigned. An assignment with a kit starts with that kit
        whatever `kit` says; without one, `kit` is needed. Registering the kit, the interview and its
        rows is one transaction: a failure leaves none of them.
        """
        require(actor, "interviews.conduct")
        with self.reading() as conn:
            existing = self._own_interview(conn, actor, candidate_id)
        if existing is not None and existing.status != InterviewStatus.WITHDRAWN:
            return existing.id
        try:
            with self.atomic() as conn:
                existing = self._own_interview(conn, actor, candidate_id)  # another tab, while we waited for the lock
                if existing is not None and existing.status != InterviewStatus.WITHDRAWN:
                    return existing.id
                assigned_kit = self._may_start(conn, actor, candidate_id)
                now = utcnow()
                if existing is not None:  # withdrawn by mistake: the same interview carries on
                    conn.execute(update(interviews).where(interviews.c.id == existing.id)
                                 .values(status=InterviewStatus.IN_PROGRESS.value, updated_at=now))
                    self._event(conn, actor, existing.id, "resumed", "", now)
                    self._audit(conn, actor, "interview.resumed", "interview", existing.id, candidate_id=candidate_id)
                    return existing.id
                if assigned_kit is not None:
                    kit = self.known_kits().get(assigned_kit)
                    if kit is None:
                        raise ValidationError(f"The kit this interview was assigned with ({assigned_kit}) is no "
                                              "longer offered; ask the recruiter to assign it again with another kit.")
                if kit is None:
                    raise ValidationError("Choose an interview kit to start with.")
                kit_version_id = self.register_kit(kit)
                iid = conn.execute(
                    insert(interviews).values(
                        candidate_id=candidate_id,
                        interviewer_id=actor.id,
                        kit_version_id=kit_version_id,
                        status=InterviewStatus.IN_PROGRESS.value,
                        current_question=kit.questions[0].id,
                        started_at=now,
                        updated_at=now,
                    )
                ).inserted_primary_key[0]
                conn.execute(
                    insert(answers),
                    [
                        {"interview_id": iid, "question_id": q.id, **{name: "" for name in FIELD_NAMES},
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
            with self.reading() as conn:
                existing = self._own_interview(conn, actor, candidate_id)
            if existing is None:
                raise
            return existing.id

    @staticmethod
    def _own_interview(conn: Connection, actor: Actor, candidate_id: int):
        return conn.execute(select(interviews.c.id, interviews.c.status).where(
            interviews.c.candidate_id == candidate_id, interviews.c.interviewer_id == actor.id)).first()

    def _may_start(self, conn: Connection, actor: Actor, candidate_id: int) -> str | None:
        """Refuse an interview the position or the team's setting does not allow; returns the assigned kit id."""
        cand = conn.execute(
            select(positions.c.name, positions.c.closed_at, candidates.c.anonymised_at)
            .join(candidates, candidates.c.position_id == positions.c.id).where(candidates.c.id == candidate_id)
        ).first()
        if cand is None:
            raise NotFoundError(f"No candidate with id {candidate_id}.")
        if cand.anonymised_at is not None:
            raise ConflictError(ANONYMISED_READ_ONLY)
        if cand.closed_at is not None:
            raise ConflictError(f"The position {cand.name!r} is closed, so it takes no new interviews. "
                                "Ask a recruiter to reopen it if this interview should still happen.")
        assigned = conn.execute(select(assignments.c.kit_id).where(
            assignments.c.candidate_id == candidate_id, assignments.c.interviewer_id == actor.id)).first()
        if assigned is None and not self.settings.unassigned_interviews:
            raise AccessDenied("You are not assigned to interview this candidate, and this team starts only "
                               "assigned interviews. Ask a recruiter to assign you on the Assignments page.")
        return assigned.kit_id if assigned is not None else None

    @staticmethod
    def _event(conn: Connection, actor: Actor, interview_id: int, kind: str, reason: str, at: datetime) -> None:
        conn.execute(insert(interview_events).values(interview_id=interview_id, kind=kind, reason=reason,
                                                     actor_id=actor.id, actor=actor.username[:64], at=at))

    def withdraw_interview(self, actor: Actor, interview_id: int, reason: str) -> None:
        """Withdraw one's own open interview, started by mistake: it is kept, read-only, and counted nowhere.

        The reason goes into the interview's events (erased with the candidate), not the audit log,
        which records only that it happened. Starting the same candidate again resumes it.
        """
        reason = self._reason(reason, "withdrawing")
        with self.atomic() as conn:
            check_writable(conn, actor, interview_id)
            now = utcnow()
            conn.execute(update(interviews).where(interviews.c.id == interview_id)
                         .values(status=InterviewStatus.WITHDRAWN.value, updated_at=now))
            self._event(conn, actor, interview_id, "withdrawn", reason, now)
            self._audit(conn, actor, "interview.withdrawn", "interview", interview_id, reason_characters=len(reason))

    def reopen_interview(self, actor: Actor, interview_id: int, reason: str) -> None:
        """Open a submitted interview again for its interviewer to correct; every change then is a revision.

        Until it is submitted again it is in progress, so it counts in no score or report.
        """
        require(actor, "interviews.reopen")
        reason = self._reason(reason, "reopening")
        with self.atomic() as conn:
            row = conn.execute(select(interviews.c.status, candidates.c.anonymised_at)
                               .join(candidates, candidates.c.id == interviews.c.candidate_id)
                               .where(interviews.c.id == interview_id)).first()
            if row is None:
                raise NotFoundError(f"No interview with id {interview_id}.")
            status = row.status
            if row.anonymised_at is not None:
                raise ConflictError(ANONYMISED_READ_ONLY)
            if status != InterviewStatus.SUBMITTED:
                raise ConflictError("Only a submitted interview can be reopened; this one is "
                                    f"{status.replace('_', ' ')}. Nothing was changed.")
            now = utcnow()
            conn.execute(update(interviews).where(interviews.c.id == interview_id)
                         .values(status=InterviewStatus.IN_PROGRESS.value, reopened_at=now, updated_at=now))
            self._event(conn, actor, interview_id, "reopened", reason, now)
            self._audit(conn, actor, "interview.reopened", "interview", interview_id, reason_characters=len(reason))

    @staticmethod
    def _reason(reason: str, doing: str) -> str:
        reason = clean_text(reason, "interview_reason").strip()
        if not reason:
            raise ValidationError(f"Say why you are {doing} this interview; the reason is kept with it.")
        return reason

    def interview_events(self, actor: Actor, interview_id: int) -> list[InterviewEvent]:
        """What happened to an interview after it started (withdrawn, resumed, reopened, resubmitted), oldest first."""
        with self.reading() as conn:
            visible_interview(conn, actor, interview_id)
            rows = conn.execute(select(interview_events).where(interview_events.c.interview_id == interview_id)
                                .order_by(interview_events.c.id)).all()
        return [InterviewEvent(kind=r.kind, reason=r.reason, actor=r.actor, at=r.at) for r in rows]

    def get_interview(self, actor: Actor, interview_id: int) -> Interview:
        """An interview the actor may see: their own, or any one for reviewing roles."""
        with self.reading() as conn:
            return visible_interview(conn, actor, interview_id)

    def list_interviews(
        self, actor: Actor, *, mine: bool = True, status: str | None = None, candidate_id: int | None = None,
        position_id: int | None = None,
    ) -> list[Interview]:
        q = interview_query()
        if mine:
            q = q.where(interviews.c.interviewer_id == actor.id)
        else:
            require(actor, "interviews.review")
        if status:
            q = q.where(interviews.c.status == status)
        if candidate_id is not None:
            q = q.where(interviews.c.candidate_id == candidate_id)
        if position_id is not None:
            q = q.where(candidates.c.position_id == position_id)
        with self.reading() as conn:
            return [to_interview(r) for r in conn.execute(q.order_by(interviews.c.updated_at.desc()).limit(500))]

    def sheet(self, actor: Actor, interview_id: int) -> Sheet:
        """Everything recorded in one interview the actor may see, in one read snapshot."""
        with self.reading() as conn:
            return read_sheet(conn, visible_interview(conn, actor, interview_id))

    def save_answer_field(self, actor: Actor, interview_id: int, question_id: str, field: str, text: str, *,
                          base_text: str | None = None, base_revision: int | None = None,
                          resolving: bool = False) -> Answer:
        """Save one field; returns the answer as now stored.

        `base_text` is the field's text as this device last had it from the server (and
        `base_revision` the answer's revision then). When the field now holds something else,
        another device or tab saved over it meanwhile: the save is not applied, its text is kept
        in the field's history, and EditConflict says so with both texts. `resolving=True`
        (keeping one's own text, or a merge, after such a conflict) keeps the text it replaces
        in the history too. Without `base_text` the save applies unconditionally.
        """
        if field not in ANSWER_FIELDS:
            raise ValidationError(f"Unknown answer field {field!r}; expected one of {', '.join(ANSWER_FIELDS)}.")
        text = clean_text(text, field)
        now = utcnow()
        conflict: tuple[str, int] | None = None
        with self.atomic() as conn:
            reopened = check_writable(conn, actor, interview_id).reopened_at is not None
            where = (answers.c.interview_id == interview_id, answers.c.question_id == question_id)
            current = conn.execute(select(answers).where(*where).with_for_update()).first()
            if current is None:
                raise NotFoundError(f"Question {question_id!r} is not part of interview {interview_id}.")
            held = current._mapping[field]
            if base_text is not None and held != clean_text(base_text, field) and held != text:
                conflict = (held, current.revision)
                self._keep_version(conn, actor, current.id, field, text, current.revision, "not applied", now)
                self._audit(conn, actor, "answer.conflict", "interview", interview_id, question=question_id,
                            field=field, based_on=base_revision, revision=current.revision)
            else:
                if resolving and held and held != text:
                    self._keep_version(conn, actor, current.id, field, held, current.revision, "replaced", now)
                elif reopened and held != text:  # a correction after submitting: what it replaces is kept
                    self._keep_version(conn, actor, current.id, field, held, current.revision, "revised", now)
                conn.execute(update(answers).where(*where)
                             .values({field: text, "revision": answers.c.revision + 1, "updated_at": now}))
                conn.execute(update(interviews).where(interviews.c.id == interview_id).values(updated_at=now))
                a = conn.execute(select(answers).where(*where)).one()
                self._audit(conn, actor, "answer.edited", "interview", interview_id, question=question_id,
                            field=field, revision=a.revision, based_on=base_revision, characters=len(text),
                            **({"revised": True} if reopened else {}))
        if conflict is not None:  # raised after the commit, so the kept text is stored
            raise EditConflict(field, text, *conflict)
        return to_answer(a)

    @staticmethod
    def _keep_version(conn: Connection, actor: Actor, answer_id: int, field: str, text: str, revision: int,
                      reason: str, now: datetime) -> None:
        conn.execute(insert(answer_history).values(answer_id=answer_id, field=field, text=text, revision=revision,
                                                   reason=reason, saved_by=getattr(actor, "id", None), saved_at=now))

    def field_history(self, actor: Actor, interview_id: int) -> list[FieldVersion]:
        """Every text set aside in this interview's conflicts and corrections, oldest first."""
        with self.reading() as conn:
            visible_interview(conn, actor, interview_id)
            rows = conn.execute(
                select(answers.c.question_id, answer_history, users.c.username)
                .join(answers, answers.c.id == answer_history.c.answer_id)
                .outerjoin(users, users.c.id == answer_history.c.saved_by)
                .where(answers.c.interview_id == interview_id).order_by(answer_history.c.id)
            ).all()
        return [FieldVersion(r.question_id, r.field, r.text, r.revision, r.reason, r.username or "", r.saved_at)
                for r in rows]

    def save_rating(self, actor: Actor, interview_id: int, question_id: str, score: int | None) -> datetime:
        if score is not None and (isinstance(score, bool) or score not in (1, 2, 3, 4, 5)):
            raise ValidationError("Ratings are whole numbers from 1 to 5.")
        now = utcnow()
        with self.atomic() as conn:
            reopened = check_writable(conn, actor, interview_id).reopened_at is not None
            before = conn.execute(select(ratings.c.score).where(
                ratings.c.interview_id == interview_id, ratings.c.question_id == question_id)).scalar()
            done = conn.execute(
                update(ratings)
                .where(ratings.c.interview_id == interview_id, ratings.c.question_id == question_id)
                .values(score=score, updated_at=now)
            ).rowcount
            if not done:
                raise NotFoundError(f"Question {question_id!r} is not part of interview {interview_id}.")
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(updated_at=now))
            revision = {"revised": True, "before": before} if reopened else {}
            self._audit(conn, actor, "rating.edited", "interview", interview_id, question=question_id, score=score,
                        **revision)
        return now

    def save_recommendation(self, actor: Actor, interview_id: int, value: str | None, note: str | None = None) -> datetime:
        """Save the overall recommendation; `note=None` leaves the note as it was."""
        if value is not None and value not in RECOMMENDATIONS:
            raise ValidationError(f"Recommendation must be one of {', '.join(RECOMMENDATIONS)}.")
        values: dict = {"value": value, "updated_at": utcnow()}
        if note is not None:
            values["note"] = clean_text(note, "recommendation_note")
        with self.atomic() as conn:
            reopened = check_writable(conn, actor, interview_id).reopened_at is not None
            before = conn.execute(select(recommendations.c.value)
                                  .where(recommendations.c.interview_id == interview_id)).scalar()
            conn.execute(update(recommendations).where(recommendations.c.interview_id == interview_id).values(**values))
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(updated_at=values["updated_at"]))
            revision = {"revised": True, "before": before} if reopened else {}
            self._audit(conn, actor, "recommendation.edited", "interview", interview_id, value=value,
                        note_changed=note is not None, **revision)
        return values["updated_at"]

    def save_recommendation_note(self, actor: Actor, interview_id: int, note: str) -> datetime:
        note = clean_text(note, "recommendation_note")
        now = utcnow()
        with self.atomic() as conn:
            reopened = check_writable(conn, actor, interview_id).reopened_at is not None
            conn.execute(
                update(recommendations).where(recommendations.c.interview_id == interview_id).values(note=note, updated_at=now)
            )
            self._audit(conn, actor, "recommendation.edited", "interview", interview_id, note_changed=True,
                        **({"revised": True} if reopened else {}))
        return now

    def set_current_question(self, actor: Actor, interview_id: int, question_id: str) -> None:
        """Remember where the interviewer is, so another tab or a reconnect opens the same question."""
        with self.atomic() as conn:
            row = conn.execute(
                select(interviews.c.interviewer_id, interviews.c.status).where(interviews.c.id == interview_id)
            ).first()
            if row is None or row.interviewer_id != actor.id or row.status != InterviewStatus.IN_PROGRESS:
                return
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(current_question=question_id))

    def submit_interview(self, actor: Actor, interview_id: int, *, accept_gaps: bool = False) -> tuple[str, ...]:
        """Submit; with gaps, refuse unless `accept_gaps`. Returns the gaps flagged. Nothing is ever dropped.

        The gaps are read in the same transaction that submits, so a save landing in between cannot
        make the flagged gaps differ from what was submitted.
        """
        with self.atomic() as conn:
            sheet = read_sheet(conn, visible_interview(conn, actor, interview_id))
            flagged = gaps(sheet, self.kit_for_version(sheet.interview.kit_version_id))
            if flagged and not accept_gaps:
                raise ValidationError("Not submitted; still open: " + "; ".join(flagged))
            reopened = check_writable(conn, actor, interview_id).reopened_at is not None
            now = utcnow()
            conn.execute(
                update(interviews)
                .where(interviews.c.id == interview_id)
                .values(status=InterviewStatus.SUBMITTED.value, submitted_at=now, updated_at=now, reopened_at=None)
            )
            if reopened:
                self._event(conn, actor, interview_id, "resubmitted", "", now)
            self._audit(conn, actor, "interview.resubmitted" if reopened else "interview.submitted", "interview",
                        interview_id, open_parts=len(flagged))
        return flagged


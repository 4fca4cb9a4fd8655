"""Interviews: the kits they are pinned to, answers, ratings, recommendations and submitting.

Every field is saved the moment it is typed, each save in its own transaction; an
interview is written only by the interviewer who runs it and only until it is submitted.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Iterable

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from data.access import require
from data.errors import EditConflict, NotFoundError, ValidationError
from data.fields import FIELD_NAMES
from data.progress import gaps
from data.records import (ANSWER_FIELDS, RECOMMENDATIONS, Actor, Answer, FieldVersion, Interview, InterviewStatus,
                          Sheet)
from data.schema import (answer_history, answers, candidates, interviews, kit_versions, ratings, recommendations,
                         users)
from data.store.base import (
    StoreBase,
    check_writable,
    clean_text,
    interview_id_for,
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

    def start_interview(self, actor: Actor, candidate_id: int, kit: Rubric) -> int:
        """Start (or resume) the actor's interview of a candidate; rows for every question exist from the start.

        Registering the kit, the interview and its rows is one transaction: a failure leaves none of them.
        """
        require(actor, "interviews.conduct")
        with self.reading() as conn:
            existing = interview_id_for(conn, actor.id, candidate_id)
        if existing is not None:
            return existing
        try:
            with self.atomic() as conn:
                existing = interview_id_for(conn, actor.id, candidate_id)  # another tab, while we waited for the lock
                if existing is not None:
                    return existing
                if conn.execute(select(candidates.c.id).where(candidates.c.id == candidate_id)).first() is None:
                    raise NotFoundError(f"No candidate with id {candidate_id}.")
                kit_version_id = self.register_kit(kit)
                now = utcnow()
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
                existing = interview_id_for(conn, actor.id, candidate_id)
            if existing is None:
                raise
            return existing

    def get_interview(self, actor: Actor, interview_id: int) -> Interview:
        """An interview the actor may see: their own, or any one for reviewing roles."""
        with self.reading() as conn:
            return visible_interview(conn, actor, interview_id)

    def list_interviews(
        self, actor: Actor, *, mine: bool = True, status: str | None = None, candidate_id: int | None = None
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
            check_writable(conn, actor, interview_id)
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
                conn.execute(update(answers).where(*where)
                             .values({field: text, "revision": answers.c.revision + 1, "updated_at": now}))
                conn.execute(update(interviews).where(interviews.c.id == interview_id).values(updated_at=now))
                a = conn.execute(select(answers).where(*where)).one()
                self._audit(conn, actor, "answer.edited", "interview", interview_id, question=question_id,
                            field=field, revision=a.revision, based_on=base_revision, characters=len(text))
        if conflict is not None:  # raised after the commit, so the kept text is stored
            raise EditConflict(field, text, *conflict)
        return to_answer(a)

    @staticmethod
    def _keep_version(conn: Connection, actor: Actor, answer_id: int, field: str, text: str, revision: int,
                      reason: str, now: datetime) -> None:
        conn.execute(insert(answer_history).values(answer_id=answer_id, field=field, text=text, revision=revision,
                                                   reason=reason, saved_by=getattr(actor, "id", None), saved_at=now))

    def field_history(self, actor: Actor, interview_id: int) -> list[FieldVersion]:
        """Every text set aside in this interview's conflicts, oldest first."""
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
            check_writable(conn, actor, interview_id)
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

    def save_recommendation(self, actor: Actor, interview_id: int, value: str | None, note: str | None = None) -> datetime:
        """Save the overall recommendation; `note=None` leaves the note as it was."""
        if value is not None and value not in RECOMMENDATIONS:
            raise ValidationError(f"Recommendation must be one of {', '.join(RECOMMENDATIONS)}.")
        values: dict = {"value": value, "updated_at": utcnow()}
        if note is not None:
            values["note"] = clean_text(note, "recommendation_note")
        with self.atomic() as conn:
            check_writable(conn, actor, interview_id)
            conn.execute(update(recommendations).where(recommendations.c.interview_id == interview_id).values(**values))
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(updated_at=values["updated_at"]))
            self._audit(conn, actor, "recommendation.edited", "interview", interview_id, value=value,
                        note_changed=note is not None)
        return values["updated_at"]

    def save_recommendation_note(self, actor: Actor, interview_id: int, note: str) -> datetime:
        note = clean_text(note, "recommendation_note")
        now = utcnow()
        with self.atomic() as conn:
            check_writable(conn, actor, interview_id)
            conn.execute(
                update(recommendations).where(recommendations.c.interview_id == interview_id).values(note=note, updated_at=now)
            )
            self._audit(conn, actor, "recommendation.edited", "interview", interview_id, note_changed=True)
        return now

    def set_current_question(self, actor: Actor, interview_id: int, question_id: str) -> None:
        """Remember where the interviewer is, so another tab or a reconnect opens the same question."""
        with self.atomic() as conn:
            row = conn.execute(
                select(interviews.c.interviewer_id, interviews.c.status).where(interviews.c.id == interview_id)
            ).first()
            if row is None or row.interviewer_id != actor.id or row.status == InterviewStatus.SUBMITTED:
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
            check_writable(conn, actor, interview_id)
            now = utcnow()
            conn.execute(
                update(interviews)
                .where(interviews.c.id == interview_id)
                .values(status=InterviewStatus.SUBMITTED.value, submitted_at=now, updated_at=now)
            )
            self._audit(conn, actor, "interview.submitted", "interview", interview_id, open_parts=len(flagged))
        return flagged


"""Motivation labels, interviewers' reviews of them, and the model versions that produce them.

The model's output for an answer is kept as it was when the answer was saved; a review
confirms it or overrides it with a reason, and never replaces it. Exactly one model
version is active; the one before it is the roll-back target.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Iterable

from sqlalchemy import ColumnElement, Connection, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from data.access import require
from data.errors import ConflictError, NotFoundError, ValidationError
from data.fields import MODEL_FIELDS
from data.records import (MOTIVE_LABELS, Actor, Answer, InterviewStatus, LabelRecord, ModelStatus, ModelVersion,
                          Review)
from data.schema import answers, candidates, interviews, label_reviews, model_versions, motivation_labels, users
from data.store.base import StoreBase, check_writable, clean_text, to_answer, utcnow, visible_interview


class LabelStore(StoreBase):
    """What the motivation model said about each answer, what the interviewer made of it, and which model."""

    # -- motivation labels and reviews ------------------------------------------------------------

    def answer_for(self, actor: Actor, interview_id: int, question_id: str) -> Answer:
        """One answer of an interview the actor may see: what the model labels."""
        with self.reading() as conn:
            visible_interview(conn, actor, interview_id)
            a = conn.execute(
                select(answers).where(answers.c.interview_id == interview_id, answers.c.question_id == question_id)
            ).first()
        if a is None:
            raise NotFoundError(f"Question {question_id!r} is not part of interview {interview_id}.")
        return to_answer(a)

    def record_label(
        self, actor: Actor, interview_id: int, question_id: str, *, label: str, confidence: float,
        probabilities: dict[str, float], evidence: list[dict], model_version: str, input_text: str,
    ) -> bool:
        """Keep the model's output for an answer; skipped (False) when the text and model are unchanged."""
        if label not in MOTIVE_LABELS:
            raise ValidationError(f"Unknown motivation label {label!r}.")
        sha = hashlib.sha256(f"{model_version}\n{input_text}".encode("utf-8")).hexdigest()
        with self.atomic() as conn:
            check_writable(conn, actor, interview_id)
            answer_id = self._answer_id(conn, interview_id, question_id)
            latest = conn.execute(
                select(motivation_labels.c.input_sha)
                .where(motivation_labels.c.answer_id == answer_id)
                .order_by(motivation_labels.c.id.desc())
                .limit(1)
            ).scalar()
            if latest == sha:
                return False
            conn.execute(insert(motivation_labels).values(
                answer_id=answer_id, model_version=model_version, label=label, confidence=float(confidence),
                probabilities=json.dumps(probabilities), evidence=json.dumps(evidence), input_sha=sha,
                created_at=utcnow(),
            ))
        return True

    def _answer_id(self, conn: Connection, interview_id: int, question_id: str) -> int:
        answer_id = conn.execute(
            select(answers.c.id).where(answers.c.interview_id == interview_id, answers.c.question_id == question_id)
        ).scalar()
        if answer_id is None:
            raise NotFoundError(f"Question {question_id!r} is not part of interview {interview_id}.")
        return answer_id

    def review_label(
        self, actor: Actor, interview_id: int, question_id: str, *, action: str, label: str | None = None,
        reason: str = "",
    ) -> None:
        """Confirm the model's latest label, or override it with a reason; the model's output is kept."""
        if action not in ("confirm", "override"):
            raise ValidationError("A review either confirms or overrides the label.")
        reason = clean_text(reason, "review_reason").strip()
        with self.atomic() as conn:
            check_writable(conn, actor, interview_id)
            answer_id = self._answer_id(conn, interview_id, question_id)
            latest = conn.execute(
                select(motivation_labels.c.id, motivation_labels.c.label)
                .where(motivation_labels.c.answer_id == answer_id)
                .order_by(motivation_labels.c.id.desc())
                .limit(1)
            ).first()
            if latest is None:
                raise ConflictError("There is no model label to review yet: save the why or the feeling first.")
            if action == "confirm":
                label = latest.label
            else:
                if label not in MOTIVE_LABELS:
                    raise ValidationError(f"Choose one of {', '.join(MOTIVE_LABELS)} to override with.")
                if not reason:
                    raise ValidationError("An override needs a reason: say what the candidate's answer shows.")
            conn.execute(insert(label_reviews).values(
                answer_id=answer_id, motivation_label_id=latest.id, action=action, label=label, reason=reason,
                reviewer_id=actor.id, created_at=utcnow(),
            ))
            self._audit(conn, actor, "label.confirmed" if action == "confirm" else "label.overridden", "interview",
                        interview_id, question=question_id, model_label=latest.label, final_label=label)

    def labels(self, actor: Actor, interview_id: int) -> dict[str, LabelRecord]:
        """The latest model label per question, with its latest review if that review is of this label."""
        with self.reading() as conn:
            visible_interview(conn, actor, interview_id)
        return self._labels_where(answers.c.interview_id == interview_id).get(interview_id, {})

    def _labels_where(self, condition: ColumnElement[bool]) -> dict[int, dict[str, LabelRecord]]:
        newest = (
            select(func.max(motivation_labels.c.id))
            .join(answers, answers.c.id == motivation_labels.c.answer_id)
            .where(condition)
            .group_by(motivation_labels.c.answer_id)
        )
        with self.reading() as conn:
            rows = conn.execute(
                select(motivation_labels, answers.c.question_id, answers.c.interview_id)
                .join(answers, answers.c.id == motivation_labels.c.answer_id)
                .where(motivation_labels.c.id.in_(newest))
            ).all()
            ids = [r.id for r in rows]
            reviews: dict[int, Review] = {}
            if ids:
                for rv in conn.execute(
                    select(label_reviews, users.c.username)
                    .join(users, users.c.id == label_reviews.c.reviewer_id)
                    .where(label_reviews.c.motivation_label_id.in_(ids))
                    .order_by(label_reviews.c.id)
                ):
                    reviews[rv.motivation_label_id] = Review(rv.action, rv.label, rv.reason, rv.username, rv.created_at)
        out: dict[int, dict[str, LabelRecord]] = {}
        for r in rows:
            out.setdefault(r.interview_id, {})[r.question_id] = LabelRecord(
                id=r.id, question_id=r.question_id, label=r.label, confidence=r.confidence,
                probabilities=json.loads(r.probabilities), evidence=tuple(json.loads(r.evidence)),
                model_version=r.model_version, created_at=r.created_at, review=reviews.get(r.id),
            )
        return out

    def motivation_profile(self, actor: Actor, candidate_id: int) -> dict:
        """Counts per final label across the candidate's questions and interviewers.

        Returns {"total": Counter-like dict, "by_interviewer": {name: dict}}; the
        interviewer's confirmed or overridden label wins over the model's.
        """
        require(actor, "interviews.review")
        with self.reading() as conn:
            names = dict(conn.execute(
                select(interviews.c.id, users.c.username)
                .join(users, users.c.id == interviews.c.interviewer_id)
                .where(interviews.c.candidate_id == candidate_id,
                       interviews.c.status != InterviewStatus.WITHDRAWN)  # withdrawn: counted nowhere
            ).all())
        labels = self._labels_where(answers.c.interview_id.in_(list(names) or [-1]))
        total = {label: 0 for label in MOTIVE_LABELS}
        by: dict[str, dict[str, int]] = {}
        for iid, per_q in labels.items():
            mine = by.setdefault(names[iid], {label: 0 for label in MOTIVE_LABELS})
            for rec in per_q.values():
                total[rec.final_label] += 1
                mine[rec.final_label] += 1
        return {"total": total, "by_interviewer": by}

    def reviewed_examples(self) -> list[tuple[str, dict[str, str], int]]:
        """(final label, the fields the model reads, candidate id) for every answer an interviewer reviewed.

        Retraining data; the candidate ids go with the version trained on them (`add_model_version`)."""
        latest = select(func.max(label_reviews.c.id)).group_by(label_reviews.c.answer_id)
        with self.reading() as conn:
            rows = conn.execute(
                select(label_reviews.c.label, interviews.c.candidate_id, *(answers.c[name] for name in MODEL_FIELDS))
                .join(answers, answers.c.id == label_reviews.c.answer_id)
                .join(interviews, interviews.c.id == answers.c.interview_id)
                .where(label_reviews.c.id.in_(latest))
                .order_by(label_reviews.c.id)
            ).all()
        return [(r[0], dict(zip(MODEL_FIELDS, r[2:])), r[1]) for r in rows]

    # -- model versions ---------------------------------------------------------------------------

    @staticmethod
    def _model_version(r) -> ModelVersion:
        return ModelVersion(
            id=r.id, version=r.version, status=r.status, metrics=json.loads(r.metrics or "{}"), notes=r.notes,
            created_by=r.username, created_at=r.created_at, activated_at=r.activated_at,
        )

    def list_model_versions(self) -> list[ModelVersion]:
        with self.reading() as conn:
            rows = conn.execute(
                select(model_versions.c.id, model_versions.c.version, model_versions.c.status,
                       model_versions.c.metrics, model_versions.c.notes, model_versions.c.created_at,
                       model_versions.c.activated_at, users.c.username)
                .outerjoin(users, users.c.id == model_versions.c.created_by)
                .order_by(model_versions.c.id.desc())
            ).all()
        return [self._model_version(r) for r in rows]

    def active_model_version(self) -> str | None:
        with self.reading() as conn:
            return conn.execute(
                select(model_versions.c.version).where(model_versions.c.status == ModelStatus.ACTIVE)
            ).scalar()

    def model_artifact(self, version: str) -> bytes:
        with self.reading() as conn:
            data = conn.execute(select(model_versions.c.artifact).where(model_versions.c.version == version)).scalar()
        if data is None:
            raise NotFoundError(f"No model version {version!r}.")
        return bytes(data)

    def add_model_version(
        self, actor: Actor, version: str, artifact: bytes, *, metrics: dict, notes: str = "",
        activate: bool = False, trained_on: Iterable[int] | None = None,
    ) -> None:
        """Keep a model artifact; data.records.SYSTEM installs the shipped default model.

        `trained_on` is the ids of the candidates whose answers went into it (empty for the corpus
        alone; None if unknown, which erasure treats as possibly anyone's). It is refused when one of
        them was erased meanwhile (training takes minutes): their words must not come back with it.
        """
        require(actor, "users.manage")
        now = utcnow()
        known = None if trained_on is None else sorted(set(trained_on))
        try:
            with self.atomic() as conn:
                if known:
                    present = set(conn.execute(select(candidates.c.id).where(candidates.c.id.in_(known))).scalars())
                    if len(present) < len(known):
                        raise ConflictError("A candidate this model learnt from was erased while it trained, so it "
                                            "was not kept. Train it again.")
                if activate:
                    self._demote_active(conn)
                conn.execute(insert(model_versions).values(
                    version=version, status=(ModelStatus.ACTIVE if activate else ModelStatus.CANDIDATE).value,
                    artifact=artifact,
                    metrics=json.dumps(metrics), notes=notes, created_by=actor.id,
                    created_at=now, activated_at=now if activate else None,
                    trained_on=None if known is None else json.dumps(known),
                ))
                self._audit(conn, actor, "model.added", "model", None,
                            version=version, activated=activate)
        except IntegrityError:
            raise ConflictError(f"A model version {version!r} already exists.") from None

    @staticmethod
    def _model_status(conn: Connection, version: str) -> str:
        status = conn.execute(select(model_versions.c.status).where(model_versions.c.version == version)).scalar()
        if status is None:
            raise NotFoundError(f"No model version {version!r}.")
        return status

    @staticmethod
    def _demote_active(conn: Connection) -> None:
        """The active model becomes the roll-back target; the old roll-back target retires."""
        conn.execute(update(model_versions).where(model_versions.c.status == ModelStatus.PREVIOUS)
                     .values(status=ModelStatus.RETIRED.value))
        conn.execute(update(model_versions).where(model_versions.c.status == ModelStatus.ACTIVE)
                     .values(status=ModelStatus.PREVIOUS.value))

    def activate_model(self, actor: Actor, version: str) -> None:
        """Make a candidate (or an older) version active; the active one becomes the rollback target."""
        require(actor, "users.manage")
        with self.atomic() as conn:
            status = self._model_status(conn, version)
            if status == ModelStatus.ACTIVE:
                return
            self._demote_active(conn)
            conn.execute(update(model_versions).where(model_versions.c.version == version)
                         .values(status=ModelStatus.ACTIVE.value, activated_at=utcnow()))
            self._audit(conn, actor, "model.activated", "model", None, version=version)

    def rollback_model(self, actor: Actor) -> str:
        """Return to the previously active model; returns its version."""
        require(actor, "users.manage")
        with self.atomic() as conn:
            previous = conn.execute(
                select(model_versions.c.version).where(model_versions.c.status == ModelStatus.PREVIOUS)
            ).scalar()
            if previous is None:
                raise ConflictError("There is no previous model to roll back to.")
            conn.execute(update(model_versions).where(model_versions.c.status == ModelStatus.ACTIVE)
                         .values(status=ModelStatus.RETIRED.value))
            conn.execute(update(model_versions).where(model_versions.c.version == previous)
                         .values(status=ModelStatus.ACTIVE.value, activated_at=utcnow()))
            self._audit(conn, actor, "model.rolled_back", "model", None, version=previous)
        return previous

    def retire_model(self, actor: Actor, version: str) -> None:
        """Set a candidate aside without deleting it; the active model cannot be retired this way."""
        require(actor, "users.manage")
        with self.atomic() as conn:
            status = self._model_status(conn, version)
            if status == ModelStatus.ACTIVE:
                raise ConflictError("The active model cannot be discarded; activate or roll back to another first.")
            conn.execute(update(model_versions).where(model_versions.c.version == version)
                         .values(status=ModelStatus.RETIRED.value))
            self._audit(conn, actor, "model.retired", "model", None, version=version)



# -- erasure from model versions (called by data/store/trust.py inside the erasure's transaction) ----

def versions_trained_on(conn: Connection, candidate_id: int, first_review: datetime | None) -> list[Row]:
    """The stored model versions that may hold this candidate's words: (id, version, status) rows.

    A version that recorded its training candidates holds them if it names them. One made before
    that was recorded (schema v8) is assumed to hold every answer reviewed before it was made:
    retraining reads them all. The shipped default (trained on the corpus, `trained_on` "[]") never does.
    """
    rows = conn.execute(select(model_versions.c.id, model_versions.c.version, model_versions.c.status,
                               model_versions.c.trained_on, model_versions.c.created_at)
                        .order_by(model_versions.c.id)).all()
    return [
        r for r in rows
        if (candidate_id in json.loads(r.trained_on) if r.trained_on is not None
            else first_review is not None and r.created_at >= first_review)
    ]


def delete_model_versions(conn: Connection, doomed: list[Row]) -> str | None:
    """Delete these versions; if the active one is among them, activate another and return its version.

    Returns None when the active version was not among them, or nothing could take its place.

    The roll-back target takes over when it survives; otherwise the newest version trained on the
    corpus alone (the shipped default). With neither left nothing is active, and the app installs
    the shipped default the next time it needs the model (analysis.registry.ensure_active_model).
    """
    if not doomed:
        return None
    conn.execute(delete(model_versions).where(model_versions.c.id.in_([r.id for r in doomed])))
    if not any(r.status == ModelStatus.ACTIVE for r in doomed):
        return None
    heir = conn.execute(select(model_versions.c.version).where(model_versions.c.status == ModelStatus.PREVIOUS)).scalar()
    if heir is None:
        heir = conn.execute(select(model_versions.c.version).where(model_versions.c.trained_on == "[]")
                            .order_by(model_versions.c.id.desc()).limit(1)).scalar()
    if heir is not None:
        conn.execute(update(model_versions).where(model_versions.c.version == heir)
                     .values(status=ModelStatus.ACTIVE.value, activated_at=utcnow()))
    return heir

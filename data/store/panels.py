"""Panels and reports: what scoring, agreement, comparison and the Excel report read.

Only submitted interviews count. An interviewer sees colleagues' interviews of a
candidate only once their own is submitted, so nobody's ratings are anchored by another's.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Iterable, Iterator

from sqlalchemy import Select, func, select

from data.access import allowed, require
from data.errors import AccessDenied, NotFoundError
from data.fields import ANSWER_FIELDS, FIELD_NAMES
from data.records import (
    Actor,
    Candidate,
    CandidateScorecards,
    InterviewStatus,
    LabelRecord,
    PanelData,
    ReportAnswer,
    Review,
    Scorecard,
    ScorecardAnswer,
    Sheet,
)
from data.schema import (
    answers,
    candidates,
    interviews,
    label_reviews,
    motivation_labels,
    positions,
    ratings,
    recommendations,
    users,
)
from data.store.base import (
    StoreBase,
    candidate_query,
    interview_id_for,
    interview_query,
    read_sheet,
    to_candidate,
    to_interview,
    visible_interview,
)

# What an interviewer's panel shows of a colleague's answers: the interviewer's own remarks (the fields the
# model does not read), never the candidate's words, the model's label or its review.
COLLEAGUE_FIELDS: tuple[str, ...] = tuple(f.name for f in ANSWER_FIELDS if not f.read_by_model)
NOT_YET = "A candidate's scorecards appear once you submit your own interview of them."
MAX_ID = 2**31 - 1  # the largest id either database stores; a bigger one names nothing


class PanelStore(StoreBase):
    """Submitted interviews read together, for a panel view or a report."""

    def panel_data(self, actor: Actor, *, position_id: int | None = None,
                   candidate_ids: Iterable[int] | None = None, statuses: Iterable[str] | None = None,
                   position_ids: Iterable[int] | None = None, added_from: date | None = None,
                   added_to: date | None = None) -> PanelData:
        """Every submitted interview of the candidates the filters select (see `_in_scope`) and what it recorded."""
        require(actor, "interviews.review")
        q = self._submitted(position_id, candidate_ids, statuses, position_ids, added_from, added_to)
        with self.reading() as conn:
            ivs = conn.execute(q.order_by(interviews.c.id)).all()
            ids = select(q.subquery().c.id)
            rts = conn.execute(select(ratings.c.interview_id, ratings.c.question_id, ratings.c.score)
                               .where(ratings.c.interview_id.in_(ids))).all()
            recs = conn.execute(select(recommendations.c.interview_id, recommendations.c.value)
                                .where(recommendations.c.interview_id.in_(ids))).all()
            # Only the selected interviews' labels and reviews are grouped, so a slice of a long list reads a slice.
            of_these = (select(motivation_labels.c.id).join(answers, answers.c.id == motivation_labels.c.answer_id)
                        .where(answers.c.interview_id.in_(ids)))
            newest = (select(func.max(motivation_labels.c.id)).where(motivation_labels.c.id.in_(of_these))
                      .group_by(motivation_labels.c.answer_id))
            labs = conn.execute(
                select(motivation_labels.c.id, answers.c.interview_id, answers.c.question_id, motivation_labels.c.label)
                .join(answers, answers.c.id == motivation_labels.c.answer_id)
                .where(answers.c.interview_id.in_(ids), motivation_labels.c.id.in_(newest))
            ).all()
            latest_review = (select(func.max(label_reviews.c.id))
                             .where(label_reviews.c.motivation_label_id.in_(of_these))
                             .group_by(label_reviews.c.motivation_label_id))
            reviewed = dict(conn.execute(
                select(label_reviews.c.motivation_label_id, label_reviews.c.label)
                .where(label_reviews.c.id.in_(latest_review))
            ).all()) if labs else {}
        return PanelData(
            interviews=tuple(tuple(r) for r in ivs),
            ratings=tuple(tuple(r) for r in rts),
            recommendations=tuple(tuple(r) for r in recs),
            labels=tuple((r.interview_id, r.question_id, r.label, reviewed.get(r.id, r.label), r.id in reviewed)
                         for r in labs),
        )

    @staticmethod
    def _in_scope(q: Select, position_id: int | None = None, candidate_ids: Iterable[int] | None = None,
                  statuses: Iterable[str] | None = None, position_ids: Iterable[int] | None = None,
                  added_from: date | None = None, added_to: date | None = None) -> Select:
        """`q` (which reads `candidates`) narrowed to the candidates a report or panel view selects.

        A filter left None selects everything; an empty one selects nothing. `added_from` and
        `added_to` are whole days, both included, on the date the candidate was added.
        """
        if position_id is not None:
            q = q.where(candidates.c.position_id == position_id)
        if position_ids is not None:
            q = q.where(candidates.c.position_id.in_(list(position_ids) or [-1]))
        if candidate_ids is not None:
            q = q.where(candidates.c.id.in_(list(candidate_ids) or [-1]))
        if statuses is not None:
            q = q.where(candidates.c.status.in_(list(statuses) or ["-"]))
        if added_from is not None:
            q = q.where(candidates.c.created_at >= datetime.combine(added_from, time.min))
        if added_to is not None:
            q = q.where(candidates.c.created_at < datetime.combine(added_to + timedelta(days=1), time.min))
        return q

    @classmethod
    def _submitted(cls, position_id: int | None = None, candidate_ids: Iterable[int] | None = None,
                   statuses: Iterable[str] | None = None, position_ids: Iterable[int] | None = None,
                   added_from: date | None = None, added_to: date | None = None) -> Select:
        """The submitted interviews a panel view or report covers."""
        q = (
            select(interviews.c.id, interviews.c.candidate_id, candidates.c.name, candidates.c.status,
                   users.c.username, interviews.c.kit_version_id, interviews.c.submitted_at)
            .join(candidates, candidates.c.id == interviews.c.candidate_id)
            .join(users, users.c.id == interviews.c.interviewer_id)
            .where(interviews.c.status == InterviewStatus.SUBMITTED)
        )
        return cls._in_scope(q, position_id, candidate_ids, statuses, position_ids, added_from, added_to)

    def iter_report_candidates(self, actor: Actor, *, position_id: int | None = None,
                               candidate_ids: Iterable[int] | None = None, statuses: Iterable[str] | None = None,
                               position_ids: Iterable[int] | None = None, added_from: date | None = None,
                               added_to: date | None = None, batch: int = 2000) -> Iterator[tuple[Candidate, datetime]]:
        """Every candidate the filters select, interviewed or not, with the date they reached their stage.

        The stage date is when the stage last changed, or when the candidate was added if it never
        has. By position name, then candidate name; streamed `batch` rows at a time.
        """
        require(actor, "interviews.review")
        require(actor, "candidates.view")
        stage_date = func.coalesce(candidates.c.status_changed_at, candidates.c.created_at).label("stage_date")
        q = self._in_scope(candidate_query().add_columns(stage_date), position_id, candidate_ids, statuses,
                           position_ids, added_from, added_to)
        q = q.order_by(positions.c.name, positions.c.id, candidates.c.name, candidates.c.id)
        with self.reading() as conn:
            for r in conn.execution_options(yield_per=batch).execute(q):
                yield to_candidate(r), r.stage_date

    def iter_report_rows(self, actor: Actor, *, position_id: int | None = None,
                         candidate_ids: Iterable[int] | None = None, statuses: Iterable[str] | None = None,
                         position_ids: Iterable[int] | None = None, added_from: date | None = None,
                         added_to: date | None = None, batch: int = 2000) -> Iterator[ReportAnswer]:
        """Every answer of the selected submitted interviews with its latest label and review, streamed.

        Label fields are None when the answer was never labelled. One query, read `batch` rows
        at a time, so a report's memory stays flat however many candidates it covers.
        """
        require(actor, "interviews.review")
        ids = select(self._submitted(position_id, candidate_ids, statuses, position_ids, added_from,
                                     added_to).subquery().c.id)
        latest = (select(motivation_labels.c.answer_id, func.max(motivation_labels.c.id).label("lid"))
                  .group_by(motivation_labels.c.answer_id).subquery())
        reviewed = (select(label_reviews.c.motivation_label_id, func.max(label_reviews.c.id).label("rid"))
                    .group_by(label_reviews.c.motivation_label_id).subquery())
        q = (
            select(answers.c.interview_id, answers.c.question_id, *(answers.c[name] for name in FIELD_NAMES),
                   motivation_labels.c.label.label("model_label"), motivation_labels.c.confidence,
                   motivation_labels.c.evidence, label_reviews.c.label.label("review_label"),
                   label_reviews.c.action, label_reviews.c.reason, ratings.c.score)
            .outerjoin(ratings, (ratings.c.interview_id == answers.c.interview_id)
                       & (ratings.c.question_id == answers.c.question_id))
            .outerjoin(latest, latest.c.answer_id == answers.c.id)
            .outerjoin(motivation_labels, motivation_labels.c.id == latest.c.lid)
            .outerjoin(reviewed, reviewed.c.motivation_label_id == motivation_labels.c.id)
            .outerjoin(label_reviews, label_reviews.c.id == reviewed.c.rid)
            .where(answers.c.interview_id.in_(ids))
            .order_by(answers.c.interview_id, answers.c.id)
        )
        with self.reading() as conn:
            for r in conn.execution_options(yield_per=batch).execute(q):
                m = r._mapping
                yield ReportAnswer(
                    interview_id=m["interview_id"], question_id=m["question_id"],
                    texts={name: m[name] for name in FIELD_NAMES}, model_label=m["model_label"],
                    confidence=m["confidence"], evidence=tuple(json.loads(m["evidence"])) if m["evidence"] else (),
                    final_label=m["review_label"] or m["model_label"], review_action=m["action"],
                    review_reason=m["reason"], rating=m["score"])

    def iter_report_ratings(self, actor: Actor, *, position_id: int | None = None,
                            candidate_ids: Iterable[int] | None = None, statuses: Iterable[str] | None = None,
                            position_ids: Iterable[int] | None = None, added_from: date | None = None,
                            added_to: date | None = None, batch: int = 2000) -> Iterator[tuple[int, str, int]]:
        """(interview id, question id, score) of every rating given in the selected submitted interviews, streamed.

        By interview, then as saved; unrated questions are left out.
        """
        require(actor, "interviews.review")
        ids = select(self._submitted(position_id, candidate_ids, statuses, position_ids, added_from,
                                     added_to).subquery().c.id)
        q = (select(ratings.c.interview_id, ratings.c.question_id, ratings.c.score)
             .where(ratings.c.interview_id.in_(ids), ratings.c.score.is_not(None))
             .order_by(ratings.c.interview_id, ratings.c.id))
        with self.reading() as conn:
            for r in conn.execution_options(yield_per=batch).execute(q):
                yield r.interview_id, r.question_id, r.score

    def iter_panel_data(self, actor: Actor, *, position_id: int | None = None,
                        candidate_ids: Iterable[int] | None = None, statuses: Iterable[str] | None = None,
                        position_ids: Iterable[int] | None = None, added_from: date | None = None,
                        added_to: date | None = None, chunk: int = 500) -> Iterator[PanelData]:
        """`panel_data` of the selected candidates, `chunk` interviewed candidates at a time, by candidate id.

        Every submitted interview of a candidate is in the same chunk, so whatever is worked out
        per candidate can be worked out chunk by chunk, in memory that does not grow with the
        number of candidates.
        """
        require(actor, "interviews.review")
        sub = self._submitted(position_id, candidate_ids, statuses, position_ids, added_from, added_to).subquery()
        with self.reading() as conn:
            interviewed = list(conn.execute(select(sub.c.candidate_id).distinct().order_by(sub.c.candidate_id))
                               .scalars())
        for start in range(0, len(interviewed), chunk):
            yield self.panel_data(actor, candidate_ids=interviewed[start:start + chunk], statuses=statuses,
                                  position_id=position_id, position_ids=position_ids, added_from=added_from,
                                  added_to=added_to)

    def panel_for(self, actor: Actor, candidate_id: int) -> list[Sheet]:
        """The other interviewers' submitted interviews of a candidate.

        Whoever has an interview of that candidate of their own sees them only once it is
        submitted, so nobody's ratings are anchored by a colleague's, administrators and
        recruiters who interview included; reviewing roles with no interview of their own
        see them always.
        """
        with self.reading() as conn:
            own = interview_id_for(conn, getattr(actor, "id", None), candidate_id)
            role = getattr(actor, "role", None)
            reviewer = role is not None and allowed(role, "interviews.review")
            if (own is None and not reviewer) or (
                    own is not None and visible_interview(conn, actor, own).status != InterviewStatus.SUBMITTED):
                raise AccessDenied("Other interviewers' ratings and notes appear once you submit your own.")
            rows = conn.execute(
                interview_query().where(interviews.c.candidate_id == candidate_id,
                                        interviews.c.status == InterviewStatus.SUBMITTED,
                                        interviews.c.interviewer_id != actor.id)
                .order_by(interviews.c.id)
            ).all()
            return [read_sheet(conn, to_interview(r)) for r in rows]

    def candidate_scorecards(self, actor: Actor, candidate_id: int) -> CandidateScorecards:
        """A candidate and every submitted scorecard of them in full: the candidate page and its print.

        Reviewing roles read every scorecard, unless they have an interview of that candidate of
        their own still open (a colleague's would anchor it). Anyone else reads nothing until their
        own interview of the candidate is submitted, and then what the panel shows them: their own
        scorecard in full, colleagues' ratings, notes and recommendations. Until then the refusal is
        the same whether or not the candidate exists, so it tells nothing about who is on file.
        Six queries and one per kit version not yet read, however many scorecards and questions.
        """
        require(actor, "candidates.view")
        role = getattr(actor, "role", None)
        reviewer = role is not None and allowed(role, "interviews.review")
        if not 0 < candidate_id <= MAX_ID:
            raise NotFoundError(f"No candidate with id {candidate_id}.") if reviewer else AccessDenied(NOT_YET)
        with self.reading() as conn:
            own = set(conn.execute(select(interviews.c.status).where(
                interviews.c.candidate_id == candidate_id, interviews.c.interviewer_id == actor.id)).scalars())
            if InterviewStatus.SUBMITTED not in own and (own or not reviewer):
                raise AccessDenied(NOT_YET)
            row = conn.execute(candidate_query().where(candidates.c.id == candidate_id)).first()
            if row is None:
                raise NotFoundError(f"No candidate with id {candidate_id}.")
            ivs = conn.execute(
                interview_query().where(interviews.c.candidate_id == candidate_id,
                                        interviews.c.status == InterviewStatus.SUBMITTED)
                .order_by(interviews.c.submitted_at, interviews.c.id)).all()
            ids = [r.id for r in ivs]
            said = self._scorecard_answers(conn, ids)
            rated = {(r.interview_id, r.question_id): r.score for r in conn.execute(
                select(ratings.c.interview_id, ratings.c.question_id, ratings.c.score)
                .where(ratings.c.interview_id.in_(ids or [-1])))}
            recs = {r.interview_id: r for r in conn.execute(
                select(recommendations.c.interview_id, recommendations.c.value, recommendations.c.note)
                .where(recommendations.c.interview_id.in_(ids or [-1])))}
            kits = {r.kit_version_id: self._stored_kit(conn, r.kit_version_id) for r in ivs}
        cards = []
        for iv in ivs:
            complete = reviewer or iv.interviewer_id == actor.id
            shown = FIELD_NAMES if complete else COLLEAGUE_FIELDS
            answers_ = []
            for q in kits[iv.kit_version_id].questions:
                texts, label = said.get((iv.id, q.id), ({}, None))
                score = rated.get((iv.id, q.id))
                answers_.append(ScorecardAnswer(
                    question_id=q.id, title=q.title, texts={name: texts.get(name, "") for name in shown},
                    rating=score, anchor=q.anchor(score) if score else None, label=label if complete else None))
            rec = recs.get(iv.id)
            cards.append(Scorecard(
                interview_id=iv.id, interviewer_name=iv.interviewer_name, kit_name=iv.kit_name,
                kit_version=iv.kit_version, submitted_at=iv.submitted_at, answers=tuple(answers_),
                recommendation=rec.value if rec else None, recommendation_note=rec.note if rec else "",
                complete=complete))
        return CandidateScorecards(candidate=to_candidate(row), scorecards=tuple(cards))

    @staticmethod
    def _scorecard_answers(conn, interview_ids: list[int]) -> dict[tuple[int, str], tuple[dict, LabelRecord | None]]:
        """(interview, question) -> the answer's texts, and its latest label with that label's latest review."""
        latest = (select(motivation_labels.c.answer_id, func.max(motivation_labels.c.id).label("lid"))
                  .group_by(motivation_labels.c.answer_id).subquery())
        reviewed = (select(label_reviews.c.motivation_label_id, func.max(label_reviews.c.id).label("rid"))
                    .group_by(label_reviews.c.motivation_label_id).subquery())
        q = (
            select(answers.c.interview_id, answers.c.question_id, *(answers.c[name] for name in FIELD_NAMES),
                   motivation_labels.c.id.label("label_id"), motivation_labels.c.label, motivation_labels.c.confidence,
                   motivation_labels.c.probabilities, motivation_labels.c.evidence, motivation_labels.c.model_version,
                   motivation_labels.c.created_at.label("labelled_at"), label_reviews.c.action,
                   label_reviews.c.label.label("review_label"), label_reviews.c.reason,
                   label_reviews.c.created_at.label("reviewed_at"), users.c.username.label("reviewer"))
            .outerjoin(latest, latest.c.answer_id == answers.c.id)
            .outerjoin(motivation_labels, motivation_labels.c.id == latest.c.lid)
            .outerjoin(reviewed, reviewed.c.motivation_label_id == motivation_labels.c.id)
            .outerjoin(label_reviews, label_reviews.c.id == reviewed.c.rid)
            .outerjoin(users, users.c.id == label_reviews.c.reviewer_id)
            .where(answers.c.interview_id.in_(interview_ids or [-1]))
        )
        out = {}
        for r in conn.execute(q):
            m = r._mapping
            label = None
            if m["label_id"] is not None:
                review = (Review(m["action"], m["review_label"], m["reason"], m["reviewer"], m["reviewed_at"])
                          if m["action"] is not None else None)
                label = LabelRecord(
                    id=m["label_id"], question_id=m["question_id"], label=m["label"], confidence=m["confidence"],
                    probabilities=json.loads(m["probabilities"]), evidence=tuple(json.loads(m["evidence"])),
                    model_version=m["model_version"], created_at=m["labelled_at"], review=review)
            out[(m["interview_id"], m["question_id"])] = ({name: m[name] for name in FIELD_NAMES}, label)
        return out

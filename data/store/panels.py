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
from data.errors import AccessDenied
from data.fields import FIELD_NAMES
from data.records import Actor, Candidate, InterviewStatus, PanelData, ReportAnswer, Sheet
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
            newest = select(func.max(motivation_labels.c.id)).group_by(motivation_labels.c.answer_id)
            labs = conn.execute(
                select(motivation_labels.c.id, answers.c.interview_id, answers.c.question_id, motivation_labels.c.label)
                .join(answers, answers.c.id == motivation_labels.c.answer_id)
                .where(answers.c.interview_id.in_(ids), motivation_labels.c.id.in_(newest))
            ).all()
            latest_review = select(func.max(label_reviews.c.id)).group_by(label_reviews.c.motivation_label_id)
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
                   label_reviews.c.action, label_reviews.c.reason)
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
                    review_reason=m["reason"])

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

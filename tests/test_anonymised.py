"""An anonymised candidate stays anonymised: their interviews take no more text (issue 15, item 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from data.errors import ConflictError
from data.schema import answers, candidates, interviews, recommendations
from data.store import utcnow
from tests.conftest import answer_box, app_as, make_user
from ui.state import Keys

READ_ONLY = "anonymised under the retention rules"


def anonymised(store, admin, interviewer, kit):
    """A candidate with one open and one submitted interview, anonymised by a retention pass."""
    pos = store.create_position(admin, "Support")
    cand = store.add_candidate(admin, pos.id, "Jane Roe", "jane@example.com")
    q = kit.questions[0].id
    open_iid = store.start_interview(interviewer, cand.id, kit)
    store.save_answer_field(interviewer, open_iid, q, "why", "Because her mother was ill.")
    second = make_user(store, "bea", "interviewer")
    done_iid = store.start_interview(second, cand.id, kit)
    store.save_answer_field(second, done_iid, q, "why", "She asked me to.")
    store.submit_interview(second, done_iid, accept_gaps=True)
    then = utcnow() - timedelta(days=40)
    with store.atomic() as conn:
        conn.execute(update(candidates).where(candidates.c.id == cand.id).values(created_at=then))
        conn.execute(update(interviews).where(interviews.c.candidate_id == cand.id).values(updated_at=then))
    store.set_retention(admin, pos.id, 30)
    assert store.apply_retention(admin).total == 1
    return cand, open_iid, done_iid, second


def anonymised_at(store, candidate_id):
    with store.reading() as conn:
        return conn.execute(select(candidates.c.anonymised_at).where(candidates.c.id == candidate_id)).scalar()


def typed_text(store, candidate_id) -> list[str]:
    with store.reading() as conn:
        rows = conn.execute(select(answers.c.story, answers.c.why, answers.c.feeling, answers.c.notes)
                            .join(interviews, interviews.c.id == answers.c.interview_id)
                            .where(interviews.c.candidate_id == candidate_id)).all()
        notes = conn.execute(select(recommendations.c.note).join(interviews, interviews.c.id == recommendations.c.interview_id)
                             .where(interviews.c.candidate_id == candidate_id)).scalars().all()
    return [t for r in rows for t in r if t] + [n for n in notes if n]


def test_an_anonymised_candidates_open_interview_refuses_every_write(store, admin, hr, interviewer, kit):
    cand, iid, _, _ = anonymised(store, admin, interviewer, kit)
    q = kit.questions[0].id
    writes = [
        lambda: store.save_answer_field(interviewer, iid, q, "story", "Typed after the pass: Jane's address."),
        lambda: store.save_rating(interviewer, iid, q, 4),
        lambda: store.save_recommendation(interviewer, iid, "yes", "Jane was great."),
        lambda: store.save_recommendation_note(interviewer, iid, "Jane was great."),
        lambda: store.record_label(interviewer, iid, q, label="intrinsic", confidence=0.9, probabilities={},
                                   evidence=[], model_version="m1", input_text="Jane"),
        lambda: store.withdraw_interview(interviewer, iid, "Jane asked us to stop."),
        lambda: store.submit_interview(interviewer, iid, accept_gaps=True),
    ]
    for write in writes:
        with pytest.raises(ConflictError, match=READ_ONLY):
            write()
    assert typed_text(store, cand.id) == []
    assert store.sheet(interviewer, iid).ratings[q] is None


def test_an_anonymised_candidates_interviews_cannot_be_reopened_or_started(store, admin, hr, interviewer, kit):
    cand, _, done_iid, second = anonymised(store, admin, interviewer, kit)
    with pytest.raises(ConflictError, match=READ_ONLY):
        store.reopen_interview(hr, done_iid, "Bea wants to add a note about Jane.")
    assert store.get_interview(second, done_iid).submitted
    with pytest.raises(ConflictError, match=READ_ONLY):
        store.start_interview(make_user(store, "cleo", "interviewer"), cand.id, kit)


def test_text_left_from_before_is_anonymised_by_the_next_pass(store, admin, hr, interviewer, kit):
    """A database written before interviews went read-only may hold text typed after anonymisation."""
    cand, iid, _, _ = anonymised(store, admin, interviewer, kit)
    was = anonymised_at(store, cand.id)
    with store.atomic() as conn:  # what the old code let an interviewer save
        conn.execute(update(answers).where(answers.c.interview_id == iid).values(story="Jane lives at 4 Elm St."))
        conn.execute(update(recommendations).where(recommendations.c.interview_id == iid).values(note="Jane!"))
    dry = store.apply_retention(hr, dry_run=True)
    assert [(d.candidate_id, d.again) for d in dry.due] == [(cand.id, True)]
    assert "text was added after that" in dry.due[0].why
    assert typed_text(store, cand.id)  # a dry run changes nothing
    run = store.apply_retention(hr)
    assert run.again == {cand.position_id: (cand.id,)} and run.total == 1
    assert typed_text(store, cand.id) == []
    assert anonymised_at(store, cand.id) == was
    assert store.apply_retention(hr).total == 0  # nothing left to do


def test_the_interview_page_shows_an_anonymised_candidates_interview_read_only_and_why(store, admin, interviewer,
                                                                                        kit):
    _, iid, _, _ = anonymised(store, admin, interviewer, kit)
    at = app_as(store, interviewer, "ui/pages/interview.py", query={"interview": str(iid)})
    assert not at.exception
    assert any(READ_ONLY in i.value and "read-only" in i.value for i in at.info)
    assert answer_box(at, Keys.answer(iid, kit.questions[0].id, "story"))["disabled"]
    assert all(r.disabled for r in at.radio)
    assert not [b for b in at.button if b.key and "withdraw" in b.key]

"""A candidate's submitted scorecards read together (data/store/panels.py): contents, order, who may read them."""

import pytest
from sqlalchemy import event

from analysis.labelling import label_answer
from data.errors import AccessDenied, NotFoundError
from data.fields import ANSWER_FIELDS, FIELD_NAMES
from data.records import CANDIDATE_STATUSES
from data.store.panels import COLLEAGUE_FIELDS
from tests.builders import submitted_interview
from tests.conftest import make_user


def said(who: str, field: str, question: str) -> str:
    return f"{who} wrote this {field} for {question}."


def fill_and_submit(store, user, candidate, kit, model, *, rating: int, recommendation: str) -> int:
    """Every declared field of every question typed, every question rated, Q1 labelled and overridden, submitted."""
    iid = store.start_interview(user, candidate.id, kit)
    for q in kit.questions:
        for spec in ANSWER_FIELDS:
            store.save_answer_field(user, iid, q.id, spec.name, said(user.username, spec.name, q.id))
        store.save_rating(user, iid, q.id, rating)
    first = kit.questions[0].id
    label_answer(store, model, user, iid, first)
    store.review_label(user, iid, first, action="override", label="mixed", reason=f"{user.username} heard both")
    store.save_recommendation(user, iid, recommendation, f"{user.username}'s reasons")
    store.submit_interview(user, iid, accept_gaps=True)
    return iid


def test_a_recruiter_reads_every_submitted_scorecard_in_full_in_kit_order(
        store, admin, interviewer, recruiter, candidate, kit, model):
    olga = make_user(store, "olga", "interviewer")
    first = fill_and_submit(store, interviewer, candidate, kit, model, rating=4, recommendation="yes")
    second = fill_and_submit(store, olga, candidate, kit, model, rating=2, recommendation="strong_no")
    store.start_interview(make_user(store, "pat", "interviewer"), candidate.id, kit)  # open: never shown

    found = store.candidate_scorecards(recruiter, candidate.id)

    assert found.candidate.name == "Maya Okafor" and found.candidate.status == CANDIDATE_STATUSES[0]
    assert found.candidate.status_changed_at is None
    assert [c.interview_id for c in found.scorecards] == [first, second]
    ivan, theirs = found.scorecards
    assert (ivan.interviewer_name, ivan.kit_name, ivan.kit_version) == ("ivan", kit.name, kit.version)
    assert ivan.submitted_at is not None and ivan.complete and theirs.complete
    assert [a.question_id for a in ivan.answers] == [q.id for q in kit.questions]
    assert [a.title for a in ivan.answers] == [q.title for q in kit.questions]
    for q, answer in zip(kit.questions, ivan.answers):
        assert set(answer.texts) == set(FIELD_NAMES)
        for spec in ANSWER_FIELDS:
            assert answer.text(spec.name) == said("ivan", spec.name, q.id)
        assert (answer.rating, answer.anchor) == (4, q.anchor(4))
    labelled = ivan.answers[0].label
    assert labelled.label in ("intrinsic", "extrinsic", "mixed", "unclear") and 0 < labelled.confidence <= 1
    assert (labelled.review.action, labelled.review.label, labelled.review.reviewer, labelled.review.reason) == (
        "override", "mixed", "ivan", "ivan heard both")
    assert all(a.label is None for a in ivan.answers[1:])
    assert (ivan.recommendation, ivan.recommendation_note) == ("yes", "ivan's reasons")
    assert (theirs.recommendation, theirs.answers[0].anchor) == ("strong_no", kit.questions[0].anchor(2))

    store.set_candidate_status(admin, candidate.id, CANDIDATE_STATUSES[1])
    moved = store.candidate_scorecards(recruiter, candidate.id)
    assert moved.candidate.status == CANDIDATE_STATUSES[1] and moved.candidate.status_changed_at is not None


def test_an_unrated_question_has_no_anchor_and_an_unfilled_field_is_empty(store, hr, interviewer, candidate, kit):
    submitted_interview(store, interviewer, candidate.id, kit, texts={"why": "Because {question}"})
    [card] = store.candidate_scorecards(hr, candidate.id).scorecards
    assert all(a.rating is None and a.anchor is None and a.label is None for a in card.answers)
    assert card.answers[1].why == f"Because {kit.questions[1].id}" and card.answers[1].story == ""


def test_a_candidate_with_no_submitted_interview_has_no_scorecards(store, recruiter, interviewer, candidate, kit):
    store.start_interview(interviewer, candidate.id, kit)
    found = store.candidate_scorecards(recruiter, candidate.id)
    assert found.candidate.id == candidate.id and found.scorecards == ()


@pytest.mark.parametrize("case", ["no interview", "open interview", "no such candidate", "out of range", "zero"])
def test_an_interviewer_who_has_not_submitted_is_refused_alike_whether_or_not_the_candidate_exists(
        store, interviewer, candidate, kit, case):
    submitted_interview(store, make_user(store, "olga", "interviewer"), candidate.id, kit, texts={"story": "x"})
    if case == "open interview":
        store.start_interview(interviewer, candidate.id, kit)
    target = {"no such candidate": candidate.id + 1000, "out of range": 10**12, "zero": 0}.get(case, candidate.id)
    with pytest.raises(AccessDenied) as refused:
        store.candidate_scorecards(interviewer, target)
    assert str(refused.value) == "A candidate's scorecards appear once you submit your own interview of them."


@pytest.mark.parametrize("target", [10_000, 10**12, -3])
def test_a_reviewer_asking_for_a_candidate_that_does_not_exist_is_told_so(store, recruiter, candidate, target):
    with pytest.raises(NotFoundError, match=f"No candidate with id {target}"):
        store.candidate_scorecards(recruiter, target)


def test_an_interviewer_who_submitted_reads_colleagues_only_as_the_panel_shows_them(
        store, interviewer, candidate, kit, model):
    olga = make_user(store, "olga", "interviewer")
    fill_and_submit(store, olga, candidate, kit, model, rating=2, recommendation="no")
    fill_and_submit(store, interviewer, candidate, kit, model, rating=5, recommendation="yes")

    theirs, mine = store.candidate_scorecards(interviewer, candidate.id).scorecards

    assert mine.interviewer_name == "ivan" and mine.complete and mine.answers[0].label is not None
    assert set(mine.answers[0].texts) == set(FIELD_NAMES)
    assert theirs.interviewer_name == "olga" and not theirs.complete
    assert COLLEAGUE_FIELDS == tuple(f.name for f in ANSWER_FIELDS if not f.read_by_model)
    for q, answer in zip(kit.questions, theirs.answers):
        assert set(answer.texts) == set(COLLEAGUE_FIELDS) and answer.label is None
        assert all(answer.text(name) == said("olga", name, q.id) for name in COLLEAGUE_FIELDS)
        assert answer.rating == 2
    assert (theirs.recommendation, theirs.recommendation_note) == ("no", "olga's reasons")


def test_an_administrator_with_an_open_interview_of_the_candidate_waits_like_any_interviewer(
        store, admin, candidate, kit):
    submitted_interview(store, make_user(store, "olga", "interviewer"), candidate.id, kit, texts={"story": "x"})
    mine = store.start_interview(admin, candidate.id, kit)
    with pytest.raises(AccessDenied, match="once you submit your own"):
        store.candidate_scorecards(admin, candidate.id)
    store.submit_interview(admin, mine, accept_gaps=True)
    assert all(c.complete for c in store.candidate_scorecards(admin, candidate.id).scorecards)


def test_reading_ten_scorecards_takes_no_more_queries_than_reading_one(store, admin, recruiter, candidate, kit):
    def queries_to_read() -> int:
        seen = []
        listen = lambda *args: seen.append(1)  # noqa: E731
        event.listen(store.engine, "before_cursor_execute", listen)
        try:
            store.candidate_scorecards(recruiter, candidate.id)
        finally:
            event.remove(store.engine, "before_cursor_execute", listen)
        return len(seen)

    texts = {spec.name: "Said on {question}" for spec in ANSWER_FIELDS}
    submitted_interview(store, make_user(store, "iv0", "interviewer"), candidate.id, kit, texts=texts, rating=3)
    store.candidate_scorecards(recruiter, candidate.id)  # the kit is read once, then kept
    one = queries_to_read()
    for n in range(1, 10):
        submitted_interview(store, make_user(store, f"iv{n}", "interviewer"), candidate.id, kit, texts=texts, rating=3)
    assert len(store.candidate_scorecards(recruiter, candidate.id).scorecards) == 10
    assert queries_to_read() == one <= 8

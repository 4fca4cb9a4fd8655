"""Panels in the store and on the pages: who sees whose ratings, and the compare page."""

import json

import pytest

from analysis.labelling import label_answer
from data.errors import AccessDenied
from tests.builders import submitted_interview
from tests.conftest import app_as, make_user
from ui.state import Keys


def _submit(store, user, candidate, kit, rating, note):
    return submitted_interview(store, user, candidate.id, kit, texts={"notes": note + " on {question}"}, rating=rating)


def _ids(store, admin, names):
    by_name = {c.name: c.id for c in store.list_candidates(admin, limit=1000)}
    return [by_name[n] for n in names]


def test_interviewer_sees_the_panel_only_after_submitting(store, admin, interviewer, candidate, kit):
    olga = make_user(store, "olga", "interviewer")
    _submit(store, olga, candidate, kit, 2, "olga's note")
    mine = store.start_interview(interviewer, candidate.id, kit)
    with pytest.raises(AccessDenied, match="once you submit your own"):
        store.panel_for(interviewer, candidate.id)
    store.submit_interview(interviewer, mine, accept_gaps=True)
    [theirs] = store.panel_for(interviewer, candidate.id)
    assert theirs.interview.interviewer_name == "olga" and theirs.ratings["extra-mile"] == 2


def test_in_progress_interviews_never_reach_the_panel_or_the_scores(store, admin, interviewer, candidate, kit):
    olga = make_user(store, "olga", "interviewer")
    _submit(store, olga, candidate, kit, 4, "done")
    draft = store.start_interview(interviewer, candidate.id, kit)
    store.save_rating(interviewer, draft, "extra-mile", 1)
    data = store.panel_data(admin, position_id=candidate.position_id)
    assert [row[4] for row in data.interviews] == ["olga"]
    assert store.panel_for(admin, candidate.id)[0].interview.interviewer_name == "olga"


def test_interview_page_shows_the_panel_after_submission(store, admin, interviewer, candidate, kit):
    olga = make_user(store, "olga", "interviewer")
    _submit(store, olga, candidate, kit, 2, "Spoke over the customer")
    mine = _submit(store, interviewer, candidate, kit, 5, "mine")
    at = app_as(store, interviewer, "ui/pages/interview.py", {"interview": str(mine)})
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["question", "you", "olga"] and table["olga"].tolist()[0] == 2
    config = json.loads(at.dataframe[0].proto.columns)
    assert (config["question"]["label"], config["you"]["label"]) == ("Question", "You")
    assert config["olga"]["type_config"]["format"] == "%d"
    assert any("Spoke over the customer" in t.value for t in at.text)


def test_interview_page_hides_the_panel_before_submission(store, admin, interviewer, candidate, kit):
    olga = make_user(store, "olga", "interviewer")
    _submit(store, olga, candidate, kit, 2, "Spoke over the customer")
    mine = store.start_interview(interviewer, candidate.id, kit)
    at = app_as(store, interviewer, "ui/pages/interview.py", {"interview": str(mine)})
    assert not any("Spoke over the customer" in t.value for t in at.text)
    assert any("once you submit your own" in c.value for c in at.caption)


def test_compare_page_with_no_positions_and_with_no_submissions(store, admin):
    recruiter = make_user(store, "rita", "recruiter")
    at = app_as(store, recruiter, "ui/pages/compare.py")
    assert not at.exception and at.info[0].value == "No positions yet."
    store.create_position(admin, "Empty")
    at = app_as(store, recruiter, "ui/pages/compare.py")
    assert not at.exception and "No submitted interviews" in at.info[0].value


def test_compare_page_ranks_and_compares_side_by_side(store, admin, model):
    from data.demo import generate

    generate(store, 25, seed=11, model=model)
    recruiter = make_user(store, "rita", "recruiter")
    at = app_as(store, recruiter, "ui/pages/compare.py")
    assert not at.exception
    ranking = at.dataframe[0].value
    assert ranking["ranking_score"].is_monotonic_decreasing and len(ranking) >= 1
    picks = list(ranking["name"][:2])
    at.session_state[Keys.CMP_PICK] = _ids(store, admin, picks)
    at.run()
    assert not at.exception
    quotes = at.dataframe[1].value
    assert set(picks) <= set(quotes.columns) and len(quotes) == 8
    assert len(at.get("vega_lite_chart")) == 2  # principles and motivation charts


def test_compare_page_with_a_single_candidate_and_hostile_names(store, admin, interviewer, kit, model):
    position = store.create_position(admin, "Solo")
    cand = store.add_candidate(admin, position.id, "<b>Bold</b> [x](http://evil.example) =1+1")
    iid = store.start_interview(interviewer, cand.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "why", "**I felt** for her <script>")
    label_answer(store, model, interviewer, iid, "extra-mile")
    store.save_rating(interviewer, iid, "extra-mile", 4)
    store.submit_interview(interviewer, iid, accept_gaps=True)
    at = app_as(store, admin, "ui/pages/compare.py")
    assert not at.exception
    ranking = at.dataframe[0].value
    assert list(ranking["name"]) == ["<b>Bold</b> [x](http://evil.example) =1+1"]
    assert ranking["certainty"].tolist() == ["1 interviewer only"]
    at.session_state[Keys.CMP_PICK] = _ids(store, admin, list(ranking["name"]))
    at.run()
    assert not at.exception
    assert "**I felt** for her <script>" in at.dataframe[1].value.iloc[0, 0]


@pytest.mark.parametrize("role", ["interviewer"])
def test_compare_page_is_refused_to_interviewers(store, admin, role):
    from tests.conftest import app_as

    at = app_as(store, make_user(store, "ivy", role), "ui/pages/compare.py")  # by its address
    assert "does not give access" in at.error[0].value

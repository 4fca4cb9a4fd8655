"""The compare page never hides a candidate silently: filters that follow the position, counts, readable columns."""

import json
from datetime import date

import pytest

from analysis.agreement import TOO_FEW, kappa_reading
from tests.builders import submitted_interview
from tests.conftest import app_as, make_user
from ui.state import Keys

LONG_AGO = (date(2020, 1, 1), date(2020, 1, 2))


@pytest.fixture
def two_positions(store, admin, interviewer, kit):
    """Position A: Ann and Bo, seen by ivan and olga (who rates a point lower); B: Cy, Di and Ed, by ivan alone."""
    olga = make_user(store, "olga", "interviewer")
    a, b = store.create_position(admin, "A first"), store.create_position(admin, "B second")
    for name, rating, recommendation in (("Ann", 5, "strong_yes"), ("Bo", 2, "no")):
        cand = store.add_candidate(admin, a.id, name)
        submitted_interview(store, interviewer, cand.id, kit, rating=rating, recommendation=recommendation)
        submitted_interview(store, olga, cand.id, kit, rating=rating - 1, recommendation=recommendation)
    for name in ("Cy", "Di", "Ed"):
        submitted_interview(store, interviewer, store.add_candidate(admin, b.id, name).id, kit, rating=4)
    return a, b


def captions(at):
    return [c.value for c in at.caption]


def test_a_recruiter_switching_position_sees_every_candidate_of_the_new_one(store, recruiter, two_positions):
    a, b = two_positions
    at = app_as(store, recruiter, "ui/pages/compare.py")
    at.selectbox(key=Keys.CMP_POSITION).set_value(a.id).run()
    at.multiselect(key=Keys.CMP_INTERVIEWER).set_value(["olga"])
    at.multiselect(key=Keys.CMP_STATUS).set_value([])
    at.date_input(key=Keys.CMP_DATES).set_value(LONG_AGO).run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["No candidate matches the filters: all 2 candidates are hidden by them."]
    at.selectbox(key=Keys.CMP_POSITION).set_value(b.id).run()
    assert not at.exception and not at.warning
    assert sorted(at.dataframe[0].value["name"]) == ["Cy", "Di", "Ed"]
    assert "Showing 3 of 3 candidates; none hidden by the filters." in captions(at)
    today = date.today()  # B's own range: its interviews were all submitted today
    assert at.date_input(key=Keys.CMP_DATES).value == (today, today)
    assert at.multiselect(key=Keys.CMP_STATUS).value == ["new"]
    assert at.multiselect(key=Keys.CMP_INTERVIEWER).value == []


def test_a_recruiter_is_told_how_many_the_filters_hide_and_can_show_them_all_again(store, admin, recruiter,
                                                                                    two_positions):
    a, _ = two_positions
    bo = next(c for c in store.list_candidates(admin, position_id=a.id) if c.name == "Bo")
    store.set_candidate_status(admin, bo.id, "rejected")
    at = app_as(store, recruiter, "ui/pages/compare.py")
    at.selectbox(key=Keys.CMP_POSITION).set_value(a.id).run()
    assert "Showing 2 of 2 candidates; none hidden by the filters." in captions(at)
    assert Keys.CMP_RESET not in [b.key for b in at.button]  # nothing hidden, nothing to reset
    at.multiselect(key=Keys.CMP_STATUS).set_value(["new"]).run()
    assert list(at.dataframe[0].value["name"]) == ["Ann"]
    assert "Showing 1 of 2 candidates; 1 hidden by the filters." in captions(at)
    at.button(key=Keys.CMP_RESET).click().run()
    assert not at.exception
    assert sorted(at.dataframe[0].value["name"]) == ["Ann", "Bo"]
    assert at.multiselect(key=Keys.CMP_STATUS).value == ["new", "rejected"]


def test_when_no_candidate_matches_the_page_says_so_and_draws_no_empty_ranking(store, recruiter, two_positions):
    a, _ = two_positions
    at = app_as(store, recruiter, "ui/pages/compare.py")
    at.selectbox(key=Keys.CMP_POSITION).set_value(a.id).run()
    tables = len(at.dataframe)
    at.date_input(key=Keys.CMP_DATES).set_value(LONG_AGO).run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["No candidate matches the filters: all 2 candidates are hidden by them."]
    assert len(at.dataframe) == tables - 1  # the ranking is gone; the agreement tables stay
    assert at.button(key=Keys.CMP_RESET).label == "Show every candidate"


def test_a_partial_interview_is_flagged_with_how_many_questions_it_rated(store, admin, interviewer, kit, recruiter):
    position = store.create_position(admin, "Solo")
    cand = store.add_candidate(admin, position.id, "Pat")
    iid = store.start_interview(interviewer, cand.id, kit)
    store.save_rating(interviewer, iid, kit.questions[0].id, 2)
    store.submit_interview(interviewer, iid, accept_gaps=True)
    submitted_interview(store, make_user(store, "olga", "interviewer"), cand.id, kit, rating=5)
    at = app_as(store, recruiter, "ui/pages/compare.py")
    assert not at.exception
    [pat] = at.dataframe[0].value.to_dict("records")
    assert pat["partial"] == f"Partial: 1 of {len(kit.questions)} questions rated (ivan)"
    first, every = kit.questions[0].weight, sum(q.weight for q in kit.questions)
    assert pat["rating"] == pytest.approx((2 * first + 5 * every) / (first + every))  # each rating once, weighted
    assert any(c.startswith("1 interview rated only some of their kit's questions") for c in captions(at))


def test_the_ranking_names_its_columns_for_people_with_one_format_per_measure(store, recruiter, two_positions):
    at = app_as(store, recruiter, "ui/pages/compare.py")
    config = json.loads(at.dataframe[0].proto.columns)
    config.pop("_index")  # hidden
    labels = {key: c["label"] for key, c in config.items()}
    assert labels["n_interviewers"] == "Interviewers" and labels["strong_yes"] == "Strong yes"
    assert labels["rating"] == "Mean rating" and labels["status"] == "Stage"
    assert all("_" not in label for label in labels.values())
    formats = {key: c["type_config"].get("format") for key, c in config.items()}
    assert {formats[k] for k in ("ranking_score", "composite", "rating", "spread")} == {"%.1f"}
    assert {formats[k] for k in ("rank", "n_interviewers", "strong_yes", "yes", "no", "strong_no",
                                 "disagreements")} == {"%d"}
    assert formats["intrinsic"] == "percent"


def test_each_agreement_statistic_has_its_reading_beside_it(store, recruiter, two_positions):
    a, _ = two_positions
    at = app_as(store, recruiter, "ui/pages/compare.py")
    at.selectbox(key=Keys.CMP_POSITION).set_value(a.id).run()
    summary, pairs, calibration = (t.value for t in at.dataframe[1:4])
    # the same recommendations on both: kappa 1; ratings [5, 4] and [2, 1]: ICC(1) = 8.5 / 9.5; nothing reviewed
    assert list(summary["Reading"]) == ["the panel almost always agrees",
                                        "interviewers' ratings of the same candidate mostly agree", TOO_FEW]
    assert summary["Value"].tolist()[:2] == [pytest.approx(1.0), pytest.approx(8.5 / 9.5)]
    assert summary["Value"].isna().tolist() == [False, False, True]
    assert list(pairs["Reading"]) == [kappa_reading(1.0, "the pair")] == ["the pair almost always agrees"]
    assert list(calibration["Reading"]) == ["this interviewer rates 1.0 points above their panels",
                                            "this interviewer rates 1.0 points below their panels"]


def test_a_picked_candidate_the_filters_then_hide_leaves_the_side_by_side_without_an_error(store, admin, recruiter,
                                                                                        two_positions):
    a, _ = two_positions
    ids = {c.name: c.id for c in store.list_candidates(admin, position_id=a.id)}
    store.set_candidate_status(admin, ids["Bo"], "rejected")
    at = app_as(store, recruiter, "ui/pages/compare.py")
    at.selectbox(key=Keys.CMP_POSITION).set_value(a.id).run()
    at.multiselect(key=Keys.CMP_PICK).set_value([ids["Ann"], ids["Bo"]]).run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 2
    at.multiselect(key=Keys.CMP_STATUS).set_value(["new"]).run()
    assert not at.exception
    assert at.multiselect(key=Keys.CMP_PICK).value == [ids["Ann"]]

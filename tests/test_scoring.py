"""Scores, tallies, profiles, the autonomy index and disagreements, against values computed by hand."""

from datetime import datetime

import pytest

from analysis.scoring import disagreements, score
from data.records import PanelData
from rubric import load_kit_text
from tests.builders import mini_kit

KIT = mini_kit(("q1", "One", ["listen"], 2), ("q2", "Two", ["listen", "patience"], None),
               principles={"listen": "l", "patience": "p"}, version="1", motivation_weight=0.2, name="Mini")
T = datetime(2026, 11, 1)


@pytest.fixture
def panel():
    kits = {1: load_kit_text(KIT)}
    data = PanelData(
        interviews=((10, 1, "Ann", "active", "A", 1, T), (11, 1, "Ann", "active", "B", 1, T),
                    (20, 2, "Bo", "active", "A", 1, T),
                    (30, 3, "Cy", "active", "A", 1, T), (31, 3, "Cy", "active", "B", 1, T)),
        ratings=((10, "q1", 4), (10, "q2", 1), (11, "q1", 5), (11, "q2", None),
                 (20, "q1", 2), (20, "q2", 4),
                 (30, "q1", 1), (30, "q2", 3), (31, "q1", 4), (31, "q2", 3)),
        recommendations=((10, "yes"), (11, "strong_yes"), (20, "no"), (30, "no"), (31, None)),
        labels=((10, "q1", "extrinsic", "intrinsic", True), (10, "q2", "extrinsic", "extrinsic", False),
                (11, "q1", "intrinsic", "intrinsic", False)),
    )
    return data, kits


def row(scores, cid):
    return scores.set_index("candidate_id").loc[cid]


def test_a_candidates_rating_counts_each_rating_once_at_its_questions_weight(panel):
    s = score(*panel)
    ann = row(s, 1)
    # ratings 4 (q1, weight 2), 1 (q2, weight 1) from A and 5 (q1, weight 2) from B, who left q2 unrated:
    # (2*4 + 1*1 + 2*5) / (2 + 1 + 2) = 19/5. A mean of the interviewers' overalls would say (3 + 5) / 2 = 4.
    assert ann["rating"] == pytest.approx(19 / 5)
    assert ann["spread"] == pytest.approx(2.0)  # still between the interviewers' overalls: 3 and 5
    assert row(s, 2)["rating"] == pytest.approx((2 * 2 + 4) / 3)


def test_a_partial_interview_weighs_only_the_questions_it_rated_and_is_flagged():
    kit = mini_kit(*((f"q{n}", f"Q{n}", ["listen"], None) for n in range(1, 5)), version="1")
    data = PanelData(((1, 7, "Di", "active", "A", 1, T), (2, 7, "Di", "active", "B", 1, T)),
                     ((1, "q1", 2), (1, "q2", 2), (1, "q3", 2), (1, "q4", 2), (2, "q1", 5), (2, "q2", None)), (), ())
    di = score(data, {1: load_kit_text(kit)}).iloc[0]
    # five ratings, each once: (4*2 + 5) / 5 = 2.6, not (2 + 5) / 2 = 3.5 as if B's one rating were a full interview
    assert di["rating"] == pytest.approx(2.6)
    assert di["n_partial"] == 1 and di["partial"] == "Partial: 1 of 4 questions rated (B)"


def test_full_interviews_are_not_flagged_partial(panel):
    s = score(*panel)
    assert row(s, 1)["partial"] == "Partial: 1 of 2 questions rated (B)" and row(s, 1)["n_partial"] == 1
    assert (row(s, 2)["partial"], row(s, 2)["n_partial"]) == ("", 0)
    assert (row(s, 3)["partial"], row(s, 3)["n_partial"]) == ("", 0)


def test_principles_average_every_rating_of_the_questions_that_probe_them(panel):
    ann = row(score(*panel), 1)
    assert ann["principle:listen"] == pytest.approx((4 + 1 + 5) / 3)
    assert ann["principle:patience"] == pytest.approx(1.0)


def test_recommendation_tallies_skip_missing_recommendations(panel):
    s = score(*panel)
    assert (row(s, 1)["yes"], row(s, 1)["strong_yes"]) == (1, 1)
    assert (row(s, 3)["no"], row(s, 3)[["strong_no", "yes", "strong_yes"]].sum()) == (1, 0)


def test_profile_uses_the_interviewers_label_and_autonomy_runs_minus_one_to_one(panel):
    ann = row(score(*panel), 1)
    # final labels: intrinsic (override of extrinsic), extrinsic, intrinsic
    assert ann["intrinsic"] == pytest.approx(2 / 3) and ann["extrinsic"] == pytest.approx(1 / 3)
    assert ann["autonomy"] == pytest.approx(1 / 3)
    assert row(score(*panel), 2)["autonomy"] != row(score(*panel), 2)["autonomy"]  # NaN: nothing labelled


def test_composite_blends_at_most_the_kits_share_of_autonomy(panel):
    s = score(*panel)
    # 1 + 4 * (0.8 * (19/5 - 1) / 4 + 0.2 * (1/3 + 1) / 2)
    assert row(s, 1)["composite"] == pytest.approx(1 + 4 * (0.8 * (19 / 5 - 1) / 4 + 0.2 * (4 / 3) / 2))
    assert row(s, 2)["composite"] == pytest.approx(row(s, 2)["rating"])  # unlabelled: the rating alone


def test_single_interviewer_is_flagged_and_shrunk_towards_the_mean(panel):
    s = score(*panel)
    bo = row(s, 2)
    mean = s["composite"].mean()
    assert bool(bo["single_interviewer"]) and bo["n_interviewers"] == 1
    assert bo["ranking_score"] == pytest.approx((bo["composite"] + mean) / 2)
    assert not bool(row(s, 1)["single_interviewer"])


def test_ranking_is_by_ranking_score(panel):
    s = score(*panel)
    assert list(s["rank"]) == [1, 2, 3] and s["ranking_score"].is_monotonic_decreasing


def test_disagreement_of_two_points_or_more_is_flagged_with_who_said_what(panel):
    s = score(*panel)
    assert row(s, 3)["disagreements"] == 1 and row(s, 1)["disagreements"] == 0  # 4 vs 5 is only one point
    d = disagreements(*panel, candidate_id=3)
    assert list(d["question"]) == ["One"] and d.iloc[0]["ratings"] == "1 (A), 4 (B)"


def test_all_equal_ratings_have_no_spread_and_no_disagreement():
    kits = {1: load_kit_text(KIT)}
    data = PanelData(((1, 9, "Eq", "active", "A", 1, T), (2, 9, "Eq", "active", "B", 1, T)),
                     ((1, "q1", 3), (1, "q2", 3), (2, "q1", 3), (2, "q2", 3)), (), ())
    eq = score(data, kits).iloc[0]
    assert eq["rating"] == 3 and eq["spread"] == 0 and eq["disagreements"] == 0


def test_no_submitted_interviews_gives_an_empty_table():
    assert score(PanelData((), (), (), ()), {}).empty


def test_labels_can_never_outweigh_the_ratings():
    """At the largest weight a kit may set, the best ratings with the worst motives still rank no lower."""
    from rubric.loader import MAX_MOTIVATION_WEIGHT

    kit = load_kit_text(KIT.replace("motivation_weight = 0.2", f"motivation_weight = {MAX_MOTIVATION_WEIGHT}"))
    data = PanelData(
        ((1, 1, "Rated", "active", "A", 1, T), (2, 2, "Motives", "active", "A", 1, T)),
        ((1, "q1", 5), (1, "q2", 5), (2, "q1", 1), (2, "q2", 1)), (),
        ((1, "q1", "extrinsic", "extrinsic", False), (2, "q1", "intrinsic", "intrinsic", False)),
    )
    s = score(data, {1: kit})
    assert row(s, 1)["composite"] >= row(s, 2)["composite"]

"""Agreement statistics against values computed by hand."""

import pytest

from analysis.agreement import calibration, cohen_kappa, fleiss_kappa, icc1, pairwise_cohen


def test_cohen_kappa_by_hand():
    # observed 3/4; chance (2*1 + 2*3) / 16 = 1/2; kappa = (3/4 - 1/2) / (1/2)
    assert cohen_kappa(["y", "y", "n", "n"], ["y", "n", "n", "n"]) == pytest.approx(0.5)


def test_cohen_kappa_is_undefined_when_everyone_says_the_same():
    assert cohen_kappa(["yes", "yes", "yes"], ["yes", "yes", "yes"]) is None


def test_cohen_kappa_needs_two_items():
    assert cohen_kappa(["yes"], ["no"]) is None


def test_fleiss_kappa_by_hand():
    # P_i = 1, 0, 1 -> P = 2/3; p = 1/2, 1/2 -> P_e = 1/2; kappa = (2/3 - 1/2) / (1/2) = 1/3
    assert fleiss_kappa([["a", "a"], ["a", "b"], ["b", "b"]]) == pytest.approx(1 / 3)


def test_fleiss_kappa_with_panels_of_different_sizes():
    # P_1 = 3*2/(3*2) = 1, P_2 = 0 -> P = 1/2; p = 4/5, 1/5 -> P_e = 0.68; kappa = -0.18 / 0.32
    assert fleiss_kappa([["a", "a", "a"], ["a", "b"]]) == pytest.approx(-0.5625)


def test_fleiss_kappa_skips_single_ratings_and_is_undefined_without_variation():
    assert fleiss_kappa([["a", "a"], ["b"]]) is None  # only one usable panel
    assert fleiss_kappa([["a", "a"], ["a", "a", "a"]]) is None  # all equal: chance agreement is 1


def test_icc1_by_hand_equal_groups():
    # MSB = 9, MSW = 0.5, k0 = 2 -> (9 - 0.5) / (9 + 0.5)
    assert icc1([[1, 2], [4, 5]]) == pytest.approx(8.5 / 9.5)


def test_icc1_by_hand_unequal_groups():
    # N = 5, g = 2: MSB = 7.5, MSW = 2.5 / 3, k0 = (5 - 13/5) = 2.4 -> (7.5 - 0.8333) / (7.5 + 1.4 * 0.8333)
    assert icc1([[1, 2, 3], [4, 5]]) == pytest.approx((7.5 - 2.5 / 3) / (7.5 + 1.4 * 2.5 / 3))


def test_icc1_undefined_for_all_equal_ratings_or_a_single_candidate():
    assert icc1([[3, 3], [3, 3]]) is None
    assert icc1([[1, 5]]) is None
    assert icc1([[4], [2]]) is None  # single interviewer each


def test_calibration_offsets_against_the_rest_of_the_panel():
    cal = calibration({1: {"a": 4, "b": 2}, 2: {"a": 5, "b": 3, "c": 4}, 3: {"a": 3}})
    assert cal["a"] == {"offset": pytest.approx(1.75), "items": 2}  # +2, then 5 - 3.5
    assert cal["b"]["offset"] == pytest.approx(-1.75) and cal["c"]["offset"] == pytest.approx(0.0)


def test_pairwise_cohen_uses_only_shared_candidates():
    ratings = {1: {"a": "yes", "b": "yes"}, 2: {"a": "no", "b": "no"}, 3: {"a": "yes", "c": "no"}}
    pairs = pairwise_cohen(ratings)
    assert pairs[("a", "b")] == (pytest.approx(1.0), 2)
    assert ("a", "c") not in pairs  # one shared candidate is too few

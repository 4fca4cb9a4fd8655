"""Agreement statistics against values computed by hand."""

import pytest

from analysis.agreement import (TOO_FEW, calibration, cohen_kappa, fleiss_kappa, icc1, icc_reading,
                                kappa_reading, offset_reading, pairwise_cohen)


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


@pytest.mark.parametrize(("kappa", "reading"), [
    (-0.3, "the panel agrees no more than chance would"), (0.0, "the panel agrees no more than chance would"),
    (0.01, "the panel barely agrees"), (0.20, "the panel barely agrees"),
    (0.21, "the panel agrees a little"), (0.40, "the panel agrees a little"),
    (0.41, "the panel partly agrees"), (0.60, "the panel partly agrees"),
    (0.61, "the panel mostly agrees"), (0.80, "the panel mostly agrees"),
    (0.81, "the panel almost always agrees"), (1.0, "the panel almost always agrees"),
])
def test_a_kappa_reads_in_landis_and_koch_bands_each_with_its_upper_edge(kappa, reading):
    assert kappa_reading(kappa) == reading


def test_a_kappa_reading_names_who_agrees_with_whom():
    assert kappa_reading(0.7, "the model", "the interviewers") == "the model mostly agrees with the interviewers"
    assert kappa_reading(-0.1, "the pair") == "the pair agrees no more than chance would"


@pytest.mark.parametrize(("icc", "reading"), [
    (-0.2, "interviewers rate the same candidate quite differently"),
    (0.49, "interviewers rate the same candidate quite differently"),
    (0.50, "interviewers' ratings of the same candidate partly agree"),
    (0.74, "interviewers' ratings of the same candidate partly agree"),
    (0.75, "interviewers' ratings of the same candidate mostly agree"),
    (0.89, "interviewers' ratings of the same candidate mostly agree"),
    (0.90, "interviewers rate the same candidate almost alike"),
    (1.0, "interviewers rate the same candidate almost alike"),
])
def test_an_icc_reads_in_koo_and_li_bands_each_with_its_lower_edge(icc, reading):
    assert icc_reading(icc) == reading


def test_an_undefined_statistic_reads_as_too_little_to_go_on_never_as_a_band():
    assert kappa_reading(None) == icc_reading(None) == TOO_FEW


@pytest.mark.parametrize(("offset", "reading"), [
    (0.6, "this interviewer rates 0.6 points above their panels"),
    (-1.75, "this interviewer rates 1.8 points below their panels"),
    (0.04, "this interviewer rates in line with their panels"),
    (-0.04, "this interviewer rates in line with their panels"),
    (0.06, "this interviewer rates 0.1 points above their panels"),
])
def test_a_raters_offset_reads_in_points_above_or_below_their_panels(offset, reading):
    assert offset_reading(offset) == reading

"""Calibration figures, computed by hand."""

import pytest

from analysis.calibration import calibration, expected_calibration_error


def test_perfectly_calibrated_bins_have_no_error():
    # 10 answers at 0.8: 8 right; 10 at 0.3: 3 right
    conf = [0.8] * 10 + [0.3] * 10
    right = [True] * 8 + [False] * 2 + [True] * 3 + [False] * 7
    assert expected_calibration_error(conf, right) == pytest.approx(0.0)


def test_overconfidence_is_the_weighted_gap():
    # bin (0.9, 1.0]: 4 answers at 0.95, 2 right (gap 0.45); bin (0.5, 0.6]: 4 at 0.55, 2 right (gap 0.05)
    conf = [0.95] * 4 + [0.55] * 4
    right = [True, True, False, False] * 2
    assert expected_calibration_error(conf, right) == pytest.approx(0.5 * 0.45 + 0.5 * 0.05)


def test_precision_counts_only_confident_answers():
    c = calibration([0.9, 0.85, 0.8, 0.5, 0.2], [True, False, True, False, False])
    assert c.precision == pytest.approx(2 / 3)
    assert c.confident == 3 and c.coverage == pytest.approx(0.6)


def test_no_confident_answer_gives_no_precision_rather_than_a_made_up_one():
    c = calibration([0.5, 0.6], [True, True])
    assert c.precision is None and "n/a" in c.describe()

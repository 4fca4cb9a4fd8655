"""Is a shown confidence honest? The figures the model card reports for every evaluation set.

An interviewer shown "85 % confident" should find the label right about 85 times in 100.
Two figures say whether that holds:

* expected calibration error (ECE): confidences grouped in ten equal-width bins; the
  weighted mean gap between each bin's mean confidence and its accuracy;
* precision at a threshold: of the answers labelled at that confidence or more, the share
  that are right, with how many answers reached it (coverage).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

CONFIDENT = 0.8  # "labels shown at >= 80 % confidence" in the targets


@dataclass(frozen=True)
class Calibration:
    """Calibration figures over one set of predictions; precision is None when no answer reached the threshold."""

    ece: float
    threshold: float
    precision: float | None
    coverage: float
    confident: int

    def describe(self) -> str:
        at = "n/a" if self.precision is None else f"{self.precision:.3f}"
        return (f"ECE {self.ece:.3f}; precision at >= {self.threshold:.0%} confidence {at} "
                f"({self.confident} answers, {self.coverage:.0%} of all)")


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    conf = np.asarray(confidence, dtype=float)
    right = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return 0.0
    # bin k holds (k/bins, (k+1)/bins]; a confidence of exactly 0 joins the first bin
    which = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    total = 0.0
    for k in range(bins):
        inside = which == k
        if inside.any():
            total += inside.sum() / conf.size * abs(conf[inside].mean() - right[inside].mean())
    return float(total)


def calibration(confidence: Sequence[float], correct: Sequence[bool], threshold: float = CONFIDENT) -> Calibration:
    conf = np.asarray(confidence, dtype=float)
    right = np.asarray(correct, dtype=bool)
    sure = conf >= threshold
    return Calibration(
        ece=expected_calibration_error(conf, right),
        threshold=threshold,
        precision=float(right[sure].mean()) if sure.any() else None,
        coverage=float(sure.mean()) if conf.size else 0.0,
        confident=int(sure.sum()),
    )

"""How far interviewers agree: kappas for recommendations, an intraclass correlation for ratings.

Panels here are unbalanced (two or three interviewers per candidate, not always the
same people), so each statistic is the form that allows that:

* Cohen's kappa for a pair of interviewers, over the candidates both assessed;
* Fleiss' kappa with a varying number of raters per candidate:
  P_i = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1)),  P = mean P_i,
  p_j = sum_i n_ij / sum_i n_i,  P_e = sum_j p_j^2,  kappa = (P - P_e) / (1 - P_e);
* ICC(1), one-way random effects, for ratings with unequal group sizes:
  ICC = (MSB - MSW) / (MSB + (k0 - 1) MSW),  k0 = (N - sum n_i^2 / N) / (g - 1).

A statistic that is undefined (fewer than two candidates with two ratings, or no
variation at all, where chance agreement is 1) is returned as None, never as a
misleading 0 or 1.

Each statistic has a plain-language reading for the people who act on it. Kappas are
read in Landis and Koch's bands (1977; each band includes its upper edge: <= 0 no better
than chance, <= 0.20 slight, <= 0.40 fair, <= 0.60 moderate, <= 0.80 substantial, above
that almost perfect); the ICC in Koo and Li's (2016; each band includes its lower edge:
below 0.50 poor, below 0.75 moderate, below 0.90 good, 0.90 and above excellent); a
rater's offset in points, to one decimal.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Hashable, Iterable, Mapping, Sequence


# (upper edge, reading): "{s}" is who agrees, "{w}" with whom ("" for a panel agreeing among itself).
KAPPA_READINGS = (
    (0.0, "{s} agrees{w} no more than chance would"),
    (0.20, "{s} barely agrees{w}"),
    (0.40, "{s} agrees{w} a little"),
    (0.60, "{s} partly agrees{w}"),
    (0.80, "{s} mostly agrees{w}"),
    (float("inf"), "{s} almost always agrees{w}"),
)
# (lower edge, reading), highest first.
ICC_READINGS = (
    (0.90, "interviewers rate the same candidate almost alike"),
    (0.75, "interviewers' ratings of the same candidate mostly agree"),
    (0.50, "interviewers' ratings of the same candidate partly agree"),
    (float("-inf"), "interviewers rate the same candidate quite differently"),
)
TOO_FEW = "too little to go on yet (too few panels, or every answer the same)"


def kappa_reading(kappa: float | None, subject: str = "the panel", with_: str = "") -> str:
    """A kappa in words, e.g. "the panel mostly agrees"; `with_` names the other side ("the interviewers")."""
    if kappa is None:
        return TOO_FEW
    template = next(text for edge, text in KAPPA_READINGS if kappa <= edge)
    return template.format(s=subject, w=f" with {with_}" if with_ else "")


def icc_reading(icc: float | None) -> str:
    """An ICC(1) of overall ratings in words."""
    if icc is None:
        return TOO_FEW
    return next(text for edge, text in ICC_READINGS if icc >= edge)


def offset_reading(offset: float, subject: str = "this interviewer") -> str:
    """A rater's calibration offset in words, e.g. "this interviewer rates 0.6 points above their panels"."""
    points = f"{abs(offset):.1f}"
    if points == "0.0":
        return f"{subject} rates in line with their panels"
    return f"{subject} rates {points} points {'above' if offset > 0 else 'below'} their panels"


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Unweighted Cohen's kappa of two raters' labels for the same items."""
    if len(a) != len(b):
        raise ValueError("the two raters must label the same items")
    return cohen_kappa_of_pairs(Counter(zip(a, b)))


def cohen_kappa_of_pairs(pairs: Mapping[tuple[Hashable, Hashable], int]) -> float | None:
    """Cohen's kappa from how many items got each (first rater's label, second rater's label) pair."""
    n = sum(pairs.values())
    if n < 2:
        return None
    observed = sum(c for (x, y), c in pairs.items() if x == y) / n
    ca, cb = Counter(), Counter()
    for (x, y), c in pairs.items():
        ca[x] += c
        cb[y] += c
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Iterable[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa over items each rated by a varying number (>= 2) of raters."""
    rated = [list(r) for r in items if len(r) >= 2]
    if len(rated) < 2:
        return None
    totals: Counter = Counter()
    per_item = []
    for ratings in rated:
        counts = Counter(ratings)
        n = len(ratings)
        totals.update(counts)
        per_item.append(sum(c * (c - 1) for c in counts.values()) / (n * (n - 1)))
    p_bar = sum(per_item) / len(per_item)
    all_n = sum(totals.values())
    p_e = sum((c / all_n) ** 2 for c in totals.values())
    if p_e == 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


def icc1(groups: Iterable[Sequence[float]]) -> float | None:
    """One-way random-effects ICC(1) for groups (candidates) of ratings of unequal size."""
    gs = [list(map(float, g)) for g in groups if len(g) >= 2]
    g = len(gs)
    if g < 2:
        return None
    N = sum(len(x) for x in gs)
    grand = sum(sum(x) for x in gs) / N
    ssb = sum(len(x) * (sum(x) / len(x) - grand) ** 2 for x in gs)
    ssw = sum(sum((v - sum(x) / len(x)) ** 2 for v in x) for x in gs)
    msb = ssb / (g - 1)
    if N - g == 0:
        return None
    msw = ssw / (N - g)
    k0 = (N - sum(len(x) ** 2 for x in gs) / N) / (g - 1)
    denominator = msb + (k0 - 1) * msw
    if denominator == 0:
        return None
    return (msb - msw) / denominator


def pairwise_cohen(ratings: Mapping[Hashable, Mapping[str, Hashable]], min_shared: int = 2) -> dict[tuple[str, str], tuple[float | None, int]]:
    """Cohen's kappa for every pair of raters: {(a, b): (kappa, shared items)}.

    `ratings` maps an item (a candidate) to {rater: label}.
    """
    by_rater: dict[str, dict[Hashable, Hashable]] = defaultdict(dict)
    for item, per in ratings.items():
        for rater, label in per.items():
            by_rater[rater][item] = label
    out = {}
    for a, b in combinations(sorted(by_rater), 2):
        shared = sorted(set(by_rater[a]) & set(by_rater[b]), key=str)
        if len(shared) < min_shared:
            continue
        out[(a, b)] = (cohen_kappa([by_rater[a][i] for i in shared], [by_rater[b][i] for i in shared]), len(shared))
    return out


def calibration(scores: Mapping[Hashable, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """How each rater's scores sit against the rest of the panel on the same items.

    For every item with at least two raters, a rater's offset is their score minus the
    mean of the *other* raters' scores. Returns {rater: {"offset": mean offset,
    "items": n}}: +0.8 means this interviewer rates 0.8 points above their panels.
    """
    offsets: dict[str, list[float]] = defaultdict(list)
    for per in scores.values():
        if len(per) < 2:
            continue
        for rater, value in per.items():
            others = [v for r, v in per.items() if r != rater]
            offsets[rater].append(value - sum(others) / len(others))
    return {r: {"offset": sum(v) / len(v), "items": len(v)} for r, v in sorted(offsets.items())}


def position_agreement(data, kits) -> dict:
    """Agreement for one position's panels: recommendations, ratings, each interviewer, and the model.

    Returns a dict with fleiss (recommendations), icc (interviewers' overall ratings),
    pairs [(a, b, kappa, shared)], calibration {interviewer: {offset, items}},
    model_kappa (model label vs the interviewers' reviewed label) and n_reviewed.
    """
    from analysis.scoring import frames

    panels = Panels()
    panels.add(frames(data, kits))
    return panels.agreement()


class Panels:
    """What agreement reads of each panel, gathered a slice of candidates at a time (by candidate id).

    Per candidate, each interviewer's recommendation and overall rating; for the model, how
    many reviewed answers got each (model label, interviewer's label) pair. Small beside the
    answers: it grows by interview, not by answer.
    """

    def __init__(self) -> None:
        self.recommendations: dict[Hashable, dict[str, Hashable]] = {}
        self.overall: dict[Hashable, dict[str, float]] = {}
        self.reviewed: Counter = Counter()

    def add(self, f) -> None:
        """The panels in `f` (scoring.Frames of whole panels, none seen before)."""
        from analysis.scoring import interviewer_overalls

        # By candidate id, each candidate's rows in their order: what a groupby gives, without a frame per group.
        recs = f.recommendations.dropna(subset=["value"]).sort_values("candidate_id", kind="stable")
        for c, interviewer, value in zip(recs["candidate_id"], recs["interviewer"], recs["value"]):
            self.recommendations.setdefault(c, {})[interviewer] = value
        ov = interviewer_overalls(f).sort_values("candidate_id", kind="stable")
        for c, interviewer, overall in zip(ov["candidate_id"], ov["interviewer"], ov["overall"]):
            self.overall.setdefault(c, {})[interviewer] = overall
        if not f.labels.empty:
            reviewed = f.labels[f.labels["reviewed"]]
            self.reviewed.update(zip(reviewed["model"], reviewed["final"]))

    def agreement(self) -> dict:
        by_candidate, overall = self.recommendations, self.overall
        n_reviewed = sum(self.reviewed.values())
        overridden = sum(c for (model, final), c in self.reviewed.items() if model != final)
        return {
            "fleiss": fleiss_kappa(list(v.values()) for v in by_candidate.values()),
            "n_panels": sum(1 for v in by_candidate.values() if len(v) >= 2),
            "icc": icc1(list(v.values()) for v in overall.values()),
            "pairs": [(a, b, k, n) for (a, b), (k, n) in pairwise_cohen(by_candidate).items()],
            "calibration": calibration(overall),
            "model_kappa": cohen_kappa_of_pairs(self.reviewed) if n_reviewed else None,
            "model_override_rate": overridden / n_reviewed if n_reviewed else None,
            "n_reviewed": n_reviewed,
        }

"""Retraining with the organisation's own reviewed labels, evaluated before anyone accepts it.

The held-out set is a fixed 30% of the interviewers' reviewed answers, chosen by a
hash of the text so it is the same slice every time. Neither model is trained on
it: the shipped corpus is in both, so only the organisation's own answers can show
whether the new model is better for this organisation.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Callable
from datetime import datetime, timezone

from analysis.motivation import ModelError, MotivationModel, evaluate
from data.corpus import LABELS, Example, load_corpus
from data.fields import model_text
from data.records import User
from data.store import Store

MIN_REVIEWED = 20
HELD_OUT_SHARE = 0.3
# Below these the held-out scores cannot tell a better model from luck: one answer moves accuracy by
# 1/n, and a label with a handful of answers has an F1 of 0, 0.5 or 1. Accepting then asks twice.
SMALL_HELD_OUT = 40
SMALL_PER_LABEL = 5
ESTIMATE_AFTER = 0.15  # share of the work done before a time left is guessed: the early steps vary most
TRAINING_SHARE = 0.92  # of the bar: training; the rest evaluates both models and keeps the new one


@dataclass(frozen=True)
class Candidate:
    """A trained, not yet active model and its before/after scores on the held-out answers."""

    version: str
    n_train_org: int
    n_held_out: int
    before: dict
    after: dict


def reviewed(store: Store) -> list[Example]:
    return [example for example, _ in _reviewed(store)]


def _reviewed(store: Store) -> list[tuple[Example, int]]:
    """Each reviewed answer the model can read, with the id of the candidate who gave it."""
    return [(Example(label, text), candidate_id) for label, fields, candidate_id in store.reviewed_examples()
            if (text := model_text(fields))]


def is_held_out(text: str) -> bool:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return digest[0] / 256 < HELD_OUT_SHARE


def train_candidate(store: Store, actor: User, active: MotivationModel,
                    progress: Callable[[float, str], None] | None = None) -> Candidate:
    """Train corpus + reviewed answers (minus the held-out slice) and keep it as a candidate version.

    ``progress(share, what)`` reports real progress (the training takes minutes on two cores)."""
    given = _reviewed(store)
    examples = [example for example, _ in given]
    if len(examples) < MIN_REVIEWED:
        raise ModelError(
            f"Retraining needs at least {MIN_REVIEWED} reviewed answers (confirmed or overridden); "
            f"there are {len(examples)}."
        )
    held = [e for e in examples if is_held_out(e.text)]
    train = [e for e in examples if not is_held_out(e.text)]
    # Whose words the artifact holds (its vocabulary and neighbour bank), so erasure can find it. The
    # held-out answers only score it: the metrics keep counts, never their text.
    trained_on = {candidate_id for example, candidate_id in given if not is_held_out(example.text)}
    if not held:
        raise ModelError("None of the reviewed answers fell in the held-out slice; review a few more first.")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    report = with_time_left(progress or (lambda share, what: None))
    model = MotivationModel.train(load_corpus() + [Example(e.label, e.text, source="reviewed") for e in train],
                                  version=f"org-{stamp}",
                                  progress=lambda share, what: report(share * TRAINING_SHARE,
                                                                      what if share < 1 else "model trained"))
    report(TRAINING_SHARE, f"scoring both models on the {len(held)} held-out answers")
    before, after = evaluate(active, held), evaluate(model, held)
    report(0.97, "keeping the new model as a candidate")
    store.add_model_version(
        actor, model.version, model.to_bytes(),
        metrics={"held_out_before": before, "held_out_after": after, "n_train_org": len(train),
                 "n_held_out": len(held), "compared_with": active.version},
        trained_on=trained_on,
        notes=f"Corpus plus {len(train)} reviewed answers; evaluated on {len(held)} held-out reviewed answers.",
    )
    report(1.0, "done")
    return Candidate(model.version, len(train), len(held), before, after)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(5, round(seconds / 5) * 5):.0f} seconds"
    minutes = round(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def with_time_left(report: Callable[[float, str], None],
                   clock: Callable[[], float] = time.monotonic) -> Callable[[float, str], None]:
    """`report` with "about N left" added to each step, guessed from the time the work done so far took.

    No guess is made before ESTIMATE_AFTER of the work is done: the first steps are the least typical.
    """
    started = clock()

    def step(share: float, what: str) -> None:
        spent = clock() - started
        if ESTIMATE_AFTER <= share < 1 and spent > 0:
            what = f"{what}: about {_duration(spent * (1 - share) / share)} left"
        report(min(max(share, 0.0), 1.0), what)

    return step


@dataclass(frozen=True)
class HeldOutReview:
    """A candidate's held-out scores as they may be read: each label's support, and why they may be too few.

    `macro_f1` averages the F1 of the labels present in the held-out answers only: a label with no
    held-out answer has no F1 to average (scikit-learn would count it as 0 and halve a perfect score).
    `support` is None for a candidate recorded before supports were kept.
    """

    n: int
    support: dict[str, int] | None
    before: dict[str, float | None]
    after: dict[str, float | None]
    cautions: tuple[str, ...]

    @property
    def small(self) -> bool:
        return bool(self.cautions)

    @property
    def present(self) -> tuple[str, ...]:
        return tuple(label for label in LABELS if self.support and self.support.get(label))


def _support(scores: dict) -> dict[str, int] | None:
    confusion = scores.get("confusion")
    return None if not confusion else {label: int(sum(row)) for label, row in zip(LABELS, confusion)}


def _present_macro_f1(scores: dict, present: tuple[str, ...]) -> float | None:
    per = scores.get("per_label_f1")
    if not per or not present:
        return scores.get("macro_f1")
    return sum(per[label] for label in present) / len(present)


def review_held_out(metrics: dict) -> HeldOutReview:
    """Read a candidate's stored metrics: the figures to show and the cautions before accepting it."""
    before, after = metrics.get("held_out_before", {}), metrics.get("held_out_after", {})
    n = int(metrics.get("n_held_out") or 0)
    support = _support(after) or _support(before)
    present = tuple(label for label in LABELS if support and support.get(label))
    cautions = []
    if n < SMALL_HELD_OUT:
        cautions.append(f"Only {n} held-out answers: one answer more or less right moves accuracy by "
                        f"{100 / max(n, 1):.0f} points, so a difference this small can be chance. "
                        f"{SMALL_HELD_OUT} or more say more.")
    if support is None:
        cautions.append("How many held-out answers each label had was not recorded for this candidate.")
    else:
        thin = [f"{label} ({support.get(label, 0)})" for label in LABELS if support.get(label, 0) < SMALL_PER_LABEL]
        if thin:
            cautions.append(f"Fewer than {SMALL_PER_LABEL} held-out answers for {', '.join(thin)}: "
                            "the scores say little or nothing about how the candidate labels those.")

    def figures(scores: dict) -> dict[str, float | None]:
        return {**{k: scores.get(k) for k in ("accuracy", "kappa", "wrong_side_rate")},
                "macro_f1": _present_macro_f1(scores, present)}

    return HeldOutReview(n, support, figures(before), figures(after), tuple(cautions))

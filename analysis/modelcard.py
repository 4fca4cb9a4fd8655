"""Measure the model honestly, for analysis/MODEL_CARD.md and the README.

    python -m analysis.modelcard [--repeats 2] [--folds 5]

Repeated stratified cross-validation on the corpus (the real pipeline, refitted per
fold), the same for the keyword-lexicon baseline, and both on the development set
(../shared/motivation-dev.tsv), which is never trained on.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import RepeatedStratifiedKFold

from analysis.lexicon import LexiconClassifier
from analysis.motivation import MotivationModel, build_pipeline, format_scores, scores
from data.corpus import load_corpus, load_labelled

DEV = Path(__file__).resolve().parents[2] / "shared" / "motivation-dev.tsv"


def cross_validate(make, texts, labels, folds: int, repeats: int) -> list[dict]:
    out = []
    cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=0)
    for train, test in cv.split(texts, labels):
        est = make().fit([texts[i] for i in train], [labels[i] for i in train])
        out.append(scores([labels[i] for i in test], list(est.predict([texts[i] for i in test]))))
    return out


def summary(runs: list[dict], key: str) -> str:
    vals = np.array([r[key] for r in runs])
    return f"{vals.mean():.3f} ± {vals.std(ddof=1):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.modelcard")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    corpus = load_corpus()
    texts, labels = [e.text for e in corpus], [e.label for e in corpus]
    print(f"corpus: {len(corpus)} answers; {args.repeats}x repeated stratified {args.folds}-fold CV\n")
    for name, make in (("model", build_pipeline), ("lexicon baseline", LexiconClassifier)):
        t0 = time.time()
        runs = cross_validate(make, texts, labels, args.folds, args.repeats)
        print(f"{name}: macro-F1 {summary(runs, 'macro_f1')}, accuracy {summary(runs, 'accuracy')}, "
              f"kappa {summary(runs, 'kappa')}, wrong side {summary(runs, 'wrong_side_rate')} "
              f"({time.time() - t0:.0f} s)")
    if DEV.exists():
        dev = load_labelled(DEV)
        model = MotivationModel.train(corpus)
        print("\ndevelopment set, model:\n" + format_scores(scores([e.label for e in dev],
              [p.label for p in model.predict([e.text for e in dev], evidence=False)])))
        base = LexiconClassifier().fit([], [])
        print("\ndevelopment set, lexicon baseline:\n" + format_scores(scores([e.label for e in dev],
              list(base.predict([e.text for e in dev])))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

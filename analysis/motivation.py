"""The motivation model: label the motive a candidate *states*, with evidence and a confidence.

One composed scikit-learn pipeline:

    words  TF-IDF over negation- and contrast-marked unigrams and bigrams (analysis.features)
    chars  TF-IDF over character 2-5-grams inside words (robust to typos and non-native spelling)
      ->   logistic regression, calibrated with sigmoid scaling on held-out folds

It was chosen by measurement (see analysis/MODEL_CARD.md): it beat a keyword lexicon,
sentence embeddings (all-MiniLM-L6-v2), and embeddings stacked on the TF-IDF features.

The label advises the interviewer. It is never a decision, and never outweighs the
interviewers' own ratings.

Command line:

    python -m analysis.motivation label FILE      one answer per line, or CSV/JSONL with `text` ('-' = stdin)
    python -m analysis.motivation evaluate FILE   label<TAB>text lines -> accuracy, macro-F1, kappa, confusion
    python -m analysis.motivation train OUT       train on the corpus and write a .skops artifact
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence
import zipfile
from zipfile import ZIP_DEFLATED

import numpy as np
import sklearn
from scipy import sparse
from scipy.special import expit
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, f1_score
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline

from analysis.features import FEATURES_VERSION, analyse_chars, analyse_ngrams, tokens, word_char_grams
from data.corpus import LABELS, CorpusError, Example, corpus_sha, load_corpus, load_labelled

SIDES = ("intrinsic", "extrinsic")
# The only types an artifact may contain beyond scikit-learn's and NumPy's defaults.
TRUSTED_TYPES = [
    "analysis.features.analyse_chars",
    "analysis.features.analyse_ngrams",
    "analysis.motivation.SideDetectors",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.StratifiedKFold",
]
MAX_TEXT_CHARS = 40_000
MIN_EVIDENCE = 0.25  # a phrase must push at least this much (in logit units) to be shown
FUNCTION_WORDS = frozenset("""a an the and or but so to of in on at for with by from it its i me my we our you your
he him his she her they them their this that these those is was were be been am are do did does had has have
just then there here as if up out about into over after before when while very really""".split())  # longer input is labelled on its first 40,000 characters


class ModelError(ValueError):
    """The model or its input cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Evidence:
    """A phrase of the answer that pushed the label towards one side, with its span in the text."""

    phrase: str
    start: int
    end: int
    side: str  # "intrinsic" or "extrinsic"
    weight: float


@dataclass(frozen=True)
class Prediction:
    """The model's reading of one answer; probabilities sum to 1 over LABELS."""

    label: str
    confidence: float
    probabilities: dict[str, float]
    evidence: tuple[Evidence, ...] = field(default=())

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
            "evidence": [asdict(e) | {"weight": round(e.weight, 4)} for e in self.evidence],
        }


def compose(story: str = "", why: str = "", feeling: str = "") -> str:
    """The story, the why and the feeling read together, each closed as a sentence so
    a negation in one field never reaches into the next."""
    parts = []
    for part in (story, why, feeling):
        part = (part or "").strip()
        if part:
            parts.append(part if re.search(r"[.!?]$", part) else part + ".")
    return " ".join(parts)


class SideDetectors(BaseEstimator, TransformerMixin):
    """Two detectors, "states an inner reason" and "states an outer reason", as features.

    The guide defines *mixed* as both sides stated as reasons: a conjunction that a
    linear model over n-grams cannot express, so without this step any short
    one-sided answer ("My manager was watching.") drifted towards mixed. The step
    outputs p(inner), p(outer), their product and p(neither); while fitting it
    returns out-of-fold probabilities so the classifier after it learns from honest ones.
    """

    def __init__(self, C: float = 30.0, folds: int = 5, random_state: int = 0) -> None:
        self.C = C
        self.folds = folds
        self.random_state = random_state

    @staticmethod
    def _targets(y) -> list[np.ndarray]:
        y = np.asarray(y)
        return [np.isin(y, ["intrinsic", "mixed"]).astype(int), np.isin(y, ["extrinsic", "mixed"]).astype(int)]

    def _detector(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=5000, random_state=self.random_state)

    def fit(self, X, y):
        self.inner_, self.outer_ = (self._detector().fit(X, t) for t in self._targets(y))
        return self

    def fit_transform(self, X, y=None, **fit_params):
        cv = StratifiedKFold(self.folds, shuffle=True, random_state=self.random_state)
        inner, outer = (cross_val_predict(self._detector(), X, t, cv=cv, method="predict_proba")[:, 1]
                        for t in self._targets(y))
        self.fit(X, y)
        return self._combine(inner, outer)

    def transform(self, X):
        return self._combine(self.inner_.predict_proba(X)[:, 1], self.outer_.predict_proba(X)[:, 1])

    @staticmethod
    def _combine(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
        return np.column_stack([inner, outer, inner * outer, (1 - inner) * (1 - outer)])


def build_pipeline(*, C: float = 30.0, calibration_folds: int = 5,
                   random_state: int = 0) -> Pipeline:
    """The one model pipeline; hyperparameters were chosen by cross-validation on the corpus only."""
    text = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=analyse_ngrams, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer=analyse_chars, sublinear_tf=True, min_df=2)),
    ])
    features = Pipeline([
        ("text", text),
        ("with_sides", FeatureUnion([("ngrams", "passthrough"),
                                     ("sides", SideDetectors(C=C, random_state=random_state))])),
    ])
    classifier = CalibratedClassifierCV(
        LogisticRegression(C=C, max_iter=5000, random_state=random_state),
        method="sigmoid",
        cv=StratifiedKFold(calibration_folds, shuffle=True, random_state=random_state),
        ensemble=False,
    )
    return Pipeline([("features", features), ("classify", classifier)])


class MotivationModel:
    """A trained pipeline plus what it was trained on; predicts labels with evidence."""

    def __init__(self, pipeline: Pipeline, meta: dict) -> None:
        self.pipeline = pipeline
        self.meta = meta
        self.classes = [str(c) for c in pipeline.classes_]
        if sorted(self.classes) != sorted(LABELS):
            raise ModelError(f"model classes {self.classes} are not the four labels {list(LABELS)}")
        features = pipeline.named_steps["features"]
        union = features.named_steps["text"]
        sides = dict(features.named_steps["with_sides"].transformer_list)["sides"]
        # Evidence: what pushes the "inner reason" detector up, minus what pushes the "outer reason" one.
        self._side = sides.inner_.coef_[0] - sides.outer_.coef_[0]
        # The linear algebra of the fitted steps, for labelling one answer without scikit-learn's
        # per-call validation (about a millisecond per call). Pinned to the pipeline by a test.
        self._inner = (sides.inner_.coef_[0], sides.inner_.intercept_[0])
        self._outer = (sides.outer_.coef_[0], sides.outer_.intercept_[0])
        calibrated = pipeline.named_steps["classify"].calibrated_classifiers_[0]
        linear = calibrated.estimator
        self._linear = (linear.coef_, linear.intercept_, [str(c) for c in linear.classes_])
        self._calibration = [(cal.a_, cal.b_) for cal in calibrated.calibrators]
        self._words = union.transformer_list[0][1]
        self._chars = union.transformer_list[1][1]
        self._n_words = len(self._words.vocabulary_)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    # -- training and persistence -------------------------------------------------------------

    @classmethod
    def train(cls, examples: Sequence[Example], *, version: str | None = None, **params) -> "MotivationModel":
        if len({e.label for e in examples}) < len(LABELS):
            raise ModelError("training needs examples of all four labels")
        pipeline = build_pipeline(**params)
        pipeline.fit([e.text for e in examples], [e.label for e in examples])
        for _, vectorizer in pipeline.named_steps["features"].named_steps["text"].transformer_list:
            vectorizer.stop_words_ = None  # only the pruned n-grams, kept for introspection: megabytes of nothing
        sha = corpus_sha(list(examples))
        meta = {
            "version": version or f"corpus-{sha[:10]}",
            "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "corpus_sha": sha,
            "n_train": len(examples),
            "params": params,
            "features_version": FEATURES_VERSION,
        }
        return cls(pipeline, meta)

    def to_bytes(self) -> bytes:
        """A skops artifact. Vocabularies travel as two arrays each (terms, columns): skops audits a
        dict entry by entry, which made loading a 90,000-term vocabulary take seconds."""
        vectorizers = [v for _, v in self.pipeline.named_steps["features"].named_steps["text"].transformer_list]
        vocabs = [v.vocabulary_ for v in vectorizers]
        packed = {
            f"vocab{k}": (np.array(list(vocab), dtype=str), np.array(list(vocab.values()), dtype=np.int64))
            for k, vocab in enumerate(vocabs)
        }
        try:
            for v in vectorizers:
                v.vocabulary_ = None
            return sio.dumps({"pipeline": self.pipeline, "meta": json.dumps(self.meta), **packed},
                             compression=ZIP_DEFLATED)
        finally:
            for v, vocab in zip(vectorizers, vocabs):
                v.vocabulary_ = vocab

    @classmethod
    def from_bytes(cls, data: bytes) -> "MotivationModel":
        """Load an artifact, refusing any type beyond scikit-learn, NumPy and our own analyzer."""
        try:
            obj = sio.loads(data, trusted=TRUSTED_TYPES)
        except UntrustedTypesFoundException as exc:
            raise ModelError(f"model artifact contains types that are not trusted: {exc}") from None
        except (ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ModelError(f"not a Motive model artifact ({type(exc).__name__})") from None
        meta = json.loads(obj["meta"])
        for k, (_, v) in enumerate(obj["pipeline"].named_steps["features"].named_steps["text"].transformer_list):
            terms, columns = obj[f"vocab{k}"]
            v.vocabulary_ = dict(zip(terms.tolist(), columns.tolist()))
        if meta.get("features_version") != FEATURES_VERSION:
            raise ModelError(
                f"model {meta.get('version')} was built with features v{meta.get('features_version')}, "
                f"this code has v{FEATURES_VERSION}: retrain it (python -m analysis.motivation train)"
            )
        return cls(obj["pipeline"], meta)

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: str | Path) -> "MotivationModel":
        try:
            return cls.from_bytes(Path(path).read_bytes())
        except FileNotFoundError:
            raise ModelError(f"{path}: model artifact not found") from None

    # -- prediction -----------------------------------------------------------------------------

    def predict(self, texts: Sequence[str], *, evidence: bool = True) -> list[Prediction]:
        texts = [(t or "")[:MAX_TEXT_CHARS] for t in texts]
        if not texts:
            return []
        # The fitted parts, called directly: FeatureUnion.transform goes through joblib on
        # every call, which cost more than the model itself for one answer. Same maths
        # (test_fast_path_matches_the_pipeline).
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            T = sparse.hstack([self._words.transform(texts), self._chars.transform(texts)], format="csr")
        P = self._probabilities(T)
        out = []
        for k, text in enumerate(texts):
            probs = {c: float(P[k, j]) for j, c in enumerate(self.classes)}
            probs = {label: probs[label] for label in LABELS}
            label = max(probs, key=probs.get)
            ev = self._evidence(text, T[k]) if evidence and text.strip() else ()
            out.append(Prediction(label, probs[label], probs, ev))
        return out

    def _probabilities(self, T) -> np.ndarray:
        """Side detectors, then the calibrated classifier, as plain sparse algebra (columns: self.classes)."""
        inner = expit(T @ self._inner[0] + self._inner[1])
        outer = expit(T @ self._outer[0] + self._outer[1])
        sides = SideDetectors._combine(inner, outer)
        coef, intercept, order = self._linear
        n = len(self._words.vocabulary_) + len(self._chars.vocabulary_)
        decision = T @ coef[:, :n].T + sides @ coef[:, n:].T + intercept
        proba = np.column_stack([expit(-(a * decision[:, k] + b)) for k, (a, b) in enumerate(self._calibration)])
        total = proba.sum(axis=1, keepdims=True)
        proba = np.divide(proba, total, out=np.full_like(proba, 1 / proba.shape[1]), where=total != 0)
        return proba[:, [order.index(c) for c in self.classes]]

    def predict_one(self, text: str) -> Prediction:
        return self.predict([text])[0]

    def _evidence(self, text: str, row, top: int = 3) -> tuple[Evidence, ...]:
        """Per-token pushes towards intrinsic (+) or extrinsic (-), grouped into phrases."""
        toks = tokens(text)
        if not toks:
            return ()
        score = np.zeros(len(toks))
        row = row.tocsr()
        values = dict(zip(row.indices, row.data))

        # word features: where each unigram / bigram / BUT_ copy stands
        places: dict[str, list[tuple[int, ...]]] = {}
        feats = [t.feature for t in toks]
        for i, f in enumerate(feats):
            places.setdefault(f, []).append((i,))
        for i in range(len(feats) - 1):
            places.setdefault(f"{feats[i]} {feats[i + 1]}", []).append((i, i + 1))
        for i, t in enumerate(toks):
            if t.after_contrast:
                places.setdefault("BUT_" + t.feature, []).append((i,))
        vocab = self._words.vocabulary_
        for f, spots in places.items():
            j = vocab.get(f)
            if j is None or j not in values:
                continue
            push = values[j] * self._side[j] / len(spots)
            for spot in spots:
                for i in spot:
                    score[i] += push / len(spot)

        # character features: spread each word's n-gram pushes over the tokens inside that word
        cvocab = self._chars.vocabulary_
        spans, word_of, gram_ids = [], [], []
        for w, (s, e, grams) in enumerate(word_char_grams(text)):
            spans.append((s, e))
            for g in grams:
                j = cvocab.get(g)
                if j is not None:
                    word_of.append(w)
                    gram_ids.append(j + self._n_words)
        if gram_ids:
            ids = np.asarray(gram_ids)
            dense = np.zeros(len(self._side))
            dense[row.indices] = row.data
            uniq, inverse, counts = np.unique(ids, return_inverse=True, return_counts=True)
            push = dense[ids] * self._side[ids] / counts[inverse]
            per_word = np.bincount(np.asarray(word_of), weights=push, minlength=len(spans))
            starts = np.array([t.start for t in toks])
            for (s, e), value in zip(spans, per_word):
                if value:
                    inside = np.nonzero((starts >= s) & (starts < e))[0]
                    if len(inside):
                        score[inside] += value / len(inside)

        peak = float(np.max(np.abs(score)))
        if peak <= 0:
            return ()
        floor = 0.15 * peak
        phrases: list[Evidence] = []
        i = 0
        while i < len(toks):
            if abs(score[i]) < floor:
                i += 1
                continue
            sign = np.sign(score[i])
            j = i
            while (j + 1 < len(toks) and np.sign(score[j + 1]) == sign and abs(score[j + 1]) >= floor * 0.5
                   and j + 1 - i < 6 and not re.search(r"[^\w\s']", text[toks[j].end:toks[j + 1].start])):
                j += 1
            # a negator just before the phrase belongs to it ("wasn't about the commission")
            if i > 0 and toks[i].negated and not toks[i - 1].negated:
                i -= 1
            weight = float(score[i:j + 1].sum())
            if abs(weight) < MIN_EVIDENCE or all(t.text in FUNCTION_WORDS for t in toks[i:j + 1]):
                i = j + 1
                continue
            phrases.append(Evidence(text[toks[i].start:toks[j].end], toks[i].start, toks[j].end,
                                    "intrinsic" if sign > 0 else "extrinsic", weight))
            i = j + 1
        strongest = max((abs(p.weight) for p in phrases), default=0.0)
        phrases = [p for p in phrases if abs(p.weight) >= 0.25 * strongest]  # what a reader should look at
        best: list[Evidence] = []
        for side in SIDES:
            mine = sorted((p for p in phrases if p.side == side), key=lambda p: -abs(p.weight))
            best.extend(mine[:top])
        return tuple(sorted(best, key=lambda p: p.start))


# -- evaluation ----------------------------------------------------------------------------------


def wrong_side_rate(truth: Sequence[str], pred: Sequence[str]) -> float:
    """Share of clear intrinsic/extrinsic answers put on the opposite side."""
    clear = [(t, p) for t, p in zip(truth, pred) if t in SIDES]
    if not clear:
        return 0.0
    return sum(1 for t, p in clear if p in SIDES and p != t) / len(clear)


def evaluate(model: MotivationModel, examples: Sequence[Example]) -> dict:
    truth = [e.label for e in examples]
    pred = [p.label for p in model.predict([e.text for e in examples], evidence=False)]
    return scores(truth, pred)


def scores(truth: Sequence[str], pred: Sequence[str]) -> dict:
    labels = list(LABELS)
    per = f1_score(truth, pred, labels=labels, average=None, zero_division=0)
    return {
        "n": len(truth),
        "accuracy": float(accuracy_score(truth, pred)),
        "macro_f1": float(f1_score(truth, pred, labels=labels, average="macro", zero_division=0)),
        "per_label_f1": {label: float(v) for label, v in zip(labels, per)},
        "kappa": float(cohen_kappa_score(truth, pred, labels=labels)),
        "wrong_side_rate": wrong_side_rate(truth, pred),
        "confusion": confusion_matrix(truth, pred, labels=labels).tolist(),
    }


def format_scores(s: dict) -> str:
    lines = [
        f"answers      {s['n']}",
        f"accuracy     {s['accuracy']:.3f}",
        f"macro-F1     {s['macro_f1']:.3f}",
        f"Cohen kappa  {s['kappa']:.3f}",
        f"wrong side   {s['wrong_side_rate']:.1%} of clear intrinsic/extrinsic answers",
        "per-label F1 " + "  ".join(f"{k} {v:.3f}" for k, v in s["per_label_f1"].items()),
        "confusion (rows = true, columns = predicted)",
        "             " + " ".join(f"{label[:9]:>9}" for label in LABELS),
    ]
    for label, row in zip(LABELS, s["confusion"]):
        lines.append(f"  {label:<10} " + " ".join(f"{v:>9}" for v in row))
    return "\n".join(lines)


# -- command line ----------------------------------------------------------------------------------


def read_answers(source: str) -> list[str]:
    """Answers from plain lines, CSV or JSONL (a `text` column or field); '-' reads standard input."""
    if source == "-":
        raw = sys.stdin.read()
        name = "<stdin>"
    else:
        path = Path(source)
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ModelError(f"{source}: file not found") from None
        except UnicodeDecodeError:
            raise ModelError(f"{source}: not UTF-8 text") from None
        name = source
    lower = name.lower()
    stripped = raw.lstrip()
    if lower.endswith(".jsonl") or (name == "<stdin>" and stripped.startswith("{")):
        out = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ModelError(f"{name}:{n}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ModelError(f"{name}:{n}: each JSON line needs a string field 'text'")
            out.append(obj["text"])
        return out
    if lower.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(raw))
        fields = {f.strip().lower(): f for f in (reader.fieldnames or [])}
        if "text" not in fields:
            raise ModelError(f"{name}: the CSV needs a 'text' column (found {reader.fieldnames})")
        return [row[fields["text"]] or "" for row in reader]
    return [line for line in raw.splitlines() if line.strip()]


def default_model() -> MotivationModel:
    """The model trained on the shipped corpus (what the app uses until an administrator retrains)."""
    return MotivationModel.train(load_corpus())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.motivation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="a .skops artifact (default: train on the shipped corpus)")
    sub = parser.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("label", help="label answers; one JSON object per answer on standard output")
    lab.add_argument("file", help="text (one answer per line), .csv or .jsonl with a 'text' field; '-' = stdin")
    ev = sub.add_parser("evaluate", help="score the model on label<TAB>text lines")
    ev.add_argument("file")
    tr = sub.add_parser("train", help="train on the corpus and write the artifact")
    tr.add_argument("out")
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            model = default_model()
            model.save(args.out)
            print(f"wrote {args.out} ({model.version}, {model.meta['n_train']} examples)")
            return 0
        model = MotivationModel.load(args.model) if args.model else default_model()
        if args.command == "label":
            texts = read_answers(args.file)
            for p in model.predict(texts):
                sys.stdout.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        else:
            examples = load_labelled(args.file)
            print(format_scores(evaluate(model, examples)))
    except (ModelError, CorpusError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # Run the imported module's main, so a trained artifact names analysis.motivation.SideDetectors,
    # not __main__.SideDetectors (which no other program could load).
    from analysis.motivation import main as _main

    sys.exit(_main())

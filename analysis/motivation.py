"""The motivation model: label the motive a candidate *states*, with evidence and an honest confidence.

One composed scikit-learn pipeline over four views of the answer:

    words    TF-IDF over negation- and contrast-marked unigrams and bigrams (analysis.features)
    chars    TF-IDF over character 2-5-grams inside words (typos, non-native spelling)
    reasons  framed, negated and disowned reason phrases per side (analysis.reasons)
    meaning  all-MiniLM-L6-v2 sentence embeddings, run by ONNX Runtime (analysis.embeddings)
      ->     multinomial logistic regression

then a separate confidence step: the chance that the label is right, learnt from what the
model does on *voices it was not trained on* (each writing batch held out in turn), from its
own margin and from how familiar the text is (its nearest neighbours in the corpus). Real
people's words are further from our corpus than any batch is from another, so unfamiliar
text gets a lower confidence; below ``NOT_SURE`` the interview shows "not sure: probe".

The design was chosen on real workers' words (analysis/MODEL_CARD.md), not on the corpus.
The label advises the interviewer. It is never a decision, and never outweighs the
interviewers' own ratings.

Command line:

    python -m analysis.motivation label FILE      one answer per line, or CSV/JSONL with `text` ('-' = stdin)
    python -m analysis.motivation evaluate FILE   label<TAB>text lines -> accuracy, macro-F1, kappa, calibration
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
from typing import Callable, Sequence
import zipfile
from zipfile import ZIP_DEFLATED

import numpy as np
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, f1_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from analysis.calibration import calibration
from analysis.embeddings import SentenceEmbedding, encoder
from analysis.probes import NOT_SURE
from analysis.features import FEATURES_VERSION, analyse_chars, analyse_ngrams
from analysis.reasons import REASONS_VERSION, ReasonCues, find
from data.corpus import LABELS, CorpusError, Example, corpus_sha, load_corpus, load_labelled
from data.fields import join_sentences

SIDES = ("intrinsic", "extrinsic")
# The only types an artifact may contain beyond scikit-learn's and NumPy's defaults.
TRUSTED_TYPES = [
    "analysis.features.analyse_chars",
    "analysis.features.analyse_ngrams",
    "analysis.reasons.ReasonCues",
    "analysis.embeddings.SentenceEmbedding",
]
DEFAULT_ARTIFACT = Path(__file__).resolve().parent / "models" / "motivation-default.skops"  # the shipped model
MAX_TEXT_CHARS = 40_000  # longer input is labelled on its first 40,000 characters
NEIGHBOURS = 5  # familiarity: mean cosine similarity to this many nearest corpus answers
BANK_ROWS = 2_500  # familiarity is measured against an even sample of this many training answers
UNFAMILIAR_WIDTH = 0.15  # how far below the familiarity floor confidence falls to a guess
CONFIDENCE_GROUPS = 4  # folds of writing batches held out to learn the confidence step
# Where training's steps start on its progress bar, in proportion to the time each took on the shipped
# corpus (two cores): reading every answer's meaning, then the held-out folds, then the final fit.
READ_SHARE, FINAL_FIT = 0.4, 0.85
# Batches 1-8 of the corpus were written as tidy interview answers. At full weight they pulled the
# model towards our own register: on real workers' words it scored 0.57 with them, 0.61 without,
# 0.61 with them at a tenth (analysis/MODEL_CARD.md, "what each batch bought"). A tenth keeps what
# they teach about interview answers (the development sets stay above 0.88) without the pull.
INTERVIEW_REGISTER = frozenset(f"part{k}" for k in range(1, 9))
INTERVIEW_WEIGHT = 0.1
_SIDE_OF = {"inner": "intrinsic", "outer": "extrinsic"}
# "the manager was", "my boss had": a role and a bare auxiliary is the story's scenery, not a reason,
# unless a reason frame surrounds it; the model still reads it, the interview does not highlight it.
_SCENERY = re.compile(r"(the |my |our |a )?[a-z]+( [a-z]+)? (was|were|is|are|had|has|will|would)")
AGREEING_VIEWS = ("reasons", "meaning")  # views whose own reading, agreeing or not, the confidence uses
REAL_TEXT_CALIBRATION = Path(__file__).resolve().parent / "models" / "real-text-calibration.json"
EVIDENCE_SIDE = 0.3  # a side's phrases are shown when the model gives it (with mixed) at least this much


class ModelError(ValueError):
    """The model or its input cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Evidence:
    """A phrase of the answer that states a reason or feeling, the side it points to, and its span."""

    phrase: str
    start: int
    end: int
    side: str  # "intrinsic" or "extrinsic"
    weight: float


@dataclass(frozen=True)
class Prediction:
    """The model's reading of one answer; probabilities sum to 1 over LABELS and confidence is the top one."""

    label: str
    confidence: float
    probabilities: dict[str, float]
    evidence: tuple[Evidence, ...] = field(default=())

    @property
    def sure(self) -> bool:
        return self.confidence >= NOT_SURE

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "sure": self.sure,
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
            "evidence": [asdict(e) | {"weight": round(e.weight, 4)} for e in self.evidence],
        }


def compose(*parts: str) -> str:
    """The model's text from the answer's model-read fields in declaration order (see data.fields)."""
    return join_sentences(parts)


def build_pipeline(*, C: float = 3.0, random_state: int = 0) -> Pipeline:
    """The one model pipeline (its confidence step is fitted by MotivationModel.train)."""
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=analyse_ngrams, sublinear_tf=True, min_df=2)),
        ("chars", TfidfVectorizer(analyzer=analyse_chars, sublinear_tf=True, min_df=2)),
        ("reasons", Pipeline([("cues", ReasonCues()), ("scale", StandardScaler())])),
        ("meaning", SentenceEmbedding()),
    ])
    return Pipeline([
        ("features", features),
        ("classify", LogisticRegression(C=C, max_iter=5000, random_state=random_state)),
    ])


def _confidence_features(P: np.ndarray, familiarity: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    top = np.sort(P, axis=1)[:, ::-1]
    words = np.array([len(t.split()) for t in texts], dtype=float)
    return np.column_stack([top[:, 0], top[:, 0] - top[:, 1], familiarity, np.log1p(words)])


def _bank_rows(n: int, size: int = BANK_ROWS) -> np.ndarray:
    """An even, deterministic sample of row indices: familiarity's neighbours, in training and after.

    The same share is sampled when the confidence step learns familiarity (from each fold's
    training rows) as when the model is used (from all of them), so the two see the same spread."""
    return np.unique(np.linspace(0, n - 1, min(n, size)).round().astype(int)) if n else np.zeros(0, dtype=int)


def _familiarity(E: np.ndarray, bank: np.ndarray) -> np.ndarray:
    """Mean cosine similarity of each row of E to its NEIGHBOURS nearest rows of bank (both L2-normalised)."""
    sims = E.astype(np.float32, copy=False) @ bank.astype(np.float32, copy=False).T
    k = min(NEIGHBOURS, sims.shape[1])
    return np.sort(np.partition(sims, -k, axis=1)[:, -k:], axis=1).mean(axis=1)


def _pack_terms(vocabulary: dict[str, int]) -> np.ndarray:
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    if [vocabulary[t] for t in terms] != list(range(len(terms))) or any("\0" in t for t in terms):
        raise ModelError("a vocabulary's columns are not 0..n-1, or a term holds NUL: it cannot be packed")
    return np.frombuffer("\0".join(terms).encode("utf-8"), dtype=np.uint8)


def _unpack_terms(packed) -> dict[str, int]:
    """A vocabulary from _pack_terms, or from the (terms, columns) pair older artifacts carry."""
    if isinstance(packed, (tuple, list)):
        terms, columns = packed
        return dict(zip(terms.tolist(), columns.tolist()))
    text = packed.tobytes().decode("utf-8")
    return {term: column for column, term in enumerate(text.split("\0"))} if text else {}


def _groups(examples: Sequence[Example]) -> np.ndarray:
    return np.array([e.source or "unsourced" for e in examples])


def _weights(examples: Sequence[Example]) -> np.ndarray:
    return np.array([INTERVIEW_WEIGHT if e.source in INTERVIEW_REGISTER else 1.0 for e in examples])


class MotivationModel:
    """A trained pipeline, its confidence step and what it was trained on; predicts labels with evidence."""

    def __init__(self, pipeline: Pipeline, confidence: LogisticRegression, bank: np.ndarray, meta: dict) -> None:
        self.pipeline = pipeline
        self.confidence = confidence
        self.bank = bank  # the corpus's embeddings (float16 in the artifact), for familiarity
        self._bank32 = np.ascontiguousarray(bank, dtype=np.float32)  # converted once, not per answer
        self.meta = meta
        self.classes = [str(c) for c in pipeline.classes_]
        if sorted(self.classes) != sorted(LABELS):
            raise ModelError(f"model classes {self.classes} are not the four labels {list(LABELS)}")
        self.set_prior((meta.get("real_text_calibration") or {}).get("prior"))

    def set_prior(self, prior: dict | None) -> None:
        """The real-text prior: log-odds added to the classifier's decision per label (none: zeros)."""
        self._prior = np.array([float((prior or {}).get(c, 0.0)) for c in self.classes])

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    # -- training and persistence -------------------------------------------------------------

    @classmethod
    def train(cls, examples: Sequence[Example], *, version: str | None = None,
              progress: Callable[[float, str], None] | None = None, **params) -> "MotivationModel":
        """Fit the pipeline, then learn the confidence step from batch-held-out predictions.

        ``progress(share, what)`` is called as the work advances (for the Model page's bar)."""
        if len({e.label for e in examples}) < len(LABELS):
            raise ModelError("training needs examples of all four labels")
        report = progress or (lambda share, what: None)
        texts = [e.text for e in examples]
        labels = np.array([e.label for e in examples])
        groups = _groups(examples)
        weights = _weights(examples)
        report(0.0, "reading the answers' meaning")
        E = encoder().encode(texts, progress=lambda done: report(READ_SHARE * done, "reading the answers' meaning"))
        n_groups = len(set(groups))
        folds = min(CONFIDENCE_GROUPS, n_groups)
        P = np.zeros((len(texts), len(LABELS)))
        fam = np.zeros(len(texts))
        if folds >= 2:
            for k, (tr, te) in enumerate(GroupKFold(folds).split(texts, labels, groups)):
                report(READ_SHARE + (FINAL_FIT - READ_SHARE) * k / folds,
                       f"holding out writing batches ({k + 1} of {folds})")
                fold = build_pipeline(**params).fit([texts[i] for i in tr], labels[tr],
                                                    classify__sample_weight=weights[tr])
                order = [list(fold.classes_).index(c) for c in LABELS]
                P[te] = fold.predict_proba([texts[i] for i in te])[:, order]
                share = max(1, round(BANK_ROWS * len(tr) / len(texts)))
                fam[te] = _familiarity(E[te], E[tr][_bank_rows(len(tr), share)])
        else:  # one batch only (never the shipped corpus): fall back to the plain probabilities
            P[:] = 1 / len(LABELS)
        report(FINAL_FIT, "fitting the final model")
        pipeline = build_pipeline(**params).fit(texts, labels, classify__sample_weight=weights)
        for _, vectorizer in pipeline.named_steps["features"].transformer_list[:2]:
            vectorizer.stop_words_ = None  # only the pruned n-grams, kept for introspection: megabytes of nothing
        classify = pipeline.named_steps["classify"]
        classify.coef_ = classify.coef_.astype(np.float32)  # half the artifact; probabilities move under 1e-6
        right = (np.array(LABELS)[P.argmax(1)] == labels).astype(int)
        confidence = LogisticRegression(C=1.0, max_iter=1000, random_state=0)
        if folds >= 2 and 0 < right.sum() < len(right):
            confidence.fit(_confidence_features(P, fam, texts), right, sample_weight=weights)
        else:
            confidence.fit(np.array([[1, 1, 1, 0], [0, 0, 0, 0]], dtype=float), [1, 0])
        held_out = calibration(confidence.predict_proba(_confidence_features(P, fam, texts))[:, 1],
                               right.astype(bool)) if folds >= 2 else None
        sha = corpus_sha(list(examples))
        real = json.loads(REAL_TEXT_CALIBRATION.read_text()) if REAL_TEXT_CALIBRATION.exists() else None
        meta = {
            "version": version or default_version(sha, real),
            "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "corpus_sha": sha,
            "n_train": len(examples),
            "params": params,
            "features_version": FEATURES_VERSION,
            "reasons_version": REASONS_VERSION,
            "real_text_calibration": real,
            "familiar_floor": float(np.percentile(fam, 2)) if folds >= 2 else None,
            "batch_held_out": None if held_out is None else {
                "macro_f1": float(f1_score(labels, np.array(LABELS)[P.argmax(1)], labels=list(LABELS),
                                           average="macro", zero_division=0)),
                "ece": held_out.ece, "precision_at_80": held_out.precision},
        }
        report(1.0, "done")
        return cls(pipeline, confidence, E[_bank_rows(len(E))].astype(np.float16), meta)

    def to_bytes(self) -> bytes:
        """A skops artifact. Each vocabulary travels as one UTF-8 array, its terms in column order
        joined by NUL: skops audits a dict entry by entry, which made loading a 90,000-term
        vocabulary take seconds, and an array of fixed-width strings took megabytes."""
        vectorizers = [v for _, v in self.pipeline.named_steps["features"].transformer_list[:2]]
        vocabs = [v.vocabulary_ for v in vectorizers]
        packed = {f"vocab{k}": _pack_terms(vocab) for k, vocab in enumerate(vocabs)}
        try:
            for v in vectorizers:
                v.vocabulary_ = None
            return sio.dumps({"pipeline": self.pipeline, "confidence": self.confidence, "bank": self.bank,
                              "meta": json.dumps(self.meta), **packed}, compression=ZIP_DEFLATED)
        finally:
            for v, vocab in zip(vectorizers, vocabs):
                v.vocabulary_ = vocab

    @classmethod
    def from_bytes(cls, data: bytes) -> "MotivationModel":
        """Load an artifact, refusing any type beyond scikit-learn, NumPy and our own steps."""
        try:
            obj = sio.loads(data, trusted=TRUSTED_TYPES)
        except UntrustedTypesFoundException as exc:
            raise ModelError(f"model artifact contains types that are not trusted: {exc}") from None
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            raise ModelError(f"not a Motive model artifact ({type(exc).__name__})") from None
        if not isinstance(obj, dict) or not {"pipeline", "confidence", "bank", "meta"} <= set(obj):
            raise ModelError("not a Motive model artifact of this version (retrain it: python -m analysis.motivation "
                             "train)")
        meta = json.loads(obj["meta"])
        versions = (meta.get("features_version"), meta.get("reasons_version"))
        if versions != (FEATURES_VERSION, REASONS_VERSION):
            raise ModelError(
                f"model {meta.get('version')} was built with features v{versions[0]} and reasons v{versions[1]}, "
                f"this code has v{FEATURES_VERSION} and v{REASONS_VERSION}: retrain it "
                "(python -m analysis.motivation train)"
            )
        for k, (_, v) in enumerate(obj["pipeline"].named_steps["features"].transformer_list[:2]):
            v.vocabulary_ = _unpack_terms(obj[f"vocab{k}"])
        return cls(obj["pipeline"], obj["confidence"], obj["bank"], meta)

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
        raw, agree = self._read(texts)
        E = encoder().encode(texts)  # cached: the pipeline has just read these
        fam = _familiarity(E, self._bank32)
        conf = self.confidence.predict_proba(_confidence_features(raw, fam, texts))[:, 1]
        conf = real_text_confidence(self.meta.get("real_text_calibration"), conf, agree)
        conf = unfamiliar_shrink(conf, fam, self.meta.get("familiar_floor"))
        conf = np.maximum(conf, 1.0 / len(LABELS))  # the label shown is never less likely than a guess
        out = []
        for k, text in enumerate(texts):
            top = int(raw[k].argmax())
            probs = {label: float(v) for label, v in zip(LABELS, _spread(raw[k], top, float(conf[k])))}
            ev = _evidence(text, _sides(probs)) if evidence and text.strip() else ()
            out.append(Prediction(LABELS[top], probs[LABELS[top]], probs, ev))
        return out

    def predict_one(self, text: str) -> Prediction:
        return self.predict([text])[0]

    def _read(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The pipeline's probabilities (columns in LABELS order), and for each answer whether the
        reason phrases and the meaning, each on its own, point to the same label as the whole.

        The classifier is linear, so each view's share of the decision is its block of columns:
        same maths as pipeline.predict_proba, plus the real-text prior (test_label_is_the_pipelines_reading...)."""
        union = self.pipeline.named_steps["features"]
        lr = self.pipeline.named_steps["classify"]
        decision = np.tile(lr.intercept_ + self._prior, (len(texts), 1))
        parts, at = {}, 0
        for name, step in union.transformer_list:
            X = step.transform(texts)
            width = X.shape[1]
            part = np.asarray(X @ lr.coef_[:, at:at + width].T)
            parts[name] = part
            decision = decision + part
            at += width
        decision -= decision.max(axis=1, keepdims=True)
        proba = np.exp(decision)
        proba /= proba.sum(axis=1, keepdims=True)
        top = proba.argmax(axis=1)
        agree = np.column_stack([parts[name].argmax(axis=1) == top for name in AGREEING_VIEWS]).astype(float)
        order = [self.classes.index(c) for c in LABELS]
        return proba[:, order], agree


def _spread(raw: np.ndarray, top: int, conf: float) -> np.ndarray:
    """Four probabilities: ``conf`` for the label shown, the rest shared in the pipeline's proportions,
    flattened towards even just enough that no other label outweighs the one shown (a confidence
    pulled down for unfamiliar text must not leave another label looking likelier)."""
    others = np.delete(raw, top)
    share = others / others.sum() if others.sum() > 0 else np.full(len(others), 1 / len(others))
    even = np.full(len(others), 1 / len(others))
    left = 1.0 - conf
    if left * share.max() > conf:  # blend with even shares until the largest equals conf
        lam = (conf / left - even[0]) / (share.max() - even[0])
        share = lam * share + (1 - lam) * even
    out = np.insert(left * share, top, conf)
    return out / out.sum()


def real_text_confidence(calibration: dict | None, conf: np.ndarray, agree: np.ndarray) -> np.ndarray:
    """The confidence step's output, recalibrated on real people's words when a calibration is known.

    Our corpus, however varied, is easier than real text: a confidence learnt on it alone said 80 %
    where real passages were right 67 % of the time. The recalibration (three weights and an
    intercept, fitted by ``python -m analysis.modelcard --calibrate FILE`` on real passages outside
    the repository) reads the corpus-learnt confidence and whether the reason phrases and the
    meaning agree with the label."""
    if not calibration:
        return conf
    c = np.clip(conf, 1e-6, 1 - 1e-6)
    z = np.column_stack([np.log(c / (1 - c)), agree])
    w = np.asarray(calibration["weights"], dtype=float)
    return 1.0 / (1.0 + np.exp(-(z @ w + float(calibration["intercept"]))))


def default_version(corpus_sha: str, real: dict | None) -> str:
    """A shipped-style model's name: its corpus, and the date its real-text prior was fitted
    (``modelcard --calibrate``, with or without ``--prior-only``), so two priors never share a name.
    A calibration file from before priors were dated gives the plain corpus name."""
    stamp = (real or {}).get("prior_fitted_at")
    return f"corpus-{corpus_sha[:10]}" + (f"-prior-{stamp[:10].replace('-', '')}" if stamp else "")


def fit_prior(raw: np.ndarray, truth: Sequence[str]) -> dict[str, float]:
    """The real-text prior: one log-odds shift per label (intrinsic fixed at 0), chosen to make the
    model's probabilities, ``raw`` (columns in LABELS order), likeliest on labelled real passages.

    Our corpus states its reasons more often than real people do: read as written, real passages
    with no stated reason were labelled intrinsic or mixed, and unclear was said too rarely. The
    shift leaves every view's reading as it is and changes how much of it each label needs, as a
    change of class priors would."""
    from scipy.optimize import minimize

    logp = np.log(np.clip(raw, 1e-12, 1.0))
    y = np.array([LABELS.index(t) for t in truth])

    def nll(b: np.ndarray) -> float:
        z = logp + np.r_[0.0, b]
        z -= z.max(axis=1, keepdims=True)
        return float(-(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(axis=1))).mean())

    fit = minimize(nll, np.zeros(len(LABELS) - 1), method="L-BFGS-B", bounds=[(-3.0, 3.0)] * (len(LABELS) - 1))
    return {label: round(float(v), 6) for label, v in zip(LABELS, np.r_[0.0, fit.x])}


def unfamiliar_shrink(conf: np.ndarray, fam: np.ndarray, floor: float | None) -> np.ndarray:
    """Text unlike anything in the corpus (below the familiarity of all but the strangest 2 % of our own
    answers, each read against the other batches) has its confidence pulled towards a guess, reaching
    one in four at UNFAMILIAR_WIDTH below that floor: gibberish, another language, a pasted report."""
    if floor is None:
        return conf
    factor = np.clip((fam - (floor - UNFAMILIAR_WIDTH)) / UNFAMILIAR_WIDTH, 0.0, 1.0)
    guess = 1.0 / len(LABELS)
    return guess + (np.maximum(conf, guess) - guess) * factor + np.minimum(conf - guess, 0.0)


def _evidence(text: str, sides: Sequence[str] = SIDES, top: int = 3) -> tuple[Evidence, ...]:
    """The phrases that state a reason or a feeling, pointed to their side: never story words.

    A negated phrase is shown with its negator and points the other way ("it wasn't about the
    money" away from an outer reason); a disowned one ("the tips are nice, but") likewise; a
    feeling about a reward ("thrilled, top of the board") points outward."""
    chosen: list[Evidence] = []
    for c in find(text):
        if c.side not in _SIDE_OF or (not c.framed and _SCENERY.fullmatch(text[c.start:c.end].lower())):
            continue
        side = _SIDE_OF[c.side]
        start = c.start
        if c.negated or c.disowned:
            side = SIDES[1 - SIDES.index(side)]
            start = c.lead if c.lead >= 0 else c.start
        elif c.feeling_with_reward:
            side = "extrinsic"
        weight = (2.0 if c.framed else 1.0) + (0.5 if c.after_contrast else 0.0)
        chosen.append(Evidence(text[start:c.end], start, c.end, side, weight if side == "intrinsic" else -weight))
    best: list[Evidence] = []
    for side in sides:
        mine = sorted((e for e in chosen if e.side == side), key=lambda e: (-abs(e.weight), e.start))
        best.extend(mine[:top])
    return tuple(sorted(best, key=lambda e: e.start))


def _sides(probs: dict[str, float]) -> tuple[str, ...]:
    """The sides worth pointing at: those the model's own reading leans to (itself or through mixed).
    A manager or a tip in the story of a caring answer is scenery, and is not shown."""
    return tuple(side for side in SIDES if probs[side] + probs["mixed"] >= EVIDENCE_SIDE)


def _marked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """A hand-marked answer ("I [[felt sorry for her]]") as plain text and the marked spans."""
    plain, spans, at = [], [], 0
    for m in re.finditer(r"\[\[(.+?)\]\]", text):
        plain.append(text[at:m.start()])
        start = sum(len(p) for p in plain)
        plain.append(m.group(1))
        spans.append((start, start + len(m.group(1))))
        at = m.end()
    plain.append(text[at:])
    return "".join(plain), spans


def evidence_scores(model: MotivationModel, lines: Sequence[str]) -> dict:
    """Precision and recall of the shown evidence against hand-marked decisive phrases.

    A shown phrase counts as right when it overlaps a marked one; a marked phrase counts as
    found when any shown phrase overlaps it. Answers with no marks (unclear) add only to
    precision: anything shown there is noise."""
    shown = right = marked = found = 0
    marked_lines = [_marked(line) for line in lines]
    predictions = model.predict([text for text, _ in marked_lines])
    for (text, spans), p in zip(marked_lines, predictions):
        ev = p.evidence
        overlaps = lambda e, s: e.start < s[1] and s[0] < e.end  # noqa: E731
        shown += len(ev)
        right += sum(any(overlaps(e, s) for s in spans) for e in ev)
        marked += len(spans)
        found += sum(any(overlaps(e, s) for e in ev) for s in spans)
    return {"answers": len(lines), "shown": shown, "marked": marked,
            "precision": right / shown if shown else 0.0, "recall": found / marked if marked else 0.0}


# -- evaluation ----------------------------------------------------------------------------------


def wrong_side_rate(truth: Sequence[str], pred: Sequence[str]) -> float:
    """Share of clear intrinsic/extrinsic answers put on the opposite side."""
    clear = [(t, p) for t, p in zip(truth, pred) if t in SIDES]
    if not clear:
        return 0.0
    return sum(1 for t, p in clear if p in SIDES and p != t) / len(clear)


def evaluate(model: MotivationModel, examples: Sequence[Example]) -> dict:
    """Label quality and whether the confidence shown is honest, on one labelled set."""
    truth = [e.label for e in examples]
    preds = model.predict([e.text for e in examples], evidence=False)
    pred = [p.label for p in preds]
    out = scores(truth, pred)
    c = calibration([p.confidence for p in preds], [t == q for t, q in zip(truth, pred)])
    sure = [(t, p.label) for t, p in zip(truth, preds) if p.sure]
    out |= {"ece": c.ece, "precision_at_80": c.precision, "coverage_at_80": c.coverage,
            "sure_share": len(sure) / len(truth) if truth else 0.0,
            "sure_accuracy": sum(t == q for t, q in sure) / len(sure) if sure else None}
    return out


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
    ]
    if "ece" in s:
        at = "n/a" if s["precision_at_80"] is None else f"{s['precision_at_80']:.3f}"
        sure = "n/a" if s["sure_accuracy"] is None else f"{s['sure_accuracy']:.3f}"
        lines += [
            f"calibration  ECE {s['ece']:.3f}; right at >= 80% confidence {at} ({s['coverage_at_80']:.0%} of answers)",
            f"not sure     {1 - s['sure_share']:.0%} shown as 'not sure: probe' (below {NOT_SURE:.0%}); "
            f"the rest right {sure}",
        ]
    lines += [
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
    """A model trained now on the shipped corpus: only for `train` (minutes of work), never for labelling."""
    return MotivationModel.train(load_corpus())


def labelling_model(path: str | None) -> tuple[MotivationModel, str]:
    """The model the command line labels with, and where it came from: --model FILE, else the active
    model of MOTIVE_DATABASE_URL, else the artifact shipped with the code. It never trains."""
    if path:
        return MotivationModel.load(path), path
    return active_or_shipped()


def active_or_shipped() -> tuple[MotivationModel, str]:
    """The active model of the database MOTIVE_DATABASE_URL names (read only: nothing is created or
    upgraded), or the shipped artifact when there is no database yet or it holds no model.

    It lives here rather than in analysis/registry.py, which loads models with this module: the
    command line below needs it, and the two modules must not import each other."""
    from sqlalchemy.engine import make_url

    from data.errors import StoreError, StoreUnavailable
    from data.settings import Settings
    from data.store import Store

    settings = Settings.from_env()
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    if settings.is_sqlite:
        path = make_url(settings.database_url).database
        if not path or not Path(path).exists():
            return MotivationModel.from_bytes(DEFAULT_ARTIFACT.read_bytes()), "shipped; no database yet"
    store = Store(settings, upgrade=False)
    try:
        version = store.active_model_version()
        if version is None:
            return MotivationModel.from_bytes(DEFAULT_ARTIFACT.read_bytes()), f"shipped; {where} has no active model"
        return MotivationModel.from_bytes(store.model_artifact(version)), f"active model of {where}"
    except StoreUnavailable as exc:  # an unreachable database must not be mistaken for "no model"
        raise ModelError(f"cannot read the active model from {where}: {exc}") from None
    except StoreError:
        raise
    except Exception as exc:  # nor must an unreadable one
        raise ModelError(f"cannot read the active model from {where}: {type(exc).__name__}") from None
    finally:
        store.engine.dispose()


def main(argv: list[str] | None = None, prog: str = "python -m analysis.motivation") -> int:
    from data.cli import command, say

    model_help = ("a .skops artifact (default: the active model of MOTIVE_DATABASE_URL, "
                  "or the shipped one when the database has none)")
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help=model_help)
    sub = parser.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("label", help="label answers; one JSON object per answer on standard output")
    lab.add_argument("file", help="text (one answer per line), .csv or .jsonl with a 'text' field; '-' = stdin")
    ev = sub.add_parser("evaluate", help="score the model on label<TAB>text lines")
    ev.add_argument("file")
    for each in (lab, ev):  # `python -m motive label --model FILE ...` puts the option after the command
        each.add_argument("--model", default=argparse.SUPPRESS, help=model_help)
    tr = sub.add_parser("train", help="train on the corpus and write the artifact")
    tr.add_argument("out")
    args = parser.parse_args(argv)

    def run() -> None:
        if args.command == "train":
            model = default_model()
            model.save(args.out)
            say(f"wrote {args.out} ({model.version}, {model.meta['n_train']} examples)")
            return
        model, origin = labelling_model(args.model)
        say(f"model {model.version} ({origin})", err=True)
        if args.command == "label":
            for p in model.predict(read_answers(args.file)):  # say()'s \uXXXX escapes stay valid JSON
                say(json.dumps(p.to_dict(), ensure_ascii=False))
        else:
            say(format_scores(evaluate(model, load_labelled(args.file))))

    return command(run, errors=(ModelError, CorpusError))


if __name__ == "__main__":
    # Run the imported module's main, so anything a trained artifact names is analysis.*, never __main__.*.
    from analysis.motivation import main as _main

    sys.exit(_main())

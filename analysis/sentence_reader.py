"""A reason-sentence reader: one of the designs measured against the shipped model (MODEL_CARD.md).

The guide labels the reason an answer *states*. Read whole, an answer's story words carry the
label; read sentence by sentence, most sentences state no reason and the few that do carry it.
This design reads each sentence as ``inner`` (states an inner reason for acting), ``outer`` (an
outer one) or ``none``, learnt from ``data/corpus/reason-sentences.tsv`` (single sentences
written and second-read for it) and, at a fifth of the weight, from the corpus's sentences that
hold a plain reason phrase of the answer's own side (every sentence of an unclear answer counts
as ``none``). The answer's label then follows by rule, with nothing fitted to answers: with *a*
and *b* the largest inner and outer readings among its sentences, intrinsic a(1-b), extrinsic
(1-a)b, mixed ab, unclear (1-a)(1-b).

It is measured (``python -m motive modelcard --real FILE --designs``), not shipped: it reads real
workers' words better than the shipped model and answers in the corpus's style far worse.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from analysis import reasons
from analysis.embeddings import encoder
from analysis.features import analyse_ngrams
from analysis.motivation import LABELS
from analysis.reasons import ReasonCues
from data.corpus import SENTENCE_LABELS, SENTENCES_FILE, load_sentences

CORPUS_WEIGHT = 0.2  # the corpus's cue-labelled sentences, against 1 for each written sentence
_SPLIT = re.compile(r"(?<=[.!?\u2026])\s+(?=[\"\u201c'A-Za-z0-9(])")
_LONG = re.compile(r"(?<=[;:,])\s+(?=but |and |because |so |cause |cuz )")


def sentences(text: str) -> list[str]:
    """The answer's sentences; a sentence over 300 characters is cut again at a clause that turns."""
    text = re.sub(r"\s+", " ", text or "").strip()
    out = []
    for part in _SPLIT.split(text):
        part = part.strip()
        if len(part) > 300:
            out += [p.strip() for p in _LONG.split(part) if p.strip()]
        elif part:
            out.append(part)
    return out or [text]


def _sides(sentence: str) -> tuple[bool, bool]:
    """Whether the sentence holds a plain (not negated, disowned or reward-bound) inner / outer phrase."""
    plain = [c for c in reasons.find(sentence) if not (c.negated or c.disowned or c.feeling_with_reward)]
    return any(c.side == "inner" for c in plain), any(c.side == "outer" for c in plain)


def corpus_sentences(texts: Sequence[str], labels: Sequence[str]) -> tuple[list[str], list[str], list[int]]:
    """Sentences of labelled answers that can be labelled by their reason phrases, their labels, and
    the index of the answer each came from."""
    out, out_labels, owner = [], [], []
    want = {"intrinsic": ("inner",), "extrinsic": ("outer",), "mixed": ("inner", "outer")}
    for k, (text, label) in enumerate(zip(texts, labels)):
        for s in sentences(text):
            if label == "unclear":
                side = "none"
            else:
                inner, outer = _sides(s)
                side = "inner" if inner and not outer else "outer" if outer and not inner else None
                if side not in want.get(label, ()):
                    continue
            out.append(s)
            out_labels.append(side)
            owner.append(k)
    return out, out_labels, owner


class SentenceReader(ClassifierMixin, BaseEstimator):
    """texts -> probabilities over LABELS, read from each sentence's stated reason."""

    def __init__(self, C: float = 1.0, sentences_file: Path = SENTENCES_FILE, corpus_weight: float = CORPUS_WEIGHT):
        self.C = C
        self.sentences_file = sentences_file
        self.corpus_weight = corpus_weight

    def _features(self, items: Sequence[str]):
        cues = ReasonCues().transform(list(items)) * 0.5
        return sparse.hstack([self.words_.transform(items), sparse.csr_matrix(encoder().encode(list(items))),
                              sparse.csr_matrix(cues)]).tocsr()

    def fit(self, X: Sequence[str], y: Sequence[str], sample_weight: Sequence[float] | None = None):
        """Learn the sentence reader from the written sentences and the answers ``X``, ``y`` (the
        corpus); an answer's weight carries over to its sentences."""
        written = load_sentences(self.sentences_file)
        from_corpus, corpus_labels, owner = corpus_sentences(list(X), list(y))
        answer_weight = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        items = [e.text for e in written] + from_corpus
        labels = [e.label for e in written] + corpus_labels
        weights = np.r_[np.ones(len(written)), self.corpus_weight * answer_weight[owner]]
        self.words_ = TfidfVectorizer(analyzer=analyse_ngrams, min_df=2, sublinear_tf=True).fit(items)
        self.reader_ = LogisticRegression(C=self.C, max_iter=3000).fit(self._features(items), labels,
                                                                       sample_weight=weights)
        self.classes_ = np.array(LABELS)
        return self

    def sentence_proba(self, items: Sequence[str]) -> np.ndarray:
        """Each sentence's probabilities, columns in SENTENCE_LABELS order."""
        P = self.reader_.predict_proba(self._features(items))
        return P[:, [list(self.reader_.classes_).index(c) for c in SENTENCE_LABELS]]

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        split = [sentences(t) for t in X]
        P = self.sentence_proba([s for ss in split for s in ss])
        out, at = np.zeros((len(split), len(LABELS))), 0
        for k, ss in enumerate(split):
            a, b = P[at:at + len(ss), 0].max(), P[at:at + len(ss), 1].max()
            at += len(ss)
            row = {"intrinsic": a * (1 - b), "extrinsic": (1 - a) * b, "mixed": a * b, "unclear": (1 - a) * (1 - b)}
            out[k] = [row[label] for label in LABELS]
        return out

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(1)]

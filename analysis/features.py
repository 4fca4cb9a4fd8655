"""Text features that survive the labelling guide's hard cases.

Two things a bag of words gets wrong are handled here, before any model sees the text:

* Negation flips a cue (guide rule 1). Every word inside a negation's scope - from
  "not", "never", "no", "n't", "nobody", "wasn't", "without"... to the next clause
  break - is marked with a ``NOT_`` prefix, so "it wasn't about the commission"
  yields ``NOT_commission``, a different feature from a commission given as a reason.
* Contrast moves the weight ("not for X, but because Y"). Words after a contrastive
  "but / however / though / although / yet" are also emitted with a ``BUT_`` prefix,
  so the model can learn that what follows the turn is the stated reason.

No stop words are removed: "not", "because", "would", "never" carry the meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Bump whenever tokens() or analyse*() change: artifacts built with another version are refused.
FEATURES_VERSION = 2

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?()\u2014\u2013-]", re.IGNORECASE)
_CLAUSE_BREAK = {".", ",", ";", ":", "!", "?", "(", ")", "\u2014", "\u2013", "-", "but", "however", "though",
                 "although", "yet", "and", "so", "because", "cause", "cuz", "coz", "since", "as", "just"}
_NEGATORS = {"not", "no", "never", "nobody", "nothing", "noone", "none", "neither", "nor", "without", "hardly",
             "cannot", "wasnt", "didnt", "dont", "doesnt", "isnt", "arent", "werent", "wouldnt", "couldnt",
             "shouldnt", "wont", "cant", "hadnt", "hasnt", "havent", "aint"}
# A new clause usually starts with its subject: "If I hadn't sorted it I'd have got a warning".
_SUBJECTS = {"i", "id", "im", "ill", "ive", "we", "wed", "were_", "he", "hed", "she", "shed", "they", "theyd", "you",
             "youd", "my", "our"}
_MAX_SCOPE = 5  # words a negation reaches at most
_CONTRAST = {"but", "however", "though", "although", "yet", "instead", "actually", "honestly", "mostly", "mainly"}
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@dataclass(frozen=True)
class Token:
    """A word (lower-cased, with its NOT_/BUT_ marks) and where it stands in the original text."""

    text: str
    start: int
    end: int
    negated: bool
    after_contrast: bool

    @property
    def feature(self) -> str:
        return ("NOT_" if self.negated else "") + self.text


def _norm(word: str) -> str:
    w = word.lower()
    if w.endswith("n't"):
        return {"won't": "wont", "can't": "cant", "ain't": "aint"}.get(w, w.replace("n't", "nt"))
    return w


def tokens(text: str) -> list[Token]:
    """Tokenise, keeping offsets for evidence highlighting, and mark negation and contrast scope."""
    return list(_tokens(text or ""))


@lru_cache(maxsize=512)
def _tokens(text: str) -> tuple[Token, ...]:
    """Cached: one answer is tokenised for words, characters and evidence alike."""
    text = text.translate(_APOS)
    out: list[Token] = []
    negating = 0  # words of negation scope left
    contrast = False
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        word = _norm(raw)
        if not word[0].isalnum():
            negating = 0
            continue
        if word in _CONTRAST:
            contrast = True
        if word in _CLAUSE_BREAK or word.replace("'", "") in _SUBJECTS:
            negating = 0
        is_negator = word in _NEGATORS or word.endswith("nt") and word[:-2] in {"was", "did", "do", "does", "is",
                                                                                    "are", "were", "would", "could",
                                                                                    "should", "had", "has", "have"}
        out.append(Token(word, m.start(), m.end(), negating > 0 and not is_negator, contrast))
        negating = _MAX_SCOPE if is_negator else max(0, negating - 1)
    return tuple(out)


def analyse(text: str) -> list[str]:
    """The feature words for one answer: marked unigrams, then the BUT_ copies."""
    toks = tokens(text)
    words = [t.feature for t in toks]
    words += ["BUT_" + t.feature for t in toks if t.after_contrast]
    return words


def analyse_ngrams(text: str) -> list[str]:
    """Unigrams and bigrams over the marked words (bigrams never cross into the BUT_ copies)."""
    toks = tokens(text)
    words = [t.feature for t in toks]
    grams = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    grams += ["BUT_" + t.feature for t in toks if t.after_contrast]
    return grams


@lru_cache(maxsize=512)
def word_char_grams(text: str, lo: int = 2, hi: int = 5) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """(start, end, n-grams) for each whitespace-separated word, as scikit-learn's ``char_wb``
    pads and slices it. A word inside a negation's scope also yields every n-gram with an
    ``N:`` prefix, so "commission" in "wasn't about the commission" can count the other way.
    """
    text = (text or "").translate(_APOS)
    negated_starts = [t.start for t in tokens(text) if t.negated]
    out = []
    for m in re.finditer(r"\S+", text):
        padded = f" {m.group(0).lower()} "
        grams = [padded[i:i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1)]
        if any(m.start() <= s < m.end() for s in negated_starts):
            grams += ["N:" + g for g in grams]
        out.append((m.start(), m.end(), tuple(grams)))
    return tuple(out)


def analyse_chars(text: str) -> list[str]:
    """Character 2-5-grams inside words, negation-marked: robust to typos and non-native spelling."""
    return [g for _, _, grams in word_char_grams(text) for g in grams]

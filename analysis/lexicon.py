"""A plain keyword lexicon of motive cues, written from the labelling guide.

It is two things: the honest baseline the model must beat (``LexiconClassifier``),
and the cue counts it decides by (``cue_counts``). Cues inside a
negation's scope do not count for their side ("there was no bonus").
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from analysis.features import tokens
from data.records import MOTIVE_LABELS as LABELS

INTRINSIC = [
    # care and empathy for the customer
    "felt sorry", "feel sorry", "felt bad for", "feel bad for", "felt for", "feel for", "i cared", "i care",
    "cared about", "care about", "worried about", "heart", "empathy", "put myself in", "in their shoes",
    "in her shoes", "in his shoes", "couldn't leave", "couldnt leave", "couldn't bear", "couldnt bear",
    "couldn't just", "couldnt just", "wanted to help", "want to help", "wanted her to", "wanted him to",
    "wanted them to", "my mum", "my mom", "my mother", "my dad", "my father", "my gran", "my nan", "my grandma",
    "my grandad", "my grandpa", "my grandmother", "my grandfather", "my son", "my daughter", "my kid",
    "my sister", "my brother", "my family", "my own", "my parents",
    # conscience, own standards, values
    "right thing", "felt terrible", "feel terrible", "felt awful", "feel awful", "felt guilty", "feel guilty",
    "felt horrible", "live with myself", "sleep at night", "conscience", "look myself", "believe", "values",
    "raised", "taught me", "brought up", "the way i was", "treat people", "treat others", "dignity", "fair",
    # enjoyment, satisfaction, pride in the craft, curiosity
    "love", "loved", "enjoy", "enjoyed", "fun", "satisfying", "satisfaction", "proud", "pride", "rewarding",
    "puzzle", "curious", "fascinating", "made my day", "made me happy", "felt good", "feel good", "felt great",
    "warm", "smile", "smiling", "glad", "happy", "joy",
    # nobody made me
    "nobody asked", "no one asked", "nobody told", "no one told", "not my job", "wasn't my job", "on my own time",
    "my own time", "just wanted",
]

EXTRINSIC = [
    # a boss watching or telling
    "manager", "boss", "supervisor", "team lead", "team leader", "tl", "gm", "director", "owner", "area manager",
    "was watching", "were watching", "told me to", "told to", "asked me to", "instructed", "orders",
    # rules, scripts, audits, metrics
    "policy", "policies", "rule", "rules", "script", "protocol", "procedure", "compliance", "required",
    "mandatory", "audit", "audited", "qa", "quality team", "inspection", "inspector", "inspectors",
    "mystery shopper", "mystery shoppers", "metric", "metrics", "kpi", "kpis", "target", "targets", "quota",
    "numbers", "stats", "score", "scores", "scorecard", "csat", "nps", "survey", "surveys", "review", "reviews",
    "rating", "ratings", "leaderboard", "sla", "aht", "handle time",
    # rewards
    "bonus", "bonuses", "commission", "tip", "tips", "incentive", "prize", "reward", "voucher", "promotion",
    "raise", "pay", "paid", "overtime", "employee of the month", "badge", "shout-out", "shout out", "recognition",
    "appraisal", "performance review",
    # trouble and the job
    "trouble", "written up", "write-up", "disciplinary", "warning", "fired", "sacked", "lose my job",
    "keep my job", "on my record", "my record", "complaint", "complaints", "escalated", "my job", "the job",
    "get paid", "paid for", "good for business", "business", "revenue", "account", "the company", "money",
    "sale", "sales", "customers back", "repeat business", "reputation", "look good", "looks good",
]

_EVASION = ["come back to", "skip", "pass", "not sure", "don't remember", "dont remember", "can't remember",
            "next question", "rather not", "prefer not", "no comment", "it was fine", "was normal", "nothing special"]


def _compile(phrases: list[str]) -> list[tuple[str, ...]]:
    return [tuple(re.findall(r"[a-z0-9'-]+", p.replace("\u2019", "'"))) for p in phrases]


_INTR = _compile(INTRINSIC)
_EXTR = _compile(EXTRINSIC)
_EVAS = _compile(_EVASION)


def _hits(words: list[str], negated: list[bool], phrases: list[tuple[str, ...]]) -> tuple[int, int]:
    """(plain hits, negated hits) of any phrase in the word sequence."""
    plain = neg = 0
    n = len(words)
    for phrase in phrases:
        k = len(phrase)
        for i in range(n - k + 1):
            if tuple(words[i:i + k]) == phrase:
                if any(negated[i:i + k]):
                    neg += 1
                else:
                    plain += 1
    return plain, neg


def cue_counts(text: str) -> np.ndarray:
    """[intrinsic, negated intrinsic, extrinsic, negated extrinsic, evasion, log length]."""
    toks = tokens(text)
    words = [t.text.replace("'", "") if t.text.endswith("n't") else t.text for t in toks]
    neg = [t.negated for t in toks]
    i, ni = _hits(words, neg, _INTR)
    e, ne = _hits(words, neg, _EXTR)
    ev, _ = _hits(words, neg, _EVAS)
    return np.array([i, ni, e, ne, ev, np.log1p(len(words))], dtype=float)


class LexiconClassifier(BaseEstimator, ClassifierMixin):
    """The baseline: both sides cued -> mixed, one side -> that side, none -> unclear."""

    def fit(self, X, y=None):
        self.classes_ = np.array(LABELS)
        return self

    def predict(self, X):
        out = []
        for x in X:
            i, _, e, _, _, _ = cue_counts(x)
            out.append("mixed" if i and e else "intrinsic" if i else "extrinsic" if e else "unclear")
        return np.array(out)

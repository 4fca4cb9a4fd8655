"""The model card's scoring script reads real-text files as their format says."""

from analysis.modelcard import load_real


def test_a_real_text_files_id_and_rater_columns_are_never_read_as_part_of_the_passage(tmp_path):
    """The id and the raters' "sure"/"unsure" are bookkeeping: scored as words, "unsure" told the model
    which passages the raters found hard, and flattered the figures."""
    f = tmp_path / "real.tsv"
    f.write_text("intrinsic\tI stayed because she was scared.\tP001\tsure\n"
                 "unclear\tI rang the depot and rebooked it.\tP002\tunsure\n"
                 "extrinsic\tMy manager was watching.\n", encoding="utf-8")
    examples, sure = load_real(f)
    assert [e.text for e in examples] == ["I stayed because she was scared.", "I rang the depot and rebooked it.",
                                          "My manager was watching."]
    assert [e.label for e in examples] == ["intrinsic", "unclear", "extrinsic"]
    assert sure == [True, False, True]


def test_real_text_scoring_with_designs_retrains_each_design_and_prints_its_row(tmp_path, model, monkeypatch, capsys):
    """The --designs path (it once failed on its first progress line, after the shipped rows)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from analysis import modelcard
    from data.corpus import Example

    corpus = [Example(label, text) for label, text in [
        ("intrinsic", "I felt for her"), ("intrinsic", "I cared about him"),
        ("extrinsic", "my manager told me"), ("extrinsic", "for the bonus"),
        ("mixed", "the bonus and I cared"), ("mixed", "my boss asked and I felt for her"),
        ("unclear", "I rang the depot"), ("unclear", "I sorted the refund")]]
    monkeypatch.setattr(modelcard, "load_corpus", lambda: corpus)
    monkeypatch.setattr(modelcard, "DESIGNS", {"a tiny design": lambda: Pipeline(
        [("f", TfidfVectorizer()), ("c", LogisticRegression())])})
    f = tmp_path / "real.tsv"
    f.write_text("intrinsic\tI felt so sorry for her.\tP1\tsure\nunclear\tI rang the depot.\tP2\tunsure\n"
                 "extrinsic\tMy manager told me to.\tP3\tsure\n",
                 encoding="utf-8")
    modelcard.real_text(str(f), model, designs=True)
    out = capsys.readouterr().out
    assert "| a tiny design (" in out and "shipped model in full" in out

"""The model card's scoring script reads real-text files as their format says."""

import re

import pytest

from analysis.modelcard import load_real
from data.corpus import CorpusError


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


def _tiny_designs(monkeypatch, name: str) -> None:
    """A corpus of eight answers and one design of that name, so --designs runs in a second."""
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
    monkeypatch.setattr(modelcard, "DESIGNS", {name: lambda: Pipeline(
        [("f", TfidfVectorizer()), ("c", LogisticRegression())])})


def test_real_text_scoring_with_designs_retrains_each_design_and_prints_its_row(tmp_path, model, monkeypatch, capsys):
    """The --designs path (it once failed on its first progress line, after the shipped rows)."""
    from analysis import modelcard

    _tiny_designs(monkeypatch, "a tiny design")
    f = tmp_path / "real.tsv"
    f.write_text("intrinsic\tI felt so sorry for her.\tP1\tsure\nunclear\tI rang the depot.\tP2\tunsure\n"
                 "extrinsic\tMy manager told me to.\tP3\tsure\n",
                 encoding="utf-8")
    modelcard.real_text(str(f), model, designs=True)
    out = capsys.readouterr().out
    assert "| a tiny design (" in out and "shipped model in full" in out


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_joining_two_raters_keeps_the_passages_both_labelled_alike_and_reports_their_kappa(tmp_path, capsys):
    from analysis.modelcard import join_raters

    passages = _write(tmp_path / "p.tsv", "id\ttext\np1\tI felt for the man.\np2\tMy boss\tsaid so.\n"
                                          "p3\tI reset the router.\np4\tThe tip, and I liked her.\n")
    a = _write(tmp_path / "a.tsv", "id\tlabel\tsure\np1\tintrinsic\tsure\np2\textrinsic\tsure\n"
                                   "p3\tunclear\tunsure\np4\tmixed\tsure\n")
    b = _write(tmp_path / "b.tsv", "id\tlabel\tsure\np4\tmixed\tsure\np3\tunclear\tsure\n"
                                   "p2\textrinsic\tsure\np1\tmixed\tsure\n")
    out = tmp_path / "real.tsv"
    got = join_raters(passages, a, b, str(out))
    assert got["rated"] == 4 and got["agreed"] == 3 and 0 < got["kappa"] < 1
    assert out.read_text(encoding="utf-8").splitlines() == [
        "extrinsic\tMy boss said so.\tp2\tsure", "unclear\tI reset the router.\tp3\tunsure",
        "mixed\tThe tip, and I liked her.\tp4\tsure"]
    assert "agree on 3 (75.0%)" in capsys.readouterr().out
    examples, sure = load_real(out)
    assert [e.label for e in examples] == ["extrinsic", "unclear", "mixed"] and sure == [True, False, True]


@pytest.mark.parametrize("rater, message", [
    ("id\tlabel\tsure\np1\tintrinsic\tsure\n", "1 passages not rated (p2)"),
    ("id\tlabel\tsure\np1\tkind\tsure\np2\tunclear\tsure\n", "label 'kind' is not one of"),
    ("id\tlabel\tsure\np1\tintrinsic\tmaybe\np2\tunclear\tsure\n", "must be 'sure' or 'unsure'"),
    ("id\tlabel\np1\tintrinsic\n", "line 1 must be the header"),
    ("id\tlabel\tsure\np1\tintrinsic\tsure\np1\tunclear\tsure\np2\tunclear\tsure\n", "id 'p1' appears twice"),
])
def test_a_rater_file_that_is_incomplete_or_off_the_guide_stops_the_join_before_anything_is_written(
        tmp_path, rater, message):
    from analysis.modelcard import join_raters

    passages = _write(tmp_path / "p.tsv", "id\ttext\np1\tI felt for the man.\np2\tIt was fine.\n")
    good = _write(tmp_path / "good.tsv", "id\tlabel\tsure\np1\tintrinsic\tsure\np2\tunclear\tsure\n")
    bad = _write(tmp_path / "bad.tsv", rater)
    out = tmp_path / "real.tsv"
    with pytest.raises(CorpusError, match=re.escape(message)):
        join_raters(passages, good, bad, str(out))
    assert not out.exists()


def test_the_echo_check_lists_a_reworded_copy_of_a_real_sentence_and_not_a_sentence_on_another_topic():
    """Writers must never paraphrase real passages; the check is how a batch is kept honest."""
    from analysis.modelcard import echoes

    real = [("P1", "Honestly I stayed late with her because she reminded me of my grandmother. "
                   "The shift ended at nine.")]
    training = [("batch.tsv:2", "w1", "I stayed late with her honestly, since she reminded me of my own grandmother."),
                ("batch.tsv:3", "w1", "The printer in the back office jams whenever it rains outside.")]
    found = echoes(training, real, threshold=0.65)
    assert [e.where for e in found] == ["batch.tsv:2"]
    assert found[0].passage == "P1" and "grandmother" in found[0].real_sentence
    assert found[0].similarity >= 0.65


def test_the_echo_check_reads_a_raters_passages_file_and_a_real_text_file_alike(tmp_path):
    from analysis.modelcard import _real_passages

    passages = tmp_path / "passages.tsv"
    passages.write_text("id\ttext\nt001\tI felt for her, so I drove it over.\nt002\tI rebooked the parcel.\n",
                        encoding="utf-8")
    real = tmp_path / "real.tsv"
    real.write_text("intrinsic\tI felt for her, so I drove it over.\tt001\tsure\n"
                    "unclear\tI rebooked the parcel.\n", encoding="utf-8")
    assert _real_passages(str(passages)) == [("t001", "I felt for her, so I drove it over."),
                                              ("t002", "I rebooked the parcel.")]
    assert _real_passages(str(real)) == [("t001", "I felt for her, so I drove it over."),
                                          ("line 2", "I rebooked the parcel.")]


def test_the_echo_check_names_a_missing_file_plainly(tmp_path, capsys):
    from analysis.modelcard import main

    assert main(["--echo", str(tmp_path / "nowhere.tsv")]) != 0
    assert "nowhere.tsv: file not found" in capsys.readouterr().err


def test_real_text_designs_add_the_shipped_model_blended_with_the_reason_sentence_reader(tmp_path, model, monkeypatch,
                                                                                          capsys):
    """The blend read on the tenth and eleventh sets can be read again from the repository."""
    from analysis import modelcard

    _tiny_designs(monkeypatch, modelcard.READER_DESIGN)
    f = tmp_path / "real.tsv"
    f.write_text("intrinsic\tI felt so sorry for her.\nextrinsic\tMy manager told me to.\n", encoding="utf-8")
    modelcard.real_text(str(f), model, designs=True)
    out = capsys.readouterr().out
    assert "+ the reader at weight 0.25 (not shipped)" in out and "+ the reader at weight 1 (not shipped)" in out


def test_a_blend_is_the_two_readings_summed_at_the_weight_and_renormalised():
    import numpy as np

    from analysis.modelcard import blend

    own = np.array([[0.7, 0.1, 0.1, 0.1]])
    reader = np.array([[0.1, 0.7, 0.1, 0.1]])
    assert np.allclose(blend(own, reader, 1.0), [[0.4, 0.4, 0.1, 0.1]])
    assert np.allclose(blend(own, reader, 0.25), [[0.58, 0.22, 0.1, 0.1]])


def test_the_echo_check_refuses_a_threshold_that_is_not_a_cosine(tmp_path, capsys):
    from analysis.modelcard import main

    with pytest.raises(SystemExit):
        main(["--echo", str(tmp_path / "real.tsv"), "--threshold", "65"])
    assert "--threshold is a cosine similarity above 0 and at most 1, not 65" in capsys.readouterr().err


def _calibration_copy(tmp_path, monkeypatch):
    """A copy of the calibration file the refit may overwrite, and eight real-style passages to fit on."""
    import shutil

    from analysis import motivation

    saved = tmp_path / "real-text-calibration.json"
    shutil.copy(motivation.REAL_TEXT_CALIBRATION, saved)
    monkeypatch.setattr(motivation, "REAL_TEXT_CALIBRATION", saved)
    real = tmp_path / "real.tsv"
    real.write_text("".join(f"{label}\t{text}\n" for label, text in [
        ("intrinsic", "I stayed with her because I felt so sorry for her."),
        ("intrinsic", "Honestly it just makes my day when I can sort someone out."),
        ("intrinsic", "I'd want someone to do the same for my nan."),
        ("extrinsic", "My manager was watching so I did it by the book."),
        ("extrinsic", "The tips are why I put up with any of it."),
        ("mixed", "Partly the bonus, partly because I liked the old fella."),
        ("unclear", "I rang the depot and rebooked the parcel."),
        ("unclear", "Reset the router, closed the ticket.")]), encoding="utf-8")
    return saved, real


def test_a_full_recalibration_dates_its_prior_and_names_the_artifact_by_it(tmp_path, monkeypatch):
    import json

    from analysis.modelcard import calibrate
    from analysis.motivation import MotivationModel
    from analysis.registry import DEFAULT_ARTIFACT

    saved, real = _calibration_copy(tmp_path, monkeypatch)
    with real.open("a", encoding="utf-8") as f:  # one the model must get wrong: the recalibration needs both kinds
        f.write("extrinsic\tI felt so sorry for the old lady, it broke my heart to see her stuck.\n")
    artifact = tmp_path / "model.skops"
    calibrate(str(real), MotivationModel.load(DEFAULT_ARTIFACT), artifact)
    after = json.loads(saved.read_text())
    assert after["prior_fitted_at"] == after["fitted_at"] and after["prior_fitted_on"] == "9 real passages (real.tsv)"
    assert MotivationModel.load(artifact).version.endswith(f"-prior-{after['fitted_at'][:10].replace('-', '')}")


def test_refitting_only_the_prior_moves_the_labels_and_keeps_the_recalibration_as_fitted(tmp_path, monkeypatch, capsys):
    import json

    from analysis.modelcard import calibrate, main
    from analysis.motivation import MotivationModel
    from analysis.registry import DEFAULT_ARTIFACT

    saved, real = _calibration_copy(tmp_path, monkeypatch)
    before = json.loads(saved.read_text())
    artifact = tmp_path / "model.skops"
    calibrate(str(real), MotivationModel.load(DEFAULT_ARTIFACT), artifact, prior_only=True)
    after = json.loads(saved.read_text())
    assert after["prior"] != before["prior"] and after["prior_fitted_on"] == "8 real passages (real.tsv)"
    assert {k: after[k] for k in ("weights", "intercept", "fitted_on")} == \
        {k: before[k] for k in ("weights", "intercept", "fitted_on")}
    refitted = MotivationModel.load(artifact)
    assert refitted.meta["real_text_calibration"] == after
    base = MotivationModel.load(DEFAULT_ARTIFACT).version.split("-prior-")[0]  # new labels, a new name
    assert refitted.version == f"{base}-prior-{after['prior_fitted_at'][:10].replace('-', '')}"
    assert "recalibration kept" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--prior-only"])
    assert "--prior-only goes with --calibrate FILE" in capsys.readouterr().err

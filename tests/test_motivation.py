"""The motivation model: the guide's hard cases, evidence, persistence, quality and the command line."""

import json
import subprocess
import sys

import numpy as np
import pytest

from analysis.features import analyse, tokens
from analysis.motivation import LABELS, ModelError, MotivationModel, compose, evaluate, scores, wrong_side_rate
from analysis.probes import ASK_FEELING, ASK_WHICH, ASK_WHY, probes_for
from analysis.registry import DEFAULT_ARTIFACT
from data.corpus import load_corpus, load_labelled
from tests.conftest import DEV_SET, ROOT

# Fresh sentences written for these tests (not from the corpus, the guide or the development set).
HARD_CASES = [
    ("intrinsic", "There was no bonus on warranty claims, I just couldn't stand watching him get more stressed."),
    ("intrinsic", "Nobody from management was in that evening. She was shaking, and I wanted her to feel safe."),
    ("extrinsic", "I was over the moon, that save pushed me to the top of the monthly leaderboard."),
    ("extrinsic", "Honestly I was mostly relieved the complaint didn't end up on my file."),
    # Known limitation (MODEL_CARD.md): "my supervisor told me to stop, but I went on because..." can read as
    # mixed; the app then suggests asking which reason mattered more (test_mixed_reading_prompts_which_mattered).
    ("intrinsic", "If I'd sent him away I would have felt rotten all night."),
    ("extrinsic", "If I hadn't sorted it I'd have been given a written warning."),
    ("intrinsic", "I believe everyone deserves to be treated with respect, whoever they are."),
    ("intrinsic", "They gave me a gift card afterwards, but that's not why I did it, I just liked helping the old fellow."),
    ("mixed", "The commission was definitely on my mind, but I also genuinely wanted him to get the right laptop for "
              "his studies."),
    ("unclear", "I checked the order, refunded the delivery fee and sent a new one out the same day."),
    ("unclear", "Could we skip this one and come back to it later?"),
    ("extrinsic", "Our store manager checks the feedback scores every Monday, so I made sure to get it right."),
]


@pytest.mark.parametrize("label, text", HARD_CASES, ids=[t[:40] for _, t in HARD_CASES])
def test_hard_cases_get_the_guides_label(model, label, text):
    assert model.predict_one(text).label == label


def test_mixed_reading_prompts_which_mattered(model):
    p = model.predict_one("My supervisor told me to close the case, but I kept going because of her kids.")
    if p.label == "mixed":
        assert ASK_WHICH in probes_for("story", "why", "Felt good.", p.label, p.confidence)
    else:
        assert p.label == "intrinsic"


def test_negated_bonus_is_not_extrinsic(model):
    assert model.predict_one("It wasn't for the bonus at all, I just felt awful for the lady.").label != "extrinsic"


def test_negation_marks_the_words_it_reaches_and_stops_at_a_new_clause():
    assert analyse("It wasn't about the tips") == ["it", "wasnt", "NOT_about", "NOT_the", "NOT_tips"]
    marked = {t.text: t.negated for t in tokens("If I hadn't sorted it I'd have got a warning")}
    assert marked["sorted"] and not marked["warning"]


def test_contrast_copies_what_follows_but():
    assert "BUT_cared" in analyse("Not for the tips but because I cared")


def test_stop_words_that_carry_meaning_are_kept():
    assert {"not", "because", "would", "never"} <= set(analyse("not because I would never"))


def test_probabilities_cover_the_four_labels_and_confidence_is_the_top_one(model):
    p = model.predict_one("I love a puzzle, and her booking was a proper mess.")
    assert set(p.probabilities) == set(LABELS)
    assert abs(sum(p.probabilities.values()) - 1) < 1e-6
    assert p.confidence == max(p.probabilities.values()) == p.probabilities[p.label]


def test_evidence_points_at_real_phrases_on_both_sides(model):
    text = "Partly the overtime money, but mostly I just felt sorry for the family."
    p = model.predict_one(text)
    assert p.label == "mixed"
    assert {e.side for e in p.evidence} == {"intrinsic", "extrinsic"}
    for e in p.evidence:
        assert text[e.start:e.end] == e.phrase
        assert (e.weight > 0) == (e.side == "intrinsic")


def test_empty_answer_has_no_evidence(model):
    assert model.predict_one("").evidence == ()


def test_fields_are_closed_as_sentences_so_negation_stays_inside_one():
    assert compose("I didn't get paid extra", "my boss", "") == "I didn't get paid extra. my boss."
    assert compose("", "", "") == ""


def test_probes_follow_the_label_and_what_is_missing():
    assert ASK_WHY in probes_for("I fixed it.", "", "Great.", "unclear", 0.9)
    assert ASK_FEELING in probes_for("I fixed it.", "She was crying.", "", "intrinsic", 0.9)
    assert ASK_WHICH in probes_for("Story.", "Bonus and I liked her.", "Good.", "mixed", 0.8)
    assert probes_for("Story.", "I felt for her.", "Proud of it.", "intrinsic", 0.9) == ()


def test_artifact_round_trips_with_identical_predictions(model):
    again = MotivationModel.from_bytes(model.to_bytes())
    text = "My team lead was watching, so I did it by the book."
    assert again.predict_one(text) == model.predict_one(text)


def test_artifact_keeps_every_vocabulary_term_in_its_column(model):
    again = MotivationModel.from_bytes(model.to_bytes())
    for (_, ours), (_, theirs) in zip(model.pipeline.named_steps["features"].transformer_list[:2],
                                      again.pipeline.named_steps["features"].transformer_list[:2]):
        assert theirs.vocabulary_ == ours.vocabulary_


def test_an_artifact_saved_before_vocabularies_were_packed_still_loads(model):
    """Model versions an organisation trained earlier carry each vocabulary as (terms, columns)."""
    import skops.io as sio
    vectorizers = [v for _, v in model.pipeline.named_steps["features"].transformer_list[:2]]
    vocabs = [v.vocabulary_ for v in vectorizers]
    try:
        for v in vectorizers:
            v.vocabulary_ = None
        old = sio.dumps({"pipeline": model.pipeline, "confidence": model.confidence, "bank": model.bank,
                         "meta": json.dumps(model.meta),
                         **{f"vocab{k}": (np.array(list(vocab), dtype=str), np.array(list(vocab.values())))
                            for k, vocab in enumerate(vocabs)}})
    finally:
        for v, vocab in zip(vectorizers, vocabs):
            v.vocabulary_ = vocab
    text = "Honestly the bonus helped, but mostly I just felt for her."
    assert MotivationModel.from_bytes(old).predict_one(text) == model.predict_one(text)


def test_the_shipped_artifact_is_small_enough_to_keep_in_the_repository():
    assert DEFAULT_ARTIFACT.stat().st_size < 5 * 1024 * 1024


def test_artifact_with_an_untrusted_type_is_refused():
    import skops.io as sio
    # Any type outside the allowlist stands in for a hostile one.
    data = sio.dumps({"pipeline": __import__("fractions").Fraction(1, 3), "meta": "{}"})
    with pytest.raises(ModelError, match="not trusted"):
        MotivationModel.from_bytes(data)


def test_garbage_artifact_is_refused_clearly():
    with pytest.raises(ModelError, match="not a Motive model artifact"):
        MotivationModel.from_bytes(b"definitely not a zip file")


def test_shipped_artifact_is_what_the_corpus_and_code_train_today(model):
    """A stale artifact (corpus or features changed, model not retrained) fails here."""
    from data.corpus import corpus_sha

    corpus = load_corpus()
    assert model.meta["corpus_sha"] == corpus_sha(corpus)
    fresh = MotivationModel.train(corpus)
    probe = [text for _, text in HARD_CASES] + ["I reset the router.", "Target week, innit."]
    # ONNX Runtime's int8 kernels can round differently by CPU (AVX2 against AVX-512 VNNI): an artifact
    # trained on one machine reads a few 1e-4 apart on another (6.5e-4 seen): same labels, confidences
    # within 0.01. A stale artifact (another corpus, lexicon or features) differs by far more.
    for a, b in zip(model.predict(probe, evidence=False), fresh.predict(probe, evidence=False)):
        assert a.label == b.label and abs(a.confidence - b.confidence) < 0.01


def test_development_set_meets_the_quality_targets(model):
    """The target in the issue: macro-F1 >= 0.85 and under 5% of clear answers on the wrong side."""
    if not DEV_SET.exists():
        pytest.skip("the development set is not beside the repository")
    s = evaluate(model, load_labelled(DEV_SET))
    assert s["macro_f1"] >= 0.85
    assert s["wrong_side_rate"] < 0.05


def test_scores_by_hand():
    truth = ["intrinsic", "intrinsic", "extrinsic", "extrinsic", "mixed", "unclear"]
    pred = ["intrinsic", "extrinsic", "extrinsic", "mixed", "mixed", "unclear"]
    s = scores(truth, pred)
    assert s["accuracy"] == pytest.approx(4 / 6)
    assert wrong_side_rate(truth, pred) == pytest.approx(1 / 4)
    assert s["confusion"][0] == [1, 1, 0, 0]


def _cli(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "analysis.motivation", "--model", str(DEFAULT_ARTIFACT), *args],
                          cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)


def test_cli_labels_plain_lines_in_input_order(tmp_path):
    f = tmp_path / "answers.txt"
    f.write_text("My manager was watching.\n\nI felt for her, she was alone.\n")
    done = _cli("label", str(f))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["label"] for r in rows] == ["extrinsic", "intrinsic"]
    assert {"label", "confidence", "probabilities", "evidence"} <= set(rows[0])
    assert 0 <= rows[0]["confidence"] <= 1


def test_cli_reads_csv_jsonl_and_standard_input(tmp_path):
    csv_file = tmp_path / "a.csv"
    csv_file.write_text('id,Text\n1,"Policy says so, so I did it."\n2,"Loved it, honestly."\n')
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps({"text": "For the commission."}) + "\n")
    assert len(_cli("label", str(csv_file)).stdout.splitlines()) == 2
    assert json.loads(_cli("label", str(jsonl)).stdout)["label"] == "extrinsic"
    assert len(_cli("label", "-", stdin="one answer\nanother answer\n").stdout.splitlines()) == 2


def test_cli_csv_without_text_column_fails_clearly(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("answer\nhello\n")
    done = _cli("label", str(f))
    assert done.returncode == 1 and "needs a 'text' column" in done.stderr


def test_cli_evaluate_prints_the_figures(tmp_path):
    f = tmp_path / "gold.tsv"
    f.write_text("extrinsic\tMy manager was watching.\nintrinsic\tI felt for her, she was alone.\n")
    done = _cli("evaluate", str(f))
    assert done.returncode == 0
    for word in ("accuracy", "macro-F1", "Cohen kappa", "per-label F1", "confusion"):
        assert word in done.stdout


def test_label_is_the_pipelines_reading_shifted_by_the_real_text_prior_and_confidence_its_calibrated_chance(model):
    texts = [text for _, text in HARD_CASES]
    raw = np.log(model.pipeline.predict_proba(texts)) + model._prior
    for p, row in zip(model.predict(texts, evidence=False), raw):
        assert p.label == model.classes[int(row.argmax())]
        assert p.confidence == p.probabilities[p.label] == max(p.probabilities.values())
        assert abs(sum(p.probabilities.values()) - 1) < 1e-9


def test_text_unlike_the_corpus_is_not_sure(model):
    p = model.predict_one("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.")
    assert not p.sure and p.to_dict()["sure"] is False


def test_evidence_points_at_the_stated_reason_not_the_story(model):
    p = model.predict_one("The manager was on the floor and the store was heaving. I stayed with the old lady "
                          "because I felt sorry for her, she was so lost.")
    shown = " ".join(e.phrase.lower() for e in p.evidence)
    assert "felt sorry" in shown
    assert "manager" not in shown and "store" not in shown


def test_negated_reward_is_shown_with_its_negator_pointing_away(model):
    text = "It wasn't about the tip at all, I just felt awful for him."
    sides = {e.phrase: e.side for e in model.predict_one(text).evidence}
    assert any("wasn't" in phrase and "tip" in phrase and side == "intrinsic" for phrase, side in sides.items())


def test_evidence_matches_the_hand_marked_decisive_phrases(model):
    """Precision and recall against data/corpus/evidence*.tsv (floors below the model card's figures)."""
    from analysis.motivation import evidence_scores

    for path in sorted((ROOT / "data" / "corpus").glob("evidence*.tsv")):
        lines = [line.split("\t", 1)[1] for line in path.read_text(encoding="utf-8").splitlines()[1:] if line]
        s = evidence_scores(model, lines)
        assert s["precision"] >= 0.6 and s["recall"] >= 0.55, (path.name, s)


def test_cli_labels_with_the_databases_active_model_and_never_trains(tmp_path, model, monkeypatch, capsys):
    from analysis import motivation
    from data.records import SYSTEM
    from data.settings import Settings
    from data.store import Store

    url = f"sqlite:///{tmp_path / 'motive.db'}"
    store = Store(Settings.from_env({"MOTIVE_DATABASE_URL": url}))
    ours = MotivationModel.from_bytes(model.to_bytes())
    ours.meta["version"] = "org-reviewed-1"
    store.add_model_version(SYSTEM, "org-reviewed-1", ours.to_bytes(), metrics={}, activate=True)
    store.engine.dispose()
    monkeypatch.setenv("MOTIVE_DATABASE_URL", url)

    def no_training(*args, **kwargs):
        raise AssertionError("labelling must never train")

    monkeypatch.setattr(MotivationModel, "train", no_training)
    answers = tmp_path / "answers.txt"
    answers.write_text("I felt for her, she was alone.\n")
    assert motivation.main(["label", str(answers)]) == 0
    out = capsys.readouterr()
    assert "org-reviewed-1" in out.err and "active model" in out.err
    assert json.loads(out.out)["label"] == "intrinsic"


def test_cli_without_a_database_uses_the_shipped_model(tmp_path, monkeypatch, capsys):
    from analysis import motivation

    monkeypatch.setenv("MOTIVE_DATABASE_URL", f"sqlite:///{tmp_path / 'none-yet.db'}")
    answers = tmp_path / "a.txt"
    answers.write_text("Policy says so, so I did it.\n")
    assert motivation.main(["label", str(answers)]) == 0
    assert "shipped" in capsys.readouterr().err
    assert not (tmp_path / "none-yet.db").exists()  # labelling never creates a database


def test_real_text_calibration_was_fitted_for_todays_corpus(model):
    """A corpus change needs the calibration refitted on real words (python -m analysis.modelcard --calibrate)."""
    from analysis.motivation import REAL_TEXT_CALIBRATION

    cal = json.loads(REAL_TEXT_CALIBRATION.read_text())
    assert cal["corpus_sha"] == model.meta["corpus_sha"] and model.meta["real_text_calibration"] == cal
    assert len(cal["weights"]) == 1 + 2  # the confidence's logit, and the two views that may agree
    assert sorted(cal["prior"]) == sorted(LABELS) and cal["prior"]["intrinsic"] == 0


def test_the_real_text_prior_gives_a_label_the_model_says_too_rarely_its_due_share():
    """Passages the model reads as intrinsic at 0.5 against 0.3 unclear, though most of them are
    unclear: the fitted shift raises unclear's odds until unclear is what they are read as."""
    from analysis.motivation import fit_prior

    raw = np.array([[0.5, 0.1, 0.1, 0.3]] * 9)
    truth = ["intrinsic"] * 4 + ["unclear"] * 5
    prior = fit_prior(raw, truth)
    assert prior["intrinsic"] == 0 and prior["unclear"] > 0
    assert prior["extrinsic"] < 0 and prior["mixed"] < 0  # never true here: made less likely
    shifted = np.log(raw[0]) + np.array([prior[label] for label in LABELS])
    assert LABELS[int(np.log(raw[0]).argmax())] == "intrinsic" and LABELS[int(shifted.argmax())] == "unclear"
    assert abs(np.exp(shifted)[3] / np.exp(shifted).sum() - 5 / 9) < 0.01  # its share, not more


def test_a_model_without_a_real_text_prior_reads_as_trained(model):
    from analysis.motivation import MotivationModel

    bare = MotivationModel(model.pipeline, model.confidence, model.bank, {**model.meta, "real_text_calibration": None})
    text = "Honestly the bonus helped, but mostly I just felt for her."
    assert bare.predict_one(text).label == model.classes[int(bare.pipeline.predict_proba([text])[0].argmax())]


def test_a_confidence_pulled_down_for_strange_text_never_leaves_another_label_likelier(model):
    p = model.predict_one("Lorem ipsum dolor sit amet, consectetur.")
    assert not p.sure and p.confidence >= max(p.probabilities.values()) - 1e-9
    assert abs(sum(p.probabilities.values()) - 1) < 1e-9


def test_a_model_trained_on_the_corpus_is_named_by_its_corpus_and_the_date_of_a_refitted_prior():
    """Two priors on one corpus label differently; under one name a stored label could not say which made it."""
    from analysis.motivation import default_version

    assert default_version("19bd810e4e17", None) == "corpus-19bd810e4e"
    assert default_version("19bd810e4e17", {"prior": {}, "fitted_at": "2026-12-01T23:50:24+00:00"}) == "corpus-19bd810e4e"
    assert default_version("19bd810e4e17", {"prior_fitted_at": "2026-12-04T20:02:11+00:00"}) == \
        "corpus-19bd810e4e-prior-20261204"


def test_the_shipped_model_is_named_as_a_model_trained_today_would_be(model):
    import json

    from analysis.motivation import REAL_TEXT_CALIBRATION, default_version

    assert model.version == default_version(model.meta["corpus_sha"], json.loads(REAL_TEXT_CALIBRATION.read_text()))

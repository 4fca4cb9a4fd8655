"""Reviewing a retrained candidate: honest figures on a small held-out set, a warning, a bar that moves."""

from __future__ import annotations

from analysis.retraining import SMALL_HELD_OUT, review_held_out, with_time_left
from tests.conftest import app_as
from ui.state import Keys

LABELS = ("intrinsic", "extrinsic", "mixed", "unclear")


def _scores(confusion: list[list[int]]) -> dict:
    """What analysis.motivation.scores stores, from a confusion matrix (rows: truth, columns: predicted)."""
    n = sum(map(sum, confusion))
    per = {}
    for i, label in enumerate(LABELS):
        tp, truth, pred = confusion[i][i], sum(confusion[i]), sum(row[i] for row in confusion)
        per[label] = 2 * tp / (truth + pred) if truth + pred else 0.0
    return {"n": n, "accuracy": sum(confusion[i][i] for i in range(4)) / n, "macro_f1": sum(per.values()) / 4,
            "per_label_f1": per, "kappa": 1.0, "wrong_side_rate": 0.0, "confusion": confusion}


SEVEN_RIGHT = [[4, 0, 0, 0], [0, 3, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]  # 7 answers, two labels, all right


def _metrics(confusion, before=None) -> dict:
    return {"held_out_before": _scores(before or confusion), "held_out_after": _scores(confusion),
            "n_held_out": sum(map(sum, confusion)), "compared_with": "shipped"}


def test_macro_f1_on_seven_answers_all_right_is_one_not_a_half_and_the_set_is_called_too_small():
    assert _scores(SEVEN_RIGHT)["macro_f1"] == 0.5  # what was shown: two absent labels averaged in as 0
    review = review_held_out(_metrics(SEVEN_RIGHT))
    assert review.after["macro_f1"] == 1.0 and review.after["accuracy"] == 1.0
    assert review.present == ("intrinsic", "extrinsic") and review.support == {
        "intrinsic": 4, "extrinsic": 3, "mixed": 0, "unclear": 0}
    assert review.small and "Only 7 held-out answers" in review.cautions[0]
    assert "extrinsic (3), mixed (0), unclear (0)" in review.cautions[1]


def test_a_large_held_out_set_with_every_label_asks_nothing_more():
    big = [[20, 2, 1, 0], [1, 15, 0, 1], [1, 1, 6, 0], [0, 1, 0, 5]]
    review = review_held_out(_metrics(big))
    assert review.n >= SMALL_HELD_OUT and not review.small and review.cautions == ()
    assert abs(review.after["macro_f1"] - _scores(big)["macro_f1"]) < 1e-12  # all present: the usual macro-F1


def test_a_candidate_recorded_before_supports_were_kept_is_flagged_as_unknown():
    review = review_held_out({"held_out_before": {"macro_f1": 0.8}, "held_out_after": {"macro_f1": 0.9},
                              "n_held_out": 80})
    assert review.after["macro_f1"] == 0.9 and review.support is None
    assert review.small and "was not recorded" in review.cautions[0]


def test_the_time_left_is_guessed_from_the_work_done_and_only_once_enough_is_done():
    now, said = [0.0], []
    step = with_time_left(lambda share, what: said.append((share, what)), clock=lambda: now[0])
    step(0.05, "reading")
    now[0] = 30.0
    step(0.5, "fitting")
    now[0] = 60.0
    step(0.25, "late step")  # a share reported late still gives a sane guess
    step(1.0, "done")
    assert said == [(0.05, "reading"), (0.5, "fitting: about 30 seconds left"),
                    (0.25, "late step: about 3 minutes left"), (1.0, "done")]


def test_an_administrator_is_warned_and_asked_twice_before_accepting_a_candidate_on_seven_answers(
        store, admin, model):
    from analysis.registry import ensure_active_model

    shipped = ensure_active_model(store)
    store.add_model_version(admin, "org-small", model.to_bytes(), metrics=_metrics(SEVEN_RIGHT))
    at = app_as(store, admin, "ui/pages/model.py")
    assert not at.exception
    scores = at.dataframe[-2].value
    assert list(scores["Score"])[0] == "macro-F1 (labels present)" and list(scores["Candidate"])[:2] == [1.0, 1.0]
    support = at.dataframe[-1].value
    assert list(support["Held-out answers"]) == [4, 3, 0, 0]
    assert any("too few" in w.value and "Only 7 held-out answers" in w.value for w in at.warning)
    assert at.button(key=Keys.mod_accept("org-small")).disabled
    at.checkbox(key=Keys.mod_accept_anyway("org-small")).check().run()
    at.button(key=Keys.mod_accept("org-small")).click().run()
    assert not at.exception and store.active_model_version() == "org-small" and shipped != "org-small"


def test_training_reports_each_step_in_order_up_to_done(store, admin, kit, model, monkeypatch):
    """The bar's callback, without the minutes of a real training (test_labels trains for real)."""
    from analysis import retraining
    from analysis.motivation import MotivationModel
    from analysis.retraining import MIN_REVIEWED
    from data.corpus import Example

    answers = [Example(label, f"answer {i} {label}") for i in range(MIN_REVIEWED * 2) for label in LABELS[:2]]
    giver = store.add_candidate(admin, store.create_position(admin, "Desk").id, "Ann Lee").id
    monkeypatch.setattr(retraining, "_reviewed", lambda store: [(a, giver) for a in answers])  # and who gave them

    def train(examples, *, version, progress):
        for k in range(4):
            progress(0.1 + 0.7 * k / 4, f"holding out writing batches ({k + 1} of 4)")
        progress(1.0, "done")
        return MotivationModel(model.pipeline, model.confidence, model.bank, {**model.meta, "version": version})

    monkeypatch.setattr(MotivationModel, "train", staticmethod(train))
    seen = []
    retraining.train_candidate(store, admin, model, progress=lambda share, what: seen.append((share, what)))
    shares = [s for s, _ in seen]
    assert shares == sorted(shares) and shares[-1] == 1.0 and 0.9 < shares[-4] < 1.0
    assert any("held-out answers" in what for _, what in seen) and [w for _, w in seen].count("done") == 1
    assert any(what.startswith("holding out writing batches (2 of 4)") for _, what in seen)


def test_reading_the_answers_meaning_reports_its_progress_batch_by_batch():
    import uuid

    from analysis.embeddings import encoder

    texts = [f"I stayed late to help a stranger, {uuid.uuid4().hex} {i}" for i in range(70)]  # never cached
    shares = []
    encoder().encode(texts, batch=16, progress=shares.append)
    assert len(shares) == 5 and shares == sorted(shares) and shares[-1] == 1.0

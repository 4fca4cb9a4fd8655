"""Model labels, interviewer reviews, motivation profiles and model versions in the store."""

import pytest

from analysis.labelling import label_answer
from analysis.registry import ModelCache, ensure_active_model
from analysis.retraining import MIN_REVIEWED, train_candidate
from analysis.motivation import ModelError
from data.errors import AccessDenied, ConflictError, NotFoundError, ValidationError
from tests.conftest import make_user


@pytest.fixture
def answered(store, interviewer, candidate, kit, model):
    iid = store.start_interview(interviewer, candidate.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "why", "Honestly it was the bonus, nothing more.")
    label_answer(store, model, interviewer, iid, "extra-mile")
    return iid


def test_saved_answer_gets_the_models_label_and_evidence(store, interviewer, answered):
    rec = store.labels(interviewer, answered)["extra-mile"]
    assert rec.label == "extrinsic" and 0 < rec.confidence <= 1
    assert any(e["side"] == "extrinsic" for e in rec.evidence)
    assert rec.review is None and rec.final_label == "extrinsic"


def test_unchanged_text_is_not_labelled_twice(store, interviewer, answered, model):
    assert label_answer(store, model, interviewer, answered, "extra-mile") is False


def test_empty_answer_is_not_labelled(store, interviewer, candidate, kit, model):
    iid = store.start_interview(interviewer, candidate.id, kit)
    assert label_answer(store, model, interviewer, iid, "extra-mile") is False
    assert store.labels(interviewer, iid) == {}


def test_override_needs_a_reason_and_keeps_the_models_output(store, interviewer, answered):
    with pytest.raises(ValidationError, match="needs a reason"):
        store.review_label(interviewer, answered, "extra-mile", action="override", label="mixed")
    store.review_label(interviewer, answered, "extra-mile", action="override", label="mixed",
                       reason="She also said she liked the customer.")
    rec = store.labels(interviewer, answered)["extra-mile"]
    assert rec.label == "extrinsic"  # the model's original output
    assert rec.final_label == "mixed" and rec.review.reviewer == "ivan"
    assert rec.review.reason == "She also said she liked the customer."


def test_confirm_records_who_and_which_label(store, interviewer, answered):
    store.review_label(interviewer, answered, "extra-mile", action="confirm")
    rec = store.labels(interviewer, answered)["extra-mile"]
    assert rec.review.action == "confirm" and rec.final_label == "extrinsic"


def test_editing_the_answer_relabels_and_asks_for_a_new_review(store, interviewer, answered, model):
    store.review_label(interviewer, answered, "extra-mile", action="confirm")
    store.save_answer_field(interviewer, answered, "extra-mile", "why", "I felt for her; she had been crying.")
    label_answer(store, model, interviewer, answered, "extra-mile")
    rec = store.labels(interviewer, answered)["extra-mile"]
    assert rec.label == "intrinsic" and rec.review is None


def test_review_without_a_label_is_refused(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    with pytest.raises(ConflictError, match="no model label"):
        store.review_label(interviewer, iid, "extra-mile", action="confirm")


def test_only_the_interviewer_reviews_their_labels(store, admin, answered):
    other = make_user(store, "olga", "interviewer")
    with pytest.raises(NotFoundError, match="that you may open"):  # the same answer as for no such interview
        store.review_label(other, answered, "extra-mile", action="confirm")


def test_profile_counts_final_labels_across_interviewers(store, admin, interviewer, candidate, kit, model, answered):
    store.review_label(interviewer, answered, "extra-mile", action="override", label="mixed", reason="both said")
    other = make_user(store, "olga", "interviewer")
    iid2 = store.start_interview(other, candidate.id, kit)
    store.save_answer_field(other, iid2, "extra-mile", "why", "I just love helping people, it makes my day.")
    label_answer(store, model, other, iid2, "extra-mile")
    profile = store.motivation_profile(admin, candidate.id)
    assert profile["total"] == {"intrinsic": 1, "extrinsic": 0, "mixed": 1, "unclear": 0}
    assert profile["by_interviewer"]["ivan"]["mixed"] == 1 and profile["by_interviewer"]["olga"]["intrinsic"] == 1


def test_interviewers_cannot_read_the_panel_profile(store, interviewer, candidate):
    with pytest.raises(AccessDenied):
        store.motivation_profile(interviewer, candidate.id)


def test_shipped_model_is_installed_once_and_cached(store, model):
    version = ensure_active_model(store)
    assert version == model.version == ensure_active_model(store)
    cache = ModelCache()
    assert cache.active(store) is cache.active(store)


def test_activate_and_roll_back_model_versions(store, admin, model):
    ensure_active_model(store)
    store.add_model_version(admin, "org-test", model.to_bytes(), metrics={})
    assert store.active_model_version() == model.version
    store.activate_model(admin, "org-test")
    assert store.active_model_version() == "org-test"
    assert store.rollback_model(admin) == model.version
    assert store.active_model_version() == model.version
    with pytest.raises(ConflictError):
        store.rollback_model(admin)
    with pytest.raises(ConflictError, match="active model cannot be discarded"):
        store.retire_model(admin, model.version)


def test_retraining_needs_enough_reviewed_answers(store, admin, model):
    with pytest.raises(ModelError, match=f"at least {MIN_REVIEWED}"):
        train_candidate(store, admin, model)


def test_reviewed_answers_are_read_back_as_training_examples(store, admin, kit, model):
    from analysis.retraining import reviewed

    position = store.create_position(admin, "Agents")
    for n, (action, label) in enumerate([("confirm", None), ("override", "mixed")]):
        iv = make_user(store, f"iv{n}", "interviewer")
        iid = store.start_interview(iv, store.add_candidate(admin, position.id, f"C{n}").id, kit)
        store.save_answer_field(iv, iid, "extra-mile", "story", "A lost parcel")
        store.save_answer_field(iv, iid, "extra-mile", "why", "My manager told me to")
        store.save_answer_field(iv, iid, "extra-mile", "notes", "never read by the model")
        label_answer(store, model, iv, iid, "extra-mile")
        store.review_label(iv, iid, "extra-mile", action=action, label=label, reason="also the bonus" if label else "")
    examples = reviewed(store)
    assert [e.text for e in examples] == ["A lost parcel. My manager told me to."] * 2
    assert examples[1].label == "mixed" and examples[0].label == store.labels(admin, 1)["extra-mile"].label


@pytest.mark.sqlite_only("trains a model for minutes; what it reads from the store is checked on both databases "
                         "by test_reviewed_answers_are_read_back_as_training_examples")
def test_retraining_with_reviews_makes_a_candidate_with_before_and_after_scores(store, admin, kit, model):
    ensure_active_model(store)
    position = store.create_position(admin, "Agents")
    reasons = ["I felt sorry for him, he was lost.", "My manager told me to, so I did.",
               "Partly the tip, partly I liked her.", "I processed the refund and closed it."]
    for n in range(48):
        iv = make_user(store, f"iv{n}", "interviewer")
        cand = store.add_candidate(admin, position.id, f"C{n}")
        iid = store.start_interview(iv, cand.id, kit)
        store.save_answer_field(iv, iid, "extra-mile", "why", f"{reasons[n % 4]} (case {n})")
        label_answer(store, model, iv, iid, "extra-mile")
        store.review_label(iv, iid, "extra-mile", action="confirm")
    # Earlier tests in this process may have read these answers already (labelling reads them): the
    # encoder forgets them, so the bar shows this training reading them, 32 at a time.
    from analysis.embeddings import encoder
    from data.corpus import load_corpus

    corpus = {e.text for e in load_corpus()}
    with encoder()._lock:
        for text in [t for t in encoder()._cache if t not in corpus]:
            del encoder()._cache[text]
    steps = []
    cand = train_candidate(store, admin, model, progress=lambda share, what: steps.append((share, what)))
    assert cand.n_held_out > 0 and cand.n_train_org + cand.n_held_out == 48
    shares = [share for share, _ in steps]  # the Model page's bar: real steps, in order, to the end
    assert shares == sorted(shares) and shares[-1] == 1.0 and steps[-1][1] == "done"
    assert sum(w.startswith("reading the answers' meaning") for _, w in steps) > 2  # batch by batch
    assert any(w.startswith("holding out writing batches (4 of 4)") for _, w in steps)
    assert any("left" in w for _, w in steps)  # a time left, once enough is done
    assert set(cand.before) >= {"macro_f1", "accuracy", "kappa"} and "macro_f1" in cand.after
    stored = {v.version: v for v in store.list_model_versions()}[cand.version]
    assert stored.status == "candidate" and store.active_model_version() == model.version

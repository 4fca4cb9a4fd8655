"""The relabel rule, without Streamlit: saving what the model reads records a new label."""

import pytest

from analysis.labelling import save_answer
from analysis.motivation import ModelError
from data.errors import ConflictError


def test_saving_the_why_labels_the_answer_and_a_new_why_relabels_it(store, interviewer, candidate, kit, model):
    iid = store.start_interview(interviewer, candidate.id, kit)
    saved = save_answer(store, model, interviewer, iid, "extra-mile", "why", "Honestly it was the bonus, nothing more.")
    assert saved.label_error is None and saved.answer.why == "Honestly it was the bonus, nothing more."
    assert store.labels(interviewer, iid)["extra-mile"].label == "extrinsic"
    store.review_label(interviewer, iid, "extra-mile", action="confirm")
    save_answer(store, model, interviewer, iid, "extra-mile", "why", "I felt for her; she had been crying.")
    record = store.labels(interviewer, iid)["extra-mile"]
    assert record.label == "intrinsic" and record.review is None  # the new words need a new review


@pytest.mark.parametrize("field", ["story", "feeling"])
def test_the_story_and_the_feeling_label_too(store, interviewer, candidate, kit, model, field):
    iid = store.start_interview(interviewer, candidate.id, kit)
    save_answer(store, model, interviewer, iid, "extra-mile", field, "My manager told me to, so I did.")
    assert "extra-mile" in store.labels(interviewer, iid)


def test_saving_the_notes_labels_nothing(store, interviewer, candidate, kit, model):
    iid = store.start_interview(interviewer, candidate.id, kit)
    saved = save_answer(store, model, interviewer, iid, "extra-mile", "notes", "Because the bonus mattered to her.")
    assert saved.answer.notes == "Because the bonus mattered to her." and store.labels(interviewer, iid) == {}


def test_a_refused_save_raises_and_labels_nothing(store, interviewer, candidate, kit, model):
    iid = store.start_interview(interviewer, candidate.id, kit)
    store.submit_interview(interviewer, iid, accept_gaps=True)
    with pytest.raises(ConflictError):
        save_answer(store, model, interviewer, iid, "extra-mile", "why", "I just love helping.")
    assert store.labels(interviewer, iid) == {}


class _BrokenModel:
    version = "broken"

    def predict_one(self, text):
        raise ModelError("The model file is damaged; reinstall it.")


def test_a_label_that_cannot_be_made_keeps_the_saved_words_and_says_why(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    saved = save_answer(store, _BrokenModel(), interviewer, iid, "extra-mile", "why", "I stayed because I cared.")
    assert saved.label_error == "The model file is damaged; reinstall it."
    assert store.sheet(interviewer, iid).answers["extra-mile"].why == "I stayed because I cared."
    assert store.labels(interviewer, iid) == {}

"""Label an answer as it is saved, and keep what the model said.

Saving the story, the why or the feeling relabels the answer: that is a rule of the
domain, not of the page, so every entry point that saves an answer goes through
`save_answer` and a label never lags behind the words it describes.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.motivation import ModelError, MotivationModel
from data.errors import StoreError
from data.fields import MODEL_FIELDS, model_text
from data.records import Answer, User
from data.store import Store



@dataclass(frozen=True)
class SavedAnswer:
    """An answer as now stored; `label_error` is set only when it was saved but could not be relabelled."""

    answer: Answer
    label_error: str | None = None


def save_answer(store: Store, model: MotivationModel, actor: User, interview_id: int, question_id: str,
                field: str, text: str, *, base_text: str | None = None, base_revision: int | None = None,
                resolving: bool = False) -> SavedAnswer:
    """Save one field and, for the fields the model reads, record the model's new label.

    A refused save raises the store's error and nothing changes. A save that lands but
    cannot be labelled (the model or the database failed in between) still returns the
    saved answer, with the reason: the words are never lost for the sake of an advisory
    label, and the next save of the answer labels it again. `base_text`, `base_revision` and
    `resolving` go to the store, which refuses a save over text another device saved meanwhile
    (data.errors.EditConflict).
    """
    answer = store.save_answer_field(actor, interview_id, question_id, field, text, base_text=base_text,
                                     base_revision=base_revision, resolving=resolving)
    if field not in MODEL_FIELDS:  # the notes are the interviewer's own and never labelled
        return SavedAnswer(answer)
    try:
        _record(store, model, actor, interview_id, answer)
    except (StoreError, ModelError) as exc:
        return SavedAnswer(answer, str(exc))
    return SavedAnswer(answer)


def label_answer(store: Store, model: MotivationModel, actor: User, interview_id: int, question_id: str) -> bool:
    """Run the model on the story, why and feeling together and record its output.

    Returns True when a new label was recorded (False: nothing typed yet, or the text
    and model are unchanged since the last label).
    """
    return _record(store, model, actor, interview_id, store.answer_for(actor, interview_id, question_id))


def _record(store: Store, model: MotivationModel, actor: User, interview_id: int, answer: Answer) -> bool:
    text = model_text(answer)
    if not text:
        return False
    p = model.predict_one(text)
    return store.record_label(
        actor, interview_id, answer.question_id, label=p.label, confidence=p.confidence,
        probabilities=p.probabilities, evidence=[e.__dict__ for e in p.evidence], model_version=model.version,
        input_text=text,
    )

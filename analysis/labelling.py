"""Label an answer as it is saved, and keep what the model said."""

from __future__ import annotations

from analysis.motivation import MotivationModel, compose
from data.records import User
from data.store import Store


def label_answer(store: Store, model: MotivationModel, actor: User, interview_id: int, question_id: str) -> bool:
    """Run the model on the story, why and feeling together and record its output.

    Returns True when a new label was recorded (False: nothing typed yet, or the text
    and model are unchanged since the last label).
    """
    answer = store.answer_for(actor, interview_id, question_id)
    text = compose(answer.story, answer.why, answer.feeling)
    if not text:
        return False
    p = model.predict_one(text)
    return store.record_label(
        actor, interview_id, question_id, label=p.label, confidence=p.confidence, probabilities=p.probabilities,
        evidence=[e.__dict__ for e in p.evidence], model_version=model.version, input_text=text,
    )

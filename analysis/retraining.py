"""Retraining with the organisation's own reviewed labels, evaluated before anyone accepts it.

The held-out set is a fixed 30% of the interviewers' reviewed answers, chosen by a
hash of the text so it is the same slice every time. Neither model is trained on
it: the shipped corpus is in both, so only the organisation's own answers can show
whether the new model is better for this organisation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable
from datetime import datetime, timezone

from analysis.motivation import ModelError, MotivationModel, evaluate
from data.corpus import Example, load_corpus
from data.fields import model_text
from data.records import User
from data.store import Store

MIN_REVIEWED = 20
HELD_OUT_SHARE = 0.3


@dataclass(frozen=True)
class Candidate:
    """A trained, not yet active model and its before/after scores on the held-out answers."""

    version: str
    n_train_org: int
    n_held_out: int
    before: dict
    after: dict


def reviewed(store: Store) -> list[Example]:
    return [example for example, _ in _reviewed(store)]


def _reviewed(store: Store) -> list[tuple[Example, int]]:
    """Each reviewed answer the model can read, with the id of the candidate who gave it."""
    return [(Example(label, text), candidate_id) for label, fields, candidate_id in store.reviewed_examples()
            if (text := model_text(fields))]


def is_held_out(text: str) -> bool:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return digest[0] / 256 < HELD_OUT_SHARE


def train_candidate(store: Store, actor: User, active: MotivationModel,
                    progress: Callable[[float, str], None] | None = None) -> Candidate:
    """Train corpus + reviewed answers (minus the held-out slice) and keep it as a candidate version.

    ``progress(share, what)`` reports real progress (the training takes minutes on two cores)."""
    given = _reviewed(store)
    examples = [example for example, _ in given]
    if len(examples) < MIN_REVIEWED:
        raise ModelError(
            f"Retraining needs at least {MIN_REVIEWED} reviewed answers (confirmed or overridden); "
            f"there are {len(examples)}."
        )
    held = [e for e in examples if is_held_out(e.text)]
    train = [e for e in examples if not is_held_out(e.text)]
    # Whose words the artifact holds (its vocabulary and neighbour bank), so erasure can find it. The
    # held-out answers only score it: the metrics keep counts, never their text.
    trained_on = {candidate_id for example, candidate_id in given if not is_held_out(example.text)}
    if not held:
        raise ModelError("None of the reviewed answers fell in the held-out slice; review a few more first.")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    model = MotivationModel.train(load_corpus() + [Example(e.label, e.text, source="reviewed") for e in train],
                                  version=f"org-{stamp}", progress=progress)
    before, after = evaluate(active, held), evaluate(model, held)
    store.add_model_version(
        actor, model.version, model.to_bytes(),
        metrics={"held_out_before": before, "held_out_after": after, "n_train_org": len(train),
                 "n_held_out": len(held), "compared_with": active.version},
        trained_on=trained_on,
        notes=f"Corpus plus {len(train)} reviewed answers; evaluated on {len(held)} held-out reviewed answers.",
    )
    return Candidate(model.version, len(train), len(held), before, after)

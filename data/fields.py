"""An answer's text fields, declared once.

Everything that handles an answer's text loops over `ANSWER_FIELDS`: the schema and its
migration, the records, the store's writes, erasure and subject access, the report and
privacy exports, the interview page, progress, and the text the motivation model reads.
Adding a plain text field costs a line here and a migration step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable


@dataclass(frozen=True)
class AnswerField:
    """One text field of an answer; `limit` is in characters, checked while typing and on every write."""

    name: str
    title: str
    limit: int
    read_by_model: bool
    required: bool


ANSWER_FIELDS: tuple[AnswerField, ...] = (
    AnswerField("story", "What happened", 20_000, read_by_model=True, required=True),
    AnswerField("why", "Why they did it", 5_000, read_by_model=True, required=True),
    AnswerField("feeling", "How it made them feel", 5_000, read_by_model=True, required=True),
    AnswerField("notes", "Your notes", 10_000, read_by_model=False, required=False),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in ANSWER_FIELDS)
MODEL_FIELDS: tuple[str, ...] = tuple(f.name for f in ANSWER_FIELDS if f.read_by_model)
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in ANSWER_FIELDS if f.required)
BY_NAME: dict[str, AnswerField] = {f.name: f for f in ANSWER_FIELDS}


def join_sentences(parts: Iterable[str | None]) -> str:
    """The parts read together, each closed as a sentence so a negation in one never reaches into the next."""
    out = []
    for part in parts:
        part = (part or "").strip()
        if part:
            out.append(part if re.search(r"[.!?]$", part) else part + ".")
    return " ".join(out)


def model_text(answer: Any) -> str:
    """The text the motivation model reads from an answer (a record with the field attributes, or a mapping)."""
    get = answer.get if isinstance(answer, dict) else lambda name: getattr(answer, name, "")
    return join_sentences(get(name) for name in MODEL_FIELDS)

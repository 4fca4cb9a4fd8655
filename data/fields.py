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
    """One text field of an answer; `limit` is in characters, checked while typing and on every write.

    `prompt` is what the interview shows above the box unless the kit's question has its
    own (`why_prompt`, `feeling_prompt`); `heading` and `width` are its export column;
    `height` is its box on the interview page, in pixels.
    """

    name: str
    heading: str
    prompt: str
    limit: int
    read_by_model: bool
    required: bool
    width: int
    height: int

    def prompt_for(self, question: Any) -> str:
        """The label above this field's box for one of the kit's questions."""
        return getattr(question, f"{self.name}_prompt", None) or self.prompt


ANSWER_FIELDS: tuple[AnswerField, ...] = (
    AnswerField("story", "Story", "What happened", 20_000, read_by_model=True, required=True, width=50, height=170),
    AnswerField("why", "Why", "Why did you do it?", 5_000, read_by_model=True, required=True, width=40, height=110),
    AnswerField("feeling", "Feeling", "How did it make you feel?", 5_000, read_by_model=True, required=True,
                width=30, height=110),
    AnswerField("notes", "Notes", "Your notes (not shown to the candidate)", 10_000, read_by_model=False,
                required=False, width=30, height=90),
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

"""How far an interview has got, and what is still open when it is submitted."""

from __future__ import annotations

from data.fields import REQUIRED_FIELDS
from data.records import Sheet
from rubric import Rubric


def question_done(sheet: Sheet, question_id: str) -> bool:
    """A question counts as done when every required field (the story, the why, the feeling) and a rating are in."""
    a = sheet.answers.get(question_id)
    return bool(a and all(a.text(name).strip() for name in REQUIRED_FIELDS) and sheet.ratings.get(question_id))


def progress(sheet: Sheet, kit: Rubric) -> tuple[int, int]:
    """(questions done, questions in the kit)."""
    return sum(question_done(sheet, q.id) for q in kit.questions), len(kit.questions)


def gaps(sheet: Sheet, kit: Rubric) -> tuple[str, ...]:
    """Every unanswered part, in interview order, worded for the interviewer."""
    out: list[str] = []
    for n, q in enumerate(kit.questions, start=1):
        a = sheet.answers.get(q.id)
        missing = [
            name
            for name, present in (
                *((name, a and a.text(name).strip()) for name in REQUIRED_FIELDS),
                ("rating", sheet.ratings.get(q.id)),
            )
            if not present
        ]
        if missing:
            out.append(f"Q{n} {q.title}: no {', no '.join(missing)}")
    if not sheet.recommendation:
        out.append("no overall recommendation")
    return tuple(out)

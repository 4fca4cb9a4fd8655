"""How far an interview has got, and what is still open when it is submitted."""

from __future__ import annotations

from data.records import Sheet
from rubric import Rubric


def question_done(sheet: Sheet, question_id: str) -> bool:
    """A question counts as done when the story, the why, the feeling and a rating are all in."""
    a = sheet.answers.get(question_id)
    return bool(a and a.story.strip() and a.why.strip() and a.feeling.strip() and sheet.ratings.get(question_id))


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
                ("story", a and a.story.strip()),
                ("why", a and a.why.strip()),
                ("feeling", a and a.feeling.strip()),
                ("rating", sheet.ratings.get(q.id)),
            )
            if not present
        ]
        if missing:
            out.append(f"Q{n} {q.title}: no {', no '.join(missing)}")
    if not sheet.recommendation:
        out.append("no overall recommendation")
    return tuple(out)

"""Test builders shared by the suites: hostile text, a small kit, a submitted interview.

Fixtures (a store, users by role, the default kit, the model) live in tests/conftest.py;
these are the plain functions and values more than one test file builds from.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from data.records import User
from data.schema import candidates, interviews
from data.store import Store, utcnow
from rubric import Rubric

# Text that would run, render or corrupt something if any layer treated it as more than text.
HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|'/c calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    "![beacon](http://evil.example/p.png)",
    "# Heading **bold** _it_ `code` ~~s~~ :red[red] $x^2$ <b>b</b>",
    "'; DROP TABLE candidates; --",
    "Robert'); DELETE FROM users WHERE ('1'='1",
    "before\x00after",
    "I felt 🙂🙏🏽 for her 👩‍👩‍👧",
    "שלום עליכם مرحبا \u202eevil\u202c",
    "bell\x07 and \x1b[31m escape",
    # Streamlit's Markdown autolinks these even when every character is backslash-escaped.
    "see http://beacon.example/bare or https://beacon.example/s",
    "www.beacon.example",
    "write to ann.lee@beacon.example",
    ":red[x] :material/home: :smile:",
    "$x^2$ and $$y$$",
    "![i](http://127.0.0.1:9/x.png)",
]


def mini_kit(*questions: tuple[str, str, list[str], float], principles: dict[str, str] | None = None,
             version: str = "2.1", motivation_weight: float | None = None, name: str = "Mini kit") -> str:
    """A kit file's text: each question is (id, title, principles, weight); anchors are a-e.

    With no questions, one: ("q1", "Listening", ["listen"], weight 1, written without a weight line).
    """
    principles = principles or {"listen": "Hear what is needed."}
    lines = ['id = "mini"', f'name = "{name}"', f'version = "{version}"']
    if motivation_weight is not None:
        lines += ["[scoring]", f"motivation_weight = {motivation_weight}"]
    lines += ["[principles]", *(f'{key} = "{text}"' for key, text in principles.items())]
    for qid, title, cited, weight in questions or (("q1", "Listening", ["listen"], None),):
        lines += ["[[questions]]", f'id = "{qid}"', f'title = "{title}"', 'prompt = "Tell me about a time."',
                  'why = "Why did you do it?"', 'feeling = "How did it feel?"',
                  "principles = [" + ", ".join(f'"{p}"' for p in cited) + "]"]
        if weight is not None:
            lines.append(f"weight = {weight:g}")
        lines += ["[questions.anchors]", *(f'{n} = "{a}"' for n, a in zip(range(1, 6), "abcde"))]
    return "\n" + "\n".join(lines) + "\n"


def submitted_interview(store: Store, interviewer: User, candidate_id: int, kit: Rubric, *,
                        texts: dict[str, str] | None = None, rating: int | None = None,
                        recommendation: str = "yes", note: str = "") -> int:
    """Start, fill and submit one interview; `texts` go into every question, `rating` rates every question."""
    iid = store.start_interview(interviewer, candidate_id, kit)
    for q in kit.questions:
        for field, text in (texts or {}).items():
            store.save_answer_field(interviewer, iid, q.id, field, text.format(question=q.id))
        if rating is not None:
            store.save_rating(interviewer, iid, q.id, rating)
    store.save_recommendation(interviewer, iid, recommendation, note or None)
    store.submit_interview(interviewer, iid, accept_gaps=True)
    return iid


def age(store: Store, candidate_id: int, days: int) -> None:
    """Make a candidate's whole history `days` old: added, and every interview of theirs touched."""
    then = utcnow() - timedelta(days=days)
    with store.atomic() as conn:
        conn.execute(update(candidates).where(candidates.c.id == candidate_id).values(created_at=then))
        conn.execute(update(interviews).where(interviews.c.candidate_id == candidate_id).values(updated_at=then))

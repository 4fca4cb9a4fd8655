"""What the compare page shows beside the scores: the filters over the ranking, and each candidate's answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from data.records import User
from data.store import Store
from rubric import Rubric

QUOTE_CHARS = 220


@dataclass(frozen=True)
class Filters:
    """What narrows a position's ranking: stages to keep, interviewers of whom any one will do, a day range.

    No interviewers means anyone; no day range means any day. Stages are a list to keep, so none keeps nobody.
    """

    stages: tuple[str, ...]
    interviewers: tuple[str, ...] = ()
    days: tuple[date, date] | None = None


def stage_options(scores: pd.DataFrame, known: tuple[str, ...]) -> list[str]:
    """Every known stage, then any stage a candidate holds that is not (yet) known, so none is unreachable."""
    present = set(scores["status"])
    return [*known, *sorted(present - set(known))]


def filtered(scores: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of `score()` the filters keep, in ranking order."""
    keep = scores["status"].isin(filters.stages)
    if filters.interviewers:
        wanted = set(filters.interviewers)
        keep &= scores["interviewers"].apply(lambda names: bool(set(names.split(", ")) & wanted))
    if filters.days is not None:
        day = scores["last_submitted"].dt.date
        keep &= (day >= filters.days[0]) & (day <= filters.days[1])
    return scores[keep]


def shown_sentence(shown: int, total: int) -> str:
    """What the page says above the ranking, so the filters never hide anyone silently."""
    noun = "candidate" if total == 1 else "candidates"
    if shown == 0:
        everyone = "the 1 candidate is" if total == 1 else f"all {total} candidates are"
        return f"No candidate matches the filters: {everyone} hidden by them."
    hidden = total - shown
    return f"Showing {shown} of {total} {noun}; {hidden or 'none'} hidden by the filters."


def evidence_quotes(store: Store, actor: User, candidates: dict[int, str], kit: Rubric) -> pd.DataFrame:
    """Rows: the kit's questions; columns: candidates; cells: each interviewer's final label and the why.

    Only submitted interviews are read. Text stays text: the page shows it in a table.
    """
    rows = {q.id: {"Question": f"Q{n}. {q.title}"} for n, q in enumerate(kit.questions, 1)}
    for cid, name in candidates.items():
        for iv in store.list_interviews(actor, mine=False, status="submitted", candidate_id=cid):
            sheet = store.sheet(actor, iv.id)
            labels = store.labels(actor, iv.id)
            for qid, answer in sheet.answers.items():
                if qid not in rows:
                    continue
                rec = labels.get(qid)
                tag = f"[{rec.final_label}{'*' if rec.review else ''}]" if rec else "[unlabelled]"
                said = (answer.why or answer.feeling or answer.story).strip().replace("\n", " ")
                if len(said) > QUOTE_CHARS:
                    said = said[:QUOTE_CHARS] + "…"
                piece = f"{iv.interviewer_name} {tag} {said}" if said else f"{iv.interviewer_name} (no answer)"
                rows[qid][name] = (rows[qid].get(name, "") + "\n" + piece).strip()
    return pd.DataFrame(list(rows.values())).set_index("Question")

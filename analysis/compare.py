"""What the compare page shows beside the scores: each candidate's answers, question by question."""

from __future__ import annotations

import pandas as pd

from data.records import User
from data.store import Store
from rubric import Rubric

QUOTE_CHARS = 220


def evidence_quotes(store: Store, actor: User, candidates: dict[int, str], kit: Rubric) -> pd.DataFrame:
    """Rows: the kit's questions; columns: candidates; cells: each interviewer's final label and the why.

    Only submitted interviews are read. Text stays text: the page shows it in a table.
    """
    rows = {q.id: {"question": f"Q{n}. {q.title}"} for n, q in enumerate(kit.questions, 1)}
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
    return pd.DataFrame(list(rows.values())).set_index("question")

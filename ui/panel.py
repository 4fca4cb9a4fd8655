"""The other interviewers' ratings and notes, shown to an interviewer only after they submit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.errors import AccessDenied
from data.records import RECOMMENDATION_LABELS, Interview, User
from data.store import Store
from rubric import Rubric
from ui.render import EMPTY_CELL, md_escape


def render(store: Store, user: User, iv: Interview, kit: Rubric) -> None:
    with st.expander("The panel: other interviewers of this candidate"):
        try:
            others = store.panel_for(user, iv.candidate_id)
        except AccessDenied as exc:
            st.caption(md_escape(str(exc)))
            return
        if not others:
            st.caption("No other interviewer has submitted yet.")
            return
        mine = store.sheet(user, iv.id)
        rows = []
        for n, q in enumerate(kit.questions, 1):
            row = {"question": f"Q{n}. {q.title}", "you": mine.ratings.get(q.id)}
            for sheet in others:
                row[sheet.interview.interviewer_name] = sheet.ratings.get(q.id)
            rows.append(row)
        st.dataframe(pd.DataFrame(rows), placeholder=EMPTY_CELL, hide_index=True, width="stretch", column_config={
            "question": st.column_config.TextColumn("Question"),
            "you": st.column_config.NumberColumn("You", format="%d"),
            **{name: st.column_config.NumberColumn(format="%d") for name in rows[0]
               if name not in ("question", "you")}})
        for sheet in others:
            rec = RECOMMENDATION_LABELS.get(sheet.recommendation or "", "no recommendation")
            st.text(f"{sheet.interview.interviewer_name}: {rec}. {sheet.recommendation_note}".strip())
            notes = [f"Q{n}: {sheet.answers[q.id].notes}" for n, q in enumerate(kit.questions, 1)
                     if q.id in sheet.answers and sheet.answers[q.id].notes.strip()]
            if notes:
                st.text("\n".join(notes))

"""The advisory motivation panel beside an answer: label, confidence, evidence, review."""

from __future__ import annotations

import streamlit as st

from data.fields import model_text
from analysis.probes import NOT_SURE
from data.records import LIMITS, MOTIVE_LABELS, Answer, LabelRecord, User
from data.store import Store
from ui import refusal, saving
from ui.render import LABEL_COLOURS, highlighted, md_escape
from ui.state import Keys


def render(store: Store, user: User, interview_id: int, answer: Answer, record: LabelRecord | None,
           read_only: bool) -> None:
    st.markdown("**Stated motive** · advisory, you decide")
    if record is None:
        st.caption("Appears when the story, the why or the feeling is saved.")
        return
    if record.confidence < NOT_SURE:
        # Too uncertain to lead with a label: on real people's words these are right less often than not.
        st.markdown(":gray-badge[not sure: probe] the model cannot tell from what was said")
        st.caption(f"It leans {record.label} ({record.confidence:.0%}). Ask the why again, in other words.")
    else:
        colour = LABEL_COLOURS[record.label]
        st.markdown(f":{colour}-badge[{record.label}] model, {record.confidence:.0%} confident")
        st.progress(record.confidence)
    st.caption(" · ".join(f"{k} {v:.0%}" for k, v in record.probabilities.items()))
    text = model_text(answer)
    if record.evidence:
        st.markdown(highlighted(text, record.evidence))
        st.caption(":green-background[green] pushed towards intrinsic, :orange-background[orange] towards extrinsic.")
    qid = answer.question_id
    if record.review:
        r = record.review
        verb = "Confirmed" if r.action == "confirm" else f"Overridden to **{r.label}**"
        st.caption(f"{verb} by {md_escape(r.reviewer)}, {r.created_at:%Y-%m-%d %H:%M} UTC")
        if r.reason:
            st.text(f"Reason: {r.reason}")
    if read_only:
        return
    failed = st.session_state.get(Keys.failed(Keys.review(interview_id, qid)))
    if failed:
        refusal.show(failed)
    label_key, reason_key = f"{Keys.review(interview_id, qid)}.label", f"{Keys.review(interview_id, qid)}.reason"
    confirm_col, override_col = st.columns([1, 2])
    confirm_col.button("Confirm", key=f"{Keys.review(interview_id, qid)}.confirm", on_click=saving.review,
                       args=(store, user, interview_id, qid, "confirm"))
    with override_col.popover("Override"):
        st.selectbox("The candidate's stated motive is", [x for x in MOTIVE_LABELS if x != record.label],
                     key=label_key)
        st.text_input("Why (required)", key=reason_key, max_chars=LIMITS["review_reason"])
        st.button("Save override", key=f"{Keys.review(interview_id, qid)}.override", on_click=saving.review,
                  args=(store, user, interview_id, qid, "override", label_key, reason_key))

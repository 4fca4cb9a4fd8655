"""The advisory motivation panel beside an answer: the label (the interviewer's once reviewed), evidence, review."""

from __future__ import annotations

import streamlit as st

from analysis.probes import NOT_SURE
from data.fields import model_text
from data.records import LIMITS, MOTIVE_LABELS, Answer, LabelRecord, User
from data.store import Store
from ui import refusal, saving
from ui.render import EVIDENCE_STYLE, LABEL_COLOURS, evidence_line, highlighted, md_escape
from ui.state import Keys

LEGEND = " · ".join(f"{marker} towards {side}" for side, (marker, _, _) in EVIDENCE_STYLE.items())


def model_reading(record: LabelRecord) -> str:
    """What the model said, in words: "extrinsic, 72% confident", or that it could not tell."""
    if record.confidence < NOT_SURE:
        return f"not sure (leans {record.label}, {record.confidence:.0%})"
    return f"{record.label}, {record.confidence:.0%} confident"


def badge(record: LabelRecord) -> None:
    """The label the interview leads with: the interviewer's once reviewed, the model's (or "not sure") before."""
    review = record.review
    if review is not None:
        st.markdown(f":{LABEL_COLOURS[review.label]}-badge[**Your label: {review.label}**]")
        verb = "Confirmed" if review.action == "confirm" else "Overridden"
        st.caption(f"{verb} by {md_escape(review.reviewer)}, {review.created_at:%Y-%m-%d %H:%M} UTC · "
                   f"the model read {model_reading(record)}")
        if review.reason:
            st.text(f"Reason: {review.reason}")
    elif record.confidence < NOT_SURE:
        # Too uncertain to lead with a label: on real people's words these are right less often than not.
        st.markdown(":gray-badge[not sure: probe] the model cannot tell from what was said")
        st.caption(f"It leans {record.label} ({record.confidence:.0%}). Ask the why again, in other words.")
    else:
        st.markdown(f":{LABEL_COLOURS[record.label]}-badge[{record.label}] model, {record.confidence:.0%} confident")
        st.caption(" · ".join(f"{k} {v:.0%}" for k, v in record.probabilities.items()))


def render(store: Store, user: User, interview_id: int, answer: Answer, record: LabelRecord | None,
           read_only: bool) -> None:
    st.markdown("**Stated motive** · advisory, you decide")
    if record is None:
        st.caption("Appears when the story, the why or the feeling is saved.")
        return
    badge(record)
    if record.evidence:
        # Compact: the phrases alone, each tinted and marked by side; the whole answer is one click away.
        text = model_text(answer)
        st.markdown(evidence_line(text, record.evidence))
        st.caption(LEGEND)
        with st.expander("The whole answer, highlighted"):
            st.markdown(highlighted(text, record.evidence))
    if read_only:
        return
    qid = answer.question_id
    failed = st.session_state.get(Keys.failed(Keys.review(interview_id, qid)))
    if failed:
        refusal.show(failed)
    label_key, reason_key = f"{Keys.review(interview_id, qid)}.label", f"{Keys.review(interview_id, qid)}.reason"
    confirm_col, override_col = st.columns(2)
    review = record.review
    agree = "Confirm" if review is None else "Confirmed" if review.action == "confirm" else "Undo override"
    confirm_col.button(agree, key=f"{Keys.review(interview_id, qid)}.confirm", on_click=saving.review,
                       args=(store, user, interview_id, qid, "confirm"), width="stretch",
                       help=f"Keep the model's label: {record.label}", disabled=agree == "Confirmed")
    with override_col.popover("Override", width="stretch"):
        st.selectbox("The candidate's stated motive is", [x for x in MOTIVE_LABELS if x != record.label],
                     key=label_key)
        st.text_input("Why (required)", key=reason_key, max_chars=LIMITS["review_reason"])
        st.button("Save override", key=f"{Keys.review(interview_id, qid)}.override", on_click=saving.review,
                  args=(store, user, interview_id, qid, "override", label_key, reason_key))

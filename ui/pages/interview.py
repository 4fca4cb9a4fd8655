"""Interview: the live scorecard. Answers are saved while typed (ui/components/autosave), the rest when chosen."""

import streamlit as st

from data.progress import progress, question_done
from data.records import InterviewStatus
from ui import panel, refusal, resources, saving, scorecard
from ui.navigation import open_page, record_id
from ui.render import md_escape
from ui.state import Keys

FINISH = "__finish__"

user, config, store = open_page(__file__)
model = resources.motivation_model(config)
saving.retry_pending(store, user, model)

interview_id = record_id("interview", "Interview", "Pick a candidate to start or resume an interview.", "interview")
with refusal.shown(stop=True):
    sheet = store.sheet(user, interview_id)

iv = sheet.interview
kit = store.kit_for_version(iv.kit_version_id)
anonymised = iv.candidate_anonymised_at is not None
read_only = iv.status != InterviewStatus.IN_PROGRESS or iv.interviewer_id != user.id or anonymised
steps = [q.id for q in kit.questions] + [FINISH]
current = st.query_params.get("q") or iv.current_question or steps[0]
current = current if current in steps else steps[0]


def go(step: str) -> None:
    st.query_params["q"] = step
    st.session_state[Keys.IV_QUESTION] = step
    if not read_only:
        store.set_current_question(user, interview_id, step)


st.query_params["q"] = current
st.session_state[Keys.IV_QUESTION] = current
st.html(scorecard.INTERVIEW_LAYOUT)
st.title(f"Interview: {md_escape(iv.candidate_name)}")
st.caption(f"{md_escape(iv.position_name)} · {md_escape(iv.kit_label)} · interviewer {md_escape(iv.interviewer_name)}")
if anonymised:
    st.info("This candidate was anonymised under the retention rules: their interviews are read-only for good.")
elif iv.interviewer_id != user.id:
    st.info("This is another interviewer's interview: read-only.")
elif read_only:
    st.info("Submitted: this interview is read-only." if iv.submitted else
            "Withdrawn: this interview is kept, read-only, and counts nowhere. Start this candidate again to resume it.")
elif iv.reopened_at is not None:
    st.warning("Reopened for a correction: every change is kept as a revision. Submit it again when done.")

done, total = progress(sheet, kit)
idx = steps.index(current)
prev_col, pick_col, next_col, done_col = st.columns([1.2, 5, 1, 2.8], vertical_alignment="center")
prev_col.button("◀ Previous", key=Keys.IV_PREV, disabled=idx == 0, on_click=go, args=(steps[max(idx - 1, 0)],))
labels = {q.id: f"Q{n}. {q.title}" + (" ✓" if question_done(sheet, q.id) else "") for n, q in enumerate(kit.questions, 1)}
labels[FINISH] = "Recommendation and submit"
pick_col.selectbox("Question", steps, format_func=labels.get, key=Keys.IV_QUESTION, label_visibility="collapsed",
                   on_change=lambda: go(st.session_state[Keys.IV_QUESTION]))
next_col.button("Next ▶", key=Keys.IV_NEXT, disabled=idx == len(steps) - 1, on_click=go,
                args=(steps[min(idx + 1, len(steps) - 1)],))
done_col.progress(done / total, text=f"{done} of {total} questions complete")

if current == FINISH:
    scorecard.finish(store, user, sheet, kit, read_only)
else:
    scorecard.question(store, user, model, sheet, kit, kit.question(current), idx + 1, read_only)
if iv.interviewer_id == user.id:
    panel.render(store, user, iv, kit)
if not read_only:
    scorecard.withdraw(store, user, iv)

"""Interview: the live scorecard. Every field is saved the moment it leaves focus."""

import streamlit as st

from analysis.probes import probes_for
from data.errors import StoreError
from data.progress import gaps, progress, question_done
from data.records import LIMITS, RECOMMENDATION_LABELS, RECOMMENDATIONS
from ui import auth, motive_panel, panel, resources, saving
from ui.render import md_escape
from ui.state import Keys

FINISH = "__finish__"
FIELDS = (("story", "What happened", 170), ("why", None, 110), ("feeling", None, 110),
          ("notes", "Your notes (not shown to the candidate)", 90))

user = auth.require("interviews.conduct")
config = resources.settings()
store = resources.store(config)
model = resources.motivation_model(config)
saving.retry_pending()

raw_id = st.query_params.get("interview")
if raw_id is None:
    st.title("Interview")
    st.info("Pick a candidate to start or resume an interview.")
    st.page_link("ui/pages/candidates.py", label="Go to candidates", icon=":material/group:")
    st.stop()
try:
    interview_id = int(raw_id)
    sheet = store.sheet(user, interview_id)
except (ValueError, StoreError) as exc:
    st.error(str(exc) if isinstance(exc, StoreError) else "This link does not name a valid interview.")
    st.stop()

iv = sheet.interview
kit = store.kit_for_version(iv.kit_version_id)
read_only = iv.submitted or iv.interviewer_id != user.id
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
st.title(f"Interview: {md_escape(iv.candidate_name)}")
st.caption(f"{md_escape(iv.position_name)} · {md_escape(iv.kit_label)} · interviewer {md_escape(iv.interviewer_name)}")
if read_only:
    st.info("Submitted: this interview is read-only." if iv.submitted else "This is another interviewer's interview: read-only.")
if iv.interviewer_id == user.id:
    panel.render(store, user, iv, kit)

done, total = progress(sheet, kit)
idx = steps.index(current)
st.progress(done / total, text=f"{done} of {total} questions complete")
prev_col, pick_col, next_col = st.columns([1, 4, 1], vertical_alignment="bottom")
prev_col.button("◀ Previous", key=Keys.IV_PREV, disabled=idx == 0, on_click=go, args=(steps[max(idx - 1, 0)],))
labels = {q.id: f"Q{n}. {q.title}" + (" ✓" if question_done(sheet, q.id) else "") for n, q in enumerate(kit.questions, 1)}
labels[FINISH] = "Recommendation and submit"
pick_col.selectbox("Question", steps, format_func=labels.get, key=Keys.IV_QUESTION,
                   on_change=lambda: go(st.session_state[Keys.IV_QUESTION]))
next_col.button("Next ▶", key=Keys.IV_NEXT, disabled=idx == len(steps) - 1, on_click=go,
                args=(steps[min(idx + 1, len(steps) - 1)],))

if current != FINISH:
    q = kit.question(current)
    answer = sheet.answers[q.id]
    st.subheader(f"Q{idx + 1}. {md_escape(q.title)}")
    st.markdown(f"**{md_escape(q.prompt)}**")
    st.caption("Probes: " + ", ".join(q.principles))
    main, side = st.columns([3, 2], gap="large")
    with main:
        for field, label, height in FIELDS:
            key = Keys.answer(interview_id, q.id, field)
            fresh = key not in st.session_state
            shown = st.text_area(
                md_escape(label or (q.why_prompt if field == "why" else q.feeling_prompt)),
                value=answer.text(field) if fresh else None,
                key=key, height=height, max_chars=LIMITS[field], disabled=read_only,
                on_change=saving.save_answer, args=(store, user, interview_id, q.id, field, key, model),
            )
            if fresh and not read_only and shown != answer.text(field):
                # The browser held text this server session never saw: typed across a dropped connection or
                # a server restart, where no change callback can fire. Save what the interviewer sees.
                saving.save_answer(store, user, interview_id, q.id, field, key, model)
            saving.status_line(key, answer.text(field), LIMITS[field])
    with side:
        record = store.labels(user, interview_id).get(q.id)
        probes = probes_for(answer.story, answer.why, answer.feeling,
                            record.label if record else None, record.confidence if record else None)
        st.markdown("**Probe next**")
        for probe in probes or ("Nothing missing: the story, the why and the feeling are all there.",):
            st.info(probe, icon=":material/help:")
        motive_panel.render(store, user, interview_id, answer, record, read_only)
        if q.probes:
            with st.expander("More probes from the kit"):
                for probe in q.probes:
                    st.text(probe)
        rkey = Keys.rating(interview_id, q.id)
        if rkey not in st.session_state:
            st.session_state[rkey] = sheet.ratings.get(q.id)
        st.radio(
            "Rating (behavioural anchors)", [1, 2, 3, 4, 5], key=rkey, disabled=read_only,
            format_func=lambda level: f"{level} · {q.anchor(level)}",
            on_change=saving.save_rating, args=(store, user, interview_id, q.id, rkey),
        )
        saving.status_line(rkey, str(sheet.ratings.get(q.id) or ""))
else:
    st.subheader("Overall recommendation")
    rec_key, note_key = f"{Keys.IV_RECOMMENDATION}.{interview_id}", f"{Keys.IV_REC_NOTE}.{interview_id}"
    if rec_key not in st.session_state:
        st.session_state[rec_key] = sheet.recommendation
    if note_key not in st.session_state:
        st.session_state[note_key] = sheet.recommendation_note
    st.radio("Your recommendation", list(RECOMMENDATIONS), format_func=RECOMMENDATION_LABELS.get, key=rec_key,
             horizontal=True, disabled=read_only,
             on_change=saving.save_recommendation, args=(store, user, interview_id, rec_key))
    saving.status_line(rec_key, sheet.recommendation)
    st.text_area("Why this recommendation", key=note_key, max_chars=LIMITS["recommendation_note"], disabled=read_only,
                 on_change=saving.save_recommendation_note, args=(store, user, interview_id, note_key))
    saving.status_line(note_key, sheet.recommendation_note)
    open_parts = gaps(sheet, kit)
    if open_parts:
        st.warning("Still unanswered:\n\n" + "\n".join(f"- {md_escape(g)}" for g in open_parts))
    if not read_only:
        accept = True
        if open_parts:
            accept = st.checkbox(f"Submit with these {len(open_parts)} part(s) flagged as unanswered",
                                 key=Keys.IV_ACCEPT_GAPS)
        if st.button("Submit interview", type="primary", key=Keys.IV_SUBMIT, disabled=not accept):
            try:
                store.submit_interview(user, interview_id, accept_gaps=bool(open_parts))
            except StoreError as exc:
                st.error(str(exc))
            else:
                st.rerun()

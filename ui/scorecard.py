"""Scorecards on screen: the interview page's two views (one question, the finish) and a submitted one in full.

The read-only view (`submitted`) is the candidate page's and its print's: every typed word
goes out through `st.text`, literal; only our own words and escaped names reach markdown.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analysis.motivation import MotivationModel
from analysis.probes import probes_for
from data.fields import ANSWER_FIELDS
from data.progress import gaps
from data.records import (HISTORY_REASONS, LIMITS, RECOMMENDATION_LABELS, RECOMMENDATIONS, Answer, Interview,
                          LabelRecord, Scorecard, Sheet, User)
from data.store import Store
from rubric import Question, Rubric
from ui import motive_panel, refusal, saving
from ui.components import autosave
from ui.render import md_escape
from ui.state import Keys, flash, reset



def question(store: Store, user: User, model: MotivationModel, sheet: Sheet, kit: Rubric, q: Question, number: int,
             read_only: bool) -> None:
    """One question on one screen: the answer fields, what to ask next beside the label, and the rating.

    Three columns, so that at 1440x900 the question, the three answer fields, the probe and the
    rating with all five anchors are in view together (tests/test_browser.py measures it).
    """
    interview_id = sheet.interview.id
    answer = sheet.answers[q.id]
    st.subheader(f"Q{number}. {md_escape(q.title)}")
    st.markdown(f"**{md_escape(q.prompt)}**")
    st.caption("Principles it probes: " + md_escape(kit.principles_of(q)))
    fields, reading, rating = st.columns([4, 3, 3], gap="medium")
    with fields:
        for spec in ANSWER_FIELDS:
            field = spec.name
            key = Keys.answer(interview_id, q.id, field)
            if key not in st.session_state or Keys.base(key) not in st.session_state:
                st.session_state[Keys.base(key)] = answer.text(field)  # what this tab's next save is based on
            autosave.text_box(
                spec.prompt_for(q), key, stored=answer.text(field), revision=answer.revision, limit=spec.limit,
                height=spec.height, disabled=read_only, draft=autosave.draft_key(user.id, interview_id, q.id, field),
                on_save=saving.save_answer, args=(store, user, interview_id, q.id, field, key, model),
            )
            saving.status_line(key, answer.text(field), spec.limit, mark=False)  # the field shows its own mark
            conflict(store, user, model, interview_id, q.id, field, key, read_only)
        history(store, user, interview_id, q.id)
    with reading:
        record = store.labels(user, interview_id).get(q.id)
        st.markdown("**Probe next**")
        for probe in next_probes(answer, record, kit) or ("Nothing missing: the story, the why and the feeling "
                                                          "are all there.",):
            st.info(md_escape(probe), icon=":material/help:")  # a kit's probe is the kit file's text
        motive_panel.render(store, user, interview_id, answer, record, read_only)
        if q.probes:
            with st.expander("More probes from the kit"):
                for probe in q.probes:
                    st.text(probe)
    with rating:
        rkey = Keys.rating(interview_id, q.id)
        if rkey not in st.session_state:
            st.session_state[rkey] = sheet.ratings.get(q.id)
        st.radio(
            "Rating (behavioural anchors)", [1, 2, 3, 4, 5], key=rkey, disabled=read_only,
            format_func=lambda level: f"{level} · {md_escape(q.anchor(level))}",
            on_change=saving.save_rating, args=(store, user, interview_id, q.id, rkey),
        )
        saving.status_line(rkey, str(sheet.ratings.get(q.id) or ""))


def next_probes(answer: Answer, record: LabelRecord | None, kit: Rubric) -> tuple[str, ...]:
    """What to ask next, from the answer's final label: the interviewer's once reviewed (a person decided,
    so never "uncertain"), the model's before."""
    if record is None:
        return probes_for(answer.story, answer.why, answer.feeling, extrinsic_probe=kit.extrinsic_probe)
    confidence = None if record.review else record.confidence
    return probes_for(answer.story, answer.why, answer.feeling, record.final_label, confidence,
                      extrinsic_probe=kit.extrinsic_probe)


def finish(store: Store, user: User, sheet: Sheet, kit: Rubric, read_only: bool) -> None:
    interview_id = sheet.interview.id
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
    if read_only:
        return
    accept = True
    if open_parts:
        accept = st.checkbox(f"Submit with {'this part' if len(open_parts) == 1 else f'these {len(open_parts)} parts'} flagged as unanswered",
                             key=Keys.IV_ACCEPT_GAPS)
    # Submitting cannot be undone by the interviewer: a second, explicit step says what it does.
    sure = st.checkbox(SUBMIT_CONFIRM, key=Keys.IV_CONFIRM_SUBMIT)
    ready = accept and sure
    if st.button("Submit interview", type="primary", key=Keys.IV_SUBMIT, disabled=not ready) and ready:
        with refusal.shown():
            store.submit_interview(user, interview_id, accept_gaps=bool(open_parts))
            reset(Keys.IV_CONFIRM_SUBMIT, Keys.IV_ACCEPT_GAPS)
            st.rerun()


SUBMIT_CONFIRM = ("I have reviewed my answers, ratings and recommendation. Submitting locks this scorecard: I "
                  "cannot change it afterwards (only HR or an administrator can reopen it), and it counts in the "
                  "candidate's scores.")


def conflict(store: Store, user: User, model: MotivationModel, interview_id: int, question_id: str, field: str,
             key: str, read_only: bool) -> None:
    """When this tab saved over a newer text from another device: both texts, and the three ways out."""
    clash = st.session_state.get(Keys.conflict(key))
    if not clash or read_only:
        return
    with st.container(border=True):
        st.markdown("**Changed on another device or tab.** Neither text is lost; choose what the field keeps.")
        theirs, mine = st.columns(2)
        theirs.caption("Saved from the other device")
        theirs.text(clash["theirs"] or "(empty)")
        mine.caption("Yours, not applied")
        mine.text(clash["mine"] or "(empty)")
        args = (store, user, interview_id, question_id, field, key, model)
        keep, other, merge = st.columns(3)
        keep.button("Keep mine", key=f"conflict.mine.{key}", on_click=saving.resolve_conflict, args=(*args, "mine"))
        other.button("Keep theirs", key=f"conflict.theirs.{key}", on_click=saving.resolve_conflict,
                     args=(*args, "theirs"))
        merge.button("Merge both", key=f"conflict.merge.{key}", on_click=saving.resolve_conflict,
                     args=(*args, "merge"))


def history(store: Store, user: User, interview_id: int, question_id: str) -> None:
    """The texts set aside in this question's conflicts, for the interviewer to see and copy from."""
    kept = [v for v in store.field_history(user, interview_id) if v.question_id == question_id]
    if not kept:
        return
    with st.expander(f"Earlier texts of this question ({len(kept)})"):
        for v in kept:
            st.caption(f"{v.field} · {HISTORY_REASONS[v.reason]} · {v.saved_at:%Y-%m-%d %H:%M} UTC")
            st.text(v.text)


PRINT_LAYOUT = Path(__file__).resolve().parent / "print.css"  # static CSS: the page on paper, one scorecard a sheet
INTERVIEW_LAYOUT = Path(__file__).resolve().parent / "interview.css"  # static CSS: one question on one screen


def submitted(card: Scorecard) -> None:
    """A submitted scorecard, whole and read-only: each question in the kit's order, then the recommendation."""
    st.subheader(f"{md_escape(card.interviewer_name)} · {md_escape(card.kit_name)} v{md_escape(card.kit_version)}")
    recommendation = RECOMMENDATION_LABELS.get(card.recommendation or "", "no recommendation")
    st.caption(f"Submitted {card.submitted_at:%Y-%m-%d} · {recommendation}")
    if not card.complete:
        st.caption("A colleague's scorecard as your panel shows it: ratings, notes and the recommendation.")
    for n, answer in enumerate(card.answers, 1):
        st.markdown(f"**Q{n}. {md_escape(answer.title)}**")
        st.caption(f"Rating {answer.rating} of 5: {md_escape(answer.anchor)}" if answer.rating else "Not rated")
        empty = []
        for spec in ANSWER_FIELDS:
            if spec.name in answer.texts and answer.text(spec.name).strip():
                st.caption(spec.heading)
                st.text(answer.text(spec.name))
            elif spec.name in answer.texts:
                empty.append(spec.heading)
        if empty:
            st.caption("Nothing recorded: " + ", ".join(empty))
        if answer.label is not None:
            label_lines(answer.label)
    st.markdown(f"**Recommendation: {recommendation}**")
    if card.recommendation_note.strip():
        st.text(card.recommendation_note)


EVENT_WORDS = {"withdrawn": "Withdrawn", "resumed": "Resumed", "reopened": "Reopened for a correction",
               "resubmitted": "Submitted again"}


def corrections(store: Store, user: User, interview_id: int) -> None:
    """What happened to a scorecard after it was first started: withdrawn, reopened, submitted again, and why."""
    for e in store.interview_events(user, interview_id):
        st.caption(f"{EVENT_WORDS.get(e.kind, e.kind)} by {md_escape(e.actor)} on {e.at:%Y-%m-%d %H:%M} UTC"
                   + (". Their reason:" if e.reason else ""))
        if e.reason:
            st.text(e.reason)


def label_lines(record: LabelRecord) -> None:
    """The model's stated-motive label for an answer (advisory), and what the interviewer made of it."""
    st.caption(f"Stated motive, as the model read it: {record.label} ({record.confidence:.0%} sure, advisory)")
    review = record.review
    if review is None:
        return
    if review.action == "override":
        st.caption(f"Overridden to {review.label} by {md_escape(review.reviewer)} "
                   f"on {review.created_at:%Y-%m-%d}. Their reason:")
        st.text(review.reason)
    else:
        st.caption(f"Confirmed by {md_escape(review.reviewer)} on {review.created_at:%Y-%m-%d}")

def withdraw(store: Store, user: User, iv: Interview) -> None:
    """The interviewer's way out of an interview started by mistake: kept, marked withdrawn, counted nowhere."""
    with st.expander("Withdraw this interview"):
        st.caption("For an interview started by mistake (the wrong candidate, or too early). It is kept, "
                   "read-only, and counts in no score; starting this candidate again resumes it.")
        reason = st.text_area("Why you are withdrawing it", key=Keys.IV_WITHDRAW_REASON,
                              max_chars=LIMITS["interview_reason"])
        sure = st.checkbox("Yes, withdraw this interview", key=Keys.IV_WITHDRAW_CONFIRM)
        if st.button("Withdraw this interview", key=Keys.IV_WITHDRAW, disabled=not sure):
            with refusal.shown():
                store.withdraw_interview(user, iv.id, reason)
                reset(Keys.IV_WITHDRAW_REASON, Keys.IV_WITHDRAW_CONFIRM)
                flash(f"Withdrew your interview of {md_escape(iv.candidate_name)}. It is kept and counts nowhere.")
                st.switch_page("ui/pages/home.py")

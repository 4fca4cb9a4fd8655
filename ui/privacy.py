"""The Privacy page's pieces: picking a candidate on purpose, erasing them, and a retention pass seen first.

Nothing here acts on a candidate nobody chose: the picker starts empty, erasure asks for the
candidate's name typed out, and a retention pass runs only on the candidates its dry run showed.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.privacy import subject_access_zip
from data.records import LIMITS, Candidate, ErasureResult, User
from data.store import ERASURE_REASONS, Store
from ui import backups, refusal
from ui.render import EMPTY_CELL, md_escape, plural
from ui.state import Keys, flash, reset


def pick_candidate(store: Store, user: User) -> Candidate | None:
    """The candidate the person chose from a search; None until they choose one (there is no default)."""
    search = st.text_input("Find the candidate (name or email)", key=Keys.PRV_SEARCH, max_chars=LIMITS["search"])
    found = {c.id: c for c in store.list_candidates(user, search=search, limit=50)}
    if not found:
        st.info("No candidate matches." if search else "No candidates yet.")
        return None
    if st.session_state.get(Keys.PRV_CANDIDATE) not in found:
        st.session_state.pop(Keys.PRV_CANDIDATE, None)  # a choice the search no longer shows is no choice
    cid = st.selectbox("Candidate", list(found), index=None, key=Keys.PRV_CANDIDATE,
                       placeholder="Choose a candidate",
                       format_func=lambda i: f"{found[i].name} · {found[i].position_name} · id {i}")
    return None if cid is None else found[cid]


def subject_access(store: Store, user: User, cand: Candidate) -> None:
    def build() -> bytes:  # built and logged when the button is clicked
        return subject_access_zip(user, store.subject_access(user, cand.id))

    st.subheader("Subject access")
    st.write("Everything Motive holds on this candidate: record, self-identification, interviews, answers, "
             "ratings, notes, recommendations, model labels, reviews and the audit entries about them.")
    st.download_button("Download everything held (JSON and Excel, zipped)", build,
                       file_name=f"motive-candidate-{cand.id}.zip", mime="application/zip", key=Keys.PRV_SAR,
                       type="primary")


def names_match(typed: str, name: str) -> bool:
    """The confirmation typed for an erasure: the candidate's name, whatever its case and surrounding spaces."""
    return bool(typed.strip()) and typed.strip().casefold() == name.strip().casefold()


def erase(store: Store, user: User, cand: Candidate) -> None:
    st.subheader("Erase on request")
    st.write(f"Erasure deletes **{md_escape(cand.name)}** and every answer, rating, note, label and review about "
             "them, and every retrained model version that learnt from their answers. It cannot be undone. "
             "The audit log keeps a tombstone with counts only.")
    reason = st.selectbox("Reason", ERASURE_REASONS, key=Keys.PRV_REASON)
    typed = st.text_input("Type the candidate's name to confirm", key=Keys.PRV_CONFIRM,
                          max_chars=LIMITS["candidate_name"])
    if st.button("Erase this candidate", key=Keys.PRV_ERASE, disabled=not names_match(typed, cand.name)):
        with refusal.shown():
            flash(erasure_message(store.erase_candidate(user, cand.id, reason)))
            reset(Keys.PRV_CONFIRM, Keys.PRV_CANDIDATE)
            st.rerun()


def erasure_message(result: ErasureResult) -> str:
    """What an erasure removed, the model versions included, said to the person who asked for it."""
    message = (f"Erased candidate {result.candidate_id}: {plural(result.interviews, 'interview')}, "
               f"{plural(result.answers, 'answer')}, {plural(result.labels, 'label')}, "
               f"{plural(result.reviews, 'review')}.")
    if result.models_deleted:
        message += (f" Deleted {plural(len(result.models_deleted), 'model version')} that learnt from their "
                    f"answers: {', '.join(result.models_deleted)}.")
        if result.active_deleted:
            message += (f" The active model was one of them; {result.model_activated} is active now."
                        if result.model_activated else " The active model was one of them; the shipped default "
                        "model is installed the next time a model is needed.")
        message += " Retrain on the Model page to learn from the reviews that remain."
    return message + backups.erasure_note(result)


def retention_pass(store: Store, user: User) -> None:
    """A dry run first, listing who would be anonymised and why; a second click runs it on exactly them."""
    if st.button("Preview a retention pass", key=Keys.PRV_RET_PREVIEW):
        st.session_state[Keys.PRV_RET_DUE] = [d.candidate_id for d in store.apply_retention(user, dry_run=True).due]
    chosen = st.session_state.get(Keys.PRV_RET_DUE)
    if chosen is None:
        return
    due = store.apply_retention(user, dry_run=True, only=chosen).due
    if not due:
        st.info("Nothing is due for anonymisation.")
        return
    st.write(f"A pass now would anonymise {plural(len(due), 'candidate')}:")
    st.dataframe(pd.DataFrame([{"Candidate": d.name, "Position": d.position_name,
                                "Why": d.why} for d in due]), placeholder=EMPTY_CELL, hide_index=True)
    these = "this candidate" if len(due) == 1 else f"these {len(due):,} candidates"
    if st.button(f"Anonymise {these}", key=Keys.PRV_RET_RUN, type="primary"):
        done = store.apply_retention(user, only=[d.candidate_id for d in due])
        reset(Keys.PRV_RET_DUE)
        models = (f" {plural(len(done.models_deleted), 'model version')} that learnt from their answers deleted: "
                  f"{md_escape(', '.join(done.models_deleted))}.") if done.models_deleted else ""
        flash(f"Retention pass done: {plural(done.total, 'candidate')} anonymised.{models}")
        st.rerun()

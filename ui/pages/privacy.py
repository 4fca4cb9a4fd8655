"""Privacy (HR and administrators): subject access, erasure on request, retention per position."""

import streamlit as st

from data.store import MAX_RETENTION_DAYS
from ui import backups, privacy, refusal
from ui.navigation import open_page
from ui.render import md_escape
from ui.state import Keys, flash, reset, show_flash

user, _, store = open_page(__file__)

st.title("Privacy")
show_flash()

st.header("A candidate's data")
cand = privacy.pick_candidate(store, user)
if cand is not None:
    privacy.subject_access(store, user, cand)
    privacy.erase(store, user, cand)
backups.section(user, store)  # ui/backups.py: the copies of the database, and emptying its write-ahead log

st.header("Retention")
st.write("Candidates not hired are anonymised once the position's retention period has passed since their last "
         "activity: name, e-mail and every typed text go; ratings, recommendations and labels stay for statistics. "
         "This runs when the app starts, every six hours, and from `python -m data.retention`.")
positions = {p.id: p for p in store.list_positions()}
if not positions:
    st.info("No positions yet.")
    st.stop()
days_now = store.retention_days()
pid = st.selectbox("Position", list(positions), key=Keys.PRV_RET_POSITION,
                   format_func=lambda i: f"{positions[i].name} · "
                                         + (f"{days_now[i]} days" if days_now.get(i) else "kept until erased"))
keep = st.checkbox("Keep candidates until erased by hand", value=days_now.get(pid) is None,
                   key=f"{Keys.PRV_RET_KEEP}.{pid}")
days = None
if not keep:
    days = st.number_input("Anonymise after (days)", min_value=1, max_value=MAX_RETENTION_DAYS, step=1,
                           value=days_now.get(pid) or 365, key=f"{Keys.PRV_RET_DAYS}.{pid}")
if st.button("Save retention", key=Keys.PRV_RET_SAVE):
    with refusal.shown():
        store.set_retention(user, pid, None if keep else int(days))
        reset(Keys.PRV_RET_DUE)  # a dry run made before the change no longer says what a pass would do
        flash(f"Retention for {md_escape(positions[pid].name)} saved.")
        st.rerun()

privacy.retention_pass(store, user)

"""Assignments: who interviews whom for a position, with which kit, and where each interview stands."""

import streamlit as st

from ui import assigning, resources
from ui.navigation import open_page
from ui.state import Keys, show_flash

user, config, store = open_page(__file__)
kits = resources.kits(config)

st.title("Assignments")
show_flash()
positions = {p.id: p for p in store.list_positions()}
if not positions:
    st.info("Add a position and its candidates first.")
    st.page_link("ui/pages/candidates.py", label="Go to candidates", icon=":material/group:")
    st.stop()
pid = st.selectbox("Position", list(positions), key=Keys.ASG_POSITION,
                   format_func=lambda i: positions[i].name + (" (closed)" if positions[i].closed else ""))
cands = sorted(store.list_candidates(user, position_id=pid, limit=2000), key=lambda c: c.name.casefold())
rows = store.assignments(user, position_id=pid)
if not cands:
    st.info("This position has no candidates yet.")
    st.stop()

assigning.table(cands, rows, kits, config.stages)
if positions[pid].closed:
    st.info("This position is closed, so nobody new can be assigned. Reopen it to assign interviewers.")
else:
    assigning.assign_form(store, user, cands, kits)
assigning.unassign_form(store, user, rows)
assigning.reopen_form(store, user, store.list_interviews(user, mine=False, status="submitted", position_id=pid))

"""Candidate: who they are, where they stand, and every submitted scorecard in full, laid out to print."""

import streamlit as st

from data.access import allowed
from ui import hiring, refusal, scorecard
from ui.navigation import open_page, record_id
from ui.render import md_escape
from ui.state import Keys, show_flash

user, config, store = open_page(__file__)

candidate_id = record_id("candidate", "Candidate", "Open a candidate from the Candidates page or from Compare.", "candidate")
with refusal.shown(stop=True):
    found = store.candidate_scorecards(user, candidate_id)
show_flash()

st.html(scorecard.PRINT_LAYOUT)
person = found.candidate
st.title(md_escape(person.name))
since = (f"since {person.status_changed_at:%Y-%m-%d}" if person.status_changed_at
         else f"since they were added on {person.created_at:%Y-%m-%d}")
st.caption(f"{md_escape(person.position_name)} · Stage: {md_escape(config.stages.name(person.status))} {since}")
with st.container(key=Keys.CAN_SCREEN_ONLY):
    st.caption("To print or save as PDF, use your browser's Print (Ctrl+P, or ⌘P on a Mac): the menu and "
               "buttons are left out and each scorecard starts on a new page.")

if allowed(user.role, "candidates.stage"):
    hiring.stage_panel(store, user, person, config.stages)
if not found.scorecards:
    st.info("No interview of this candidate has been submitted yet, so there is no scorecard to read.")
    st.stop()
st.header(f"Scorecards ({len(found.scorecards)})")
for n, card in enumerate(found.scorecards):
    with st.container(key=Keys.scorecard(n)):
        scorecard.submitted(card)
        scorecard.corrections(store, user, card.interview_id)

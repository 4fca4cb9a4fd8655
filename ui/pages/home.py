"""Home: where the signed-in person picks up their work: assigned interviews first, then their own."""

import streamlit as st

from data.access import allowed
from ui import queue, resources
from ui.navigation import open_page
from ui.render import md_escape
from ui.state import show_flash

user, config, store = open_page(__file__)

st.title("Motive")
show_flash()
st.write(f"Hello, {md_escape(user.username)}.")

if allowed(user.role, "interviews.conduct"):
    listed = queue.assigned(store, user, config, resources.kits(config))
    open_ones = [iv for iv in store.list_interviews(user, status="in_progress") if iv.id not in listed]
    if open_ones or not listed:
        st.subheader("Your other interviews in progress" if listed else "Your interviews in progress")
    if not open_ones and not listed:
        st.info("None open. Start one from the candidates page.")
    for iv in open_ones:
        st.page_link(
            "ui/pages/interview.py",
            label=f"Resume: {md_escape(iv.candidate_name)} · {md_escape(iv.position_name)}",
            icon=":material/play_arrow:",
            query_params={"interview": str(iv.id)},
        )
    done = [iv for iv in store.list_interviews(user, status="submitted") if iv.id not in listed]
    if done:
        st.subheader("Submitted")
        for iv in done[:20]:
            st.page_link(
                "ui/pages/interview.py",
                label=f"{md_escape(iv.candidate_name)} · {md_escape(iv.position_name)} (read-only)",
                icon=":material/task_alt:",
                query_params={"interview": str(iv.id)},
            )

if allowed(user.role, "interviews.assign"):
    st.page_link("ui/pages/assignments.py", label="Assign interviewers", icon=":material/assignment_ind:")
st.page_link("ui/pages/candidates.py", label="Go to candidates", icon=":material/group:")

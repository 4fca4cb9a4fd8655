"""Home: where the signed-in person picks up their work."""

import streamlit as st

from data.access import allowed
from ui.navigation import open_page
from ui.render import md_escape
from ui.state import show_flash

user, _, store = open_page(__file__)

st.title("Motive")
show_flash()
st.write(f"Hello, {md_escape(user.username)}.")

if allowed(user.role, "interviews.conduct"):
    open_ones = store.list_interviews(user, status="in_progress")
    st.subheader("Your interviews in progress")
    if not open_ones:
        st.info("None open. Start one from the candidates page.")
    for iv in open_ones:
        st.page_link(
            "ui/pages/interview.py",
            label=f"Resume: {iv.candidate_name} · {iv.position_name}",
            icon=":material/play_arrow:",
            query_params={"interview": str(iv.id)},
        )
    done = store.list_interviews(user, status="submitted")
    if done:
        st.subheader("Submitted")
        for iv in done[:20]:
            st.page_link(
                "ui/pages/interview.py",
                label=f"{iv.candidate_name} · {iv.position_name} (read-only)",
                icon=":material/task_alt:",
                query_params={"interview": str(iv.id)},
            )

st.page_link("ui/pages/candidates.py", label="Go to candidates", icon=":material/group:")

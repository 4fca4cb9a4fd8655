"""The candidates page's forms: add a candidate to a position, add a position.

After a save each form comes back empty, in the browser too (ui.state.clear), and says beside it what
it added, so a second click adds nothing unseen.
"""

from __future__ import annotations

import streamlit as st

from data.errors import PossibleDuplicate
from data.records import LIMITS, Position, User
from data.store import Store
from ui import refusal
from ui.render import md_escape
from ui.state import Keys, clear, flash, reset, show_flash


def add_candidate(store: Store, user: User, positions: dict[int, Position]) -> None:
    with st.form("new_candidate"):
        st.subheader("Add a candidate")
        name = st.text_input("Full name", key=Keys.NEW_CAND_NAME, max_chars=LIMITS["candidate_name"])
        email = st.text_input("Email (optional)", key=Keys.NEW_CAND_EMAIL, max_chars=LIMITS["email"])
        pos = st.selectbox(
            "Position", list(positions), format_func=lambda pid: positions[pid].name, key=Keys.NEW_CAND_POSITION,
            index=None, placeholder="Choose a position",
        )
        asked = st.session_state.get(Keys.NEW_CAND_ASKED)
        same_ok = False
        if asked and asked == (name.strip(), pos):
            st.warning(md_escape(f"{asked[0]} has already applied for {positions[pos].name}. Is this the same person?"))
            same_ok = st.checkbox("It is a different person with the same name: add them", key=Keys.NEW_CAND_SAME_OK)
        submitted = st.form_submit_button("Add candidate", key=Keys.NEW_CAND_SUBMIT)
        show_flash(Keys.NEW_CAND_DONE)  # beside the form, where the person is looking
        if submitted:
            if pos is None:
                st.error("Choose a position (or add one first).")
                return
            with refusal.shown():
                try:
                    c = store.add_candidate(user, pos, name, email, same_name_ok=same_ok)
                except PossibleDuplicate:
                    st.session_state[Keys.NEW_CAND_ASKED] = (name.strip(), pos)
                    st.rerun()
                flash(md_escape(f"Added candidate {c.name} to the position {c.position_name}."), Keys.NEW_CAND_DONE)
                reset(Keys.NEW_CAND_ASKED)
                # The position stays chosen: the next candidate is often for it too.
                clear(Keys.NEW_CAND_NAME, Keys.NEW_CAND_EMAIL, Keys.NEW_CAND_SAME_OK)
                st.rerun()


def add_position(store: Store, user: User) -> None:
    with st.form("new_position"):
        st.subheader("Add a position")
        pname = st.text_input("Position name", key=Keys.NEW_POS_NAME, max_chars=LIMITS["position_name"])
        pdesc = st.text_area("Description (optional)", key=Keys.NEW_POS_DESC, max_chars=LIMITS["position_description"])
        submitted = st.form_submit_button("Add position", key=Keys.NEW_POS_SUBMIT)
        show_flash(Keys.NEW_POS_DONE)
        if submitted:
            with refusal.shown():
                p = store.create_position(user, pname, pdesc)
                flash(md_escape(f"Added the position {p.name}."), Keys.NEW_POS_DONE)
                clear(Keys.NEW_POS_NAME, Keys.NEW_POS_DESC)
                st.rerun()

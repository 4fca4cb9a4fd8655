"""My account: change one's own password (other sessions end)."""

import streamlit as st

from data.records import LIMITS
from ui import refusal
from ui.navigation import open_page
from ui.state import Keys, clear, flash, show_flash

user, _, store = open_page(__file__)

st.title("My account")
show_flash()
st.write(f"Role: {user.role}")
with st.form("change_password"):
    old = st.text_input("Current password", type="password", key=Keys.ACC_OLD, max_chars=LIMITS["password"])
    new = st.text_input(f"New password (at least {store.settings.min_password_length} characters)",
                        type="password", key=Keys.ACC_NEW, max_chars=LIMITS["password"])
    again = st.text_input("Repeat the new password", type="password", key=Keys.ACC_REPEAT, max_chars=LIMITS["password"])
    if st.form_submit_button("Change password", key=Keys.ACC_SUBMIT):
        if new != again:
            st.error("The two new passwords differ.")
        else:
            with refusal.shown():
                store.change_password(user, old, new, keep_token=st.session_state.get(Keys.SESSION_TOKEN))
                flash("Password changed. Your other sign-ins have ended.")
                clear(Keys.ACC_OLD, Keys.ACC_NEW, Keys.ACC_REPEAT)
                st.rerun()

"""Users (administrators): accounts and roles."""

import pandas as pd
import streamlit as st

from data.access import Role
from data.records import LIMITS
from ui import refusal
from ui.navigation import open_page
from ui.render import EMPTY_CELL, md_escape
from ui.state import Keys, clear, flash, show_flash

user, _, store = open_page(__file__)
roles = [r.value for r in Role]

st.title("Users")
show_flash()
accounts = store.list_users(user)
pauses = store.sign_in_pauses(user)
st.dataframe(
    pd.DataFrame([{"Username": u.username, "Role": u.role, "Active": u.active, "Single sign-on e-mail": u.email or "",
                   "Sign-in paused": pauses[u.id].summary if u.id in pauses else ""} for u in accounts]),
    placeholder=EMPTY_CELL, hide_index=True, width="stretch",
)

with st.form("new_user"):
    st.subheader("Add an account")
    name = st.text_input("Username", key=Keys.USR_NEW_NAME, max_chars=LIMITS["username"])
    role = st.selectbox("Role", roles, key=Keys.USR_NEW_ROLE, index=roles.index("interviewer"))
    password = st.text_input(
        f"Initial password (at least {store.settings.min_password_length} characters)",
        type="password", key=Keys.USR_NEW_PASSWORD, max_chars=LIMITS["password"],
    )
    if st.form_submit_button("Add account", key=Keys.USR_NEW_SUBMIT):
        with refusal.shown():
            made = store.create_user(name, password, role, actor=user)
            flash(f"Created {md_escape(made.username)} ({made.role}).")
            clear(Keys.USR_NEW_NAME, Keys.USR_NEW_PASSWORD)
            st.rerun()

st.subheader("Change an account")
by_id = {u.id: u for u in accounts}
target_id = st.selectbox("Account", list(by_id), format_func=lambda i: f"{by_id[i].username} ({by_id[i].role})",
                         key=Keys.USR_PICK)
target = by_id[target_id]
role_col, active_col = st.columns(2)
with role_col:
    new_role = st.selectbox("New role", roles, index=roles.index(target.role), key=Keys.USR_ROLE)
    if st.button("Change role", key=Keys.USR_ROLE_SUBMIT):
        with refusal.shown():
            store.set_role(user, target.id, new_role)
            flash(f"{md_escape(target.username)} is now {new_role}.")
            st.rerun()
with active_col:
    label = "Deactivate account" if target.active else "Reactivate account"
    if st.button(label, key=Keys.USR_TOGGLE_ACTIVE):
        with refusal.shown():
            store.set_active(user, target.id, not target.active)
            flash(f"{md_escape(target.username)} is now {'deactivated' if target.active else 'active'}.")
            st.rerun()
if target.id in pauses and st.button(f"Lift the sign-in pause ({pauses[target.id].summary})",
                                     key=Keys.USR_UNPAUSE):
    with refusal.shown():
        store.lift_sign_in_pause(user, target.id)
        flash(f"{md_escape(target.username)} can sign in again from every address.")
        st.rerun()
with st.form("reset_password"):
    new_pw = st.text_input("Set a new password (ends their sessions)", type="password",
                           key=Keys.USR_RESET_PASSWORD, max_chars=LIMITS["password"])
    if st.form_submit_button("Set password", key=Keys.USR_RESET_SUBMIT):
        with refusal.shown():
            store.reset_password(user, target.id, new_pw)
            flash(f"New password set for {md_escape(target.username)}.")
            clear(Keys.USR_RESET_PASSWORD)
            st.rerun()
with st.form(f"sso_email_{target.id}"):
    email = st.text_input("Single sign-on e-mail (the identity provider's address; empty unlinks)",
                          value=target.email or "", key=f"{Keys.USR_EMAIL}.{target.id}", max_chars=LIMITS["email"])
    if st.form_submit_button("Link e-mail", key=Keys.USR_EMAIL_SUBMIT):
        with refusal.shown():
            store.set_user_email(user, target.id, email)
            flash(f"Single sign-on e-mail for {md_escape(target.username)} saved.")
            st.rerun()

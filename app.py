"""Motive's router: page config, sign-in gate, pages by role, run the page."""

import streamlit as st

from data.access import allowed
from data.errors import StoreError
from data.settings import SettingsError
from rubric import RubricError
from ui import auth, resources
from ui.render import md_escape
from ui.state import Keys

st.set_page_config(page_title="Motive", page_icon="🎧", layout="wide")

try:
    config = resources.settings()
    store = resources.store(config)
    resources.kits(config)
except (SettingsError, StoreError, RubricError) as exc:
    st.error(f"Motive cannot start: {exc}")
    st.stop()

auth.sync_cookie(config.session_hours)

if store.user_count() == 0:
    auth.first_admin_form(store)
    st.stop()

user = auth.current_user(store)
if user is None:
    auth.sign_in_form(store)
    st.stop()

# (path, title, icon, permission, url path)
PAGES = [
    ("ui/pages/home.py", "Home", ":material/home:", "candidates.view", "home"),
    ("ui/pages/candidates.py", "Candidates", ":material/group:", "candidates.view", "candidates"),
    ("ui/pages/interview.py", "Interview", ":material/record_voice_over:", "interviews.conduct", "interview"),
    ("ui/pages/users.py", "Users", ":material/manage_accounts:", "users.manage", "users"),
    ("ui/pages/account.py", "My account", ":material/person:", "candidates.view", "account"),
]
pages = [
    st.Page(path, title=title, icon=icon, url_path=url, default=(url == "home"))
    for path, title, icon, permission, url in PAGES
    if allowed(user.role, permission)
]

with st.sidebar:
    st.caption(f"Signed in as {md_escape(user.username)} · {user.role}")
    if st.button("Sign out", key=Keys.SIGN_OUT):
        auth.sign_out(store)

st.navigation(pages).run()

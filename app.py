"""Motive's router: page config, sign-in gate, pages by role, run the page."""

import streamlit as st

from analysis.motivation import ModelError
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
    resources.motivation_model(config)  # ready before the first interview needs it
except (SettingsError, StoreError, RubricError, ModelError) as exc:
    st.error(f"Motive cannot start: {exc}")
    st.stop()

resources.retention_pass(config)  # on start, then at most every six hours while the app runs
auth.sync_cookie(config.session_hours)

# (path, title, icon, permission, url path)
PAGES = [
    ("ui/pages/home.py", "Home", ":material/home:", "candidates.view", "home"),
    ("ui/pages/candidates.py", "Candidates", ":material/group:", "candidates.view", "candidates"),
    ("ui/pages/compare.py", "Compare", ":material/compare_arrows:", "interviews.review", "compare"),
    ("ui/pages/interview.py", "Interview", ":material/record_voice_over:", "interviews.conduct", "interview"),
    ("ui/pages/reports.py", "Reports", ":material/table_view:", "reports.export", "reports"),
    ("ui/pages/imports.py", "Import", ":material/upload_file:", "candidates.import", "import"),
    ("ui/pages/fairness.py", "Fairness", ":material/balance:", "fairness", "fairness"),
    ("ui/pages/privacy.py", "Privacy", ":material/shield_person:", "privacy.manage", "privacy"),
    ("ui/pages/audit.py", "Audit log", ":material/receipt_long:", "audit.view", "audit"),
    ("ui/pages/users.py", "Users", ":material/manage_accounts:", "users.manage", "users"),
    ("ui/pages/model.py", "Model", ":material/model_training:", "users.manage", "model"),
    ("ui/pages/account.py", "My account", ":material/person:", "candidates.view", "account"),
]


def pages_for(role: str | None) -> list:
    """The pages a role may open; with no role, all of them, hidden, so a deep link survives sign-in."""
    return [
        st.Page(path, title=title, icon=icon, url_path=url, default=(url == "home"))
        for path, title, icon, permission, url in PAGES
        if role is None or allowed(role, permission)
    ]


user = None if store.user_count() == 0 else auth.current_user(store)
if user is None:
    st.navigation(pages_for(None), position="hidden")  # resolves the URL; never runs a page
    if auth.sso_configured():
        auth.sso_sign_in(store)
    elif store.user_count() == 0:
        auth.first_admin_form(store)
    else:
        auth.sign_in_form(store)
    st.stop()

with st.sidebar:
    st.caption(f"Signed in as {md_escape(user.username)} · {user.role}")
    if st.button("Sign out", key=Keys.SIGN_OUT):
        auth.sign_out(store)

st.navigation(pages_for(user.role)).run()

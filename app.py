"""Motive's router: page config, sign-in gate, pages by role, run the page."""

import streamlit as st

from analysis.motivation import ModelError
from data.errors import StoreError, StoreUnavailable
from data.settings import SettingsError
from rubric import RubricError
from ui import auth, navigation, refusal, resources
from ui.render import md_escape
from ui.state import Keys

st.set_page_config(page_title="Motive", page_icon="🎧", layout="wide")
st.html(navigation.APP_STYLE)  # app-wide CSS (ui/app.css): caption contrast that meets WCAG AA

try:
    config = resources.settings()
    store = resources.store(config)
    resources.kits(config)
    resources.motivation_model(config)  # ready before the first interview needs it
except StoreUnavailable as exc:  # read-only, damaged, full or gone: the message says what to do
    refusal.show(str(exc))
    st.stop()
except (SettingsError, StoreError, RubricError, ModelError) as exc:
    refusal.show(f"Motive cannot start: {exc}")
    st.stop()

try:  # a database that stops serving mid-session (read-only, damaged, full, gone) is shown as Motive's message
    resources.retention_pass(config)  # on start, then at most every six hours while the app runs
    auth.sync_cookie(config.session_hours)

    user = None if store.user_count() == 0 else auth.current_user(store)
    if user is None:
        st.navigation(navigation.every_page(), position="hidden")  # resolves the URL; never runs a page
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

    st.navigation(navigation.menu(user.role)).run()
except StoreUnavailable as exc:
    refusal.show(str(exc))

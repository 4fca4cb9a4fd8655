"""Sign-in gate, first-administrator set-up, and the per-page role check.

A sign-in creates a server-side session; the browser keeps only a random token in
a cookie, so a refresh or a reconnect finds the same user without asking again.
Every page opens through `ui.navigation.open_page()`, which calls `require()` with the page's
declared permission: the menu hides pages, but only this refuses them.
"""

from __future__ import annotations

import json

import streamlit as st

from data.access import allowed
from data.errors import AuthError, StoreError
from data.records import LIMITS, User
from data.store import Store
from ui import refusal, resources
from ui.components.autosave import DRAFT_PREFIX
from ui.render import md_escape
from ui.state import Keys

COOKIE = "motive_session"
HOME = "ui/pages/home.py"  # every signed-in role may open it (ui/navigation.py PAGES)
# Signing out forgets every answer draft this browser kept (ui/components/autosave), whoever typed it.
CLEAR_DRAFTS = (
    "for (const key of Object.keys(localStorage))"
    f" if (key.startsWith({json.dumps(DRAFT_PREFIX)})) localStorage.removeItem(key);"
)


def _store() -> Store:
    return resources.store(resources.settings())


def sso_configured() -> bool:
    """Single sign-on is on when secrets.toml has an [auth] section (Streamlit's st.login, OIDC)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering False
        return False


def _sso_email() -> str | None:
    if not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    return email if isinstance(email, str) and email.strip() else None


def _sso_user(store: Store) -> User | None:
    """The Motive account linked to the identity provider's e-mail; roles come from Motive's table."""
    email = _sso_email()
    if email is None:
        return None
    try:
        user = store.user_for_email(email)
    except StoreError as exc:
        st.session_state[Keys.SSO_REFUSED] = str(exc)
        if st.session_state.get(Keys.SSO_LOGGED) != f"refused:{email}":
            store.record_sso_sign_in(None, refused_email=email)
            st.session_state[Keys.SSO_LOGGED] = f"refused:{email}"
        return None
    if st.session_state.get(Keys.SSO_LOGGED) != f"user:{user.id}":
        store.record_sso_sign_in(user)  # once per browser session, not once per rerun
        st.session_state[Keys.SSO_LOGGED] = f"user:{user.id}"
    st.session_state.pop(Keys.SSO_REFUSED, None)
    return user


def current_user(store: Store | None = None) -> User | None:
    """The signed-in user for this run, or None; re-checked against the database every run."""
    store = store or _store()
    if sso_configured():
        return _sso_user(store)
    token = st.session_state.get(Keys.SESSION_TOKEN)
    if token is None and not st.session_state.get(Keys.CLEAR_COOKIE):
        token = st.context.cookies.get(COOKIE)
    if not isinstance(token, str) or not token:
        return None
    try:
        user = store.user_for_session(token)
    except AuthError:
        st.session_state.pop(Keys.SESSION_TOKEN, None)
        return None
    st.session_state[Keys.SESSION_TOKEN] = token
    return user


def require(permission: str, store: Store | None = None) -> User:
    """Stop the page unless the signed-in user's role holds `permission`."""
    user = current_user(store)
    if user is None:
        st.warning("Please sign in.")
        st.stop()
    if not allowed(user.role, permission):
        st.title("You don't have access to this page")
        st.error(f"Your role ({user.role}) does not give access to this page. If you need it, ask your administrator.")
        st.page_link(HOME, label="Go to your home page", icon=":material/home:")
        st.stop()
    return user


def sync_cookie(session_hours: int) -> None:
    """Write or clear the browser's session cookie; runs at the top of every script run.

    The script goes into one placeholder that exists on every run: an element that came and went
    would shift everything below it, and the browser would remount the fields, dropping what is
    being typed into them at that moment.
    """
    slot = st.empty()
    token = st.session_state.pop(Keys.PENDING_COOKIE, None)
    if token:
        # The token is our own random URL-safe string, never user input.
        slot.html(
            "<script>document.cookie = "
            f"{json.dumps(COOKIE + '=' + token)} + '; path=/; SameSite=Strict; max-age=' + {int(session_hours * 3600)}"
            " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True,
        )
    elif st.session_state.get(Keys.CLEAR_COOKIE) == "pending":
        slot.html(f"<script>document.cookie = '{COOKIE}=; path=/; SameSite=Strict; max-age=0';{CLEAR_DRAFTS}</script>",
                  unsafe_allow_javascript=True)
        st.session_state[Keys.CLEAR_COOKIE] = "done"


def _start_session(store: Store, user: User) -> None:
    token = store.create_session(user)
    st.session_state[Keys.SESSION_TOKEN] = token
    st.session_state[Keys.PENDING_COOKIE] = token
    st.session_state.pop(Keys.CLEAR_COOKIE, None)


def client_address(header: str | None) -> str | None:
    """Where this browser connects from: the proxy's header when one is configured, else the connection.

    The header's last entry is the one the proxy in front of Motive wrote; earlier ones came from the
    client and prove nothing. None means a local connection.
    """
    if header:
        passed = (st.context.headers.get(header) or "").split(",")[-1].strip()
        if passed:
            return passed[:64]
    return st.context.ip_address


def sign_in_form(store: Store) -> None:
    st.title("Motive")
    st.caption("Structured interviews that hear why candidates help.")
    with st.form("signin"):
        username = st.text_input("Username", key=Keys.SIGNIN_USER, max_chars=LIMITS["username"])
        password = st.text_input("Password", type="password", key=Keys.SIGNIN_PASSWORD, max_chars=LIMITS["password"])
        submitted = st.form_submit_button("Sign in", key=Keys.SIGNIN_SUBMIT, type="primary")
    if submitted:
        with refusal.shown():
            user = store.authenticate(username, password,
                                      source=client_address(store.settings.client_address_header))
            _start_session(store, user)
            st.rerun()


def first_admin_form(store: Store) -> None:
    st.title("Welcome to Motive")
    st.write("This database has no accounts yet. Create the first administrator to begin.")
    with st.form("setup"):
        username = st.text_input("Administrator username", key=Keys.SETUP_USER, max_chars=LIMITS["username"])
        password = st.text_input(
            f"Password (at least {store.settings.min_password_length} characters)",
            type="password",
            key=Keys.SETUP_PASSWORD,
            max_chars=LIMITS["password"],
        )
        repeat = st.text_input("Repeat password", type="password", key=Keys.SETUP_REPEAT, max_chars=LIMITS["password"])
        submitted = st.form_submit_button("Create administrator", key=Keys.SETUP_SUBMIT, type="primary")
    if submitted:
        if password != repeat:
            st.error("The two passwords differ.")
            return
        with refusal.shown():
            user = store.bootstrap_admin(username, password)
            _start_session(store, user)
            st.rerun()


def sso_sign_in(store: Store) -> None:
    """Sign-in through the organisation's identity provider; also makes the first administrator."""
    st.title("Motive")
    st.caption("Structured interviews that hear why candidates help.")
    email = _sso_email()
    if email is None:
        if st.button("Sign in with single sign-on", key=Keys.SSO_SIGN_IN, type="primary"):
            st.login()
        return
    if store.user_count() == 0:
        st.write(f"Signed in as {md_escape(email)}. This database has no accounts yet: make this identity the first "
                 "administrator.")
        with st.form("sso_setup"):
            username = st.text_input("Administrator username", key=Keys.SSO_SETUP_USER, max_chars=LIMITS["username"])
            if st.form_submit_button("Create administrator", key=Keys.SSO_SETUP_SUBMIT, type="primary"):
                with refusal.shown():
                    store.bootstrap_sso_admin(username, email)
                    st.rerun()
        return
    refusal.show(st.session_state.get(Keys.SSO_REFUSED) or "This identity has no Motive account.")
    if st.button("Sign out of single sign-on", key=Keys.SIGN_OUT):
        st.logout()


def sign_out(store: Store) -> None:
    if sso_configured():
        st.html(f"<script>{CLEAR_DRAFTS}</script>", unsafe_allow_javascript=True)  # before logout leaves the page
        st.logout()
        return
    store.end_session(st.session_state.pop(Keys.SESSION_TOKEN, None) or st.context.cookies.get(COOKIE))
    st.session_state[Keys.CLEAR_COOKIE] = "pending"
    st.rerun()

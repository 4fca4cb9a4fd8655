"""A text field that saves while the interviewer types, and keeps a draft in the browser.

`st.text_area` hands its text to the server only when it loses focus, so what was typed
before a tab close, a crash or a server restart was gone. This field (Streamlit's
components v2, bidirectional; index.html, autosave.js and autosave.css beside this file)
sends its text about 1.5 s after the last keystroke and at once on blur and Ctrl+Enter;
keeps every keystroke in the browser's localStorage until the server holds that text; and
marks the field "Not saved" when the server has not confirmed it. autosave.js says how.

Python sees the field as text under its key in session state, like a text area's: the
browser's sends land there and are saved through `on_save`, and text put there any other
way (a test has no browser) is saved on the next run just the same.
"""

from __future__ import annotations

import secrets
from functools import partial
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from ui.state import Keys

HERE = Path(__file__).resolve().parent
DRAFT_PREFIX = "motive.draft."  # every browser draft's localStorage key starts so; signing out clears them

_mount = st.components.v2.component(
    "motive_autosave",
    html=(HERE / "index.html").read_text(encoding="utf-8"),
    css=(HERE / "autosave.css").read_text(encoding="utf-8"),
    js=(HERE / "autosave.js").read_text(encoding="utf-8"),
)


def draft_key(user_id: int, interview_id: int, question_id: str, field: str) -> str:
    """Where the browser keeps one field's unsaved text: one user's, one interview's, one question's."""
    return f"{DRAFT_PREFIX}{user_id}.{interview_id}.{question_id}.{field}"


def _save(key: str, on_save: Callable[..., None], args: tuple[Any, ...]) -> None:
    # Marked first: a newer send can cut this callback short at any st.* call, and then it is the
    # browser that sends again (its send number never came back), not the next run from session state.
    st.session_state[Keys.synced(key)] = st.session_state[key]
    on_save(*args)


def _from_browser(key: str, disabled: bool, on_save: Callable[..., None], args: tuple[Any, ...]) -> None:
    """The component's change callback: the browser sent {"text", "base", "n"} as its "sent" state; save the text."""
    sent = (st.session_state.get(Keys.box(key)) or {}).get("sent")
    if disabled or not isinstance(sent, dict) or not isinstance(sent.get("text"), str):
        return
    st.session_state[key] = sent["text"]
    _save(key, on_save, args)
    st.session_state[Keys.answered(key)] = sent.get("n")


def text_box(label: str, key: str, *, stored: str, revision: int, limit: int, height: int, disabled: bool,
             draft: str, on_save: Callable[..., None], args: tuple[Any, ...]) -> str:
    """Show the field and return its text; `on_save(*args)` saves `st.session_state[key]`.

    `stored` and `revision` are the server's copy as this run read it, after any save this run's
    callbacks made: the browser compares its text with them to know what is saved. `label` is
    shown as text, never parsed. `draft` is the field's localStorage key (`draft_key`).
    `put_text` puts text into the browser's field over what was typed there (after a conflict).
    """
    if key not in st.session_state:
        st.session_state[key] = stored
        st.session_state[Keys.synced(key)] = stored
    if not disabled and st.session_state[key] != st.session_state.get(Keys.synced(key)):
        # Text that reached session state without the browser: save it, then show the page as it now is.
        _save(key, on_save, args)
        st.rerun()
    mark = st.session_state.get(Keys.saved(key)) or ("✓ Saved" if stored else "")  # for text not typed here
    _mount(
        key=Keys.box(key),
        data={"label": label, "text": stored, "revision": revision, "limit": limit, "height": height,
              "disabled": disabled, "mark": mark, "draft": draft,
              "session": st.session_state.setdefault(Keys.SERVER_SESSION, secrets.token_hex(8)),
              "n": st.session_state.get(Keys.answered(key)),
              "replace": st.session_state.get(Keys.replace(key))},
        on_sent_change=partial(_from_browser, key, disabled, on_save, args),
    )
    return st.session_state[key]


def put_text(key: str, text: str) -> None:
    """Replace what the browser's field shows (and its draft) with `text`: the page decided the field's text,
    as when a conflict is resolved. Session state holds it at once; the browser takes it on the next render."""
    previous = st.session_state.get(Keys.replace(key)) or {}
    st.session_state[Keys.replace(key)] = {"n": int(previous.get("n", 0)) + 1, "text": text}
    st.session_state[key] = text
    st.session_state[Keys.synced(key)] = text

"""Save-on-blur callbacks for the interview page.

Streamlit commits a text area when it loses focus and then calls these before the
script reruns. A save that fails because the database is unreachable is kept in
session state and retried on every run until it lands, so a hiccup never costs
what the interviewer typed; a save the store refuses (too long, read-only) shows
its reason and leaves the saved text untouched.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from analysis.labelling import label_answer
from analysis.motivation import ModelError
from data.errors import StoreError, StoreUnavailable
from data.records import User
from data.store import Store
from ui.render import saved_mark
from ui.state import Keys


def _pending() -> dict[str, Callable[[], object]]:
    return st.session_state.setdefault(Keys.PENDING_SAVES, {})


def _attempt(key: str, write: Callable[[], object]) -> None:
    try:
        result = write()
    except StoreUnavailable:
        _pending()[key] = write
        st.session_state[Keys.failed(key)] = (
            "Not saved yet: the database did not answer. Your text is kept here and will be saved on the next action."
        )
        return
    except StoreError as exc:
        _pending().pop(key, None)
        st.session_state[Keys.failed(key)] = f"Not saved: {exc}"
        return
    _pending().pop(key, None)
    st.session_state.pop(Keys.failed(key), None)
    st.session_state[Keys.saved(key)] = saved_mark(getattr(result, "updated_at", result))


def retry_pending() -> None:
    """Retry every save that could not reach the database earlier."""
    for key, write in list(_pending().items()):
        _attempt(key, write)


def save_answer(store: Store, user: User, interview_id: int, question_id: str, field: str, key: str,
                model=None) -> None:
    """Save the field; then, for the story, why and feeling, label the answer with the model."""
    value = st.session_state.get(key, "")
    _attempt(key, lambda: store.save_answer_field(user, interview_id, question_id, field, value))
    if model is not None and field != "notes" and Keys.failed(key) not in st.session_state:
        try:
            label_answer(store, model, user, interview_id, question_id)
        except (StoreError, ModelError) as exc:
            # The answer is saved; only the advisory label is missing, and the next save retries it.
            st.session_state[Keys.failed(key)] = f"Saved, but not labelled: {exc}"


def save_rating(store: Store, user: User, interview_id: int, question_id: str, key: str) -> None:
    value = st.session_state.get(key)
    _attempt(key, lambda: store.save_rating(user, interview_id, question_id, value))


def save_recommendation(store: Store, user: User, interview_id: int, key: str) -> None:
    value = st.session_state.get(key)
    _attempt(key, lambda: store.save_recommendation(user, interview_id, value))


def save_recommendation_note(store: Store, user: User, interview_id: int, key: str) -> None:
    value = st.session_state.get(key, "")
    _attempt(key, lambda: store.save_recommendation_note(user, interview_id, value))


def status_line(key: str, stored_text: str | None, limit: int | None = None) -> None:
    """The visible 'saved' mark (or the reason it is not saved) under a field, and a word at the length limit.

    Everything goes into one container, always present: a mark that appears after the first save must not
    shift the fields below it, or the browser remounts them and drops what is being typed into them.
    """
    box = st.container()
    failed = st.session_state.get(Keys.failed(key))
    if failed:
        box.error(failed, icon=":material/error:")
    elif Keys.saved(key) in st.session_state:
        box.caption(st.session_state[Keys.saved(key)])
    elif stored_text:
        box.caption("✓ Saved")
    if limit is not None and len(st.session_state.get(key) or stored_text or "") >= limit:
        box.warning(f"This field is full: {limit:,} characters is its limit, and the browser does not accept more. "
                   "Everything shown here is saved; carry on in the notes.", icon=":material/warning:")


def review(store: Store, user: User, interview_id: int, question_id: str, action: str,
           label_key: str | None = None, reason_key: str | None = None) -> None:
    """Confirm or override the model's label; the store keeps who, when, why and the original output."""
    key = Keys.review(interview_id, question_id)
    label = st.session_state.get(label_key) if label_key else None
    reason = st.session_state.get(reason_key, "") if reason_key else ""
    try:
        store.review_label(user, interview_id, question_id, action=action, label=label, reason=reason)
    except StoreError as exc:
        st.session_state[Keys.failed(key)] = str(exc)
    else:
        st.session_state.pop(Keys.failed(key), None)
        if reason_key:
            st.session_state.pop(reason_key, None)

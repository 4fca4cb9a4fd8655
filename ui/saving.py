"""Save callbacks for the interview page.

Answers hand over their text while typed, the rest on blur; Streamlit calls these before the
script reruns. A save that fails because the database is unreachable is kept in
session state (as plain values: what to write where, never a closure over the store)
and retried on every run until it lands, so a hiccup never costs what the interviewer
typed; so is one refused because the sign-in ended elsewhere, until the same person signs
in again. A save over text another device saved meanwhile is not applied (the store
raises EditConflict) and the field offers keep mine, keep theirs or merge. A save the
store refuses for any other reason (too long, read-only) shows its reason and leaves the
saved text untouched. Answers are saved through `analysis.labelling`, which relabels
them: the rule lives in the domain, not here.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from analysis import labelling
from analysis.motivation import MotivationModel
from data.errors import AuthError, EditConflict, StoreError, StoreUnavailable
from data.records import User
from data.store import Store
from ui.components import autosave
from ui.render import md_escape, saved_mark
from ui.state import Keys


def _pending() -> dict[str, dict]:
    return st.session_state.setdefault(Keys.PENDING_SAVES, {})


def _write(store: Store, user: User, model: MotivationModel | None, save: dict) -> tuple[datetime, str | None]:
    """Perform one save described by plain values; returns when it was stored and any labelling failure."""
    iid, kind, value = save["interview"], save["kind"], save["value"]
    if kind == "answer":  # the interview page always passes its model with an answer
        saved = labelling.save_answer(store, model, user, iid, save["question"], save["field"], value,
                                      base_text=save.get("base"), base_revision=save.get("base_revision"),
                                      resolving=save.get("resolving", False))
        return saved.answer.updated_at, saved.label_error
    if kind == "rating":
        return store.save_rating(user, iid, save["question"], value), None
    if kind == "recommendation":
        return store.save_recommendation(user, iid, value), None
    return store.save_recommendation_note(user, iid, value), None


def _attempt(store: Store, user: User, model: MotivationModel | None, key: str, save: dict) -> None:
    try:
        stamp, label_error = _write(store, user, model, save)
    except StoreUnavailable as exc:
        # The store's message says what is wrong (down, read-only, full, damaged) and what to do.
        _pending()[key] = save
        st.session_state[Keys.failed(key)] = (
            f"Not saved yet: {exc} Your text is kept here and will be saved on the next action."
        )
        return
    except EditConflict as exc:
        _pending().pop(key, None)
        st.session_state[Keys.conflict(key)] = {"mine": exc.mine, "theirs": exc.theirs}
        st.session_state[Keys.failed(key)] = str(exc)
        return
    except AuthError as exc:
        # Signed out, reset or deactivated elsewhere since the page was drawn: the store refused the write.
        # Keep it (as plain values) so signing in again in this tab saves it; the field itself is gone
        # from the screen once the sign-in form replaces the page.
        _pending()[key] = save
        st.session_state[Keys.failed(key)] = f"Not saved: {exc} Your text is kept and is saved when you sign in again."
        return
    except StoreError as exc:
        _pending().pop(key, None)
        st.session_state[Keys.failed(key)] = f"Not saved: {exc}"
        return
    _pending().pop(key, None)
    st.session_state.pop(Keys.conflict(key), None)
    if save["kind"] == "answer":
        st.session_state[Keys.base(key)] = save["value"]
    if label_error:
        # The answer is saved; only the advisory label is missing, and the next save retries it.
        st.session_state[Keys.failed(key)] = f"Saved, but not labelled: {label_error}"
    else:
        st.session_state.pop(Keys.failed(key), None)
    st.session_state[Keys.saved(key)] = saved_mark(stamp)


def retry_pending(store: Store, user: User, model: MotivationModel) -> None:
    """Retry every save of this user's that could not reach the database earlier."""
    for key, save in list(_pending().items()):
        if save["user"] == user.id:
            _attempt(store, user, model, key, save)


def _save(store: Store, user: User, model: MotivationModel | None, key: str, kind: str, interview_id: int,
          question_id: str | None = None, field: str | None = None, default: object = None, *,
          value: object = None, resolving: bool = False) -> None:
    sent = (st.session_state.get(Keys.box(key)) or {}).get("sent") or {}  # what the browser's field last sent
    save = {"kind": kind, "user": user.id, "interview": interview_id, "question": question_id, "field": field,
            "value": st.session_state.get(key, default) if value is None else value,
            "base": st.session_state.get(Keys.base(key)), "resolving": resolving,
            "base_revision": sent.get("base") if isinstance(sent.get("base"), int) else None}
    _attempt(store, user, model, key, save)


def save_answer(store: Store, user: User, interview_id: int, question_id: str, field: str, key: str,
                model: MotivationModel) -> None:
    """Save the field; for the story, the why and the feeling the domain also relabels the answer."""
    _save(store, user, model, key, "answer", interview_id, question_id, field, default="")


def resolve_conflict(store: Store, user: User, interview_id: int, question_id: str, field: str, key: str,
                     model: MotivationModel, choice: str) -> None:
    """After a conflict: keep this tab's text ("mine"), the other device's ("theirs"), or both ("merge").

    Keeping mine or merging saves over the other text, which the store keeps in the field's history;
    keeping theirs saves nothing (this tab's text is already in the history). Either way the field in
    the browser then shows the text chosen.
    """
    clash = st.session_state.get(Keys.conflict(key))
    if not clash:
        return
    st.session_state[Keys.base(key)] = clash["theirs"]
    text = {"theirs": clash["theirs"], "mine": clash["mine"]}.get(choice, f"{clash['theirs']}\n\n{clash['mine']}")
    autosave.put_text(key, text)
    if choice == "theirs":
        st.session_state.pop(Keys.conflict(key), None)
        st.session_state.pop(Keys.failed(key), None)
        return
    _save(store, user, model, key, "answer", interview_id, question_id, field, value=text, resolving=True)


def save_rating(store: Store, user: User, interview_id: int, question_id: str, key: str) -> None:
    _save(store, user, None, key, "rating", interview_id, question_id)


def save_recommendation(store: Store, user: User, interview_id: int, key: str) -> None:
    _save(store, user, None, key, "recommendation", interview_id)


def save_recommendation_note(store: Store, user: User, interview_id: int, key: str) -> None:
    _save(store, user, None, key, "recommendation_note", interview_id, default="")


def status_line(key: str, stored_text: str | None, limit: int | None = None, *, mark: bool = True) -> None:
    """The visible 'saved' mark (or the reason it is not saved) under a field, and a word at the length limit.

    Everything goes into one container, always present: a mark that appears after the first save must not
    shift the fields below it, or the browser remounts them and drops what is being typed into them.
    `mark=False` leaves the mark to a field that shows its own (the answer fields: only the browser
    knows whether the text on screen is the text saved).
    """
    box = st.container()
    failed = st.session_state.get(Keys.failed(key))
    if failed:
        box.error(md_escape(failed), icon=":material/error:")
    elif mark and Keys.saved(key) in st.session_state:
        box.caption(st.session_state[Keys.saved(key)])
    elif mark and stored_text:
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

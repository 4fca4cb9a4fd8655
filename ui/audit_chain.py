"""The Audit page's pieces: the line on the log's hash chain, and the entries as a person reads them.

The chain line says verified up to which entry, or broken at which one.
Walking the chain reads and hashes every entry (one to three seconds per 100,000), so a check is
kept for a few minutes per database and person, and the button checks again at once. The
line names the last entry it covered, so entries added since are never claimed as checked.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from data.audit import action_name, record_name
from data.chain import ChainState
from data.records import AuditEntry, User
from data.store import Store, utcnow
from ui import refusal
from ui.render import EMPTY_CELL
from ui.state import Keys

CHECK_EVERY_SECONDS = 300


@st.cache_data(ttl=CHECK_EVERY_SECONDS, max_entries=64, show_spinner="Checking the audit log's hash chain ...")
def _checked(_store: Store, _user: User, database_url: str, user_id: int) -> tuple[ChainState, datetime]:
    return _store.audit_chain(_user), utcnow()


def chain_state(store: Store, user: User) -> None:
    """Show the chain's state; a refusal (the person may not read the log) stops the page."""
    if st.button("Check the chain again", key=Keys.AUD_VERIFY):
        _checked.clear()
    with refusal.shown(stop=True):
        state, when = _checked(store, user, store.settings.database_url, user.id)
    line = f"{state.summary()} Checked at {when:%H:%M:%S} UTC."
    (st.success if state.intact else st.error)(line)


def entries_table(store: Store, user: User, entries: list[AuditEntry]) -> None:
    """One page of entries: readable actions, and each record by the name it has now (looked up, never logged)."""
    names = store.audit_record_names(user, entries)
    st.dataframe(
        pd.DataFrame([{"When (UTC)": e.at, "Who": e.actor, "Action": action_name(e.action),
                       "Record": record_name(e, names), "Detail": ", ".join(f"{k}: {v}" for k, v in e.detail.items()),
                       "Code": e.action} for e in entries],
                     columns=["When (UTC)", "Who", "Action", "Record", "Detail", "Code"]),
        placeholder=EMPTY_CELL, hide_index=True, width="stretch",
        column_config={"When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
                       "Record": st.column_config.TextColumn(width="medium")},
    )

"""Audit log (administrators and HR): who did what, when, to which record. Read and export only."""

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from analysis.privacy import audit_csv, audit_xlsx
from ui import refusal
from ui.audit_chain import chain_state
from ui.navigation import open_page
from ui.state import Keys
from ui.render import EMPTY_CELL

PAGE_SIZE = 200
EXPORT_LIMIT = 100_000

user, _, store = open_page(__file__)

st.title("Audit log")
st.caption("Append-only: sign-ins, changes, label overrides, exports, imports, erasures and role changes. "
           "Entries hold ids and counts, never a candidate's words. Times are UTC.")
chain_state(store, user)  # each entry's hash covers the one before it (data/chain.py)
actions, actors = store.audit_vocabulary(user)
families = sorted({a.split(".")[0] + "." for a in actions})
c1, c2, c3, c4 = st.columns(4)
action = c1.selectbox("Action", ["", *families, *actions], key=Keys.AUD_ACTION,
                      format_func=lambda a: "any" if not a else (f"{a}*" if a.endswith(".") else a))
who = c2.selectbox("Who", ["", *actors], key=Keys.AUD_ACTOR, format_func=lambda a: a or "anyone")
entity = c3.selectbox("Record type", ["", "candidate", "interview", "position", "user", "model", "export"],
                      key=Keys.AUD_ENTITY, format_func=lambda e: e or "any")
entity_id = c4.number_input("Record id", min_value=0, value=None, step=1, key=Keys.AUD_ENTITY_ID,
                            placeholder="any")
d1, d2 = st.columns(2)
since = d1.date_input("From (inclusive)", value=None, key=Keys.AUD_SINCE)
until = d2.date_input("To (inclusive)", value=None, key=Keys.AUD_UNTIL)
if since and until and since > until:
    st.error("The start date is after the end date.")
    st.stop()
filters = dict(
    action=action, who=who, entity=entity, entity_id=int(entity_id) if entity_id is not None else None,
    since=datetime.combine(since, time.min) if since else None,
    until=datetime.combine(until, time.min) + timedelta(days=1) if until else None,
)
described = ", ".join(f"{k}={v}" for k, v in filters.items() if v not in (None, "")) or "none"
with refusal.shown(stop=True):
    _, total = store.audit_entries(user, limit=1, **filters)
    pages = max(1, -(-total // PAGE_SIZE))
    page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1, key=Keys.AUD_PAGE)
    entries, total = store.audit_entries(user, limit=PAGE_SIZE, offset=(int(page) - 1) * PAGE_SIZE, **filters)

st.write(f"{total:,} matching entries.")
st.dataframe(
    pd.DataFrame([{"When (UTC)": e.at, "Who": e.actor, "Action": e.action, "Record": e.entity,
                   "Id": e.entity_id, "Detail": ", ".join(f"{k}: {v}" for k, v in e.detail.items())}
                  for e in entries], columns=["When (UTC)", "Who", "Action", "Record", "Id", "Detail"]),
    placeholder=EMPTY_CELL, hide_index=True, width="stretch",
    column_config={"When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
)

st.subheader("Export")
if total > EXPORT_LIMIT:
    st.warning(f"Exports hold the newest {EXPORT_LIMIT:,} matching entries; narrow the filters for older ones.")


def _export(fmt: str):
    def build() -> bytes:  # runs when the button is clicked, so the export is logged when it happens
        everything, _ = store.audit_entries(user, limit=EXPORT_LIMIT, **filters)
        store.record_export(user, "audit_log", format=fmt, entries=len(everything), filters=described)
        return audit_csv(user, everything) if fmt == "csv" else audit_xlsx(user, everything, filters=described)
    return build


left, right = st.columns(2)
left.download_button("Download CSV", _export("csv"), file_name="motive-audit-log.csv", mime="text/csv",
                     key=Keys.AUD_CSV)
right.download_button("Download Excel", _export("xlsx"), file_name="motive-audit-log.xlsx", key=Keys.AUD_XLSX,
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

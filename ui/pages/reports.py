"""Reports (HR): the Excel workbook for one position, one candidate, or everything within the filters."""

import streamlit as st

from analysis.report import build_report
from data.records import LIMITS, CANDIDATE_STATUSES
from ui.navigation import open_page
from ui.render import md_escape
from ui.state import Keys

user, _, store = open_page(__file__)

st.title("Excel reports")
st.caption("Every report lists submitted interviews only and carries the notice that motivation labels are advisory.")
positions = {p.id: p for p in store.list_positions()}
scope = st.radio("Report on", ["One position", "One candidate", "Everything within the filters"], horizontal=True,
                 key=Keys.REP_SCOPE)
position_id = candidate_ids = statuses = None
if scope == "One position":
    if not positions:
        st.info("No positions yet.")
        st.stop()
    position_id = st.selectbox("Position", list(positions), format_func=lambda i: positions[i].name,
                               key=Keys.REP_POSITION)
    label = positions[position_id].name
elif scope == "One candidate":
    search = st.text_input("Find the candidate (name or email)", key=Keys.REP_SEARCH, max_chars=LIMITS["search"])
    found = {c.id: c for c in store.list_candidates(user, search=search, limit=50)}
    if not found:
        st.info("No candidate matches.")
        st.stop()
    cid = st.selectbox("Candidate", list(found), key=Keys.REP_CANDIDATE,
                       format_func=lambda i: f"{found[i].name} · {found[i].position_name}")
    candidate_ids, label = [cid], found[cid].name
else:
    statuses = st.multiselect("Candidate status", CANDIDATE_STATUSES, default=list(CANDIDATE_STATUSES),
                              key=Keys.REP_STATUS)
    label = f"all candidates with status {', '.join(statuses) or 'none'}"


def _workbook() -> bytes:
    """Built when the button is clicked, so the export is logged when it happens and no workbook is kept."""
    data = build_report(store, user, position_id=position_id, candidate_ids=candidate_ids, statuses=statuses,
                        filters=label)
    store.record_export(user, "report", scope=scope, position_id=position_id, candidate_ids=candidate_ids,
                        statuses=statuses)
    return data


st.download_button(f"Download the report: {md_escape(label)}", _workbook, file_name="motive-report.xlsx",
                   key=Keys.REP_DOWNLOAD, type="primary",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

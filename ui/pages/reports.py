"""Reports (HR): the Excel workbook for one position, one candidate, or every candidate within the filters."""

from datetime import datetime, timezone

import streamlit as st

from analysis.report import ReportScope, build_report, describe, report_file_name
from data.records import LIMITS
from ui.navigation import open_page
from ui.render import md_escape
from ui.state import Keys

ONE_POSITION, ONE_CANDIDATE, FILTERED = "One position", "One candidate", "Everything within the filters"

user, config, store = open_page(__file__)

st.title("Excel reports")
st.caption("The Candidates sheet lists every candidate in scope, interviewed or not; scores, answers and ratings "
           "come from submitted interviews only. Every report carries the notice that motivation labels are advisory.")
positions = {p.id: p.name for p in store.list_positions()}
scope_kind = st.radio("Report on", [ONE_POSITION, ONE_CANDIDATE, FILTERED], horizontal=True, key=Keys.REP_SCOPE)
names: dict[int, str] = {}
if scope_kind == ONE_CANDIDATE:
    search = st.text_input("Find the candidate (name or email)", key=Keys.REP_SEARCH, max_chars=LIMITS["search"])
    found = {c.id: c for c in store.list_candidates(user, search=search, limit=50)}
    if not found:
        st.info("No candidate matches.")
        st.stop()
    cid = st.selectbox("Candidate", list(found), key=Keys.REP_CANDIDATE,
                       format_func=lambda i: f"{found[i].name} · {found[i].position_name}")
    scope, names = ReportScope(candidate_ids=(cid,)), {cid: found[cid].name}
else:
    if not positions:
        st.info("No positions yet.")
        st.stop()
    if scope_kind == ONE_POSITION:
        chosen = (st.selectbox("Position", list(positions), format_func=positions.get, key=Keys.REP_POSITION),)
    else:
        chosen = tuple(st.multiselect("Positions", list(positions), format_func=positions.get,
                                      key=Keys.REP_POSITIONS, placeholder="every position")) or None
    f1, f2 = st.columns(2)
    every = config.stages.keys
    stages = f1.multiselect("Stage", every, default=list(every), format_func=config.stages.name, key=Keys.REP_STATUS)
    added = f2.date_input("Added between", value=(), key=Keys.REP_ADDED, format="YYYY-MM-DD",
                          help="Leave empty for any day.")
    added = tuple(added) if isinstance(added, (tuple, list)) else (added,)
    scope = ReportScope(position_ids=chosen, stages=tuple(stages), all_stages=every,
                        added_from=added[0] if added else None, added_to=added[1] if len(added) > 1 else None)

label = describe(scope, positions, names)
file_name = report_file_name(scope, positions, datetime.now(timezone.utc).date())


def _workbook() -> bytes:
    """Built when the button is clicked, so the export is logged when it happens and no workbook is kept."""
    data = build_report(store, user, scope)
    store.record_export(user, "report", scope=scope_kind, file=file_name, position_ids=scope.position_ids,
                        candidate_ids=scope.candidate_ids, statuses=scope.stages,
                        added_from=str(scope.added_from or ""), added_to=str(scope.added_to or ""))
    return data


# The button's key is the scope's file name: a button made for another scope never stands in for this one.
st.download_button(f"Download the report: {md_escape(label)}", _workbook, file_name=file_name,
                   key=Keys.rep_download(file_name), type="primary",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
st.caption(f"Saved as {md_escape(file_name)}")

"""Candidates: find or add a candidate and a position, and start or resume an interview."""

import pandas as pd
import streamlit as st

from data.access import allowed
from data.records import LIMITS
from ui import intake, refusal, resources
from ui.navigation import open_page
from ui.state import Keys, show_flash

user, config, store = open_page(__file__)
kits = resources.kits(config)

st.title("Candidates")
show_flash()
positions = store.list_positions()
by_id = {p.id: p for p in positions}

left, right = st.columns([2, 1])
with left:
    pos_filter = st.selectbox(
        "Position", [None, *by_id], format_func=lambda pid: "All positions" if pid is None else by_id[pid].name,
        key=Keys.CAND_POSITION_FILTER,
    )
with right:
    search = st.text_input("Search name or email", key=Keys.CAND_SEARCH, max_chars=LIMITS["search"])

found = store.list_candidates(user, position_id=pos_filter, search=search, limit=200)
if found:
    st.dataframe(
        pd.DataFrame(
            [{"Name": c.name, "Email": c.email or "", "Position": c.position_name, "Status": c.status,
              "Added": c.created_at.strftime("%Y-%m-%d")} for c in found]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(f"Showing {len(found)} most recent" + (" (narrow the search to see others)" if len(found) == 200 else ""))
else:
    st.info("No candidates match. Add one below." if positions else "Add a position first, then its candidates.")

if allowed(user.role, "interviews.review") and found:
    st.subheader("Motivation profile")
    shown = {c.id: c for c in found}
    who = st.selectbox("Candidate", list(shown), key=Keys.CAND_PROFILE,
                       format_func=lambda cid: f"{shown[cid].name} · {shown[cid].position_name}")
    st.page_link("ui/pages/candidate.py", label="Every scorecard in full", query_params={"candidate": str(who)})
    profile = store.motivation_profile(user, who)
    if not any(profile["total"].values()):
        st.info("No labelled answers yet for this candidate.")
    else:
        rows = [{"Interviewer": name, **counts} for name, counts in sorted(profile["by_interviewer"].items())]
        rows.append({"Interviewer": "All interviewers", **profile["total"]})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption("Answers per stated-motive label, using the interviewer's confirmed or overridden label where "
                   "there is one. Advisory: read the answers, not only the counts.")

if allowed(user.role, "interviews.conduct") and found:
    st.subheader("Interview a candidate")
    cands = {c.id: c for c in found}
    pick = st.selectbox(
        "Candidate", list(cands), format_func=lambda cid: f"{cands[cid].name} · {cands[cid].position_name}",
        key=Keys.CAND_PICK,
    )
    kit_id = st.selectbox("Interview kit", list(kits), format_func=lambda k: kits[k].label, key=Keys.CAND_KIT)
    if st.button("Start or resume interview", type="primary", key=Keys.CAND_START):
        with refusal.shown():
            iid = store.start_interview(user, pick, kits[kit_id])
            st.switch_page("ui/pages/interview.py", query_params={"interview": str(iid)})

if allowed(user.role, "candidates.write"):
    add_c, add_p = st.columns(2)
    with add_c:
        intake.add_candidate(store, user, by_id)
    with add_p:
        intake.add_position(store, user)

"""Candidates: find, page through, move between stages, add and correct candidates and positions."""

import pandas as pd
import streamlit as st

from data.access import allowed
from ui import hiring, intake, refusal, resources
from ui.navigation import open_page
from ui.render import EMPTY_CELL
from ui.state import Keys, show_flash

user, config, store = open_page(__file__)
kits = resources.kits(config)
stages = config.stages

st.title("Candidates")
show_flash()
positions = store.list_positions()
by_id = {p.id: p for p in positions}

wanted = hiring.filters(stages, by_id)
total = store.count_candidates(user, **wanted.query)
offset = hiring.page_offset(wanted, total)
found = store.list_candidates(user, **wanted.query, order=wanted.order, offset=offset, limit=hiring.PAGE_SIZE)
if found:
    hiring.table(found, stages, total, offset, links=allowed(user.role, "interviews.review"))
elif not positions:
    st.info("Add a position first, then its candidates.")
else:
    st.info("No candidates match these filters." if store.count_candidates(user) else "No candidates yet. Add one below.")

if allowed(user.role, "candidates.stage") and found:
    hiring.move(store, user, found, stages)

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
        st.dataframe(pd.DataFrame(rows), placeholder=EMPTY_CELL, hide_index=True, width="stretch")
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
    if found:
        hiring.edit_candidate(store, user, found)
if allowed(user.role, "positions.manage") and positions:
    hiring.edit_position(store, user, by_id)

"""Candidates: find or add a candidate and a position, and start or resume an interview."""

import pandas as pd
import streamlit as st

from data.access import allowed
from data.errors import StoreError
from data.records import LIMITS
from ui import auth, resources
from ui.render import md_escape
from ui.state import Keys, flash, reset, show_flash

user = auth.require("candidates.view")
config = resources.settings()
store = resources.store(config)
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
        try:
            iid = store.start_interview(user, pick, kits[kit_id])
        except StoreError as exc:
            st.error(str(exc))
        else:
            st.switch_page("ui/pages/interview.py", query_params={"interview": str(iid)})

if allowed(user.role, "candidates.write"):
    add_c, add_p = st.columns(2)
    with add_c, st.form("new_candidate"):
        st.subheader("Add a candidate")
        name = st.text_input("Full name", key=Keys.NEW_CAND_NAME, max_chars=LIMITS["candidate_name"])
        email = st.text_input("Email (optional)", key=Keys.NEW_CAND_EMAIL, max_chars=LIMITS["email"])
        pos = st.selectbox(
            "Position", list(by_id), format_func=lambda pid: by_id[pid].name, key=Keys.NEW_CAND_POSITION,
            index=None, placeholder="Choose a position",
        )
        if st.form_submit_button("Add candidate", key=Keys.NEW_CAND_SUBMIT):
            if pos is None:
                st.error("Choose a position (or add one first).")
            else:
                try:
                    c = store.add_candidate(user, pos, name, email)
                except StoreError as exc:
                    st.error(str(exc))
                else:
                    flash(f"Added {md_escape(c.name)} for {md_escape(c.position_name)}.")
                    reset(Keys.NEW_CAND_NAME, Keys.NEW_CAND_EMAIL)
                    st.rerun()
    with add_p, st.form("new_position"):
        st.subheader("Add a position")
        pname = st.text_input("Position name", key=Keys.NEW_POS_NAME, max_chars=LIMITS["position_name"])
        pdesc = st.text_area("Description (optional)", key=Keys.NEW_POS_DESC, max_chars=LIMITS["position_description"])
        if st.form_submit_button("Add position", key=Keys.NEW_POS_SUBMIT):
            try:
                p = store.create_position(user, pname, pdesc)
            except StoreError as exc:
                st.error(str(exc))
            else:
                flash(f"Added the position {md_escape(p.name)}.")
                reset(Keys.NEW_POS_NAME, Keys.NEW_POS_DESC)
                st.rerun()

"""The Assignments page's pieces: the panel table, assigning, unassigning and reopening for a correction."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.access import allowed
from data.records import LIMITS, Assignment, Candidate, Interview, InterviewStatus, User
from data.stages import Stages
from data.store import Store
from rubric import Rubric
from ui import refusal
from ui.render import EMPTY_CELL, md_escape, plural
from ui.state import Keys, clear, flash


def table(cands: list[Candidate], rows: list[Assignment], kits: dict[str, Rubric], stages: Stages) -> None:
    """Every candidate of the position with each assigned interviewer; a candidate nobody has yet, once."""
    panel: dict[int, list[Assignment]] = {}
    for a in rows:
        panel.setdefault(a.candidate_id, []).append(a)
    out = []
    for c in cands:
        for a in panel.get(c.id) or [None]:
            out.append({"Candidate": c.name, "Stage": stages.name(c.status),
                        "Interviewer": a.interviewer_name if a else "(nobody yet)",
                        "Kit": (kits[a.kit_id].label if a.kit_id in kits else a.kit_id or "Interviewer's choice")
                        if a else "",
                        "Assigned": a.assigned_at.strftime("%Y-%m-%d") if a else "",
                        "State": a.state if a else "", "Overdue": "overdue" if a and a.overdue else ""})
    st.dataframe(pd.DataFrame(out), placeholder=EMPTY_CELL, hide_index=True, width="stretch")
    st.caption(f"{plural(len(cands), 'candidate')}, {plural(len(rows), 'assignment')}, "
               f"{sum(a.overdue for a in rows):,} overdue.")


def assign_form(store: Store, user: User, cands: list[Candidate], kits: dict[str, Rubric]) -> None:
    people = {u.id: u.username for u in store.interviewers(user)}
    by_id = {c.id: c for c in cands}
    with st.form("assign"):
        st.subheader("Assign interviewers")
        cid = st.selectbox("Candidate", list(by_id), key=Keys.ASG_CANDIDATE, index=None,
                           placeholder="Choose a candidate", format_func=lambda i: by_id[i].name)
        who = st.multiselect("Interviewers", list(people), key=Keys.ASG_INTERVIEWERS, format_func=people.get)
        kit_id = st.selectbox("Kit", [None, *kits], key=Keys.ASG_KIT,
                              format_func=lambda k: "The interviewer chooses" if k is None else kits[k].label)
        if st.form_submit_button("Assign", type="primary", key=Keys.ASG_SUBMIT):
            if cid is None:
                st.error("Choose a candidate.")
                return
            with refusal.shown():
                added = store.assign_interviewers(user, cid, who, kit_id)
                already = len(who) - added
                flash(f"Assigned {plural(added, 'interviewer')} to {md_escape(by_id[cid].name)}"
                      + (f"; {plural(already, 'was', 'were')} already." if already else "."))
                clear(Keys.ASG_INTERVIEWERS)
                st.rerun()


def unassign_form(store: Store, user: User, rows: list[Assignment]) -> None:
    removable = {a.id: a for a in rows if a.interview_status != InterviewStatus.SUBMITTED}
    if not removable:
        return
    st.subheader("Unassign")
    aid = st.selectbox("Assignment", list(removable), key=Keys.ASG_UNASSIGN_PICK,
                       format_func=lambda i: f"{removable[i].interviewer_name} · {removable[i].candidate_name} "
                                             f"({removable[i].state})")
    if st.button("Unassign", key=Keys.ASG_UNASSIGN):
        a = removable[aid]
        with refusal.shown():
            store.unassign(user, a.candidate_id, a.interviewer_id)
            flash(f"{md_escape(a.interviewer_name)} is no longer assigned to {md_escape(a.candidate_name)}.")
            st.rerun()


def reopen_form(store: Store, user: User, submitted: list[Interview]) -> None:
    """HR's way to open a submitted interview again for its interviewer to correct, with a reason."""
    if not allowed(user.role, "interviews.reopen") or not submitted:
        return
    by_id = {iv.id: iv for iv in submitted}
    with st.container(border=True):
        st.subheader("Reopen for a correction")
        st.caption("The interviewer can then change it; every change is kept as a revision, and it counts in "
                   "no score until they submit it again.")
        iid = st.selectbox("Submitted interview", list(by_id), key=Keys.ASG_REOPEN_PICK,
                           format_func=lambda i: f"{by_id[i].candidate_name} · {by_id[i].interviewer_name}")
        reason = st.text_area("Why it needs a correction", key=Keys.ASG_REOPEN_REASON,
                              max_chars=LIMITS["interview_reason"])
        sure = st.checkbox("Yes, reopen this interview", key=Keys.ASG_REOPEN_CONFIRM)
        if st.button("Reopen for a correction", key=Keys.ASG_REOPEN, disabled=not sure):
            with refusal.shown():
                store.reopen_interview(user, iid, reason)
                flash(f"Reopened {md_escape(by_id[iid].interviewer_name)}'s interview of "
                      f"{md_escape(by_id[iid].candidate_name)} for a correction.")
                clear(Keys.ASG_REOPEN_REASON, Keys.ASG_REOPEN_CONFIRM)
                st.rerun()

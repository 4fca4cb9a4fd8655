"""Home's list of the interviews a recruiter assigned to the signed-in interviewer, each with its way in."""

from __future__ import annotations

import streamlit as st

from data.records import Assignment, InterviewStatus, User
from data.settings import Settings
from data.store import Store
from rubric import Rubric
from ui import refusal
from ui.render import md_escape, plural
from ui.state import Keys

INTERVIEW_PAGE = "ui/pages/interview.py"
SUBMITTED_SHOWN = 20  # the queue keeps the still-open ones and the most recently assigned submitted ones


def assigned(store: Store, user: User, config: Settings, kits: dict[str, Rubric]) -> set[int]:
    """Show the queue, oldest assignment first; returns the ids of the interviews it showed."""
    queue = store.assignments(user)
    st.subheader("Assigned to you")
    if not queue:
        st.info("Nobody has assigned you an interview yet.")
        return set()
    waiting = sum(a.interview_status != InterviewStatus.SUBMITTED for a in queue)
    late = sum(a.overdue for a in queue)
    st.caption(f"{waiting} of {len(queue)} still to do" + (f", {late} overdue" if late else "")
               + f" (due {plural(config.assignment_due_days, 'day')} after assignment).")
    pick_kit = [a for a in queue if a.interview_id is None and a.kit_id is None]
    kit_id = next(iter(kits), None)
    if pick_kit and len(kits) > 1:
        kit_id = st.selectbox("Kit for interviews assigned without one", list(kits), key=Keys.HOME_KIT,
                              format_func=lambda k: kits[k].label)
    done = [a for a in queue if a.interview_status == InterviewStatus.SUBMITTED]
    shown = [a for a in queue if a.interview_status != InterviewStatus.SUBMITTED] + done[-SUBMITTED_SHOWN:]
    for a in shown:
        row(store, user, a, kits.get(a.kit_id) if a.kit_id else kits.get(kit_id))
    return {a.interview_id for a in shown if a.interview_id is not None}


def row(store: Store, user: User, a: Assignment, kit: Rubric | None) -> None:
    with st.container(border=True):
        text_col, go_col = st.columns([4, 1], vertical_alignment="center")
        text_col.markdown(f"**{md_escape(a.candidate_name)}** · {md_escape(a.position_name)}")
        text_col.caption(f"Assigned {a.assigned_at:%Y-%m-%d} · {a.state.capitalize()}"
                         + (" · :red[Overdue]" if a.overdue else ""))
        if a.interview_id is not None and a.interview_status != InterviewStatus.WITHDRAWN:
            go_col.page_link(INTERVIEW_PAGE, label="Open" if a.interview_status == InterviewStatus.SUBMITTED
                             else "Continue", icon=":material/play_arrow:",
                             query_params={"interview": str(a.interview_id)})
        elif go_col.button("Resume" if a.interview_id else "Start", key=Keys.start_assigned(a.id), type="primary"):
            with refusal.shown():
                iid = store.start_interview(user, a.candidate_id, kit)
                st.switch_page(INTERVIEW_PAGE, query_params={"interview": str(iid)})

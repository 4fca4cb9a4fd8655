"""Each role's home: what needs them, and what changed since their previous sign-in, with the way to it.

Recruiters and HR see the open positions by stage, who waits for an interviewer or an interview, and
the stage moves and submitted interviews since their last visit; HR also what the privacy duties and
the fairness screening ask of them; administrators the accounts and the model. Names are shown as
table cells or escaped text, never as Markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.access import allowed
from data.records import InterviewStatus, ModelStatus, User
from data.stages import Stages
from data.store import Store
from ui.render import EMPTY_CELL, md_escape, plural

WHEN = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")


def _link(user: User, page: str, permission: str, label: str, icon: str) -> None:
    if allowed(user.role, permission):
        st.page_link(page, label=label, icon=icon)


def hiring(store: Store, user: User, stages: Stages) -> None:
    """The open positions, candidates by stage, and who waits for an interviewer or for an interview."""
    st.subheader("Open positions")
    positions = store.list_positions(open_only=True)
    if not positions:
        st.info("No open positions. Add one on the candidates page.")
        _link(user, "ui/pages/candidates.py", "candidates.view", "Go to candidates", ":material/group:")
        return
    counts = store.stage_counts(user)
    unassigned = store.unassigned(user)
    queue = [a for a in store.assignments(user) if a.interview_status != InterviewStatus.SUBMITTED]
    rows = [{"Position": p.name, **{stages.name(k): counts.get(p.id, {}).get(k, 0) for k in stages.keys},
             "No interviewer yet": unassigned.get(p.id, 0),
             "Interviews to submit": sum(a.position_id == p.id for a in queue),
             "Overdue": sum(a.position_id == p.id and a.overdue for a in queue)} for p in positions]
    st.dataframe(pd.DataFrame(rows), placeholder=EMPTY_CELL, hide_index=True, width="stretch")
    waiting, late = sum(unassigned.values()), sum(a.overdue for a in queue)
    st.caption(f"Candidates per stage. {plural(waiting, 'candidate')} in an open stage "
               f"{'has' if waiting == 1 else 'have'} no interviewer assigned; "
               f"{plural(len(queue), 'assigned interview')} not submitted yet"
               + (f", {late:,} overdue." if late else "."))
    left, mid, right = st.columns(3)
    with left:
        _link(user, "ui/pages/candidates.py", "candidates.view", "Candidates", ":material/group:")
    with mid:
        _link(user, "ui/pages/assignments.py", "interviews.assign", "Assign interviewers", ":material/assignment_ind:")
    with right:
        _link(user, "ui/pages/compare.py", "interviews.review", "Compare candidates", ":material/compare_arrows:")


def changes(store: Store, user: User, stages: Stages) -> None:
    """Stage moves and submitted interviews since the previous sign-in (or in the last week)."""
    since = store.previous_visit(user)
    c = store.changes_since(user, since)
    st.subheader(f"Since your last visit ({since:%Y-%m-%d %H:%M} UTC)" if since else "In the last week")
    st.write(f"{plural(c.moves, 'stage move')}, {plural(c.submitted, 'interview')} submitted, "
             f"{plural(c.added, 'candidate')} added.")
    if c.recent_moves:
        st.dataframe(pd.DataFrame([{
            "When": m.moved_at, "Candidate": m.candidate_name, "Position": m.position_name,
            "From": stages.name(m.from_stage) if m.from_stage else None, "To": stages.name(m.to_stage),
            "By": m.mover} for m in c.recent_moves]),
            placeholder=EMPTY_CELL, hide_index=True, width="stretch", column_config={"When": WHEN})
    if c.recent_submissions:
        st.dataframe(pd.DataFrame([{
            "Submitted": s.submitted_at, "Candidate": s.candidate_name, "Position": s.position_name,
            "Interviewer": s.interviewer_name} for s in c.recent_submissions]),
            placeholder=EMPTY_CELL, hide_index=True, width="stretch", column_config={"Submitted": WHEN})
    if len(c.recent_moves) < c.moves or len(c.recent_submissions) < c.submitted:
        st.caption("The most recent are listed; the Candidates page sorts by the latest stage change.")


def hr_duties(store: Store, user: User) -> None:
    """What the privacy duties, the fairness screening and imports ask of HR now."""
    st.subheader("Privacy and fairness")
    due = store.apply_retention(user, dry_run=True).total
    told, decided = store.self_id_coverage(user)
    last = store.last_import(user) if allowed(user.role, "candidates.import") else None
    a, b, c = st.columns(3)
    a.metric("Due for anonymisation", f"{due:,}", help="Candidates not hired whose position's retention period has "
             "passed; the next retention pass anonymises them.")
    b.metric("Self-identified", f"{told:,} of {decided:,}", help="Candidates with a recorded decision who gave their "
             "self-identification: the fairness screening can only read those.")
    c.metric("Last import", f"{last:%Y-%m-%d}" if last else "never")
    with a:
        _link(user, "ui/pages/privacy.py", "privacy.manage", "Privacy: retention, erasure, subject access",
              ":material/shield_person:")
    with b:
        _link(user, "ui/pages/fairness.py", "fairness", "Fairness", ":material/balance:")
    with c:
        _link(user, "ui/pages/imports.py", "candidates.import", "Import candidates", ":material/upload_file:")
    _link(user, "ui/pages/reports.py", "reports.export", "Reports", ":material/table_view:")
    _link(user, "ui/pages/audit.py", "audit.view", "Audit log", ":material/receipt_long:")


def administration(store: Store, user: User) -> None:
    """The accounts (by role, paused, deactivated) and the motivation model in use."""
    st.subheader("Accounts and model")
    accounts = store.list_users(user)
    active = [u for u in accounts if u.active]
    roles = sorted({u.role for u in active})
    paused = len(store.sign_in_pauses(user))
    versions = store.list_model_versions()
    waiting = [v.version for v in versions if v.status == ModelStatus.CANDIDATE]
    left, right = st.columns(2)
    left.metric("Active accounts", f"{len(active):,}")
    left.caption(", ".join(plural(sum(u.role == r for u in active), *(("HR", "HR") if r == "hr" else (r,))) for r in roles)
                 + f"; {len(accounts) - len(active):,} deactivated; {plural(paused, 'sign-in pause')}.")
    right.metric("Model in use", store.active_model_version() or "none")
    right.caption(f"{plural(len(waiting), 'retrained version')} waiting for review." if waiting
                  else "No retrained version is waiting for review.")
    with left:
        _link(user, "ui/pages/users.py", "users.manage", "Users", ":material/manage_accounts:")
    with right:
        _link(user, "ui/pages/model.py", "users.manage", "Model", ":material/model_training:")


def own_interviews(store: Store, user: User, listed: set[int]) -> None:
    """The signed-in interviewer's own interviews the assigned queue did not already show."""
    open_ones = [iv for iv in store.list_interviews(user, status="in_progress") if iv.id not in listed]
    if open_ones or not listed:
        st.subheader("Your other interviews in progress" if listed else "Your interviews in progress")
    if not open_ones and not listed:
        st.info("None open. Start one from the candidates page.")
    for iv in open_ones:
        st.page_link("ui/pages/interview.py", label=f"Resume: {md_escape(iv.candidate_name)} · "
                     f"{md_escape(iv.position_name)}", icon=":material/play_arrow:",
                     query_params={"interview": str(iv.id)})
    done = [iv for iv in store.list_interviews(user, status="submitted") if iv.id not in listed]
    if done:
        st.subheader("Submitted")
        for iv in done[:20]:
            st.page_link("ui/pages/interview.py", label=f"{md_escape(iv.candidate_name)} · "
                         f"{md_escape(iv.position_name)} (read-only)", icon=":material/task_alt:",
                         query_params={"interview": str(iv.id)})


def has_interviews(store: Store, user: User) -> bool:
    """Whether someone who may interview but mainly does other work has any interview to show."""
    return bool(store.assignments(user, interviewer_id=user.id) or store.list_interviews(user))

"""The Candidates page's hiring controls: the filtered, paged list, moving candidates between stages,
and correcting positions and candidates."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data.records import LIMITS, Candidate, Position, User
from data.stages import OTHER, Stages
from data.store import Store
from ui import refusal
from ui.render import EMPTY_CELL, md_escape, plural
from ui.state import Keys, clear, flash

PAGE_SIZE = 50
ORDERS = {"newest": "Newest first", "oldest": "Oldest first", "name": "Name A–Z", "stage changed": "Stage changed, latest first"}


@dataclass(frozen=True)
class Filters:
    """What the person asked the list for; `query` is what the store takes."""

    position_id: int | None
    stages: tuple[str, ...] | None
    search: str
    order: str

    @property
    def query(self) -> dict:
        return {"position_id": self.position_id, "stages": self.stages, "search": self.search}


def filters(stages: Stages, positions: dict[int, Position]) -> Filters:
    where, which, find, order = st.columns([2, 2, 2, 1])
    pid = where.selectbox("Position", [None, *positions], key=Keys.CAND_POSITION_FILTER,
                          format_func=lambda p: "All positions" if p is None else _position_label(positions[p]))
    chosen = which.multiselect("Stage", stages.keys, format_func=stages.name, key=Keys.CAND_STAGES,
                               placeholder="Any stage")
    search = find.text_input("Search name or email", key=Keys.CAND_SEARCH, max_chars=LIMITS["search"])
    sort = order.selectbox("Sort", list(ORDERS), format_func=ORDERS.get, key=Keys.CAND_ORDER)
    return Filters(pid, tuple(chosen) or None, search, sort)


def page_offset(f: Filters, total: int) -> int:
    """The offset of the page to show; back to page 1 whenever the filters change."""
    pages = max(1, -(-total // PAGE_SIZE))
    seen = (f.position_id, f.stages, f.search.strip().lower(), f.order)
    if st.session_state.get(Keys.CAND_FILTERS_SEEN) != seen:
        st.session_state[Keys.CAND_FILTERS_SEEN] = seen
        st.session_state[Keys.CAND_PAGE] = 1
    if st.session_state.get(Keys.CAND_PAGE, 1) > pages:
        st.session_state[Keys.CAND_PAGE] = pages
    if pages == 1:
        return 0
    page = st.columns(4)[0].number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1,
                                         key=Keys.CAND_PAGE)
    return (int(page) - 1) * PAGE_SIZE


def table(found: list[Candidate], stages: Stages, total: int, offset: int, *, links: bool) -> None:
    """The listed candidates; with `links`, each row opens the candidate's page (its link holds only the id)."""
    rows = pd.DataFrame([{"Name": c.name, "Email": c.email or "", "Position": c.position_name,
                          "Stage": stages.name(c.status), "In stage since": c.status_changed_at or c.created_at,
                          "Added": c.created_at, "Page": f"candidate?candidate={int(c.id)}"} for c in found])
    st.dataframe(
        rows if links else rows.drop(columns="Page"), placeholder=EMPTY_CELL, hide_index=True, width="stretch",
        column_config={"In stage since": st.column_config.DateColumn(format="YYYY-MM-DD"),
                       "Added": st.column_config.DateColumn(format="YYYY-MM-DD"),
                       "Page": st.column_config.LinkColumn("Scorecards", display_text="Open")},
    )
    st.caption(f"Showing {offset + 1:,}–{offset + len(found):,} of {plural(total, 'candidate')}.")


def move(store: Store, user: User, shown: list[Candidate], stages: Stages) -> None:
    """Move one or many of the listed candidates to a stage, with a reason from the stage's list."""
    st.subheader("Move candidates to a stage")
    by_id = {c.id: c for c in shown}
    everyone = st.checkbox(f"Everyone listed here ({len(shown)})", key=Keys.MOVE_ALL)
    who = list(by_id) if everyone else st.multiselect(
        "Candidates", list(by_id), key=Keys.MOVE_WHO, placeholder="Pick from the list above",
        format_func=lambda i: f"{by_id[i].name} · {by_id[i].position_name} · {stages.name(by_id[i].status)}")
    left, right = st.columns(2)
    to = left.selectbox("To stage", stages.keys, format_func=stages.name, index=None, key=Keys.MOVE_STAGE,
                        placeholder="Choose a stage")
    reason = right.selectbox("Reason", stages.reasons(to) if to else [], index=None, key=f"{Keys.MOVE_REASON}.{to}",
                             placeholder="Choose a reason" if to else "Choose a stage first")
    note = st.text_input(f"Note ({'required' if reason == OTHER else 'optional'}; kept in the candidate's history)",
                         max_chars=LIMITS["stage_note"], key=Keys.MOVE_NOTE)
    ready = bool(who and to and reason)
    if st.button(f"Move {plural(len(who), 'candidate')}" + (f" to {md_escape(stages.name(to))}" if to else ""),
                 disabled=not ready, type="primary", key=Keys.MOVE_SUBMIT):
        with refusal.shown():
            moved = store.move_candidates(user, who, to, reason, note)
            stayed = len(who) - moved
            flash(md_escape(f"Moved {plural(moved, 'candidate')} to {stages.name(to)}."
                            + (f" {plural(stayed, 'candidate was', 'candidates were')} already there." if stayed else "")))
            clear(Keys.MOVE_WHO, Keys.MOVE_ALL, Keys.MOVE_STAGE, f"{Keys.MOVE_REASON}.{to}", Keys.MOVE_NOTE)
            st.rerun()


def edit_position(store: Store, user: User, positions: dict[int, Position]) -> None:
    with st.expander("Edit, close or reopen a position"):
        pid = st.selectbox("Position", list(positions), index=None, key=Keys.EDIT_POS, placeholder="Choose the position to change",
                           format_func=lambda p: _position_label(positions[p]))
        if pid is None:
            return
        pos = positions[pid]
        name = st.text_input("Name", pos.name, max_chars=LIMITS["position_name"], key=f"{Keys.EDIT_POS_NAME}.{pid}")
        desc = st.text_area("Description", pos.description, max_chars=LIMITS["position_description"],
                            key=f"{Keys.EDIT_POS_DESC}.{pid}")
        save, toggle = st.columns(2)
        if save.button("Save the position", key=Keys.EDIT_POS_SAVE):
            with refusal.shown():
                done = store.update_position(user, pid, name, desc)
                flash(f"Saved the position {md_escape(done.name)}.")
                st.rerun()
        if toggle.button("Reopen the position" if pos.closed else "Close the position (no new interviews)",
                         key=Keys.EDIT_POS_TOGGLE):
            with refusal.shown():
                done = store.set_position_open(user, pid, pos.closed)
                flash(f"{md_escape(done.name)} is {'closed: no new interviews' if done.closed else 'open again'}.")
                st.rerun()


def edit_candidate(store: Store, user: User, shown: list[Candidate]) -> None:
    by_id = {c.id: c for c in shown}
    with st.expander("Correct a candidate's name or email"):
        cid = st.selectbox("Candidate", list(by_id), index=None, key=Keys.EDIT_CAND, placeholder="Pick from the list above",
                           format_func=lambda i: f"{by_id[i].name} · {by_id[i].position_name}")
        if cid is None:
            return
        c = by_id[cid]
        name = st.text_input("Full name", c.name, max_chars=LIMITS["candidate_name"], key=f"{Keys.EDIT_CAND_NAME}.{cid}")
        email = st.text_input("Email", c.email or "", max_chars=LIMITS["email"], key=f"{Keys.EDIT_CAND_EMAIL}.{cid}")
        if st.button("Save the candidate", key=Keys.EDIT_CAND_SAVE):
            with refusal.shown():
                done = store.update_candidate(user, cid, name, email)
                flash(f"Saved {md_escape(done.name)}.")
                clear(Keys.EDIT_CAND)
                st.rerun()


def _position_label(p: Position) -> str:
    return f"{p.name} (closed)" if p.closed else p.name


def stage_panel(store: Store, user: User, candidate: Candidate, stages: Stages) -> None:
    """A candidate's stage, every move with its reason and note, and a control to move them on."""
    since = (candidate.status_changed_at or candidate.created_at).strftime("%Y-%m-%d")
    st.subheader("Stage")
    st.text(f"{stages.name(candidate.status)} since {since}")
    moves = store.stage_history(user, candidate.id)
    if moves:
        st.dataframe(pd.DataFrame([{
            "When": m.moved_at, "From": stages.name(m.from_stage) if m.from_stage else "", "To": stages.name(m.to_stage),
            "Reason": m.reason, "Note": m.note, "By": m.mover} for m in reversed(moves)]),
            placeholder=EMPTY_CELL, hide_index=True, width="stretch",
            column_config={"When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
    else:
        st.caption(f"No moves yet: in the first stage since they were added on {candidate.created_at:%Y-%m-%d}.")
    # The controls are keyed by the stage they move from: after a move they come back fresh, never showing
    # the stage just left behind as a choice already made.
    here = Keys.stage_move(candidate.id, candidate.status)
    left, mid, right = st.columns([1, 1, 2])
    to = left.selectbox("Move to", [k for k in stages.keys if k != candidate.status], format_func=stages.name,
                        index=None, key=f"{here}.stage", placeholder="Choose a stage")
    reason = mid.selectbox("Reason", stages.reasons(to) if to else [], index=None,
                           key=f"{here}.reason.{to}",
                           placeholder="Choose a reason" if to else "Choose a stage first")
    note = right.text_input(f"Note ({'required' if reason == OTHER else 'optional'})", max_chars=LIMITS["stage_note"],
                            key=f"{here}.note")
    if st.button("Move" + (f" to {md_escape(stages.name(to))}" if to else ""), disabled=not (to and reason),
                 type="primary", key=f"{Keys.MOVE_SUBMIT}.{candidate.id}"):
        with refusal.shown():
            store.move_candidates(user, [candidate.id], to, reason, note)
            flash(md_escape(f"Moved {candidate.name} to {stages.name(to)}."))
            st.rerun()

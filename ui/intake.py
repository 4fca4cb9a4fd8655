"""The candidates page's forms (add a candidate to a position, add a position), and the Import page's pieces.

After a save each form comes back empty, in the browser too (ui.state.clear), and says beside it what
it added, so a second click adds nothing unseen.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.errors import PossibleDuplicate
from data.importer import Preview, import_valid
from data.records import LIMITS, Position, User
from data.store import Store
from ui import refusal
from ui.render import EMPTY_CELL, md_escape, plural
from ui.state import Keys, clear, flash, reset, show_flash


def add_candidate(store: Store, user: User, positions: dict[int, Position]) -> None:
    with st.form("new_candidate"):
        st.subheader("Add a candidate")
        name = st.text_input("Full name", key=Keys.NEW_CAND_NAME, max_chars=LIMITS["candidate_name"])
        email = st.text_input("Email (optional)", key=Keys.NEW_CAND_EMAIL, max_chars=LIMITS["email"])
        pos = st.selectbox(
            "Position", list(positions), format_func=lambda pid: positions[pid].name, key=Keys.NEW_CAND_POSITION,
            index=None, placeholder="Choose a position",
        )
        asked = st.session_state.get(Keys.NEW_CAND_ASKED)
        same_ok = False
        if asked and asked == (name.strip(), pos):
            st.warning(md_escape(f"{asked[0]} has already applied for {positions[pos].name}. Is this the same person?"))
            same_ok = st.checkbox("It is a different person with the same name: add them", key=Keys.NEW_CAND_SAME_OK)
        submitted = st.form_submit_button("Add candidate", key=Keys.NEW_CAND_SUBMIT)
        show_flash(Keys.NEW_CAND_DONE)  # beside the form, where the person is looking
        if submitted:
            if pos is None:
                st.error("Choose a position (or add one first).")
                return
            with refusal.shown():
                try:
                    c = store.add_candidate(user, pos, name, email, same_name_ok=same_ok)
                except PossibleDuplicate:
                    st.session_state[Keys.NEW_CAND_ASKED] = (name.strip(), pos)
                    st.rerun()
                flash(md_escape(f"Added candidate {c.name} to the position {c.position_name}."), Keys.NEW_CAND_DONE)
                reset(Keys.NEW_CAND_ASKED)
                # The position stays chosen: the next candidate is often for it too.
                clear(Keys.NEW_CAND_NAME, Keys.NEW_CAND_EMAIL, Keys.NEW_CAND_SAME_OK)
                st.rerun()


def add_position(store: Store, user: User) -> None:
    with st.form("new_position"):
        st.subheader("Add a position")
        pname = st.text_input("Position name", key=Keys.NEW_POS_NAME, max_chars=LIMITS["position_name"])
        pdesc = st.text_area("Description (optional)", key=Keys.NEW_POS_DESC, max_chars=LIMITS["position_description"])
        submitted = st.form_submit_button("Add position", key=Keys.NEW_POS_SUBMIT)
        show_flash(Keys.NEW_POS_DONE)
        if submitted:
            with refusal.shown():
                p = store.create_position(user, pname, pdesc)
                flash(md_escape(f"Added the position {p.name}."), Keys.NEW_POS_DONE)
                clear(Keys.NEW_POS_NAME, Keys.NEW_POS_DESC)
                st.rerun()


# -- the Import page ------------------------------------------------------------------------------

LISTED_PROBLEMS = 200  # rows listed in full below the preview; the table holds every one


def import_preview(preview: Preview) -> None:
    """Every row, its problems first so they are never cut off, then each row not imported, in full."""
    for problem in preview.file_problems:  # these quote the file's own column names
        refusal.show(problem)
    for note in preview.notes:
        st.caption(md_escape(note))
    if preview.rows:
        st.dataframe(pd.DataFrame([{"line": r.line, "problems": "; ".join(r.problems) or "ok", "name": r.name,
                                    "email": r.email, "position": r.position} for r in preview.rows]),
                     placeholder=EMPTY_CELL, hide_index=True, width="stretch",
                     column_config={"problems": st.column_config.TextColumn(width="large")})
    invalid = preview.invalid
    if invalid:
        with st.expander(f"Why {plural(len(invalid), 'row')} will not be imported", expanded=len(invalid) <= 20):
            listed = [f"Line {r.line}: {'; '.join(r.problems)}" for r in invalid[:LISTED_PROBLEMS]]
            if len(invalid) > LISTED_PROBLEMS:
                listed.append(f"... and {len(invalid) - LISTED_PROBLEMS:,} more, each in the table above.")
            st.text("\n".join(listed))  # plain text: the lines quote the file


def import_counts(preview: Preview) -> str:
    """ "3 rows ready to import; 2 are already candidates (duplicates); 1 row has other problems." """
    dup = sum(r.duplicate for r in preview.invalid)
    other = len(preview.invalid) - dup
    parts = [f"{plural(len(preview.valid), 'row')} ready to import"]
    if dup:
        parts.append("1 is already a candidate (a duplicate)" if dup == 1 else f"{dup:,} are already candidates (duplicates)")
    if other:
        parts.append(f"{plural(other, 'row')} {'has' if other == 1 else 'have'} {'other ' if dup else ''}problems")
    return "; ".join(parts) + "." + (" Rows with problems are never imported." if preview.invalid else "")


def import_button(store: Store, user: User, preview: Preview) -> None:
    """Import the valid rows, then start a new round: an empty uploader, and what became of every row."""
    valid = len(preview.valid)
    if st.button(f"Import the {plural(valid, 'valid row')}", type="primary", disabled=valid == 0, key=Keys.IMP_SUBMIT):
        with refusal.shown():
            added, created = import_valid(store, user, preview)
            st.session_state[Keys.IMP_DONE] = [
                (r.line, "imported" if r.ok else "not imported: " + "; ".join(r.problems), r.name, r.email, r.position)
                for r in preview.rows]
            flash(f"Imported {plural(added, 'candidate')}." + (f" New {'position' if len(created) == 1 else 'positions'}: {md_escape(', '.join(created))}."
                                                               if created else ""))
            st.session_state[Keys.IMP_ROUND] = st.session_state.get(Keys.IMP_ROUND, 0) + 1
            reset(Keys.IMP_TABLE)
            st.rerun()


def last_import() -> None:
    """What the last import did with each row of its file (until another file is uploaded)."""
    done = st.session_state.get(Keys.IMP_DONE)
    if done:
        st.subheader("Last import")
        st.dataframe(pd.DataFrame(done, columns=["line", "result", "name", "email", "position"]),
                     placeholder=EMPTY_CELL, hide_index=True, width="stretch",
                     column_config={"result": st.column_config.TextColumn(width="large")})

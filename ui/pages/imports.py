"""Import candidates (HR): upload, see every row and every problem, then import the valid rows together."""

import hashlib

import pandas as pd
import streamlit as st

from data.importer import MAX_BYTES, check_table, import_valid, read_table
from ui import refusal
from ui.navigation import open_page
from ui.render import EMPTY_CELL, md_escape, plural
from ui.state import Keys, flash, show_flash

user, _, store = open_page(__file__)

st.title("Import candidates")
show_flash()
st.write("A .csv or .xlsx file whose first non-empty row names the columns **name**, **email** and **position** (any case). "
         f"Up to {MAX_BYTES // 1024 // 1024} MB. Unknown positions are created.")
upload = st.file_uploader("Candidate list", type=["csv", "xlsx"], key=Keys.IMP_FILE)
if upload is None:
    st.stop()

data = upload.getvalue()
kept = st.session_state.get(Keys.IMP_TABLE)  # reading a workbook is slow: once per upload, not once per rerun
if kept is None or kept[0] != upload.name or kept[1].digest != hashlib.sha256(data).hexdigest():
    kept = st.session_state[Keys.IMP_TABLE] = (upload.name, read_table(upload.name, data))
preview = check_table(store, user, kept[1])  # against the database as it is now, on every rerun
for problem in preview.file_problems:  # these quote the file's own column names
    refusal.show(problem)
for note in preview.notes:
    st.caption(md_escape(note))
if preview.rows:
    st.dataframe(pd.DataFrame([{"line": r.line, "name": r.name, "email": r.email, "position": r.position,
                                "problems": "; ".join(r.problems) or "ok"} for r in preview.rows]),
                 placeholder=EMPTY_CELL, hide_index=True, width="stretch")
valid, invalid = len(preview.valid), len(preview.invalid)
st.write(f"{plural(valid, 'row')} ready to import, {invalid:,} with problems (those are never imported).")
if st.button(f"Import the {plural(valid, 'valid row')}", type="primary", disabled=valid == 0, key=Keys.IMP_SUBMIT):
    with refusal.shown():
        added, created = import_valid(store, user, preview)
        flash(f"Imported {plural(added, 'candidate')}." + (f" New {'position' if len(created) == 1 else 'positions'}: "
                                                          f"{md_escape(', '.join(created))}."
                                                   if created else ""))
        st.session_state.pop(Keys.IMP_FILE, None)
        st.session_state.pop(Keys.IMP_TABLE, None)
        st.rerun()

"""Import candidates (HR): upload, see every row and every problem, then import the valid rows together."""

import hashlib

import streamlit as st

from data.importer import MAX_BYTES, check_table, read_table
from ui import intake
from ui.navigation import open_page
from ui.state import Keys, pop, show_flash

user, _, store = open_page(__file__)

st.title("Import candidates")
show_flash()
st.write("A .csv or .xlsx file whose first non-empty row names the columns **name**, **email** and **position** (any case). "
         f"Up to {MAX_BYTES // 1024 // 1024} MB. Unknown positions are created.")
upload = st.file_uploader("Candidate list", type=["csv", "xlsx"], key=Keys.imp_file(st.session_state.get(Keys.IMP_ROUND, 0)),
                          max_upload_size=MAX_BYTES // 1024 // 1024)
if upload is None:
    intake.last_import()
    st.stop()
pop(Keys.IMP_DONE)  # a new file: the last import's outcome gives way to this one's preview

data = upload.getvalue()
kept = st.session_state.get(Keys.IMP_TABLE)  # reading a workbook is slow: once per upload, not once per rerun
if kept is None or kept[0] != upload.name or kept[1].digest != hashlib.sha256(data).hexdigest():
    kept = st.session_state[Keys.IMP_TABLE] = (upload.name, read_table(upload.name, data))
preview = check_table(store, user, kept[1])  # against the database as it is now, on every rerun
intake.import_preview(preview)
st.write(intake.import_counts(preview))
intake.import_button(store, user, preview)

"""The Privacy page's "Backups" section, and what an erasure did beyond the database.

Copy paths are Motive's own, but they are still shown only as table cells or escaped text.
"""

from __future__ import annotations

import streamlit as st

from data.records import ErasureResult, User
from data.store import Store
from ui import refusal
from ui.render import EMPTY_CELL, md_escape, plural
from ui.state import Keys


def erasure_note(result: ErasureResult) -> str:
    """Sentences to add to an erasure's message: the copies it reached, those it could not, the WAL."""
    note = ""
    if result.copies_erased:
        note += f" Also erased from {plural(len(result.copies_erased), 'backup copy', 'backup copies')}."
    for path, why in result.copies_kept:
        note += f" Still holding this candidate: {md_escape(path)} ({md_escape(why)})."
    if not result.wal_emptied:
        note += (" Another connection was reading, so the database's write-ahead log still holds the erased text: "
                 "use “Empty the write-ahead log now” under Backups once it has finished.")
    if not result.ledger_written:
        note += (" The tombstone list beside the database could not be written: if a backup is restored, "
                 "erase this candidate again by hand.")
    return note


def section(user: User, store: Store) -> None:
    """The copies of the database Motive knows of, with their dates and sizes; HR and administrators."""
    st.header("Backups")
    files = store.backup_files(user)
    if files:
        st.dataframe(
            [{"File": f.path, "Kind": f.kind,
              "Written (UTC)": f.written_at.strftime("%Y-%m-%d %H:%M") if f.written_at else "not found",
              "Size": f"{f.size / 1024:,.0f} KB" if f.size is not None else "",
              "Owner-only": {True: "yes", False: "no: others can read it", None: ""}[f.owner_only]}
             for f in files],
            placeholder=EMPTY_CELL, hide_index=True, width="stretch")
    else:
        st.info("Motive knows of no backup copies of this database.")
    st.caption("Erasing a candidate erases them from every copy listed here, or names the copy it could not "
               "change. Copies made any other way (pg_dump, file-system snapshots, files copied elsewhere) keep "
               "erased candidates until they expire; restore with `python -m motive backup restore FILE`, "
               "which erases them again.")
    if st.button("Empty the write-ahead log now", key=Keys.PRV_EMPTY_WAL):
        with refusal.shown():
            if store.empty_wal(user):
                st.success("The write-ahead log is empty: no erased text is left in it.")
            else:
                st.warning("Another connection is still reading; try again in a moment.")

"""Fairness (HR and administrators): voluntary self-identification and the adverse-impact report."""

import pandas as pd
import streamlit as st

from analysis.fairness import FOUR_FIFTHS, MIN_GROUP, fairness_report
from data.records import RACE_CATEGORIES, SEX_CATEGORIES
from data.records import LIMITS
from ui import refusal
from ui.navigation import open_page
from ui.render import EMPTY_CELL, md_escape, plural
from ui.state import Keys, flash, show_flash

user, _, store = open_page(__file__)

st.title("Fairness")
st.caption("Self-identification is voluntary, kept apart from the interviews, visible only to HR and "
           "administrators, and never an input to any score, ranking or label.")
show_flash()
positions = {p.id: p for p in store.list_positions()}
pid = st.selectbox("Position", [None, *positions], key=Keys.FAIR_POSITION,
                   format_func=lambda i: "All positions" if i is None else positions[i].name)

st.header("Adverse-impact screening")
with refusal.shown(stop=True):
    report = fairness_report(store, user, position_id=pid)
st.write(f"{plural(report.total, 'candidate')} with a decision or a submitted interview; sex not disclosed: "
         f"{report.unknown_sex}; race/ethnicity not disclosed: {report.unknown_race}.")
if not report.total:
    st.info("No recorded decisions or submitted interviews yet.")


def _table(rows) -> pd.DataFrame:
    return pd.DataFrame([{
        "Dimension": r.dimension, "Group": r.group,
        "People": f"fewer than {MIN_GROUP}" if r.suppressed else str(r.n),
        "Rate": None if r.rate is None else r.rate * 100,
        "Impact ratio": r.impact_ratio,
        "Below four fifths": "suppressed" if r.suppressed else ("review" if r.flag else ""),
    } for r in rows], columns=["Dimension", "Group", "People", "Rate", "Impact ratio", "Below four fifths"])


config = {"Rate": st.column_config.NumberColumn(format="%.0f%%"),
          "Impact ratio": st.column_config.NumberColumn(format="%.2f")}
for title, rows, meaning in [
    ("Selection rate (recorded decisions)", report.selection, "share moved forward or hired, of the candidates "
     "with a recorded decision (rejected, or moved forward or hired)"),
    ("Recommendation rate (a second view)", report.recommendation,
     "share recommended yes or strong yes by most of their interviewers, of those interviewed"),
    ("Scoring rate", report.scoring, "share scoring above their position's median composite"),
]:
    st.subheader(title)
    st.caption(f"{meaning.capitalize()}. Impact ratio = the group's rate / the highest group's rate; below "
               f"{FOUR_FIFTHS:.0%} is flagged for review. Groups under {MIN_GROUP} people are suppressed.")
    flagged = [r for r in rows if r.flag]
    if flagged:
        st.warning("Below four fifths: " + "; ".join(md_escape(r.group) for r in flagged))
    st.dataframe(_table(rows), placeholder=EMPTY_CELL, hide_index=True, width="stretch", column_config=config)
st.caption("A screening statistic, not a legal finding: small groups swing widely. A flag asks for a closer look "
           "at that stage of the process.")

st.header("Record a candidate's self-identification")
search = st.text_input("Find the candidate (name or email)", key=Keys.FAIR_SEARCH, max_chars=LIMITS["search"])
found = {c.id: c for c in store.list_candidates(user, search=search, position_id=pid, limit=50)}
if not found:
    st.info("No candidate matches.")
    st.stop()
cid = st.selectbox("Candidate", list(found), key=Keys.FAIR_CANDIDATE,
                   format_func=lambda i: f"{found[i].name} · {found[i].position_name} · id {i}")
known = {c: (s, r) for c, s, r in store.self_identification(user, position_id=found[cid].position_id)}
sex_now, race_now = known.get(cid, (None, None))
sex_options = [None, *SEX_CATEGORIES]
race_options = [None, *RACE_CATEGORIES]
with st.form("self_id"):
    sex = st.selectbox("Sex", sex_options, index=sex_options.index(sex_now), key=f"{Keys.FAIR_SEX}.{cid}",
                       format_func=lambda k: "Not disclosed / declined" if k is None else SEX_CATEGORIES[k])
    race = st.selectbox("Race/ethnicity", race_options, index=race_options.index(race_now),
                        key=f"{Keys.FAIR_RACE}.{cid}",
                        format_func=lambda k: "Not disclosed / declined" if k is None else RACE_CATEGORIES[k])
    if st.form_submit_button("Save", key=Keys.FAIR_SAVE):
        with refusal.shown():
            store.set_self_id(user, cid, sex, race)
            flash("Self-identification saved.")
            st.rerun()

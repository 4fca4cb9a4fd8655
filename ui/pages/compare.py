"""Compare candidates for a position: ranking, side by side, evidence, and where panels disagree."""

import streamlit as st

from analysis.agreement import position_agreement
from analysis.compare import evidence_quotes
from analysis.scoring import disagreements, score
from ui import charts, comparison
from ui.navigation import open_page
from ui.render import EMPTY_CELL, md_escape
from ui.state import Keys

user, config, store = open_page(__file__)

st.title("Compare candidates")
positions = {p.id: p for p in store.list_positions()}
if not positions:
    st.info("No positions yet.")
    st.stop()
pid = st.selectbox("Position", list(positions), format_func=lambda i: positions[i].name, key=Keys.CMP_POSITION)
comparison.follow_position(pid)
data = store.panel_data(user, position_id=pid)
kits = store.kits_by_version({row[5] for row in data.interviews})
scores = score(data, kits)
if scores.empty:
    st.info("No submitted interviews for this position yet.")
    st.stop()

shown = comparison.ranking(scores, config.stages)
pick = st.multiselect("Compare side by side (2 to 4)", list(shown["candidate_id"]), max_selections=4,
                      format_func=dict(zip(shown["candidate_id"], shown["name"])).get, key=Keys.CMP_PICK,
                      disabled=shown.empty)
if pick:
    chosen = shown.set_index("candidate_id").loc[pick].reset_index()
    st.altair_chart(charts.principles(chosen, kits.values()), width="stretch")
    st.altair_chart(charts.motivation(chosen), width="stretch")
    kit = kits[max(kits)]
    st.subheader("What they said, question by question")
    st.caption("Each interviewer's final label (* = reviewed by the interviewer) and the candidate's why.")
    st.dataframe(evidence_quotes(store, user, dict(zip(chosen["candidate_id"], chosen["name"])), kit),
                 placeholder=EMPTY_CELL, width="stretch")
    for cid, name in zip(chosen["candidate_id"], chosen["name"]):
        st.page_link("ui/pages/candidate.py", label=f"Scorecards of {md_escape(name)}", query_params={"candidate": str(cid)})
        gaps = disagreements(data, kits, int(cid))
        if not gaps.empty:
            noun = "question" if len(gaps) == 1 else "questions"
            st.warning(f"Panel disagrees on {len(gaps)} {noun} for {md_escape(name)}: " +
                       "; ".join(f"{md_escape(r.question)}: {md_escape(r.ratings)}" for r in gaps.itertuples()))

with st.expander("How far this position's interviewers agree"):
    comparison.agreement(position_agreement(data, kits))

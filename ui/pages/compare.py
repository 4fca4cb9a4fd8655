"""Compare candidates for a position: ranking, side by side, evidence, and where panels disagree."""

import pandas as pd
import streamlit as st

from analysis.agreement import position_agreement
from analysis.compare import evidence_quotes
from analysis.scoring import disagreements, score
from data.records import CANDIDATE_STATUSES
from ui import charts
from ui.navigation import open_page
from ui.render import md_escape
from ui.state import Keys

user, _, store = open_page(__file__)

st.title("Compare candidates")
positions = {p.id: p for p in store.list_positions()}
if not positions:
    st.info("No positions yet.")
    st.stop()
pid = st.selectbox("Position", list(positions), format_func=lambda i: positions[i].name, key=Keys.CMP_POSITION)
data = store.panel_data(user, position_id=pid)
kits = store.kits_by_version({row[5] for row in data.interviews})
scores = score(data, kits)
if scores.empty:
    st.info("No submitted interviews for this position yet.")
    st.stop()

f1, f2, f3 = st.columns(3)
statuses = f1.multiselect("Status", CANDIDATE_STATUSES, default=sorted(set(scores["status"])), key=Keys.CMP_STATUS)
people = sorted({p for s in scores["interviewers"] for p in s.split(", ")})
who = f2.multiselect("Interviewed by", people, key=Keys.CMP_INTERVIEWER, placeholder="anyone")
first, last = scores["last_submitted"].min().date(), scores["last_submitted"].max().date()
dates = f3.date_input("Last interview between", (first, last), key=Keys.CMP_DATES)
shown = scores[scores["status"].isin(statuses)]
if who:
    shown = shown[shown["interviewers"].apply(lambda s: bool(set(s.split(", ")) & set(who)))]
if isinstance(dates, tuple) and len(dates) == 2:
    day = shown["last_submitted"].dt.date
    shown = shown[(day >= dates[0]) & (day <= dates[1])]

table = shown.assign(certainty=shown["single_interviewer"].map({True: "1 interviewer only", False: ""}))
st.dataframe(
    table[["rank", "name", "status", "ranking_score", "composite", "rating", "spread", "n_interviewers", "certainty",
           "strong_yes", "yes", "no", "strong_no", "autonomy", "intrinsic", "disagreements"]],
    hide_index=True, width="stretch",
    column_config={
        "ranking_score": st.column_config.NumberColumn("ranking score", format="%.2f",
                                                       help="Composite, shrunk towards the position mean by one interviewer"),
        "composite": st.column_config.NumberColumn(format="%.2f"),
        "rating": st.column_config.NumberColumn("ratings (1-5)", format="%.2f"),
        "spread": st.column_config.NumberColumn("spread", format="%.2f", help="Highest minus lowest interviewer"),
        "autonomy": st.column_config.NumberColumn(format="%+.2f", help="(intrinsic - extrinsic) / labelled, -1 to +1"),
        "intrinsic": st.column_config.ProgressColumn("intrinsic share", min_value=0, max_value=1, format="percent"),
    },
)
st.caption(f"{len(shown)} of {len(scores)} candidates. Ranking uses the interviewers' ratings; the stated-motive "
           "labels are advisory and weigh at most what the kit allows (never more than the ratings).")

pick = st.multiselect("Compare side by side (2 to 4)", list(shown["candidate_id"]), max_selections=4,
                      format_func=dict(zip(shown["candidate_id"], shown["name"])).get, key=Keys.CMP_PICK)
if pick:
    chosen = shown.set_index("candidate_id").loc[pick].reset_index()
    st.altair_chart(charts.principles(chosen), width="stretch")
    st.altair_chart(charts.motivation(chosen), width="stretch")
    kit = kits[max(kits)]
    st.subheader("What they said, question by question")
    st.caption("Each interviewer's final label (* = reviewed by the interviewer) and the candidate's why.")
    st.dataframe(evidence_quotes(store, user, dict(zip(chosen["candidate_id"], chosen["name"])), kit),
                 width="stretch")
    for cid, name in zip(chosen["candidate_id"], chosen["name"]):
        st.page_link("ui/pages/candidate.py", label=f"Scorecards of {md_escape(name)}", query_params={"candidate": str(cid)})
        gaps = disagreements(data, kits, int(cid))
        if not gaps.empty:
            st.warning(f"Panel disagrees on {len(gaps)} question(s) for {md_escape(name)}: " +
                       "; ".join(f"{md_escape(r.question)}: {md_escape(r.ratings)}" for r in gaps.itertuples()))

with st.expander("How far this position's interviewers agree"):
    ag = position_agreement(data, kits)
    fmt = lambda v: "n/a (too few panels)" if v is None else f"{v:.2f}"  # noqa: E731
    st.write(f"Recommendations, Fleiss' kappa: {fmt(ag['fleiss'])} over {ag['n_panels']} panels · "
             f"Ratings, ICC(1): {fmt(ag['icc'])} · Model vs interviewers' reviewed labels, Cohen's kappa: "
             f"{fmt(ag['model_kappa'])} ({ag['n_reviewed']} reviewed)")
    st.dataframe(pd.DataFrame(ag["pairs"], columns=["interviewer", "with", "Cohen's kappa", "shared candidates"]),
                 hide_index=True)
    st.dataframe(pd.DataFrame([{"interviewer": k, "offset vs panel": v["offset"], "candidates": v["items"]}
                               for k, v in ag["calibration"].items()]), hide_index=True)

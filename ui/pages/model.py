"""Motivation model (administrators): what is active, retrain with reviewed labels, accept or roll back."""

import pandas as pd
import streamlit as st

from analysis.motivation import ModelError
from analysis.retraining import MIN_REVIEWED, reviewed, train_candidate
from ui import refusal, resources
from ui.navigation import open_page
from ui.render import EMPTY_CELL
from ui.state import flash, show_flash

SCORES = (("macro_f1", "macro-F1"), ("accuracy", "accuracy"), ("kappa", "Cohen's kappa"),
          ("wrong_side_rate", "clear answers on the wrong side"))

user, config, store = open_page(__file__)
active = resources.motivation_model(config)

st.title("Motivation model")
show_flash()
st.write(f"Active: **{active.version}**, trained on {active.meta.get('n_train', '?')} labelled answers.")
st.caption("The label advises interviewers; it is never the basis of a decision. See analysis/MODEL_CARD.md.")

versions = store.list_model_versions()
st.dataframe(pd.DataFrame([{"Version": v.version, "Status": v.status, "By": v.created_by or "shipped",
                            "Created": v.created_at.strftime("%Y-%m-%d %H:%M"), "Notes": v.notes} for v in versions]),
             placeholder=EMPTY_CELL, hide_index=True, width="stretch")

n = len(reviewed(store))
st.subheader("Retrain with your interviewers' reviewed labels")
st.write(f"{n} reviewed answers so far (at least {MIN_REVIEWED} needed).")
if st.button("Train a candidate model", disabled=n < MIN_REVIEWED, key="model.train"):
    bar = st.progress(0.0, text="Training: a few minutes on a small server; keep this page open.")
    with st.spinner("Training..."):
        with refusal.shown(ModelError):
            train_candidate(store, user, active, progress=lambda share, what: bar.progress(share, text=what))
            st.rerun()

for cand in [v for v in versions if v.status == "candidate"]:
    m = cand.metrics
    st.subheader(f"Candidate {cand.version}")
    st.write(f"Evaluated on {m.get('n_held_out')} held-out reviewed answers that neither model was trained on.")
    before, after = m.get("held_out_before", {}), m.get("held_out_after", {})
    st.dataframe(pd.DataFrame([{"Score": name, f"Active ({m.get('compared_with')})": before.get(k),
                                "Candidate": after.get(k)} for k, name in SCORES]), placeholder=EMPTY_CELL, hide_index=True)
    accept, discard = st.columns(2)
    if accept.button("Accept: make it active", key=f"model.accept.{cand.version}", type="primary"):
        store.activate_model(user, cand.version)
        flash(f"{cand.version} is now active; the previous model is kept for roll-back.")
        st.rerun()
    if discard.button("Discard it", key=f"model.discard.{cand.version}"):
        store.retire_model(user, cand.version)
        flash(f"{cand.version} was discarded (kept on record as retired).")
        st.rerun()

if any(v.status == "previous" for v in versions):
    if st.button("Roll back to the previous model", key="model.rollback"):
        with refusal.shown():
            version = store.rollback_model(user)
            flash(f"Rolled back: {version} is active again.")
            st.rerun()

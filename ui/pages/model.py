"""Motivation model (administrators): what is active, retrain with reviewed labels, accept or roll back."""

import pandas as pd
import streamlit as st

from analysis.retraining import MIN_REVIEWED, reviewed
from ui import refusal, resources
from ui.model_versions import candidate_review, train_button
from ui.navigation import open_page
from ui.render import EMPTY_CELL
from ui.state import Keys, flash, show_flash

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
train_button(store, user, active, enough=n >= MIN_REVIEWED)

for cand in [v for v in versions if v.status == "candidate"]:
    candidate_review(store, user, cand)

if any(v.status == "previous" for v in versions):
    if st.button("Roll back to the previous model", key=Keys.MOD_ROLLBACK):
        with refusal.shown():
            version = store.rollback_model(user)
            flash(f"Rolled back: {version} is active again.")
            st.rerun()

"""The Model page's pieces: training a candidate with a progress bar, and reviewing one before Accept."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.motivation import ModelError, MotivationModel
from analysis.retraining import SMALL_HELD_OUT, SMALL_PER_LABEL, review_held_out, train_candidate
from data.records import ModelVersion, User
from data.store import Store
from ui import refusal
from ui.render import EMPTY_CELL
from ui.state import Keys, flash

SCORES = (("macro_f1", "macro-F1 (labels present)"), ("accuracy", "accuracy"), ("kappa", "Cohen's kappa"),
          ("wrong_side_rate", "clear answers on the wrong side"))
TWO_PLACES = st.column_config.NumberColumn(format="%.2f")


def train_button(store: Store, user: User, active: MotivationModel, enough: bool) -> None:
    """Train a candidate, the bar following the real steps (reading, each held-out batch, the final fit)."""
    if st.button("Train a candidate model", disabled=not enough, key=Keys.MOD_TRAIN):
        bar = st.progress(0.0, text="Starting: training takes minutes on a small server; keep this page open.")
        with refusal.shown(ModelError):
            train_candidate(store, user, active, progress=lambda share, what: bar.progress(share, text=what))
            st.rerun()


def candidate_review(store: Store, user: User, cand: ModelVersion) -> None:
    """A candidate's held-out scores beside the active model's, with each label's support; Accept asks
    twice when the held-out answers are too few to tell."""
    m, review = cand.metrics, review_held_out(cand.metrics)
    st.subheader(f"Candidate {cand.version}")
    st.write(f"Evaluated on {review.n} held-out reviewed answers that neither model was trained on.")
    st.dataframe(pd.DataFrame([{"Score": name, f"Active ({m.get('compared_with')})": review.before.get(k),
                                "Candidate": review.after.get(k)} for k, name in SCORES]), placeholder=EMPTY_CELL, hide_index=True,
                 column_config={c: TWO_PLACES for c in (f"Active ({m.get('compared_with')})", "Candidate")})
    if review.support is not None:
        per = (m.get("held_out_before", {}).get("per_label_f1", {}), m.get("held_out_after", {}).get("per_label_f1", {}))
        st.dataframe(pd.DataFrame([{"Label": label, "Held-out answers": n,
                                    "F1 active": per[0].get(label) if n else None,
                                    "F1 candidate": per[1].get(label) if n else None}
                                   for label, n in review.support.items()]), hide_index=True, placeholder="no answers",
                     column_config={"F1 active": TWO_PLACES, "F1 candidate": TWO_PLACES})
    st.caption("Macro-F1 averages the F1 of the labels that have held-out answers; a label with none is left out "
               f"rather than counted as 0. Scores from fewer than {SMALL_HELD_OUT} answers, or fewer than "
               f"{SMALL_PER_LABEL} for a label, can differ by chance alone.")
    sure = True
    if review.small:
        st.warning("The held-out answers are too few to show this candidate is better.\n\n"
                   + "\n\n".join(review.cautions))
        sure = st.checkbox("I have read this and still want to accept it", key=Keys.mod_accept_anyway(cand.version))
    accept, discard = st.columns(2)
    if accept.button("Accept: make it active", key=Keys.mod_accept(cand.version), type="primary", disabled=not sure):
        store.activate_model(user, cand.version)
        flash(f"{cand.version} is now active; the previous model is kept for roll-back.")
        st.rerun()
    if discard.button("Discard it", key=Keys.mod_discard(cand.version)):
        store.retire_model(user, cand.version)
        flash(f"{cand.version} was discarded (kept on record as retired).")
        st.rerun()

"""The compare page's pieces: filters that follow the position, the ranking table, and agreement in words.

Every number on the page has one format per measure: ratings (1-5) to one decimal, shares as
percentages, counts as whole numbers, agreement coefficients to two decimals.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.agreement import icc_reading, kappa_reading, offset_reading
from analysis.compare import Filters, filtered, shown_sentence, stage_options
from data.records import RECOMMENDATION_LABELS, RECOMMENDATIONS
from data.stages import Stages
from ui import state
from ui.render import EMPTY_CELL, plural
from ui.state import Keys

FILTER_KEYS = (Keys.CMP_STATUS, Keys.CMP_INTERVIEWER, Keys.CMP_DATES)
RATING, COUNT, COEFFICIENT = "%.1f", "%d", "%.2f"

RANKING = {
    "rank": st.column_config.NumberColumn("Rank", format=COUNT),
    "name": st.column_config.TextColumn("Candidate"),
    "status": st.column_config.TextColumn("Stage"),
    "ranking_score": st.column_config.NumberColumn(
        "Ranking score", format=RATING, help="Composite, shrunk towards the position's mean by one interviewer"),
    "composite": st.column_config.NumberColumn(
        "Composite", format=RATING, help="Mean rating, blended with at most the kit's share of the autonomy index"),
    "rating": st.column_config.NumberColumn(
        "Mean rating", format=RATING, help="Every rating the candidate received, each once, at its question's weight"),
    "spread": st.column_config.NumberColumn("Spread", format=RATING, help="Highest minus lowest interviewer"),
    "n_interviewers": st.column_config.NumberColumn("Interviewers", format=COUNT),
    "certainty": st.column_config.TextColumn("Certainty"),
    **{value: st.column_config.NumberColumn(RECOMMENDATION_LABELS[value], format=COUNT)
       for value in reversed(RECOMMENDATIONS)},
    "autonomy": st.column_config.NumberColumn(
        "Autonomy", format="%+.2f", help="(intrinsic - extrinsic) / labelled answers, -1 to +1"),
    "intrinsic": st.column_config.ProgressColumn("Intrinsic share", min_value=0, max_value=1, format="percent"),
    "disagreements": st.column_config.NumberColumn(
        "Disagreements", format=COUNT, help="Questions whose ratings differ by two points or more"),
    "partial": st.column_config.TextColumn(
        "Partial", help="Interviews that rated only some of their kit's questions; each rating counts once"),
}


def reset_filters() -> None:
    """Forget the filters, so each comes back at the position's own full range."""
    state.reset(*FILTER_KEYS)


def follow_position(position_id: int) -> None:
    """On a new position, drop the last one's filters and picks before any of them is drawn."""
    if state.get(Keys.CMP_FILTERS_OF) != position_id:
        state.reset(*FILTER_KEYS, Keys.CMP_PICK)
        state.put(Keys.CMP_FILTERS_OF, position_id)


def filters(scores: pd.DataFrame, team: Stages) -> Filters:
    """The three filters, each defaulting to everything this position's candidates have."""
    f1, f2, f3 = st.columns(3)
    options = stage_options(scores, team.keys)
    present = set(scores["status"])
    stages = f1.multiselect("Stage", options, default=[s for s in options if s in present], format_func=team.name,
                            key=Keys.CMP_STATUS)
    people = sorted({p for names in scores["interviewers"] for p in names.split(", ")})
    who = f2.multiselect("Interviewed by", people, key=Keys.CMP_INTERVIEWER, placeholder="anyone")
    first, last = scores["last_submitted"].min().date(), scores["last_submitted"].max().date()
    days = f3.date_input("Last interview between", (first, last), key=Keys.CMP_DATES)
    whole = isinstance(days, tuple) and len(days) == 2
    return Filters(tuple(stages), tuple(who), tuple(days) if whole else None)


def ranking(scores: pd.DataFrame, team: Stages) -> pd.DataFrame:
    """Filters, what they hide, and the table of what they keep; returns the rows shown."""
    shown = filtered(scores, filters(scores, team))
    sentence = shown_sentence(len(shown), len(scores))
    (st.warning if shown.empty else st.caption)(sentence)
    if len(shown) < len(scores):
        st.button("Show every candidate", key=Keys.CMP_RESET, on_click=reset_filters)
    if shown.empty:
        return shown
    table = shown.assign(certainty=shown["single_interviewer"].map({True: "1 interviewer only", False: ""}),
                         status=shown["status"].map(team.name))
    st.dataframe(table[list(RANKING)], placeholder=EMPTY_CELL, hide_index=True, width="stretch", column_config=RANKING)
    partial = int(shown["n_partial"].sum())
    if partial:
        what = plural(partial, "interview")
        st.caption(f"{what} rated only some of their kit's questions (see Partial): each rating counts once, so a "
                   "partial interview weighs less than a full one.")
    st.caption("Ranking uses the interviewers' ratings; the stated-motive labels are advisory and weigh at most what "
               "the kit allows (never more than the ratings).")
    return shown


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _table(rows: list[tuple], columns: list[str], numbers: dict[str, str]) -> None:
    """A read-only table whose numeric columns stay numeric (an undefined statistic is an empty cell)."""
    frame = pd.DataFrame(rows, columns=columns).astype({c: float for c in numbers})
    st.dataframe(frame, placeholder=EMPTY_CELL, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format=f) for c, f in numbers.items()})


def agreement(ag: dict) -> None:
    """Each agreement statistic beside its reading in words."""
    _table([
        ("Recommendations: Fleiss' kappa", ag["fleiss"], kappa_reading(ag["fleiss"]), _count(ag["n_panels"], "panel")),
        ("Ratings: ICC(1)", ag["icc"], icc_reading(ag["icc"]), "each interviewer's overall rating"),
        ("Model vs reviewed labels: Cohen's kappa", ag["model_kappa"],
         kappa_reading(ag["model_kappa"], "the model", "the interviewers"), _count(ag["n_reviewed"], "reviewed label")),
    ], ["Measure", "Value", "Reading", "Based on"], {"Value": COEFFICIENT})
    _table([(a, b, k, kappa_reading(k, "the pair"), n) for a, b, k, n in ag["pairs"]],
           ["Interviewer", "With", "Cohen's kappa", "Reading", "Shared candidates"],
           {"Cohen's kappa": COEFFICIENT, "Shared candidates": COUNT})
    _table([(who, v["offset"], offset_reading(v["offset"]), v["items"]) for who, v in ag["calibration"].items()],
           ["Interviewer", "Offset vs panel (points)", "Reading", "Candidates"],
           {"Offset vs panel (points)": "%+.1f", "Candidates": COUNT})

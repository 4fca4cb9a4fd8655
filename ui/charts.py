"""Altair charts for the compare page. Vega draws names as text, never as HTML."""

from __future__ import annotations

from typing import Iterable

import altair as alt
import pandas as pd

from rubric import Rubric, title_of
from ui.render import LABEL_STYLE

LABEL_ORDER = list(LABEL_STYLE)
LABEL_HEX = [hex_ for _, hex_ in LABEL_STYLE.values()]


def principles(scores: pd.DataFrame, kits: Iterable[Rubric] = ()) -> alt.Chart:
    """Grouped bars: each principle by the name its kit gives it, one bar per candidate, 1-5."""
    titles = {name: title for kit in kits for name, title in kit.principle_titles.items()}
    cols = [c for c in scores.columns if c.startswith("principle:")]
    long = scores[["name", *cols]].melt(id_vars=["name"], var_name="principle", value_name="rating")
    long["principle"] = long["principle"].str.removeprefix("principle:").map(lambda n: titles.get(n) or title_of(n))
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("principle:N", title=None, axis=alt.Axis(labelAngle=-35, labelOverlap=False)),
        xOffset="name:N",
        y=alt.Y("rating:Q", scale=alt.Scale(domain=[0, 5]), title="Mean rating (1-5)"),
        color=alt.Color("name:N", title="Candidate"),
        tooltip=[alt.Tooltip("name:N", title="Candidate"), alt.Tooltip("principle:N", title="Principle"),
                 alt.Tooltip("rating:Q", title="Mean rating", format=".1f")],
    ).properties(height=320)


def motivation(scores: pd.DataFrame) -> alt.Chart:
    """Stacked bars: each candidate's share of answers per stated-motive label."""
    long = scores[["name", *LABEL_ORDER]].melt(id_vars=["name"], var_name="label", value_name="share").fillna(0)
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("name:N", title=None),
        x=alt.X("share:Q", stack="normalize", axis=alt.Axis(format="%"), title="Share of labelled answers"),
        color=alt.Color("label:N", scale=alt.Scale(domain=LABEL_ORDER, range=LABEL_HEX), title="Stated motive"),
        order=alt.Order("label_order:Q"),
        tooltip=[alt.Tooltip("name:N", title="Candidate"), alt.Tooltip("label:N", title="Stated motive"),
                 alt.Tooltip("share:Q", title="Share", format=".0%")],
    ).transform_calculate(
        label_order=f"indexof({LABEL_ORDER}, datum.label)"
    ).properties(height=40 + 30 * scores["name"].nunique())

"""Adverse impact: how each self-identified group fares at selection and at scoring.

Candidates may volunteer their sex and race/ethnicity (the EEO-1 categories). That data
is stored apart from the interviews, is read only here, and never feeds any score,
rating, ranking or label: the outcomes below are computed first, without it, and the
groups are joined on afterwards.

Outcomes, one per candidate (`assessments`):

* **Selected** (the selection rate, from recorded decisions, as EEOC's Uniform Guidelines
  count selection) = the candidate is, or ever was, in a stage whose outcome is forward or
  hired (data/stages.py). Not selected = rejected without ever being moved forward. A
  candidate still in an open stage, or withdrawn before any selection, has no outcome here.
  Every candidate in scope counts, interviewed or not.
* **Recommended** (the recommendation rate, a second, labelled view) = more than half of the
  candidate's interviewers recommend yes or strong yes. A tie is not recommended; a
  candidate with no recommendation has no outcome here.
* **Above median** = the composite is strictly greater than the median composite of the
  candidates for the *same position* who have one. A candidate at the median is not
  above it; a candidate without a composite has no outcome here.

Per group (`adverse_impact`), for each measure over the people with that outcome:

* **Selection rate** = selected / n; **recommendation rate** = recommended / n; **scoring
  rate** = above median / n.
* **Impact ratio** = the group's rate / the highest rate among the non-suppressed groups
  of the same dimension (sex, race, or sex × race). None when the highest rate is 0,
  where a ratio means nothing.
* **Four-fifths flag** = impact ratio < 0.8, decided in exact fractions so a group at
  exactly four fifths of the reference is not flagged by a rounding error.
* **Suppression**: a group of fewer than 5 people shows its n but no count, rate or
  ratio, and is never the reference group; its rate says too little and could
  identify the people in it.
* **Sex × race** uses only people known on both, labelled "Female · Asian".
* **Unknowns** (declined, never asked, or absent from the self-identification table)
  never form a group; they are counted once, in `unknown_sex` and `unknown_race`.

This is a screening statistic that points HR at a stage worth a closer look. It is not
a legal determination of adverse impact: small groups swing widely, and a ratio below
four fifths is a prompt for review, not a finding.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction

import pandas as pd

from data.records import RACE_CATEGORIES, RECOMMENDATIONS, SEX_CATEGORIES

MIN_GROUP = 5  # groups with fewer people are suppressed
FOUR_FIFTHS = 0.8

_OUTCOMES = ("selected", "recommended", "above_median")
_MEASURES = (("selection", "selection rate", "selected"), ("recommendation", "recommendation rate", "recommended"),
             ("scoring", "scoring rate", "above_median"))


def assessments(scored: pd.DataFrame, decisions: list[tuple[int, int, bool | None]] | None = None) -> pd.DataFrame:
    """Per candidate, the three yes/no outcomes the report compares.

    `scored` is scoring.score() output with a position_id column; `decisions` is the store's
    (candidate id, position id, selected) list, which covers every candidate in scope, scored
    or not. Every outcome is pandas' nullable boolean: True, False, or pd.NA when the candidate
    has no decision (selected), no recommendation (recommended) or no composite (above_median).
    """
    decided = pd.DataFrame(decisions or [], columns=["candidate_id", "position_id", "selected"])
    decided = decided.astype({"candidate_id": "int64", "position_id": "int64"})
    decided["selected"] = pd.array(decided["selected"].tolist(), dtype="boolean")
    if scored.empty:
        out = decided.assign(recommended=pd.array([pd.NA] * len(decided), dtype="boolean"),
                             above_median=pd.array([pd.NA] * len(decided), dtype="boolean"))
        return out[["candidate_id", "position_id", *_OUTCOMES]].reset_index(drop=True)
    recs = scored[list(RECOMMENDATIONS)].fillna(0)
    total = recs.sum(axis=1)
    positive = recs["yes"] + recs["strong_yes"]
    selected = pd.Series(2 * positive > total, index=scored.index, dtype="boolean").mask(total == 0)

    composite = scored["composite"].astype(float)
    median = composite.groupby(scored["position_id"], dropna=False).transform("median")
    above = pd.Series(composite > median, index=scored.index, dtype="boolean").mask(composite.isna())

    out = scored[["candidate_id", "position_id"]].copy()
    out["recommended"] = selected
    out["above_median"] = above
    out = out.astype({"candidate_id": "int64"}).merge(
        decided[["candidate_id", "position_id", "selected"]], on="candidate_id", how="outer", suffixes=("", "_d"))
    out["position_id"] = out["position_id"].fillna(out.pop("position_id_d"))
    for col in _OUTCOMES:
        out[col] = out[col].astype("boolean")
    return out[["candidate_id", "position_id", *_OUTCOMES]].reset_index(drop=True)


@dataclass(frozen=True)
class GroupRow:
    """One group's outcome; hits, rate and ratio are None when the group is suppressed."""

    dimension: str
    group: str
    n: int
    hits: int | None
    rate: float | None
    impact_ratio: float | None
    flag: bool
    suppressed: bool


@dataclass(frozen=True)
class FairnessReport:
    """Per-group rows for each measure; unknowns are counted, never a group."""

    selection: tuple[GroupRow, ...]  # recorded decisions
    recommendation: tuple[GroupRow, ...]  # interviewers' recommendations, a second view
    scoring: tuple[GroupRow, ...]
    unknown_sex: int
    unknown_race: int
    total: int

    def rows(self) -> list[dict]:
        """Flat rows for a table or a sheet, selection first."""
        out = []
        for attr, measure, _ in _MEASURES:
            out.extend({"measure": measure, **asdict(row)} for row in getattr(self, attr))
        return out


def _checked(values: pd.Series, categories: dict[str, str], what: str) -> pd.Series:
    """Keys as given, None for unknown; a key outside the categories is a data error, not an unknown."""
    known = values.where(values.notna(), None)
    bad = sorted({str(v) for v in known.dropna() if v not in categories})
    if bad:
        raise ValueError(f"unknown {what} category {bad[0]!r}; expected one of {', '.join(categories)} or empty")
    return known


def _groups(people: pd.DataFrame, column: str) -> list[tuple[str, str, pd.Series]]:
    """(dimension, label, outcomes) for every non-empty group, in the dicts' order."""
    sex, race = people["sex"], people["race"]
    found = []
    for key, label in SEX_CATEGORIES.items():
        found.append(("sex", label, people.loc[sex == key, column]))
    for key, label in RACE_CATEGORIES.items():
        found.append(("race", label, people.loc[race == key, column]))
    for skey, slabel in SEX_CATEGORIES.items():
        for rkey, rlabel in RACE_CATEGORIES.items():
            found.append(("sex × race", f"{slabel} · {rlabel}", people.loc[(sex == skey) & (race == rkey), column]))
    return [g for g in found if len(g[2])]


def _rows(people: pd.DataFrame, column: str, min_group: int) -> tuple[GroupRow, ...]:
    assessed = people[people[column].notna()]
    groups = [(dim, label, len(s), int(s.astype(bool).sum())) for dim, label, s in _groups(assessed, column)]
    reference: dict[str, Fraction] = {}
    for dim, _, n, hits in groups:
        if n >= min_group:
            reference[dim] = max(reference.get(dim, Fraction(0)), Fraction(hits, n))
    threshold = Fraction(str(FOUR_FIFTHS))
    rows = []
    for dim, label, n, hits in groups:
        if n < min_group:
            rows.append(GroupRow(dim, label, n, None, None, None, False, True))
            continue
        best = reference[dim]
        ratio = Fraction(hits, n) / best if best else None
        rows.append(GroupRow(dim, label, n, hits, hits / n, None if ratio is None else float(ratio),
                             ratio is not None and ratio < threshold, False))
    return tuple(rows)


def adverse_impact(outcomes: pd.DataFrame, self_id: pd.DataFrame, *, min_group: int = MIN_GROUP) -> FairnessReport:
    """Selection, recommendation and scoring rates per self-identified group, with impact ratios and flags.

    `outcomes` is the `assessments` frame; `self_id` has candidate_id, sex and race, with
    None or NaN for an unknown. Each candidate appears at most once in each frame.
    """
    for frame, name in ((outcomes, "outcomes"), (self_id, "self_id")):
        dupes = frame["candidate_id"][frame["candidate_id"].duplicated()]
        if len(dupes):
            raise ValueError(f"candidate {dupes.iloc[0]!r} appears more than once in {name}")
    sex = _checked(self_id["sex"], SEX_CATEGORIES, "sex").set_axis(self_id["candidate_id"])
    race = _checked(self_id["race"], RACE_CATEGORIES, "race").set_axis(self_id["candidate_id"])
    people = outcomes[["candidate_id", *_OUTCOMES]]
    people = people[people["selected"].notna() | people["recommended"].notna() | people["above_median"].notna()]
    people = people.assign(sex=people["candidate_id"].map(sex), race=people["candidate_id"].map(race))
    return FairnessReport(
        selection=_rows(people, "selected", min_group),
        recommendation=_rows(people, "recommended", min_group),
        scoring=_rows(people, "above_median", min_group),
        unknown_sex=int(people["sex"].isna().sum()),
        unknown_race=int(people["race"].isna().sum()),
        total=len(people),
    )


def fairness_report(store, actor, *, position_id: int | None = None, scored: pd.DataFrame | None = None,
                    min_group: int = MIN_GROUP) -> FairnessReport:
    """The report for a position (or all), from the store; HR and administrators only.

    `scored` is scoring.score() output when the caller already has it (the Excel report
    does). Outcomes are computed from the scores alone; self-identification is read last,
    through the store's `fairness` permission check, and only joined onto the outcomes.
    """
    from analysis.scoring import score

    if scored is None:
        data = store.panel_data(actor, position_id=position_id)
        scored = score(data, store.kits_by_version({row[5] for row in data.interviews}))
    positions = store.candidate_positions(actor, (int(c) for c in scored["candidate_id"]))
    scored = scored.assign(position_id=scored["candidate_id"].map(lambda c: positions.get(int(c))))
    decisions = store.decisions(actor, position_id=position_id)
    self_id = pd.DataFrame(store.self_identification(actor, position_id=position_id),
                           columns=["candidate_id", "sex", "race"])
    return adverse_impact(assessments(scored, decisions), self_id, min_group=min_group)

"""Candidate scores from the interviewers' ratings, with the motivation profile beside them.

Formulas (all from *submitted* interviews):

* **Interviewer's overall** = the kit-weighted mean of that interviewer's 1-5 question
  ratings (unrated questions are left out, not counted as zero).
* **Rating** = the kit-weighted mean of *every* rating the candidate received, pooled over
  the interviews: each rating counts once, at its question's weight. An interview that
  rated 1 question of 8 therefore weighs an eighth of a full one, not as much (which a
  mean of the interviewers' overalls would give it). **Spread** = highest minus lowest
  interviewer's overall.
* **Partial** = a submitted interview that rated fewer than all of its kit's questions;
  the candidate's row names each one ("Partial: 1 of 8 questions rated (olga)").
* **Per principle** = the mean of all ratings of the questions that probe it.
* **Motivation profile** = shares of intrinsic / extrinsic / mixed / unclear among the
  candidate's labelled answers, using the interviewer's confirmed or overridden label
  where there is one, else the model's.
* **Autonomy index** = (intrinsic - extrinsic) / labelled answers, from -1 (every answer
  states an external motive) to +1 (every answer an internal one); mixed and unclear
  count 0. None when nothing is labelled.
* **Composite** (1-5) = 1 + 4 * ((1 - w) * (rating - 1) / 4 + w * (autonomy + 1) / 2),
  with w the kit's `motivation_weight`, at most 0.5, so the model's labels never weigh
  more than the interviewers' ratings. Without labels the composite is the rating.
* **Ranking score** = the composite shrunk towards the position's mean by one
  interviewer's worth: (n * composite + mean) / (n + 1). A candidate seen by one
  interviewer is pulled halfway to the mean and flagged, not ranked as if certain.
* **Disagreement** = a question whose ratings differ by two points or more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.records import MOTIVE_LABELS, RECOMMENDATIONS, PanelData
from rubric import Rubric
from rubric.loader import MAX_MOTIVATION_WEIGHT

SHRINK = 1.0  # prior weight, in interviewers, of the position mean in the ranking score


@dataclass(frozen=True)
class Frames:
    """PanelData as DataFrames, joined with what the kits say about each question."""

    interviews: pd.DataFrame
    ratings: pd.DataFrame
    recommendations: pd.DataFrame
    labels: pd.DataFrame
    principles: pd.DataFrame  # kit_version_id, question_id, principle


def frames(data: PanelData, kits: dict[int, Rubric]) -> Frames:
    iv = pd.DataFrame.from_records(
        list(data.interviews),
        columns=["interview_id", "candidate_id", "name", "status", "interviewer", "kit_version_id", "submitted_at"],
    )
    rows = [(k, q.id, q.weight) for k, kit in kits.items() for q in kit.questions]
    weights = pd.DataFrame(rows, columns=["kit_version_id", "question_id", "weight"])
    prin = pd.DataFrame([(k, q.id, p) for k, kit in kits.items() for q in kit.questions for p in q.principles],
                        columns=["kit_version_id", "question_id", "principle"])
    r = pd.DataFrame.from_records(list(data.ratings), columns=["interview_id", "question_id", "score"])
    r = r.dropna(subset=["score"]).merge(iv[["interview_id", "candidate_id", "interviewer", "kit_version_id"]],
                                         on="interview_id")
    r = r.merge(weights, on=["kit_version_id", "question_id"], how="left")
    r["weight"] = r["weight"].fillna(1.0)
    rec = pd.DataFrame.from_records(list(data.recommendations), columns=["interview_id", "value"])
    rec = rec.merge(iv[["interview_id", "candidate_id", "interviewer"]], on="interview_id")
    lab = pd.DataFrame.from_records(list(data.labels), columns=["interview_id", "question_id", "model", "final", "reviewed"])
    lab = lab.merge(iv[["interview_id", "candidate_id", "interviewer"]], on="interview_id")
    return Frames(iv, r, rec, lab, prin)


def interviewer_overalls(f: Frames) -> pd.DataFrame:
    """One row per submitted interview: candidate, interviewer, weighted mean rating."""
    r = f.ratings.assign(ws=f.ratings["score"] * f.ratings["weight"])
    g = r.groupby(["interview_id", "candidate_id", "interviewer"], as_index=False)[["ws", "weight"]].sum()
    g["overall"] = g["ws"] / g["weight"]
    return g[["interview_id", "candidate_id", "interviewer", "overall"]]


def coverage(f: Frames, kits: dict[int, Rubric]) -> pd.DataFrame:
    """One row per submitted interview: how many of its kit's questions it rated, and whether that is all."""
    iv = f.interviews[["interview_id", "candidate_id", "interviewer", "kit_version_id"]]
    rated = f.ratings.groupby("interview_id")["question_id"].nunique()
    out = iv.assign(rated=iv["interview_id"].map(rated).fillna(0).astype(int),
                    questions=iv["kit_version_id"].map({k: len(kit.questions) for k, kit in kits.items()}))
    out["partial"] = out["questions"].notna() & (out["rated"] < out["questions"])
    return out


def partial_notes(partial: pd.DataFrame) -> pd.Series:
    """How each partial interview (rows of `coverage`) is flagged: "Partial: 1 of 8 questions rated (olga)"."""
    questions = partial["questions"].astype(int)
    noun = np.where(questions == 1, " question", " questions")
    return ("Partial: " + partial["rated"].astype(str) + " of " + questions.astype(str) + noun + " rated ("
            + partial["interviewer"] + ")")


EMPTY_SCORES = ("candidate_id", "name", "status", "n_interviewers", "rating", "spread", "autonomy", "composite",
                "ranking_score", "single_interviewer", "n_partial", "partial")


def score(data: PanelData, kits: dict[int, Rubric]) -> pd.DataFrame:
    """One row per candidate with at least one submitted interview, best ranking score first."""
    f = frames(data, kits)
    if f.interviews.empty:
        return pd.DataFrame(columns=list(EMPTY_SCORES))
    return ranked(candidate_scores(f, kits))


def candidate_scores(f: Frames, kits: dict[int, Rubric]) -> pd.DataFrame:
    """Everything `score` works out from each candidate's own interviews alone, by candidate id.

    Frames holding several candidates' whole panels give the rows those candidates would
    have on their own, so a long list can be scored a slice at a time and the rows joined
    (in candidate order) before `ranked`.
    """
    base = f.interviews.groupby("candidate_id").agg(
        name=("name", "first"), status=("status", "first"), n_interviewers=("interviewer", "nunique"),
        last_submitted=("submitted_at", "max"),
    )
    names = f.interviews.drop_duplicates(["candidate_id", "interviewer"]).sort_values("interviewer")
    base["interviewers"] = names.groupby("candidate_id")["interviewer"].agg(", ".join)
    weighted = f.ratings.assign(ws=f.ratings["score"] * f.ratings["weight"])
    pooled = weighted.groupby("candidate_id")[["ws", "weight"]].sum()
    base["rating"] = pooled["ws"] / pooled["weight"]
    by = interviewer_overalls(f).groupby("candidate_id")["overall"]
    base["spread"] = by.max() - by.min()
    cov = coverage(f, kits)
    part = cov[cov["partial"]].sort_values(["candidate_id", "interviewer"])
    notes = partial_notes(part)
    base["n_partial"] = part.groupby("candidate_id").size().reindex(base.index).fillna(0).astype(int)
    base["partial"] = (notes.groupby(part["candidate_id"]).agg("; ".join) if len(part) else pd.Series(dtype=str)
                       ).reindex(base.index).fillna("")

    if not f.ratings.empty:
        per_q = f.ratings.merge(f.principles, on=["kit_version_id", "question_id"])
        principle = per_q.pivot_table(index="candidate_id", columns="principle", values="score", aggfunc="mean")
        base = base.join(principle.add_prefix("principle:"))
        by_q = f.ratings.groupby(["candidate_id", "question_id"])["score"]
        rng = by_q.max() - by_q.min()
        base["disagreements"] = (rng >= 2).groupby(level=0).sum()
    base["disagreements"] = base.get("disagreements", pd.Series(dtype=float)).reindex(base.index).fillna(0).astype(int)

    # Counts as crosstab gives them, by a groupby (crosstab counts each cell in Python).
    tallies = f.recommendations.groupby(["candidate_id", "value"]).size().unstack(fill_value=0)
    for value in RECOMMENDATIONS:
        base[value] = tallies[value].reindex(base.index).fillna(0).astype(int) if value in tallies else 0

    counts = (f.labels.groupby(["candidate_id", "final"]).size().unstack(fill_value=0) if not f.labels.empty
              else pd.DataFrame())
    labelled = counts.sum(axis=1) if not counts.empty else pd.Series(dtype=float)
    for label in MOTIVE_LABELS:
        col = counts[label] if label in counts else pd.Series(0, index=counts.index, dtype=float)
        base[label] = (col / labelled).reindex(base.index)
    base["n_labelled"] = labelled.reindex(base.index).fillna(0).astype(int)
    base["autonomy"] = (base["intrinsic"] - base["extrinsic"]).where(base["n_labelled"] > 0)

    kit_w = f.interviews.assign(w=f.interviews["kit_version_id"].map(
        {k: kit.motivation_weight for k, kit in kits.items()})).groupby("candidate_id")["w"].mean()
    w = kit_w.reindex(base.index).fillna(0.0).clip(0, MAX_MOTIVATION_WEIGHT)
    rating_part = (base["rating"] - 1) / 4
    blended = (1 - w) * rating_part + w * (base["autonomy"] + 1) / 2
    base["composite"] = 1 + 4 * blended.where(base["autonomy"].notna(), rating_part)
    return base


def ranked(base: pd.DataFrame) -> pd.DataFrame:
    """`candidate_scores` rows of one position (or one list), ranked: best ranking score first, from rank 1."""
    mean = base["composite"].mean()
    n = base["n_interviewers"]
    base["ranking_score"] = (n * base["composite"] + SHRINK * mean) / (n + SHRINK)
    base["single_interviewer"] = n == 1
    base = base.reset_index().sort_values(["ranking_score", "rating"], ascending=False, na_position="last")
    base.insert(0, "rank", np.arange(1, len(base) + 1))
    return base.reset_index(drop=True)


def disagreements(data: PanelData, kits: dict[int, Rubric], candidate_id: int) -> pd.DataFrame:
    """Questions where one candidate's ratings differ by two points or more, with who gave what."""
    f = frames(data, kits)
    r = f.ratings[f.ratings["candidate_id"] == candidate_id]
    if r.empty:
        return pd.DataFrame(columns=["question_id", "ratings", "range"])
    titles = {q.id: q.title for kit in kits.values() for q in kit.questions}
    out = []
    for qid, g in r.groupby("question_id"):
        spread = g["score"].max() - g["score"].min()
        if spread >= 2:
            who = ", ".join(f"{int(s)} ({i})" for s, i in sorted(zip(g["score"], g["interviewer"])))
            out.append({"question": titles.get(qid, qid), "question_id": qid, "ratings": who, "range": int(spread)})
    return pd.DataFrame(out, columns=["question", "question_id", "ratings", "range"])

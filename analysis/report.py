"""HR's Excel report: a workbook built in write-only (streaming) mode and returned as bytes.

    python -m analysis.report --out FILE.xlsx [--position NAME]     (uses MOTIVE_DATABASE_URL)

Each sheet is a tuple of column specs declared once below and each row a named type; the
sheets are written by analysis.sheets, which also keeps typed text from ever being a
formula, whatever it starts with, and drops or cuts what a workbook cannot hold.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from operator import attrgetter
from typing import NamedTuple

from openpyxl import Workbook

from analysis.agreement import position_agreement
from analysis.fairness import FOUR_FIFTHS, MIN_GROUP, fairness_report
from analysis.scoring import frames, score
from analysis.sheets import Chart, ColourScale, Column, Fact, SheetWriter, fact_columns
from data.access import allowed
from data.fields import ANSWER_FIELDS
from data.records import MOTIVE_LABELS, ReportAnswer, RECOMMENDATION_LABELS, RECOMMENDATIONS, User
from data.store import Store
from rubric import Question, Rubric
from rubric.model import RATING_LEVELS

ADVISORY = ("The motivation label is advisory. It reads the motive a candidate stated in one answer; it is never "
            "the basis of a decision and never weighs more than the interviewers' own ratings.")


# -- rows ------------------------------------------------------------------------------------
# PanelData.interviews holds plain tuples; each is given a name here, in one place, and read
# by field name everywhere after. Answers come from the store as data.records.ReportAnswer.

class InterviewRow(NamedTuple):
    """A submitted interview as PanelData.interviews holds it (see data.records.PanelData)."""

    interview_id: int
    candidate_id: int
    candidate_name: str
    candidate_status: str
    interviewer: str
    kit_version_id: int
    submitted_at: datetime


class AnswerLine(NamedTuple):
    """One row of the Answers sheet: an answer, whose it is, its question's title and its rating."""

    answer: ReportAnswer
    candidate: str
    interviewer: str
    question: str
    rating: int | None


class RatingLine(NamedTuple):
    """One rating of one question in one interview, with that interview's recommendation."""

    candidate: str
    interviewer: str
    question: str
    rating: int
    recommendation: str


class AgreementLine(NamedTuple):
    """One agreement measure; `fmt` is how its value reads (a kappa, or a signed offset in points)."""

    measure: str
    between: str
    value: float | None
    over: str
    fmt: str = "0.00"


class FairnessLine(NamedTuple):
    """One row of the Fairness sheet: a group's rates (`is_group`), a count, or the notice."""

    measure: str
    dimension: str
    group: str
    people: int | str | None
    count: int | None = None
    rate: float | None = None
    impact_ratio: float | None = None
    below: str = ""
    is_group: bool = False
    is_notice: bool = False


class KitQuestion(NamedTuple):
    """One question of one kit version, for the Rubric sheet."""

    kit: Rubric
    question: Question


# -- sheets ----------------------------------------------------------------------------------

SCORES, MIX = "scores", "mix"
PCT = "0%"
SIGNED = "+0.00;-0.00;0.00"

SUMMARY: tuple[Column, ...] = (
    Column("Rank", 6, attrgetter("rank")),
    Column("Candidate", 28, attrgetter("name"), categories_in=(SCORES, MIX)),
    Column("Status", 11, attrgetter("status")),
    Column("Ranking score", 13, attrgetter("ranking_score"), fmt="0.00",
           colour_scale=ColourScale(start=(1, "F8696B"), mid=(3, "FFEB84"), end=(5, "63BE7B"))),
    Column("Composite", 11, attrgetter("composite"), fmt="0.00", series_in=(SCORES,)),
    Column("Ratings (1-5)", 13, attrgetter("rating"), fmt="0.00"),
    Column("Spread", 8, attrgetter("spread"), fmt="0.00"),
    Column("Interviewers", 12, attrgetter("n_interviewers")),
    Column("Certainty", 18, lambda r: "1 interviewer only" if r.single_interviewer else ""),
    *(Column(RECOMMENDATION_LABELS[value], width, attrgetter(value))
      for value, width in zip(RECOMMENDATIONS, (10, 6, 6, 11), strict=True)),
    Column("Autonomy", 10, attrgetter("autonomy"), fmt=SIGNED,
           colour_scale=ColourScale(start=(-1, "F4B183"), end=(1, "A9D08E"))),
    *(Column(label.capitalize(), width, attrgetter(label), fmt=PCT, series_in=(MIX,))
      for label, width in zip(MOTIVE_LABELS, (10, 9, 9, 9), strict=True)),
    Column("Disagreements", 14, attrgetter("disagreements")),
)
SUMMARY_CHARTS = (
    Chart(SCORES, "Composite score per candidate", anchor_row=2, height=9, width=24, y_title="1-5"),
    Chart(MIX, "Stated-motive mix per candidate (advisory)", anchor_row=22, height=12, width=24,
          kind="bar", grouping="percentStacked", overlap=100),
)

CANDIDATES: tuple[Column, ...] = (
    Column("Candidate", 28, attrgetter("name")),
    Column("Email", 32, lambda c: c.email or ""),
    Column("Position", 26, attrgetter("position_name")),
    Column("Status", 11, attrgetter("status")),
    Column("Added", 12, attrgetter("created_at"), fmt="yyyy-mm-dd"),
)


def _evidence(evidence: tuple[dict, ...]) -> str:
    return "; ".join(f"{e['side']}: {e['phrase']}" for e in evidence)


ANSWERS: tuple[Column[AnswerLine], ...] = (
    Column("Candidate", 24, attrgetter("candidate")),
    Column("Interviewer", 14, attrgetter("interviewer")),
    Column("Question", 28, attrgetter("question")),
    *(Column(f.heading, f.width, attrgetter(f"answer.{f.name}")) for f in ANSWER_FIELDS),
    Column("Model label", 12, lambda line: line.answer.model_label or ""),
    Column("Confidence", 11, attrgetter("answer.confidence"), fmt=PCT),
    Column("Evidence", 40, lambda line: _evidence(line.answer.evidence)),
    Column("Interviewer's label", 16, lambda line: line.answer.final_label or ""),
    Column("Review", 10, lambda line: line.answer.review_action or ""),
    Column("Reason", 30, lambda line: line.answer.review_reason or ""),
    Column("Rating", 8, attrgetter("rating")),
)

RATINGS: tuple[Column[RatingLine], ...] = (
    Column("Candidate", 24, attrgetter("candidate")),
    Column("Interviewer", 14, attrgetter("interviewer")),
    Column("Question", 30, attrgetter("question")),
    Column("Rating", 8, attrgetter("rating")),
    Column("Recommendation", 16, attrgetter("recommendation")),
)

AGREEMENT: tuple[Column[AgreementLine], ...] = (
    Column("Measure", 44, attrgetter("measure")),
    Column("Between", 30, attrgetter("between")),
    Column("Value", 10, attrgetter("value"), fmt=attrgetter("fmt")),
    Column("Over", 30, attrgetter("over")),
)


def _on_groups(fmt: str):
    """A format for the group rows only: the count and notice rows below them stay unformatted."""
    return lambda line: fmt if line.is_group else None


FAIRNESS: tuple[Column[FairnessLine], ...] = (
    Column("Measure", 16, attrgetter("measure")),
    Column("Dimension", 12, attrgetter("dimension")),
    Column("Group", 44, attrgetter("group"), wrap=attrgetter("is_notice")),
    Column("People", 9, attrgetter("people")),
    Column("Count", 8, attrgetter("count")),
    Column("Rate", 9, attrgetter("rate"), fmt=_on_groups(PCT)),
    Column("Impact ratio", 12, attrgetter("impact_ratio"), fmt=_on_groups("0.00")),
    Column("Below 4/5", 11, attrgetter("below")),
)

RUBRIC: tuple[Column[KitQuestion], ...] = (
    Column("Kit", 26, attrgetter("kit.name")),
    Column("Version", 9, attrgetter("kit.version")),
    Column("Question", 40, attrgetter("question.prompt"), wrap=True),
    Column("Principles", 26, lambda kq: ", ".join(kq.question.principles)),
    Column("Weight", 8, attrgetter("question.weight")),
    *(Column(str(level), 30, lambda kq, i=i: kq.question.anchors[i], wrap=True) for i, level in enumerate(RATING_LEVELS)),
)

ABOUT = fact_columns((26, 100))


def build_report(store: Store, actor: User, *, position_id: int | None = None,
                 candidate_ids: list[int] | None = None, statuses=None, filters: str = "") -> bytes:
    """The whole report for what the filters select, as .xlsx bytes."""
    selection = dict(position_id=position_id, candidate_ids=candidate_ids, statuses=statuses)
    data = store.panel_data(actor, **selection)
    kits = store.kits_by_version({InterviewRow._make(row).kit_version_id for row in data.interviews})
    scores = score(data, kits)
    wb = Workbook(write_only=True)
    taken: set[str] = set()

    summary = SheetWriter(wb, "Summary", taken, SUMMARY, SUMMARY_CHARTS)
    summary.write_all(scores.itertuples())
    summary.finish()

    f = frames(data, kits)
    people = store.candidates_of(actor, (int(c) for c in scores["candidate_id"]))
    candidates = SheetWriter(wb, "Candidates", taken, CANDIDATES)
    candidates.write_all(people[int(cid)] for cid in scores["candidate_id"])
    candidates.finish()

    titles = {(k, q.id): f"Q{i}. {q.title}" for k, kit in kits.items() for i, q in enumerate(kit.questions, 1)}
    who = {r.interview_id: r for r in f.interviews.itertuples()}
    rated = {(r.interview_id, r.question_id): int(r.score) for r in f.ratings.itertuples()}
    answers = SheetWriter(wb, "Answers", taken, ANSWERS)
    for a in store.iter_report_rows(actor, **selection):
        iv = who[a.interview_id]
        answers.write(AnswerLine(a, iv.name, iv.interviewer, titles.get((iv.kit_version_id, a.question_id), a.question_id),
                                 rated.get((a.interview_id, a.question_id))))
    answers.finish()

    recs = dict(zip(f.recommendations["interview_id"], f.recommendations["value"]))
    ratings = SheetWriter(wb, "Ratings", taken, RATINGS)
    ratings.write_all(
        RatingLine(r.name, r.interviewer, titles.get((r.kit_version_id, r.question_id), r.question_id), int(r.score),
                   RECOMMENDATION_LABELS.get(recs.get(r.interview_id) or "", ""))
        for r in f.ratings.merge(f.interviews[["interview_id", "name"]], on="interview_id").itertuples())
    ratings.finish()

    agreement = SheetWriter(wb, "Agreement", taken, AGREEMENT)
    agreement.write_all(_agreement_lines(position_agreement(data, kits)))
    agreement.finish()

    if allowed(actor.role, "fairness"):
        write_fairness_sheet(wb, taken, fairness_report(store, actor, position_id=position_id, scored=scores))

    rubric = SheetWriter(wb, "Rubric", taken, RUBRIC)
    rubric.write_all(KitQuestion(kit, q) for kit in kits.values() for q in kit.questions)
    rubric.finish()

    about = SheetWriter(wb, "About", taken, ABOUT)
    about.write_all(Fact(name, value, wrap=True) for name, value in [
        ("Generated", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("Generated by", actor.username),
        ("Filters", filters or "none: every submitted interview"),
        ("Candidates", str(len(scores))),
        ("Interview kits", "; ".join(f"{kit.name} v{kit.version}" for kit in kits.values()) or "none"),
        ("Motivation model", store.active_model_version() or "none"),
        ("Notice", ADVISORY),
        ("Scores", "Only submitted interviews count. See Motive's README for every formula."),
    ])
    about.finish()

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _agreement_lines(ag: dict) -> Iterator[AgreementLine]:
    yield AgreementLine("Recommendations: Fleiss' kappa", "the whole panel", ag["fleiss"], f"{ag['n_panels']} panels")
    yield AgreementLine("Ratings: ICC(1)", "the whole panel", ag["icc"], "interviewers' overall ratings")
    yield AgreementLine("Model vs interviewers' reviewed labels: Cohen's kappa", "model and interviewers",
                        ag["model_kappa"], f"{ag['n_reviewed']} reviewed answers")
    for a, b, k, shared in ag["pairs"]:
        yield AgreementLine("Recommendations: Cohen's kappa", f"{a} and {b}", k, f"{shared} shared candidates")
    for who, cal in ag["calibration"].items():
        yield AgreementLine("Calibration: offset against the panel (points)", who, cal["offset"],
                            f"{cal['items']} candidates", fmt=SIGNED)


def write_fairness_sheet(wb: Workbook, taken: set[str], report) -> None:
    """Adverse-impact screening per self-identified group; only in reports made by HR or administrators."""
    sheet = SheetWriter(wb, "Fairness", taken, FAIRNESS)
    for row in report.rows():
        people = row["n"] if not row["suppressed"] else f"fewer than {MIN_GROUP}"
        flag = "suppressed" if row["suppressed"] else ("YES - review" if row["flag"] else "no")
        sheet.write(FairnessLine(row["measure"], row["dimension"], row["group"], people, row["hits"], row["rate"],
                                 row["impact_ratio"], flag, is_group=True))
    for label, value in [("Assessed candidates", report.total), ("Sex not disclosed", report.unknown_sex),
                         ("Race/ethnicity not disclosed", report.unknown_race)]:
        sheet.write(FairnessLine("Count", "", label, value))
    sheet.write(FairnessLine(
        "Notice", "", f"Selection rate = share moved forward or hired, of the candidates with a recorded "
        "decision; recommendation rate (a second view) = share recommended yes or strong yes by most "
        "interviewers; scoring rate = share above the position's median composite. Impact ratio = rate / highest group's rate; "
        f"below {FOUR_FIFTHS:.0%} is flagged for review. Groups under {MIN_GROUP} are suppressed. "
        "Self-identification is voluntary and never feeds any score. A screening statistic, not a "
        "legal finding.", None, is_notice=True))
    sheet.finish()


def main(argv: list[str] | None = None, prog: str = "python -m analysis.report") -> int:
    from data.cli import command, open_store, say
    from data.errors import StoreError
    from data.records import COMMAND_LINE

    parser = argparse.ArgumentParser(prog=prog, description="Write HR's Excel report.")
    parser.add_argument("--out", required=True, help="the .xlsx file to write")
    parser.add_argument("--position", help="only this position (by name)")
    args = parser.parse_args(argv)

    def run() -> None:
        store = open_store()
        actor = COMMAND_LINE
        position_id = None
        if args.position:
            match = [p for p in store.list_positions() if p.name.lower() == args.position.strip().lower()]
            if not match:
                names = ", ".join(p.name for p in store.list_positions()) or "none"
                raise StoreError(f"No position named {args.position!r}. Positions: {names}")
            position_id = match[0].id
        data = build_report(store, actor, position_id=position_id,
                            filters=f"position = {args.position}" if args.position else "")
        with open(args.out, "wb") as fh:
            fh.write(data)
        store.record_export(COMMAND_LINE, "report", position_id=position_id, file=os.path.basename(args.out))
        say(f"wrote {args.out} ({len(data):,} bytes)")

    return command(run)


if __name__ == "__main__":
    sys.exit(main())

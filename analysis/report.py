"""HR's Excel report: a workbook streamed by XlsxWriter in constant-memory mode and returned as bytes.

    python -m analysis.report [--out FILE.xlsx] [--position NAME]     (uses MOTIVE_DATABASE_URL)

A report covers a `ReportScope`: positions, candidates, stages and the days candidates were
added. Its Candidates sheet lists every candidate in scope, interviewed or not; the sheets
built from interviews count the submitted interviews of those candidates; and its file name
(`report_file_name`) says the scope.

Each sheet is a tuple of column specs declared once below and each row a named type; the
sheets are written by analysis.sheets, which also keeps typed text from ever being a
formula, whatever it starts with, drops or cuts what a workbook cannot hold, and sets every
sheet up to print one page wide. Questions are listed in their kit's order.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

import pandas as pd

from analysis.agreement import Panels
from analysis.fairness import FOUR_FIFTHS, MIN_GROUP, fairness_report
from analysis.scoring import candidate_scores, frames, ranked, score
from analysis.sheets import Book, Chart, ColourScale, Column, Fact, SheetWriter, fact_columns
from data.access import allowed, require
from data.fields import ANSWER_FIELDS
from data.records import (
    CANDIDATE_STATUSES,
    LABEL_HEX,
    MOTIVE_LABELS,
    RECOMMENDATION_LABELS,
    RECOMMENDATIONS,
    Actor,
    Candidate,
    PanelData,
    ReportAnswer,
)
from data.store import Store
from rubric import Question, Rubric
from rubric.model import RATING_LEVELS

ADVISORY = ("The motivation label is advisory. It reads the motive a candidate stated in one answer; it is never "
            "the basis of a decision and never weighs more than the interviewers' own ratings.")


# -- scope -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportScope:
    """What one report covers: a filter left None selects everything, an empty one selects nothing."""

    position_ids: tuple[int, ...] | None = None
    candidate_ids: tuple[int, ...] | None = None
    stages: tuple[str, ...] | None = None
    added_from: date | None = None  # whole days on the date a candidate was added, both ends included
    added_to: date | None = None
    all_stages: tuple[str, ...] = CANDIDATE_STATUSES  # the team's stage keys (Settings.stages.keys)

    def selection(self) -> dict[str, Any]:
        """The store's keyword arguments for this scope (the store calls a stage a status).

        Every stage chosen is no stage filter at all, so a candidate whose stage has since left
        the configured list is still in the report.
        """
        return dict(position_ids=self.position_ids, candidate_ids=self.candidate_ids,
                    statuses=None if self.every_stage else self.stages, added_from=self.added_from,
                    added_to=self.added_to)

    @property
    def every_stage(self) -> bool:
        return self.stages is None or set(self.all_stages) <= set(self.stages)


def describe(scope: ReportScope, positions: Mapping[int, str], candidates: Mapping[int, str]) -> str:
    """The scope in words, for the About sheet and the audit log; ids without a name are named by id."""
    parts = []
    if scope.candidate_ids is not None:
        names = [candidates.get(c, f"candidate {c}") for c in scope.candidate_ids]
        parts.append(f"candidate: {', '.join(names)}" if len(names) < 4 else f"{len(names)} candidates")
    if scope.position_ids is not None:
        names = [positions.get(p, f"position {p}") for p in scope.position_ids]
        parts.append(f"position{'s' if len(names) > 1 else ''}: {', '.join(names) or 'none'}")
    elif scope.candidate_ids is None:
        parts.append("every position")
    if not scope.every_stage:
        parts.append(f"stage: {', '.join(scope.stages) or 'none'}")
    if scope.added_from or scope.added_to:
        parts.append(" ".join(["added", *([f"from {scope.added_from}"] if scope.added_from else []),
                               *([f"to {scope.added_to}"] if scope.added_to else [])]))
    return "; ".join(parts)


FILE_NAME_LIMIT = 120  # characters of the name before ".xlsx"
_SLUG_LIMIT = 40


def slug(text: str, limit: int = _SLUG_LIMIT) -> str:
    """Lower-case ASCII letters, digits and single hyphens: accents dropped, anything else a hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def _positions_named(ids: tuple[int, ...], names: Mapping[int, str]) -> str:
    joined = "-".join(slug(names.get(i, "")) or f"position-{i}" for i in ids)
    return joined if ids and len(joined) <= _SLUG_LIMIT else f"{len(ids)}-positions"


def report_file_name(scope: ReportScope, positions: Mapping[int, str], today: date) -> str:
    """A file name that says the report's scope, safe on any file system.

    For example motive-report-all-positions-2026-12-01.xlsx, or
    motive-report-sales-desk-2026-01-01-2026-06-30.xlsx for a position's candidates added in
    the first half of 2026. Only ASCII letters, digits, hyphens and the extension; at most
    FILE_NAME_LIMIT characters before ".xlsx"; the days always fit. A candidate is named by
    id, never by name: file names travel (downloads folders, mail attachments, the audit log)
    where a person's name should not.
    """
    if scope.candidate_ids is not None:
        ids = scope.candidate_ids
        who = f"candidate-{ids[0]}" if len(ids) == 1 else f"{len(ids)}-candidates"
    elif scope.position_ids is None:
        who = "all-positions"
    else:
        who = _positions_named(scope.position_ids, positions)
    if not scope.every_stage:
        stages = "-".join(slug(s) for s in scope.stages if slug(s))
        who += "-" + ("no-stage" if not scope.stages else
                      stages if stages and len(stages) <= _SLUG_LIMIT else f"{len(scope.stages)}-stages")
    if scope.added_from and scope.added_to:
        when = f"{scope.added_from.isoformat()}-{scope.added_to.isoformat()}"
    elif scope.added_from or scope.added_to:
        when = f"from-{scope.added_from.isoformat()}" if scope.added_from else f"to-{scope.added_to.isoformat()}"
    else:
        when = today.isoformat()
    prefix = "motive-report-"
    who = who[: FILE_NAME_LIMIT - len(prefix) - len(when) - 1].strip("-")
    return f"{prefix}{who}-{when}.xlsx"


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


class CandidateLine(NamedTuple):
    """One row of the Candidates sheet: a candidate in scope and, once interviewed, their Summary row."""

    candidate: Candidate
    stage_date: datetime
    scores: Any | None  # a row of the Summary (scoring.score), None while no interview of theirs is submitted


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
    Column("Stage", 12, attrgetter("status")),
    Column("Ranking score", 13, attrgetter("ranking_score"), fmt="0.00",
           colour_scale=ColourScale(start=(1, "F8696B"), mid=(3, "FFEB84"), end=(5, "63BE7B"))),
    Column("Composite", 11, attrgetter("composite"), fmt="0.00", series_in=(SCORES,)),
    Column("Ratings (1-5)", 13, attrgetter("rating"), fmt="0.00"),
    Column("Spread", 8, attrgetter("spread"), fmt="0.00"),
    Column("Interviewers", 12, attrgetter("n_interviewers"), align="center"),
    Column("Certainty", 18, lambda r: "1 interviewer only" if r.single_interviewer else ""),
    *(Column(RECOMMENDATION_LABELS[value], width, attrgetter(value))
      for value, width in zip(RECOMMENDATIONS, (10, 6, 6, 11), strict=True)),
    Column("Autonomy", 10, attrgetter("autonomy"), fmt=SIGNED,
           colour_scale=ColourScale(start=(-1, "F4B183"), end=(1, "A9D08E"))),
    *(Column(label.capitalize(), width, attrgetter(label), fmt=PCT, series_in=(MIX,), colour=LABEL_HEX[label])
      for label, width in zip(MOTIVE_LABELS, (10, 9, 9, 9), strict=True)),
    Column("Disagreements", 14, attrgetter("disagreements")),
)
SUMMARY_CHARTS = (
    Chart(SCORES, "Composite score per candidate", height=9, width=30, y_title="1-5"),
    Chart(MIX, "Stated-motive mix per candidate (advisory)", height=3, width=30, per_row_cm=0.45,
          kind="bar", grouping="percentStacked", overlap=100),
)

# A Summary that spans positions: each candidate's position first, ranks counted within it.
SUMMARY_BY_POSITION: tuple[Column, ...] = (
    Column("Position", 24, attrgetter("position_name")),
    Column("Rank in position", 9, attrgetter("rank")),
    *SUMMARY[1:],
)


def _score(name: str):
    """A Summary value of an interviewed candidate; empty for one not interviewed yet."""
    return lambda line: None if line.scores is None else getattr(line.scores, name)


DAY = "yyyy-mm-dd"

CANDIDATES: tuple[Column[CandidateLine], ...] = (
    Column("Candidate", 28, attrgetter("candidate.name")),
    Column("Email", 32, lambda line: line.candidate.email or ""),
    Column("Position", 26, attrgetter("candidate.position_name")),
    Column("Stage", 12, attrgetter("candidate.status")),
    Column("Stage date", 12, attrgetter("stage_date"), fmt=DAY),
    Column("Added", 12, attrgetter("candidate.created_at"), fmt=DAY),
    Column("Interviewers", 12, lambda line: 0 if line.scores is None else line.scores.n_interviewers),
    Column("Rank in position", 9, _score("rank")),
    Column("Ranking score", 13, _score("ranking_score"), fmt="0.00"),
    Column("Composite", 11, _score("composite"), fmt="0.00"),
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
    Column("Rating", 8, attrgetter("rating"), align="center"),
    Column("Recommendation", 16, attrgetter("recommendation")),
)

AGREEMENT: tuple[Column[AgreementLine], ...] = (
    Column("Measure", 44, attrgetter("measure")),
    Column("Between", 30, attrgetter("between")),
    Column("Value", 10, attrgetter("value"), fmt=attrgetter("fmt"), align="center"),
    Column("Over", 30, attrgetter("over")),
)


def _on_groups(fmt: str):
    """A format for the group rows only: the count and notice rows below them stay unformatted."""
    return lambda line: fmt if line.is_group else None


FAIRNESS: tuple[Column[FairnessLine], ...] = (
    Column("Measure", 20, attrgetter("measure")),
    Column("Dimension", 12, attrgetter("dimension")),
    Column("Group", 44, attrgetter("group"), wrap=attrgetter("is_notice")),
    Column("People", 9, attrgetter("people")),
    Column("Count", 8, attrgetter("count")),
    Column("Rate", 9, attrgetter("rate"), fmt=_on_groups(PCT)),
    Column("Impact ratio", 12, attrgetter("impact_ratio"), fmt=_on_groups("0.00"), align="center"),
    Column("Below 4/5", 11, attrgetter("below")),
)

RUBRIC: tuple[Column[KitQuestion], ...] = (
    Column("Kit", 26, attrgetter("kit.name")),
    Column("Version", 9, attrgetter("kit.version")),
    Column("Question", 40, attrgetter("question.prompt"), wrap=True),
    Column("Principles", 26, lambda kq: kq.kit.principles_of(kq.question)),
    Column("Weight", 8, attrgetter("question.weight")),
    *(Column(str(level), 30, lambda kq, i=i: kq.question.anchors[i], wrap=True) for i, level in enumerate(RATING_LEVELS)),
)

ABOUT = fact_columns((26, 100))
PANEL_CHUNK = 500  # candidates scored at once: a long report holds about as much as one of this many candidates


def build_report(store: Store, actor: Actor, scope: ReportScope = ReportScope()) -> bytes:
    """The whole report for the candidates `scope` selects, as .xlsx bytes.

    Checks "reports.export" itself: the store's reads let any reviewing role see these
    records one by one, but only HR and administrators may take them away in a file.
    """
    require(actor, "reports.export")
    selection = scope.selection()
    position_names = {p.id: p.name for p in store.list_positions()}
    candidate_names = ({c.id: c.name for c in store.candidates_of(actor, scope.candidate_ids).values()}
                       if scope.candidate_ids is not None else {})
    if scope.candidate_ids is not None:
        spans = len(set(store.candidate_positions(actor, scope.candidate_ids).values())) > 1
    else:
        spans = scope.position_ids is None or len(scope.position_ids) > 1
    # The panels a slice of candidates at a time: what is kept is per candidate or per interview, never per answer.
    kits: dict[int, Rubric] = {}
    parts, panels = [], Panels()
    who: dict[int, tuple[str, str, int]] = {}  # interview -> candidate's name, interviewer, kit version
    recs: dict[int, str | None] = {}
    for data in store.iter_panel_data(actor, chunk=PANEL_CHUNK, **selection):
        kits.update(store.kits_by_version({InterviewRow._make(row).kit_version_id for row in data.interviews} - set(kits)))
        f = frames(data, kits)
        parts.append(candidate_scores(f, kits))
        panels.add(f)
        who.update((r.interview_id, (r.name, r.interviewer, r.kit_version_id)) for r in f.interviews.itertuples())
        recs.update(zip(f.recommendations["interview_id"], f.recommendations["value"]))
    kits = store.kits_by_version(kits)  # in the order a report over every panel at once lists them
    scores = _ranked(pd.concat(parts) if parts else None, kits, spans,
                     store.candidate_positions(actor, _of(parts)) if spans else {}, position_names)
    stages = store.settings.stages
    if len(scores):
        scores = scores.assign(status=scores["status"].map(stages.name))  # the names a person reads, not keys
    book = Book()

    summary = SheetWriter(book, "Summary", SUMMARY_BY_POSITION if spans else SUMMARY, SUMMARY_CHARTS)
    summary.write_all(scores.itertuples())
    summary.finish()

    scored = {int(row.candidate_id): row for row in scores.itertuples()}
    candidates = SheetWriter(book, "Candidates", CANDIDATES)
    candidates.write_all(CandidateLine(replace(c, status=stages.name(c.status)), stage_date, scored.get(c.id))
                         for c, stage_date in store.iter_report_candidates(actor, **selection))
    candidates.finish()

    titles = {(k, q.id): f"Q{i}. {q.title}" for k, kit in kits.items() for i, q in enumerate(kit.questions, 1)}
    place = {(k, q.id): i for k, kit in kits.items() for i, q in enumerate(kit.questions)}
    unplaced = len(place)
    answers = SheetWriter(book, "Answers", ANSWERS)
    for interview_id, group in groupby(store.iter_report_rows(actor, **selection), key=attrgetter("interview_id")):
        name, interviewer, kit_version = who[interview_id]
        for a in sorted(group, key=lambda a: place.get((kit_version, a.question_id), unplaced)):
            answers.write(AnswerLine(a, name, interviewer, titles.get((kit_version, a.question_id), a.question_id),
                                     a.rating))
    answers.finish()

    ratings = SheetWriter(book, "Ratings", RATINGS)
    for interview_id, group in groupby(store.iter_report_ratings(actor, **selection), key=itemgetter(0)):
        name, interviewer, kit_version = who[interview_id]
        recommendation = RECOMMENDATION_LABELS.get(recs.get(interview_id) or "", "")
        for _, question_id, rating in sorted(group, key=lambda r: place.get((kit_version, r[1]), unplaced)):
            ratings.write(RatingLine(name, interviewer, titles.get((kit_version, question_id), question_id),
                                     int(rating), recommendation))
    ratings.finish()

    agreement = SheetWriter(book, "Agreement", AGREEMENT)
    agreement.write_all(_agreement_lines(panels.agreement()))
    agreement.finish()

    if allowed(actor.role, "fairness"):
        one = scope.position_ids[0] if scope.position_ids is not None and len(scope.position_ids) == 1 else None
        write_fairness_sheet(book, fairness_report(store, actor, position_id=one, scored=scores))

    rubric = SheetWriter(book, "Rubric", RUBRIC)
    rubric.write_all(KitQuestion(kit, q) for kit in kits.values() for q in kit.questions)
    rubric.finish()

    about = SheetWriter(book, "About", ABOUT)
    about.write_all(Fact(name, value, wrap=True) for name, value in [
        ("Generated", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("Generated by", actor.username),
        ("Scope", describe(scope, position_names, candidate_names)),
        ("Candidates", f"{candidates.rows} in scope, {len(scores)} with a submitted interview"),
        ("Interview kits", "; ".join(f"{kit.name} v{kit.version}" for kit in kits.values()) or "none"),
        ("Motivation model", store.active_model_version() or "none"),
        ("Notice", ADVISORY),
        ("Scores", "Only submitted interviews count; a candidate not interviewed yet has no scores. "
                   + ("Ranks and ranking scores are within each position. " if spans else "")
                   + "See Motive's README for every formula."),
        *([("Charts", f"The Summary's charts show its first {SUMMARY_CHARTS[0].max_rows} rows of {len(scores):,}, "
                      "in the table's order.")] if len(scores) > SUMMARY_CHARTS[0].max_rows else []),
    ])
    about.finish()
    return book.bytes()


def _of(parts: list[pd.DataFrame]) -> list[int]:
    return [int(c) for part in parts for c in part.index]


def _ranked(base: pd.DataFrame | None, kits: dict, spans: bool, position_of: Mapping[int, int | None],
            position_names: Mapping[int, str]) -> pd.DataFrame:
    """`candidate_scores` rows ranked as `score` ranks them, or, for a report across positions, within each one.

    Across positions: by position name, then rank, with `position_id` and `position_name` columns; a
    candidate's rank and the shrinkage of their ranking score are within their own position.
    """
    if base is None or base.empty:
        empty = score(PanelData((), (), (), ()), kits)
        return empty.assign(position_id=pd.Series(dtype=int), position_name=pd.Series(dtype=str)) if spans else empty
    if not spans:
        return ranked(base)
    position = base.index.map(lambda c: position_of.get(int(c)))
    parts = []
    for pid in sorted(set(position), key=lambda p: (position_names.get(p, ""), p or 0)):
        parts.append(ranked(base[position == pid]).assign(position_id=pid, position_name=position_names.get(pid, "")))
    return pd.concat(parts, ignore_index=True)


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


def write_fairness_sheet(book: Book, report) -> None:
    """Adverse-impact screening per self-identified group; only in reports made by HR or administrators."""
    sheet = SheetWriter(book, "Fairness", FAIRNESS)
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
    parser.add_argument("--out", help="the .xlsx file to write (default: a name that says the scope, here)")
    parser.add_argument("--position", help="only this position (by name)")
    parser.add_argument("--stage", action="append", metavar="KEY",
                        help="only candidates at this stage, by key, e.g. hired (repeat for several)")
    parser.add_argument("--added-from", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="only candidates added on or after this day")
    parser.add_argument("--added-to", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="only candidates added on or before this day")
    args = parser.parse_args(argv)

    def run() -> None:
        store = open_store()
        positions = store.list_positions()
        keys = store.settings.stages.keys
        unknown = [k for k in args.stage or () if k not in keys]
        if unknown:
            raise StoreError(f"No stage {unknown[0]!r}. Stages: {', '.join(keys)}")
        position_ids = None
        if args.position:
            match = [p for p in positions if p.name.lower() == args.position.strip().lower()]
            if not match:
                names = ", ".join(p.name for p in positions) or "none"
                raise StoreError(f"No position named {args.position!r}. Positions: {names}")
            position_ids = (match[0].id,)
        scope = ReportScope(position_ids=position_ids, stages=tuple(args.stage) if args.stage else None,
                            added_from=args.added_from, added_to=args.added_to, all_stages=keys)
        out = args.out or report_file_name(scope, {p.id: p.name for p in positions}, datetime.now(timezone.utc).date())
        data = build_report(store, COMMAND_LINE, scope)
        with open(out, "wb") as fh:
            fh.write(data)
        store.record_export(COMMAND_LINE, "report", position_id=position_ids[0] if position_ids else None,
                            stages=scope.stages, added_from=str(scope.added_from or ""),
                            added_to=str(scope.added_to or ""), file=os.path.basename(out))
        say(f"wrote {out} ({len(data):,} bytes)")

    return command(run)


if __name__ == "__main__":
    sys.exit(main())

"""Frozen records the store hands out; pages and analysis read these, never rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from data.access import Role
from data.fields import ANSWER_FIELDS as DECLARED
from data.fields import FIELD_NAMES
from data.passwords import MAX_PASSWORD_LENGTH
from data.stages import DEFAULT_STAGES

ANSWER_FIELDS = FIELD_NAMES  # declared in data/fields.py
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
RECOMMENDATION_LABELS = {"strong_no": "Strong no", "no": "No", "yes": "Yes", "strong_yes": "Strong yes"}


class InterviewStatus(StrEnum):
    """An interview is open for writing until it is submitted, then read-only."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"  # started by mistake: kept, read-only, counted nowhere


class ModelStatus(StrEnum):
    """A model version's place in the rotation: exactly one is active, one previous is the roll-back target."""

    ACTIVE = "active"
    PREVIOUS = "previous"
    CANDIDATE = "candidate"
    RETIRED = "retired"


# The default stage keys; a deployment's own list is Settings.stages (MOTIVE_STAGES).
CANDIDATE_STATUSES = DEFAULT_STAGES.keys

# Documented length limits (characters). Widgets enforce them while typing, the store on every write.
LIMITS = {
    **{f.name: f.limit for f in DECLARED},
    "recommendation_note": 5_000,
    "candidate_name": 200,
    "email": 320,
    "position_name": 200,
    "position_description": 5_000,
    "username": 64,
    "review_reason": 500,
    "stage_note": 2_000,
    "interview_reason": 500,
    "search": 200,
    "password": MAX_PASSWORD_LENGTH,
}


@dataclass(frozen=True)
class User:
    """A signed-up account; role is one of data.access.Role."""

    id: int
    username: str
    role: str
    active: bool
    email: str | None = None  # the single-sign-on identity, if linked
    # The hash of the sign-in session this record was read through (Store.user_for_session); every write
    # made for it re-checks that session, so a page left open after a sign-out elsewhere cannot write.
    session: str | None = field(default=None, compare=False, repr=False)


class ActorKind(StrEnum):
    """The kinds of non-person actor; the value is the name the audit log records for it."""

    COMMAND_LINE = "command line"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class SystemActor:
    """Someone acting without an account: no id, named by its kind, holding `role`'s rights (None: none)."""

    kind: ActorKind
    role: str | None

    @property
    def id(self) -> None:
        return None

    @property
    def username(self) -> str:
        return self.kind.value


# The command line runs with the server's own authority, as an administrator does; so does the app's own
# work (the retention pass, installing the shipped model). A failed sign-in is nobody yet and holds no rights.
COMMAND_LINE = SystemActor(ActorKind.COMMAND_LINE, Role.ADMIN.value)
SYSTEM = SystemActor(ActorKind.SYSTEM, Role.ADMIN.value)
ANONYMOUS = SystemActor(ActorKind.ANONYMOUS, None)

Actor = User | SystemActor  # whoever a store method acts for; the audit log records each the same way


@dataclass(frozen=True)
class Position:
    """A role being hired for."""

    id: int
    name: str
    description: str
    closed_at: datetime | None = None  # closed: no new interviews or assignments until reopened

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Candidate:
    """A person applying for one position."""

    id: int
    position_id: int
    position_name: str
    name: str
    email: str | None
    status: str  # the key of the candidate's stage (Settings.stages)
    created_at: datetime
    status_changed_at: datetime | None = None  # when they entered it; None: since created


@dataclass(frozen=True)
class Interview:
    """One interviewer's scorecard for one candidate, pinned to one kit version."""

    id: int
    candidate_id: int
    candidate_name: str
    position_name: str
    interviewer_id: int
    interviewer_name: str
    kit_version_id: int
    kit_label: str
    status: str
    current_question: str | None
    started_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    reopened_at: datetime | None = None
    candidate_anonymised_at: datetime | None = None  # set by retention: the interview is read-only for good

    @property
    def submitted(self) -> bool:
        return self.status == InterviewStatus.SUBMITTED

    @property
    def withdrawn(self) -> bool:
        return self.status == InterviewStatus.WITHDRAWN


@dataclass(frozen=True)
class StageMove:
    """One move of a candidate between stages; from_stage is None for the stage they were created in."""

    id: int
    candidate_id: int
    from_stage: str | None
    to_stage: str
    reason: str
    note: str
    mover: str
    moved_at: datetime


@dataclass(frozen=True)
class Assignment:
    """An interviewer asked to interview a candidate, and where that interview stands."""

    id: int
    candidate_id: int
    candidate_name: str
    position_id: int
    position_name: str
    interviewer_id: int
    interviewer_name: str
    kit_id: str | None
    assigned_at: datetime
    interview_id: int | None  # None: not started
    interview_status: str | None  # an InterviewStatus value, or None when not started
    overdue: bool  # still not submitted Settings.assignment_due_days after it was assigned

    @property
    def state(self) -> str:
        """What a person reads: not started, in progress, submitted, withdrawn."""
        return {None: "not started", InterviewStatus.IN_PROGRESS: "in progress",
                InterviewStatus.SUBMITTED: "submitted", InterviewStatus.WITHDRAWN: "withdrawn"}[self.interview_status]


@dataclass(frozen=True)
class InterviewEvent:
    """An interview withdrawn (or resumed), reopened for a correction or submitted again, with who, when and why."""

    kind: str  # withdrawn | resumed | reopened | resubmitted
    reason: str
    actor: str
    at: datetime


class _Texts:
    """An answer's text fields, read as attributes (`answer.story`) or by name (`answer.text("story")`).

    The fields are the ones data/fields.py declares; a record holds them in `texts`.
    """

    texts: Mapping[str, str]

    def text(self, field_name: str) -> str:
        return self.texts[field_name]

    def __getattr__(self, name: str) -> str:
        if name in FIELD_NAMES:
            return self.texts.get(name, "")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


@dataclass(frozen=True)
class Answer(_Texts):
    """What the candidate said to one question, as the interviewer recorded it; `texts` has every declared field."""

    question_id: str
    texts: Mapping[str, str]
    revision: int
    updated_at: datetime


@dataclass(frozen=True)
class ReportAnswer(_Texts):
    """One answer of a submitted interview with its latest label and review, as the report reads it.

    The label fields are None when the answer was never labelled; `final_label` is the
    interviewer's reviewed label, else the model's; `evidence` is the model's phrases.
    """

    interview_id: int
    question_id: str
    texts: Mapping[str, str]
    model_label: str | None
    confidence: float | None
    evidence: tuple[dict, ...]
    final_label: str | None
    review_action: str | None
    review_reason: str | None
    rating: int | None = None  # the interviewer's 1-5 rating of this question, None when unrated


HISTORY_REASONS = {"not applied": "not applied: saved over a newer text from another device or tab",
                   "replaced": "replaced when a conflict was resolved",
                   "revised": "revised after the interview was reopened for a correction"}


@dataclass(frozen=True)
class FieldVersion:
    """An earlier text of one answer field, set aside when two devices edited it; `reason` is in HISTORY_REASONS."""

    question_id: str
    field: str
    text: str
    revision: int
    reason: str
    saved_by: str
    saved_at: datetime


@dataclass(frozen=True)
class Sheet:
    """Everything recorded in one interview, keyed by question id."""

    interview: Interview
    answers: dict[str, Answer]
    ratings: dict[str, int | None]
    recommendation: str | None
    recommendation_note: str
    missing: tuple[str, ...] = field(default=())


MOTIVE_LABELS = ("intrinsic", "extrinsic", "mixed", "unclear")
# Each label's colour, declared once for the app's badges and charts (ui/render.py) and the report's charts.
LABEL_HEX: dict[str, str] = {"intrinsic": "#2e7d32", "mixed": "#7e57c2", "unclear": "#9e9e9e", "extrinsic": "#ef6c00"}

# Voluntary self-identification: the EEO-1 categories, key -> the name people read. Declared once;
# the store validates against the keys, the fairness report and the Fairness page show the names.
SEX_CATEGORIES: dict[str, str] = {"female": "Female", "male": "Male"}
RACE_CATEGORIES: dict[str, str] = {
    "hispanic_latino": "Hispanic or Latino",
    "white": "White",
    "black": "Black or African American",
    "native_hawaiian_pacific_islander": "Native Hawaiian or Other Pacific Islander",
    "asian": "Asian",
    "american_indian_alaska_native": "American Indian or Alaska Native",
    "two_or_more": "Two or More Races",
}


@dataclass(frozen=True)
class Review:
    """An interviewer's confirmation or override of a model label; overrides carry a reason."""

    action: str  # confirm | override
    label: str
    reason: str
    reviewer: str
    created_at: datetime


@dataclass(frozen=True)
class LabelRecord:
    """The model's output for one answer as it was when the answer was saved, and its review."""

    id: int
    question_id: str
    label: str
    confidence: float
    probabilities: dict[str, float]
    evidence: tuple[dict, ...]
    model_version: str
    created_at: datetime
    review: Review | None = None

    @property
    def final_label(self) -> str:
        """The interviewer's label where there is one, else the model's."""
        return self.review.label if self.review else self.label


@dataclass(frozen=True)
class ScorecardAnswer(_Texts):
    """One question of a submitted scorecard, in the kit's order, as its reader may see it.

    `texts` holds the answer fields the reader may see, by their data/fields.py name (every
    one, or for a colleague's scorecard read by an interviewer only what the panel shows);
    `anchor` is the kit's words for the rating; `label` is the model's latest label with its
    review, None when the answer was never labelled or the reader may not see it.
    """

    question_id: str
    title: str
    texts: Mapping[str, str]
    rating: int | None
    anchor: str | None
    label: LabelRecord | None


@dataclass(frozen=True)
class Scorecard:
    """One submitted interview; `complete` is False for a colleague's, cut to what an interviewer's panel shows."""

    interview_id: int
    interviewer_name: str
    kit_name: str
    kit_version: str
    submitted_at: datetime
    answers: tuple[ScorecardAnswer, ...]
    recommendation: str | None
    recommendation_note: str
    complete: bool


@dataclass(frozen=True)
class CandidateScorecards:
    """A candidate (with the date they reached their stage) and their submitted scorecards, oldest first."""

    candidate: Candidate
    scorecards: tuple[Scorecard, ...]


@dataclass(frozen=True)
class ModelVersion:
    """A motivation model artifact the store keeps; exactly one is active at a time."""

    id: int
    version: str
    status: str
    metrics: dict
    notes: str
    created_by: str | None
    created_at: datetime
    activated_at: datetime | None


@dataclass(frozen=True)
class PanelData:
    """Submitted interviews and what they recorded, as plain rows for scoring and agreement.

    interviews:      (interview_id, candidate_id, candidate_name, candidate_status, interviewer, kit_version_id,
                      submitted_at)
    ratings:         (interview_id, question_id, score or None)
    recommendations: (interview_id, value or None)
    labels:          (interview_id, question_id, model_label, final_label, reviewed)
    """

    interviews: tuple[tuple, ...]
    ratings: tuple[tuple, ...]
    recommendations: tuple[tuple, ...]
    labels: tuple[tuple, ...]


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail, as stored."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    detail: dict


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure deleted, the model versions that held the candidate's words among it."""

    candidate_id: int
    interviews: int
    answers: int
    labels: int
    reviews: int
    models_deleted: tuple[str, ...]  # retrained versions that learnt from this candidate's answers
    active_deleted: bool = False  # the active version was among them
    model_activated: str | None = None  # then, the version made active instead (None: the shipped default, later)
    # Beyond the database (SQLite): the known copies they were erased from, the copies that may
    # still hold them with why, and whether the write-ahead log could be emptied of their text.
    copies_erased: tuple[str, ...] = ()
    copies_kept: tuple[tuple[str, str], ...] = ()
    wal_emptied: bool = True
    ledger_written: bool = True  # the tombstone beside the database, re-applied after a restore


@dataclass(frozen=True)
class CatchUp:
    """Erasures and anonymisations re-applied to a database whose audit log was behind the ledger."""

    erased: tuple[int, ...] = ()  # candidate ids erased again
    anonymised: tuple[int, ...] = ()  # candidate ids anonymised again
    tombstones: int = 0  # tombstones the database was missing (some name candidates it no longer holds)


@dataclass(frozen=True)
class RetentionDue:
    """One candidate a retention pass anonymises, and why: idle past their position's period, or text left over."""

    candidate_id: int
    name: str
    position_id: int
    position_name: str
    last_activity: datetime  # for text left over: when they were anonymised
    idle_days: int
    retention_days: int | None
    again: bool = False  # already anonymised, but text was typed after it (before interviews became read-only)

    @property
    def why(self) -> str:
        if self.again:
            return f"anonymised on {self.last_activity:%Y-%m-%d}, but text was added after that: it goes too"
        return (f"last activity {self.last_activity:%Y-%m-%d}, {self.idle_days} days ago; the position keeps "
                f"candidates not hired for {self.retention_days} days")


@dataclass(frozen=True)
class RetentionRun:
    """What a retention pass did (or, on a dry run, would do), per position."""

    anonymised: dict[int, tuple[int, ...]]  # position_id -> candidate ids
    dry_run: bool
    due: tuple[RetentionDue, ...] = ()  # each candidate of the pass with the reason, newest activity last
    again: dict[int, tuple[int, ...]] = field(default_factory=dict)  # anonymised before; left-over text removed
    models_deleted: tuple[str, ...] = ()  # model versions that learnt from the anonymised, deleted with their words

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.anonymised.values()) + sum(len(v) for v in self.again.values())


@dataclass(frozen=True)
class RecentMove:
    """One stage move for a home's "since your last visit": names as they are now, never from the audit log."""

    candidate_id: int
    candidate_name: str
    position_name: str
    from_stage: str | None
    to_stage: str
    mover: str
    moved_at: datetime


@dataclass(frozen=True)
class RecentSubmission:
    """One interview submitted since a person's last visit."""

    candidate_id: int
    candidate_name: str
    position_name: str
    interviewer_name: str
    submitted_at: datetime


@dataclass(frozen=True)
class Changes:
    """What happened in hiring since `since` (None: nothing to compare with; then the last week)."""

    since: datetime | None
    moves: int
    submitted: int
    added: int
    recent_moves: tuple[RecentMove, ...]
    recent_submissions: tuple[RecentSubmission, ...]

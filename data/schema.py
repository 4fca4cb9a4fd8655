"""The current schema, as SQLAlchemy Core tables the store queries through.

The tables here always describe the newest schema version. How an older database
reaches it is the business of data/migrations.py, whose steps are frozen history.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    LargeBinary,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from data.fields import ANSWER_FIELDS
from data.records import InterviewStatus

SCHEMA_VERSION = 8

metadata = MetaData()

meta = Table(
    "motive_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200)),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("password_changed_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("email", String(320), unique=True),  # the single sign-on identity, when SSO is configured
)

positions = Table(
    "positions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("description", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("retention_days", Integer),  # None keeps candidates until erased by hand
    Column("closed_at", DateTime),  # a closed position takes no new interviews or assignments
)

candidates = Table(
    "candidates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("position_id", Integer, ForeignKey("positions.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("email", String(320)),
    Column("status", String(48), nullable=False),  # the key of the candidate's stage (data/stages.py)
    Column("created_at", DateTime, nullable=False),
    Column("status_changed_at", DateTime),  # when the candidate entered that stage
    Column("anonymised_at", DateTime),
    Index("ix_candidates_position", "position_id"),
    Index("ix_candidates_created", "created_at"),
    Index("ix_candidates_stage", "position_id", "status"),
)

kit_versions = Table(
    "kit_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kit_id", String(64), nullable=False),
    Column("version", String(32), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("kit_id", "version", "sha256", name="uq_kit_versions"),
)

interviews = Table(
    "interviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", Integer, ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
    Column("interviewer_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("kit_version_id", Integer, ForeignKey("kit_versions.id"), nullable=False),
    Column("status", String(16), nullable=False, default=InterviewStatus.IN_PROGRESS.value),
    Column("current_question", String(64)),
    Column("started_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("submitted_at", DateTime),
    Column("reopened_at", DateTime),  # set while a submitted interview is open again for a correction
    UniqueConstraint("candidate_id", "interviewer_id", name="uq_interview_candidate_interviewer"),
    Index("ix_interviews_interviewer", "interviewer_id", "status"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(64), nullable=False),
    *(Column(f.name, Text, nullable=False, default="") for f in ANSWER_FIELDS),
    Column("revision", Integer, nullable=False, default=0),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("interview_id", "question_id", name="uq_answers_interview_question"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("score", Integer),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("interview_id", "question_id", name="uq_ratings_interview_question"),
    CheckConstraint("score IS NULL OR (score BETWEEN 1 AND 5)", name="ck_ratings_score"),
)

recommendations = Table(
    "recommendations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("value", String(16)),
    Column("note", Text, nullable=False, default=""),
    Column("updated_at", DateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

model_versions = Table(
    "model_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # a data.records.ModelStatus
    Column("artifact", LargeBinary, nullable=False),
    Column("metrics", Text, nullable=False, default="{}"),
    Column("notes", Text, nullable=False, default=""),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", DateTime, nullable=False),
    Column("activated_at", DateTime),
    # JSON list of the candidate ids whose answers the version was trained on ("[]": the corpus only);
    # NULL for a version made before v8, when nobody recorded it. Erasure reads it (data/store/labels.py).
    Column("trained_on", Text),
)

motivation_labels = Table(
    "motivation_labels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("answer_id", Integer, ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("label", String(16), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("probabilities", Text, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("input_sha", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_motivation_labels_answer", "answer_id", "id"),
)

answer_history = Table(
    "answer_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("answer_id", Integer, ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("revision", Integer, nullable=False),  # the answer's revision when this text was set aside
    Column("reason", String(32), nullable=False),  # HISTORY_REASONS: not applied, or replaced, in a conflict
    Column("saved_by", Integer, ForeignKey("users.id")),
    Column("saved_at", DateTime, nullable=False),
    Index("ix_answer_history_answer", "answer_id"),
)

label_reviews = Table(
    "label_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("answer_id", Integer, ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
    Column("motivation_label_id", Integer, ForeignKey("motivation_labels.id", ondelete="CASCADE"), nullable=False),
    Column("action", String(16), nullable=False),  # confirm | override
    Column("label", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("reviewer_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_label_reviews_answer", "answer_id", "id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("actor_id", Integer),  # no foreign key: the log outlives whatever it mentions
    Column("actor", String(64), nullable=False),  # username then, or a data.records.ActorKind
    Column("action", String(48), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", Integer),
    Column("detail", Text, nullable=False),  # JSON; never a candidate's name, contact or words
    # The hash chain (data/chain.py): the previous entry's hash, and SHA-256 over this entry and that link.
    # Nullable only because a column added to a filled SQLite table must be; the store always sets both,
    # and the verifier reports an entry without them as a break.
    Column("prev_hash", String(64)),
    Column("hash", String(64)),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_entity", "entity", "entity_id"),
)

candidate_self_id = Table(
    "candidate_self_id",
    metadata,
    Column("candidate_id", Integer, ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
    Column("sex", String(32)),
    Column("race", String(48)),
    Column("recorded_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)

stage_history = Table(
    "stage_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", Integer, ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
    Column("from_stage", String(48)),  # None for the stage a candidate was created in
    Column("to_stage", String(48), nullable=False),
    Column("reason", String(64), nullable=False),  # one of data.stages.REASONS
    Column("note", Text, nullable=False, default=""),  # the mover's words; erased with the candidate
    Column("moved_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("mover", String(64), nullable=False),  # username then, or a data.records.ActorKind
    Column("moved_at", DateTime, nullable=False),
    Index("ix_stage_history_candidate", "candidate_id", "id"),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", Integer, ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
    Column("interviewer_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kit_id", String(64)),  # None: the interviewer picks the kit
    Column("assigned_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("assigned_at", DateTime, nullable=False),
    UniqueConstraint("candidate_id", "interviewer_id", name="uq_assignments_candidate_interviewer"),
    Index("ix_assignments_interviewer", "interviewer_id"),
)

interview_events = Table(
    "interview_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # withdrawn | reopened | resubmitted
    Column("reason", Text, nullable=False, default=""),
    Column("actor_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_interview_events_interview", "interview_id", "id"),
)

"""The one store: every read and write of Motive's data goes through `Store`.

`Store` is a facade composed of one class per subject, each in its own module and each
built only on the base (data/store/base.py: the engine, `atomic()`, `reading()`, the
audit writer):

    accounts.py    password and single-sign-on accounts, roles, sign-in sessions
    hiring.py      positions, candidates, candidate imports
    assignments.py interviewers assigned to candidates, each interviewer's queue
    interviews.py  kits, answers, ratings, recommendations, submitting, withdrawing, reopening
    labels.py      motivation labels, reviews, model versions
    panels.py      submitted interviews read together: panels, comparisons, reports
    overview.py    the homes' counts: open positions by stage, who waits, what changed since a last visit
    trust.py       audit reads, erasure, retention, subject access, self-identification
"""

from __future__ import annotations

from sqlalchemy import Engine

from data.records import AuditEntry, CatchUp, ErasureResult, RetentionRun
from data.settings import Settings
from data.store.accounts import AccountStore
from data.store.assignments import AssignmentStore
from data.store.base import clean_text, make_engine, normalise_email, utcnow
from data.store.hiring import HiringStore
from data.store.interviews import InterviewStore
from data.store.labels import LabelStore
from data.store.overview import OverviewStore
from data.store.panels import PanelStore
from data.store.trust import ERASURE_REASONS, MAX_RETENTION_DAYS, RACE_KEYS, SEX_KEYS, TrustStore

__all__ = [
    "ERASURE_REASONS",
    "MAX_RETENTION_DAYS",
    "RACE_KEYS",
    "SEX_KEYS",
    "AuditEntry",
    "ErasureResult",
    "RetentionRun",
    "Store",
    "clean_text",
    "make_engine",
    "normalise_email",
    "utcnow",
]


class Store(AccountStore, HiringStore, AssignmentStore, InterviewStore, LabelStore, PanelStore, TrustStore,
            OverviewStore):
    """Motive's persistence: accounts, hiring, assignments, interviews, labels, panels, the privacy duties, and
    the homes' overview."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None, upgrade: bool = True) -> None:
        super().__init__(settings, engine=engine, upgrade=upgrade)
        # A database put back from a copy gets the erasures made since, before anyone is served.
        self.caught_up = self.catch_up_erasures() if upgrade else CatchUp()

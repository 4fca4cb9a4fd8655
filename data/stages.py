"""The stages a candidate moves through, what each means for decisions, and the reasons for a move.

The set is configurable (MOTIVE_STAGES); every stage has an outcome, and everything that depends
on a decision (the fairness report's selection rate, retention, the filters) reads the outcome,
never a stage's name. The stage a candidate is in is stored by its key in `candidates.status`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """What being in a stage means: still open, moved forward (selected), hired, rejected, withdrawn."""

    OPEN = "open"
    FORWARD = "forward"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


SELECTED = frozenset({Outcome.FORWARD, Outcome.HIRED})  # EEOC UGESP: a selection decision in the candidate's favour
DECIDED = SELECTED | {Outcome.REJECTED}

# The short list a move's reason is chosen from, by the outcome of the stage moved to.
# "Other" needs a note saying what.
OTHER = "Other"
REASONS: dict[Outcome, tuple[str, ...]] = {
    Outcome.OPEN: ("Next step in the process", "Interviews scheduled", "Moved back to review", "Corrected a mistake", OTHER),
    Outcome.FORWARD: ("Strong interviews", "Meets the requirements", "Next step in the process", "Corrected a mistake", OTHER),
    Outcome.HIRED: ("Accepted the offer", "Corrected a mistake", OTHER),
    Outcome.REJECTED: ("Skills or experience do not fit", "Interviews below the bar", "Position filled",
                       "Did not meet a requirement", "Corrected a mistake", OTHER),
    Outcome.WITHDRAWN: ("Accepted another offer", "Personal reasons", "Stopped responding", "Declined the offer",
                        "Corrected a mistake", OTHER),
}

DEFAULT_SPEC = "New, Interviewing, Offer:forward, Hired:hired, Rejected:rejected, Withdrawn:withdrawn"
MAX_STAGES = 20
MAX_NAME = 40


class StageError(ValueError):
    """A stage list that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Stage:
    """One stage: its stored key (lower-case, a slug of the name), the name people read, and its outcome."""

    key: str
    name: str
    outcome: Outcome


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class Stages:
    """An ordered stage list: the first is where new candidates start, and it is open.

    It holds at least one stage of each outcome but forward (which is optional), keys are unique, and
    a key met in the database that the list no longer has is still shown (by its key) and is open.
    """

    stages: tuple[Stage, ...]

    @classmethod
    def parse(cls, spec: str) -> "Stages":
        """`Name[:outcome], ...`: an outcome left out is open. Example: the default, DEFAULT_SPEC."""
        out: list[Stage] = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            name, _, outcome = part.partition(":")
            name = name.strip()
            outcome = outcome.strip().lower() or Outcome.OPEN.value
            if not name or len(name) > MAX_NAME or not slug(name):
                raise StageError(f"stage {part!r}: a stage needs a name of 1-{MAX_NAME} characters with a letter or digit")
            try:
                kind = Outcome(outcome)
            except ValueError:
                raise StageError(f"stage {name!r}: unknown outcome {outcome!r}; use one of "
                                 f"{', '.join(o.value for o in Outcome)}") from None
            out.append(Stage(slug(name), name, kind))
        keys = [s.key for s in out]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise StageError(f"stage names must differ; repeated: {', '.join(dupes)}")
        if not 2 <= len(out) <= MAX_STAGES:
            raise StageError(f"give between 2 and {MAX_STAGES} stages, not {len(out)}")
        if out[0].outcome is not Outcome.OPEN:
            raise StageError(f"the first stage ({out[0].name}) is where new candidates start, so it must be open")
        missing = [o.value for o in (Outcome.HIRED, Outcome.REJECTED, Outcome.WITHDRAWN) if o not in {s.outcome for s in out}]
        if missing:
            raise StageError(f"the stages need at least one of each outcome: none is {', '.join(missing)}")
        return cls(tuple(out))

    @property
    def first(self) -> Stage:
        return self.stages[0]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.stages)

    def get(self, key: str) -> Stage:
        """The stage stored as `key`; a key this list no longer has reads as an open stage named by its key."""
        for s in self.stages:
            if s.key == key:
                return s
        return Stage(key, key, Outcome.OPEN)

    def name(self, key: str) -> str:
        return self.get(key).name

    def with_outcome(self, *outcomes: Outcome) -> tuple[str, ...]:
        return tuple(s.key for s in self.stages if s.outcome in outcomes)

    def reasons(self, key: str) -> tuple[str, ...]:
        return REASONS[self.get(key).outcome]


DEFAULT_STAGES = Stages.parse(DEFAULT_SPEC)

"""What to ask next about an answer: the seam the motivation model plugs into.

The interview page asks an advisor for probes beside each answer. The plain
advisor here looks only at which parts are empty; the motivation model (issue 3)
is another advisor with the same method that also reads what was said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

ASK_WHY = "Ask why they did it: what made them act, or what would have happened if they had not?"
ASK_FEELING = "Ask how it made them feel, then and afterwards."
ASK_WHICH = "They gave more than one kind of reason: ask which mattered more to them at the time."
ASK_STORY = "Ask for one specific occasion: what happened, what did they do, how did it end?"


@dataclass(frozen=True)
class Advice:
    """Probes to suggest, most important first; `reasons` explains each in the same order."""

    probes: tuple[str, ...]


class ProbeAdvisor(Protocol):
    def advise(self, story: str, why: str, feeling: str) -> Advice: ...


class EmptyFieldAdvisor:
    """Suggests the follow-up for every part the interviewer has not filled in yet."""

    def advise(self, story: str, why: str, feeling: str) -> Advice:
        probes = []
        if not story.strip():
            probes.append(ASK_STORY)
        if not why.strip():
            probes.append(ASK_WHY)
        if not feeling.strip():
            probes.append(ASK_FEELING)
        return Advice(probes=tuple(probes))

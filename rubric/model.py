"""Value types for interview kits."""

from __future__ import annotations

from dataclasses import dataclass


class RubricError(ValueError):
    """A kit file is malformed or incomplete; the message names the file, question and problem."""


RATING_LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Principle:
    """A service principle a kit probes: `name` is its short id in the kit file, `title` what people read."""

    name: str
    summary: str
    title: str = ""

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", title_of(self.name))


def title_of(name: str) -> str:
    """A principle's short name as words: "above-and-beyond" reads "Above and beyond"."""
    words = name.replace("_", "-").split("-")
    return " ".join(w for w in words if w).capitalize()


@dataclass(frozen=True)
class Question:
    """A behavioural question with both motivation follow-ups and one anchor per rating level."""

    id: str
    title: str
    prompt: str
    why_prompt: str
    feeling_prompt: str
    principles: tuple[str, ...]
    probes: tuple[str, ...]
    anchors: tuple[str, ...]  # anchors[0] describes a 1, anchors[4] a 5
    weight: float = 1.0

    def anchor(self, level: int) -> str:
        """The behavioural anchor for a 1-5 rating level."""
        if level not in RATING_LEVELS:
            raise RubricError(f"rating level must be 1-5, got {level!r}")
        return self.anchors[level - 1]


@dataclass(frozen=True)
class Rubric:
    """A whole kit; questions have unique ids and only cite principles the kit defines."""

    id: str
    name: str
    version: str
    description: str
    principles: tuple[Principle, ...]
    questions: tuple[Question, ...]
    source: str  # the exact TOML text, kept so an interview can be re-read as it was
    motivation_weight: float = 0.0  # share of the composite score from the autonomy index, at most 0.5
    extrinsic_probe: str = ""  # the follow-up that tests a stated outer reason ([follow_up] extrinsic)

    def question(self, question_id: str) -> Question:
        """Look a question up by id; unknown ids are a RubricError, never None."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise RubricError(f"kit '{self.id}' v{self.version} has no question '{question_id}'")

    @property
    def principle_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.principles)

    @property
    def principle_titles(self) -> dict[str, str]:
        """Each principle's short name to the words people read for it, in the kit's order."""
        return {p.name: p.title for p in self.principles}

    def principles_of(self, question: Question) -> str:
        """The principles a question probes, as people read them: "Above and beyond, No thanks needed"."""
        titles = self.principle_titles
        return ", ".join(titles.get(name, title_of(name)) for name in question.principles)

    @property
    def label(self) -> str:
        return f"{self.name} (v{self.version})"

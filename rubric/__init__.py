"""Interview kits: data files, frozen dataclasses and one strict loader."""

from rubric.model import Principle, Question, Rubric, RubricError, title_of
from rubric.loader import default_kit, load_kit, load_kit_text, load_kits

__all__ = [
    "Principle",
    "Question",
    "Rubric",
    "RubricError",
    "default_kit",
    "load_kit",
    "load_kit_text",
    "load_kits",
    "title_of",
]

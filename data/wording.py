"""How Motive says a count, in every layer: the noun agrees with the number, never "candidate(s)"."""

from __future__ import annotations


def plural(n: int, noun: str, many: str | None = None) -> str:
    """"1 candidate", "3 candidates", "0 candidates"; `many` for a noun that does not just take an s."""
    return f"{n:,} {noun if n == 1 else (many or noun + 's')}"

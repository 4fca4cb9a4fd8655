"""Showing people's text safely: always as text, never as HTML or markdown."""

from __future__ import annotations

import re
from datetime import datetime

from data.records import LABEL_HEX
from data.wording import plural  # noqa: F401  (the pages say counts through ui.render, as they show text)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'%^])")
# Streamlit's Markdown (GitHub's autolink extension) turns `http://…`, `www.…` and `a@b.c` into live links
# AFTER backslash escapes are resolved, so escaping cannot stop it. A WORD JOINER (U+2060) before each
# `:`, `.` and `@` breaks every one of those patterns; it is invisible, joins nothing (unlike U+200D, it
# never changes how emoji or Arabic letters are drawn) and screen readers skip it.
_AUTOLINK_TRIGGER = re.compile(r"([:.@])")
WORD_JOINER = "\u2060"
EMPTY_CELL = "—"  # what every table shows in a cell with no value (st.dataframe's placeholder), never "None"


def md_escape(text: str | None) -> str:
    """`text` made inert wherever Streamlit parses Markdown: labels, buttons, links, messages, titles.

    Every Markdown-active character is escaped and every autolink is broken, so nothing in it can
    become a link, an image, a colour, LaTeX, an emoji or icon shortcode, HTML or formatting, and
    the text a person sees (and a screen reader reads) is the text that was typed.
    """
    if not text:
        return ""
    flat = str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _MD_SPECIAL.sub(r"\\\1", _AUTOLINK_TRIGGER.sub(WORD_JOINER + r"\1", flat))


def saved_mark(at: datetime | str) -> str:
    stamp = at.strftime("%H:%M:%S") if isinstance(at, datetime) else str(at)
    return f"✓ Saved {stamp} UTC"


# The one place a label's badge colour is set, in spectrum order (the charts keep it): the
# Streamlit colour name of its badge and highlights, and the hex its chart bars use (from
# data.records.LABEL_HEX, which the Excel report's charts use too).
LABEL_STYLE: dict[str, tuple[str, str]] = {
    "intrinsic": ("green", LABEL_HEX["intrinsic"]),
    "mixed": ("violet", LABEL_HEX["mixed"]),
    "unclear": ("gray", LABEL_HEX["unclear"]),
    "extrinsic": ("orange", LABEL_HEX["extrinsic"]),
}
LABEL_COLOURS = {label: name for label, (name, _) in LABEL_STYLE.items()}
SIDE_COLOURS = {side: LABEL_COLOURS[side] for side in ("intrinsic", "extrinsic")}


# Evidence tints, one per side the model's evidence points to: strong enough to tell apart at a glance,
# with dark text fixed on them (at least 7:1, WCAG AAA; tests/test_render.py measures it), and a marker
# of its own so that colour is never the only cue. Side: (marker, text colour, tint).
EVIDENCE_STYLE: dict[str, tuple[str, str, str]] = {
    "intrinsic": ("●", "#202124", "#a5d6a7"),
    "extrinsic": ("▲", "#202124", "#ffcc80"),
}
_OTHER_SIDE = ("◆", "#202124", "#e0e0e0")
_JOINS_WORDS = "-'’‐"  # inside a word: re-booked, didn't
_CLOSES = ".,;:!?…\"'’”»"  # sticks to the word before it
_OPENS = "\"'‘“«"  # sticks to the word after it
_BRACKETS = {")": "(", "]": "[", "}": "{"}  # a closing bracket sticks only when its opening one is in the span
NNBSP = "\u202f"  # between a marker and its phrase: narrow, and never a line break


def _in_word(text: str, i: int) -> bool:
    """Is text[i] part of a word: a letter or digit, or a hyphen or apostrophe between two of them?"""
    if not 0 <= i < len(text):
        return False
    if text[i].isalnum():
        return True
    return text[i] in _JOINS_WORDS and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _whole(text: str, start: int, end: int) -> tuple[int, int]:
    """A span grown to whole words, with the punctuation that sticks to its ends, and trimmed of spaces.

    A tint has padding: one that stopped before "." or inside "re-booked" would show "stuck ." or
    "re- booked" (the words split by the edge of the tint)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start > 0 and _in_word(text, start - 1) and (_in_word(text, start) or start == end):
        start -= 1
    while end < len(text) and _in_word(text, end) and _in_word(text, end - 1):
        end += 1
    while start > 0 and text[start - 1] in _OPENS:
        start -= 1
    while end < len(text) and (text[end] in _CLOSES or (
            text[end] in _BRACKETS and text.count(_BRACKETS[text[end]], start, end) > text.count(text[end], start, end))):
        end += 1
    return start, end


def evidence_runs(text: str, evidence: list[dict] | tuple[dict, ...]) -> list[tuple[str, str | None]]:
    """`text` cut into runs, each with the side its evidence points to (None between evidence).

    The runs joined are exactly `text`; each evidence run holds whole words and the punctuation
    next to them. Evidence that overlaps an earlier one, or falls outside the text, is left out.
    """
    runs: list[tuple[str, str | None]] = []
    at = 0
    spans = []
    for ev in evidence:
        start, end = int(ev["start"]), int(ev["end"])
        if 0 <= start < end <= len(text):
            spans.append((*_whole(text, start, end), str(ev.get("side", ""))))
    for start, end, side in sorted(spans):
        if start < at or start >= end:
            continue
        if start > at:
            runs.append((text[at:start], None))
        runs.append((text[start:end], side))
        at = end
    if at < len(text):
        runs.append((text[at:], None))
    return runs


def tinted(phrase: str, side: str) -> str:
    """One phrase as Markdown: escaped, on its side's tint, after its side's marker."""
    marker, ink, tint = EVIDENCE_STYLE.get(side, _OTHER_SIDE)
    return f':color[{marker}{NNBSP}{md_escape(phrase)}]{{foreground="{ink}" background="{tint}"}}'


def highlighted(text: str, evidence: list[dict] | tuple[dict, ...]) -> str:
    """Markdown showing `text` literally, with evidence phrases tinted and marked by side.

    Every character of the person's text is escaped, so nothing in it can become a
    link, an image, HTML or formatting; only our own colour directives are active.
    """
    return "".join(tinted(run, side) if side else md_escape(run) for run, side in evidence_runs(text, evidence))


def evidence_line(text: str, evidence: list[dict] | tuple[dict, ...]) -> str:
    """Markdown of the evidence phrases alone, in the order said: the compact form beside a label.

    Out of their sentence, the phrases go without the punctuation that stuck to them there."""
    edges = _CLOSES + _OPENS + "".join(_BRACKETS) + "".join(_BRACKETS.values())
    return " · ".join(tinted(run.strip(edges) or run, side) for run, side in evidence_runs(text, evidence) if side)


EVIDENCE_LEGEND = " ".join(tinted(f"towards {side}", side) for side in EVIDENCE_STYLE)

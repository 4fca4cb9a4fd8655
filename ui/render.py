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


def highlighted(text: str, evidence: list[dict] | tuple[dict, ...]) -> str:
    """Markdown showing `text` literally, with evidence phrases on a coloured background.

    Every character of the person's text is escaped, so nothing in it can become a
    link, an image, HTML or formatting; only our own colour directives are active.
    """
    out, at = [], 0
    for ev in sorted(evidence, key=lambda e: e["start"]):
        start, end = int(ev["start"]), int(ev["end"])
        if start < at or end > len(text) or start >= end:
            continue
        out.append(md_escape(text[at:start]))
        out.append(f":{SIDE_COLOURS.get(ev['side'], 'gray')}-background[{md_escape(text[start:end])}]")
        at = end
    out.append(md_escape(text[at:]))
    return "".join(out)

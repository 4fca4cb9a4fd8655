"""Showing people's text safely: always as text, never as HTML or markdown."""

from __future__ import annotations

import re
from datetime import datetime

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


def md_escape(text: str | None) -> str:
    """Escape every markdown-active character, for the few places (labels, headers) that parse markdown."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text).replace("\n", " "))


def saved_mark(at: datetime | str) -> str:
    stamp = at.strftime("%H:%M:%S") if isinstance(at, datetime) else str(at)
    return f"✓ Saved {stamp} UTC"


SIDE_COLOURS = {"intrinsic": "green", "extrinsic": "orange"}
LABEL_COLOURS = {"intrinsic": "green", "extrinsic": "orange", "mixed": "violet", "unclear": "gray"}


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

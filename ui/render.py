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

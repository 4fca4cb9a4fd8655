"""Text from people and files, made inert for a terminal.

A terminal obeys what it is sent. ESC starts a sequence that can clear the screen, set the
window title (OSC 0), write the clipboard (OSC 52) or hide what follows; the C1 characters
(U+0080-U+009F) do the same on terminals that read 8-bit controls; a carriage return or a
backspace overprints a line; and the bidirectional overrides and isolates (U+202A-U+202E,
U+2066-U+2069) make text print in another order than the one stored ("Trojan Source").
A command line prints names that people and files chose, so every character of these kinds
is written as a visible `\\uXXXX` escape: nothing takes effect, the operator can see that a
name holds something odd, and the escape is also valid inside a JSON string.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_FORMAT = "\t\n"
"""What a command's own output format may use: tabs between columns, newlines between lines."""


def inert(text: object, *, keep: str = LINE_FORMAT) -> str:
    """`text` with every control character, except those in `keep`, written as `\\uXXXX`.

    Pass `keep=""` for a value set inside one line, so that it cannot start a line or a column.
    """
    return _UNSAFE.sub(lambda m: m[0] if m[0] in keep else f"\\u{ord(m[0]):04x}", str(text))

"""The command lines' one way to open the store, print, and fail.

Every command (`python -m motive COMMAND`, and the `python -m data.users`-style modules it
runs) opens the store with `open_store()`, prints through `say()`, and turns the project's
own errors into one `error: ...` line and an exit status with `command()`. What a command
prints often holds names that people and files chose, so `say()` strips terminal control
sequences: a position name must not be able to clear the screen or retitle the terminal.
"""

from __future__ import annotations

import re
import sys
from typing import Callable

from data.errors import StoreError
from data.settings import Settings, SettingsError
from data.store import Store

# CSI and OSC sequences first (so their parameters go too), then any other C0/C1 control
# character except tab and newline.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")

FAILED = 1
"""Exit status of a command that did nothing because of an error a person can act on."""


def printable(text: object) -> str:
    """`text` with every terminal control sequence removed (tabs and newlines kept)."""
    return _CONTROL.sub("", str(text))


def say(*parts: object, err: bool = False) -> None:
    """Print one line, to standard error with `err`, with control sequences stripped."""
    print(printable(" ".join(str(p) for p in parts)), file=sys.stderr if err else sys.stdout)


def open_store(settings: Settings | None = None) -> Store:
    """The store of `MOTIVE_DATABASE_URL`, upgraded to the current schema."""
    return Store(settings or Settings.from_env())


def command(body: Callable[[], int | None], *, errors: tuple[type[BaseException], ...] = (),
            suffix: str = "", status: int = FAILED) -> int:
    """Run `body`; the project's own errors (and `errors`) become one `error:` line and `status`.

    Anything else is a bug and surfaces with its traceback.
    """
    try:
        return body() or 0
    except FileNotFoundError as exc:
        say(f"error: {exc.filename or exc}: file not found.{suffix}", err=True)
    except (StoreError, SettingsError, OSError, *errors) as exc:
        say(f"error: {exc}{suffix}", err=True)
    return status

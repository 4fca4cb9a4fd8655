"""The command lines' one way to open the store, print, and fail.

Every command (`python -m motive COMMAND`, and the `python -m data.users`-style modules it
runs) opens the store with `open_store()`, prints through `say()`, and turns the project's
own errors into one `error: ...` line and an exit status with `command()`. What a command
prints often holds names that people and files chose, so `say()` writes every terminal control
character as a visible escape (data/terminal.py): a position name must not be able to clear the
screen, retitle the terminal or reorder what is shown. Tabs and newlines stay, as the formats'
own; a value set inside one line goes through `field()`, which escapes those too.
"""

from __future__ import annotations

import sys
from typing import Callable

from data.errors import StoreError
from data.settings import Settings, SettingsError
from data.store import Store
from data.terminal import inert

FAILED = 1
"""Exit status of a command that did nothing because of an error a person can act on."""


def field(value: object) -> str:
    """A name or message from a person or a file, for use inside one printed line."""
    return inert(value, keep="")


def say(*parts: object, err: bool = False, flush: bool = False) -> None:
    """Print one line, to standard error with `err`, every control character but tab and newline escaped;
    `flush` for progress lines of long runs whose output goes to a file."""
    print(inert(" ".join(str(p) for p in parts)), file=sys.stderr if err else sys.stdout, flush=flush)


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
        say(f"error: {field(exc.filename or exc)}: file not found.{suffix}", err=True)
    except (StoreError, SettingsError, OSError, *errors) as exc:
        say(f"error: {field(exc)}{suffix}", err=True)
    return status

"""The one error boundary of the pages: a refusal from the domain is shown, anything else surfaces.

The store and the domain refuse with messages a person can act on, and those messages
often quote what a person typed (a username, an e-mail, a column name). They are shown
escaped, so none of that text can become a link, an image or formatting.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import streamlit as st

from data.errors import StoreError
from ui.render import md_escape


def show(message: str) -> None:
    """An error box holding `message` as literal text."""
    st.error(md_escape(message))


@contextmanager
def shown(*also: type[Exception], stop: bool = False) -> Iterator[None]:
    """Run the block; on a StoreError (or one of `also`), show its message and skip the rest of the block.

    With `stop=True` the page ends there too, for a refusal that leaves nothing to show below it.
    """
    try:
        yield
    except (StoreError, *also) as exc:
        show(str(exc))
        if stop:
            st.stop()

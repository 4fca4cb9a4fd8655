"""Every page declared once: the router builds the menu from it, and each page opens through it.

A page's permission is written here and nowhere else. `menu()` lists what a role may open and
registers the rest hidden, so a link or a typed address to a refused page reaches the page's own
refusal ("You don't have access to this page", with the way home) instead of Streamlit's "Page not
found"; `open_page()`, which every page script calls first, refuses it: the menu is a convenience,
the guard is the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import streamlit as st

from data.access import allowed
from data.records import User
from data.settings import Settings
from data.store import Store
from ui import auth, resources, state

ROOT = Path(__file__).resolve().parent.parent
APP_STYLE = Path(__file__).resolve().parent / "app.css"  # static CSS every page loads


@dataclass(frozen=True)
class PageSpec:
    """One page: its script (relative to the app), how the menu shows it, and who may open it."""

    path: str
    title: str
    icon: str
    permission: str
    section: str  # the menu heading, by audience; "" puts the page above every heading
    url: str
    listed: bool = True  # False: a page about one record, reached by links that name it, not from the menu


PAGES = (
    PageSpec("ui/pages/home.py", "Home", ":material/home:", "candidates.view", "", "home"),
    PageSpec("ui/pages/interview.py", "Interview", ":material/record_voice_over:", "interviews.conduct",
             "Interviews", "interview"),
    PageSpec("ui/pages/candidates.py", "Candidates", ":material/group:", "candidates.view", "Hiring", "candidates"),
    PageSpec("ui/pages/assignments.py", "Assignments", ":material/assignment_ind:", "interviews.assign", "Hiring",
             "assignments"),
    PageSpec("ui/pages/compare.py", "Compare", ":material/compare_arrows:", "interviews.review", "Hiring", "compare"),
    PageSpec("ui/pages/candidate.py", "Candidate", ":material/person_search:", "interviews.review", "Hiring",
             "candidate", listed=False),
    PageSpec("ui/pages/reports.py", "Reports", ":material/table_view:", "reports.export", "HR", "reports"),
    PageSpec("ui/pages/imports.py", "Import", ":material/upload_file:", "candidates.import", "HR", "import"),
    PageSpec("ui/pages/fairness.py", "Fairness", ":material/balance:", "fairness", "HR", "fairness"),
    PageSpec("ui/pages/privacy.py", "Privacy", ":material/shield_person:", "privacy.manage", "HR", "privacy"),
    PageSpec("ui/pages/audit.py", "Audit log", ":material/receipt_long:", "audit.view", "HR", "audit"),
    PageSpec("ui/pages/users.py", "Users", ":material/manage_accounts:", "users.manage", "Administration", "users"),
    PageSpec("ui/pages/model.py", "Model", ":material/model_training:", "users.manage", "Administration", "model"),
    PageSpec("ui/pages/account.py", "My account", ":material/person:", "candidates.view", "Account", "account"),
)
DEFAULT = "home"


def spec_for(script: str | Path) -> PageSpec:
    """The declaration of the page whose script is `script` (a page passes its own `__file__`)."""
    path = Path(script).resolve()
    for spec in PAGES:
        if ROOT / spec.path == path:
            return spec
    raise LookupError(f"{script} is not declared in ui/navigation.py PAGES")


def _page(spec: PageSpec, *, shown: bool = True) -> st.Page:
    return st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url, default=spec.url == DEFAULT,
                   visibility="visible" if shown else "hidden")


def _in_menu(role: str, spec: PageSpec) -> bool:
    return spec.listed and allowed(role, spec.permission)


def menu(role: str) -> dict[str, list[st.Page]]:
    """Every page: those a role may open under their audience's heading, in declaration order (unlisted
    ones hidden); the refused ones hidden above every heading, so no heading is left standing empty and
    opening one by its address shows the page's refusal rather than "Page not found"."""
    sections: dict[str, list[st.Page]] = {"": []}
    for spec in PAGES:
        if allowed(role, spec.permission):
            sections.setdefault(spec.section, []).append(_page(spec, shown=_in_menu(role, spec)))
        else:
            sections[""].append(_page(spec, shown=False))
    return sections


def listed(role: str) -> list[str]:
    """The url of every page the menu shows a role, in declaration order: what a person can reach by clicking."""
    return [spec.url for spec in PAGES if _in_menu(role, spec)]


def every_page() -> list[st.Page]:
    """All pages, for the hidden router before sign-in: a deep link survives the sign-in form."""
    return [_page(spec, shown=spec.listed) for spec in PAGES]


class OpenPage(NamedTuple):
    """What a page needs once its guard has passed."""

    user: User
    settings: Settings
    store: Store


def open_page(script: str | Path) -> OpenPage:
    """Guard the page by its declared permission against the live session's user, then hand it the store.

    Stops the script (with a sign-in warning or a refusal) when the user may not open it.
    """
    spec = spec_for(script)
    state.apply_clears()  # before any widget of the page is drawn
    config = resources.settings()
    store = resources.store(config)
    return OpenPage(auth.require(spec.permission, store), config, store)


def record_id(param: str, title: str, missing: str, noun: str) -> int:
    """The id a page about one record was linked with; a page that lacks one says so and stops."""
    raw = st.query_params.get(param)
    if raw is None:
        st.title(title)
        st.info(missing)
        st.page_link("ui/pages/candidates.py", label="Go to candidates", icon=":material/group:")
        st.stop()
    try:
        return int(raw)
    except ValueError:
        st.error(f"This link does not name a valid {noun}.")
        st.stop()

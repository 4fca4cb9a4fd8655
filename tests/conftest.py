"""Shared fixtures: a fresh store on a temp file, the default kit, signed-in apps."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.records import User
from data.settings import Settings
from data.store import Store
from rubric import Rubric, default_kit
from ui.state import Keys

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A temp SQLite database, also exported for AppTest runs (which read the environment)."""
    url = f"sqlite:///{tmp_path / 'motive.db'}"
    monkeypatch.setenv("MOTIVE_DATABASE_URL", url)
    monkeypatch.setenv("MOTIVE_PASSWORD_ROUNDS", "4")
    monkeypatch.delenv("MOTIVE_KITS_DIR", raising=False)
    return url


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.from_env()


@pytest.fixture
def store(settings: Settings) -> Store:
    s = Store(settings)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def kit() -> Rubric:
    return default_kit()


@pytest.fixture
def admin(store: Store) -> User:
    return store.bootstrap_admin("admin", PASSWORD)


def make_user(store: Store, name: str, role: str) -> User:
    return store.create_user(name, PASSWORD, role, actor=None)


@pytest.fixture
def interviewer(store: Store, admin: User) -> User:
    return make_user(store, "ivan", "interviewer")


@pytest.fixture
def candidate(store: Store, admin: User):
    position = store.create_position(admin, "Customer support agent")
    return store.add_candidate(admin, position.id, "Maya Okafor", "maya@example.com")


def app_as(store: Store, user: User | None, page: str | None = None, query: dict | None = None) -> AppTest:
    """An AppTest of app.py, signed in as `user` (through a real session token) and on `page`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if user is not None:
        at.session_state[Keys.SESSION_TOKEN] = store.create_session(user)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture(scope="session")
def model():
    """The shipped motivation model (the app's default)."""
    from analysis.motivation import MotivationModel
    from analysis.registry import DEFAULT_ARTIFACT

    return MotivationModel.from_bytes(DEFAULT_ARTIFACT.read_bytes())


DEV_SET = ROOT.parent / "shared" / "motivation-dev.tsv"

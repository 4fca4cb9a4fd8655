"""Shared fixtures: a fresh store on a temp file, the default kit, signed-in apps."""

from __future__ import annotations

import json
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from data.records import COMMAND_LINE, User
from data.settings import Settings
from data.store import Store
from rubric import Rubric, default_kit
from ui.state import Keys

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


# Every test that touches the store runs against both databases: PostgreSQL comes from
# TEST_POSTGRES_URL (`.ci/run` starts Debian's server and sets it); without it those runs
# are skipped locally and fail in CI. A test of something only SQLite has (its file, its
# journal) opts out with @pytest.mark.sqlite_only("why").
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(autouse=True)
def _release_app_resources() -> Iterator[None]:
    """Each AppTest run caches a store and a model per database (ui/resources.py); every test has its own
    database, so drop them after it, or a long run holds hundreds of models and connection pools."""
    yield
    import streamlit as st

    st.cache_resource.clear()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A throwaway schema on the test server; the URL's search_path points into it."""
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            raise RuntimeError("TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("no PostgreSQL server (set TEST_POSTGRES_URL to run these against one)")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin_engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        # Tagged with the schema's name, so the connections an app run left in its cached pool are found below.
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE application_name = :name AND pid <> pg_backend_pid()"), {"name": schema})
            conn.execute(text("SET lock_timeout = '10s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Iterator[str]:
    """A fresh database, also exported for AppTest runs and command lines (which read the environment)."""
    monkeypatch.setenv("MOTIVE_PASSWORD_ROUNDS", "4")
    monkeypatch.delenv("MOTIVE_KITS_DIR", raising=False)
    if backend == "postgresql":
        with postgres_schema() as url:
            monkeypatch.setenv("MOTIVE_DATABASE_URL", url)
            yield url
        return
    url = f"sqlite:///{tmp_path / 'motive.db'}"
    monkeypatch.setenv("MOTIVE_DATABASE_URL", url)
    yield url


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
    return store.create_user(name, PASSWORD, role, actor=COMMAND_LINE)


@pytest.fixture
def interviewer(store: Store, admin: User) -> User:
    return make_user(store, "ivan", "interviewer")


@pytest.fixture
def hr(store: Store, admin: User) -> User:
    return make_user(store, "harriet", "hr")


@pytest.fixture
def recruiter(store: Store, admin: User) -> User:
    return make_user(store, "rory", "recruiter")


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


def answer_box(at: AppTest, key: str) -> dict:
    """What the page handed the browser field of answer field `key` (ui/components/autosave): its data."""
    boxes = [b for b in at.get("bidi_component") if b.key == Keys.box(key)]
    assert len(boxes) == 1, f"no answer field {key} on the page"
    return json.loads(boxes[0].proto.json)


def browser_sends(at: AppTest, key: str, text: str, n: int = 1, base: int = 0) -> AppTest:
    """Run the page as if answer field `key` in the browser had sent `text` (its send number `n`).

    AppTest cannot drive a custom component, so this hands Streamlit the widget state the
    component's `setStateValue("sent", ...)` would (through AppTest's internal `_run`).
    """
    boxes = [b for b in at.get("bidi_component") if b.key == Keys.box(key)]
    assert len(boxes) == 1, f"no answer field {key} on the page"
    states = at._tree.get_widget_states()
    sent = states.widgets.add()
    sent.id = boxes[0].proto.id
    sent.json_value = json.dumps({"sent": {"text": text, "base": base, "n": n}})
    return at._run(states)


@pytest.fixture(scope="session")
def model():
    """The shipped motivation model (the app's default)."""
    from analysis.motivation import MotivationModel
    from analysis.registry import DEFAULT_ARTIFACT

    return MotivationModel.from_bytes(DEFAULT_ARTIFACT.read_bytes())


DEV_SET = ROOT.parent / "shared" / "motivation-dev.tsv"

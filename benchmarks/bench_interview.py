"""The live interview with 2,000 candidates in SQLite: the page's script run and one field's save."""

from __future__ import annotations

from pathlib import Path

from benchmarks.harness import Result, median, p95, scratch_env, timings_ms

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = 2_000


def run() -> list[Result]:
    with scratch_env(MOTIVE_PASSWORD_ROUNDS="4"):
        from streamlit.testing.v1 import AppTest

        from data.demo import generate
        from data.records import COMMAND_LINE
        from data.settings import Settings
        from data.store import Store
        from rubric import default_kit
        from ui.state import Keys

        store = Store(Settings.from_env())
        admin = store.bootstrap_admin("bench.admin", "benchmark password")
        generate(store, CANDIDATES, seed=7)
        iv = store.create_user("bench.iv", "benchmark password", "interviewer", actor=COMMAND_LINE)
        cand = store.list_candidates(admin, limit=1)[0]
        iid = store.start_interview(iv, cand.id, default_kit())

        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state[Keys.SESSION_TOKEN] = store.create_session(iv)
        at.query_params["interview"] = str(iid)
        at.run()
        at.switch_page("ui/pages/interview.py")
        at.run()
        assert not at.exception, at.exception
        page = timings_ms(at.run, repeat=40)

        n = iter(range(10**9))
        save = timings_ms(
            lambda: store.save_answer_field(iv, iid, "extra-mile", "why", f"Because I cared, take {next(n)}"),
            repeat=300,
        )
        store.dispose()
    return [
        Result("interview page script run, 2,000 candidates (median)", median(page), 150, "ms"),
        Result("interview page script run, 2,000 candidates (p95)", p95(page), 300, "ms"),
        Result("save one answer field, SQLite (median)", median(save), 10, "ms"),
        Result("save one answer field, SQLite (p95)", p95(save), 20, "ms"),
    ]

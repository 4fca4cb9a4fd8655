"""Scoring 10,000 candidates, and the compare page with 1,000 candidates in one position."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.harness import Result, median, scratch_env, timings_ms

ROOT = Path(__file__).resolve().parent.parent


def run() -> list[Result]:
    with scratch_env(MOTIVE_PASSWORD_ROUNDS="4"):
        from streamlit.testing.v1 import AppTest

        from analysis.registry import ModelCache
        from analysis.scoring import score
        from data.demo import generate
        from data.settings import Settings
        from data.store import Store
        from ui.state import Keys

        store = Store(Settings.from_env())
        admin = store.bootstrap_admin("bench.admin", "benchmark password")
        model = ModelCache().active(store)
        generate(store, 9_000, seed=3, model=model)
        generate(store, 1_000, seed=4, model=model, position="Benchmark position")

        t0 = time.perf_counter()
        data = store.panel_data(admin)
        kits = store.kits_by_version({row[5] for row in data.interviews})
        load_s = time.perf_counter() - t0
        scored = []
        for _ in range(3):
            t0 = time.perf_counter()
            table = score(data, kits)
            scored.append(time.perf_counter() - t0)
        scored_n = len(table)  # candidates with at least one submitted interview
        assert scored_n > 9_800, scored_n

        pid = next(p.id for p in store.list_positions() if p.name == "Benchmark position")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state[Keys.SESSION_TOKEN] = store.create_session(admin)
        at.run()
        at.switch_page("ui/pages/compare.py")
        at.session_state[Keys.CMP_POSITION] = pid
        at.run()
        assert not at.exception, at.exception
        assert len(at.dataframe[0].value) > 980  # those with a submitted interview
        page = timings_ms(at.run, repeat=10, warmup=1)
        picks = list(score(store.panel_data(admin, position_id=pid), kits)["candidate_id"][:4])
        at.session_state[Keys.CMP_PICK] = [int(c) for c in picks]
        side = timings_ms(at.run, repeat=5, warmup=1)
        store.dispose()
    return [
        Result("score 10,000 candidates (median of 3)", median(scored), 2, "s",
               detail=f"{scored_n:,} with a submitted interview"),
        Result("read 10,000 candidates' panels from SQLite", load_s, 5, "s"),
        Result("compare page, 1,000 candidates in one position (median)", median(page) / 1000, 1, "s"),
        Result("compare page with 4 side by side, 1,000 candidates (median)", median(side) / 1000, 1.5, "s"),
    ]

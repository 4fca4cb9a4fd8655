"""Many interviewers saving at once: separate processes, each its own Store, like app processes.

Every simulated interviewer has an interview of their own and saves one field every
`interval` seconds for `seconds`, cycling through the questions and the four answer
fields. Each saved text names its interviewer and a sequence number, so afterwards the
database can be checked for lost, duplicated and misattributed saves:

* **lost**: a save the worker saw succeed whose text is not what the field holds (for
  the field's last save), or whose audit entry is missing;
* **duplicated**: more audit entries or revisions than the worker made saves;
* **misattributed**: any text in an interview that names another interviewer.

Used by tests/test_concurrency.py (correctness) and benchmarks/bench_concurrency.py
(the p95 save latency in the README's table).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
import types
from contextlib import contextmanager
from dataclasses import dataclass

from benchmarks.harness import median, p95
from data.fields import FIELD_NAMES

FIELDS = FIELD_NAMES


@dataclass(frozen=True)
class LoadResult:
    interviewers: int
    saves: int
    failures: int
    lost: int
    duplicated: int
    misattributed: int
    latencies_ms: tuple[float, ...]
    seconds: float
    cpu_seconds: float = 0.0  # user + system CPU the workers spent, store and driver included

    @property
    def p95_ms(self) -> float:
        return p95(list(self.latencies_ms)) if self.latencies_ms else float("nan")

    @property
    def p50_ms(self) -> float:
        return median(list(self.latencies_ms)) if self.latencies_ms else float("nan")

    @property
    def sound(self) -> bool:
        return self.saves > 0 and not (self.failures or self.lost or self.duplicated or self.misattributed)


def _worker(url: str, user_id: int, interview_id: int, questions: list[str], interval: float, seconds: float,
            barrier, out, token: str | None = None, phase: float = 0.0) -> None:
    os.environ["MOTIVE_DATABASE_URL"] = url
    import resource

    from data.settings import Settings
    from data.store import Store

    store = Store(Settings.from_env(), upgrade=False)
    # With a sign-in token the saves go as the interview page makes them: as the session's user (so every
    # write re-checks the session) and based on the text this "tab" last saved (the conflict check).
    user = store.user_for_session(token) if token else store.get_user(user_id)
    based: dict[tuple[str, str], str] = {}
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    saved: list[tuple[str, str, str]] = []
    latencies: list[float] = []
    failures = 0
    barrier.wait()
    time.sleep(phase)  # people do not pause in step: each typist's saves fall at their own moment
    start = time.perf_counter()
    seq = 0
    while time.perf_counter() - start < seconds:
        q = questions[seq % len(questions)]
        field = FIELDS[(seq // len(questions)) % len(FIELDS)]
        text = f"iv{user_id} seq{seq} {field} of {q}: the customer had waited an hour and I stayed late."
        t0 = time.perf_counter()
        try:
            if token:
                store.save_answer_field(user, interview_id, q, field, text, base_text=based.get((q, field), ""))
                based[(q, field)] = text
            else:
                store.save_answer_field(user, interview_id, q, field, text)
        except Exception:  # noqa: BLE001 - counted and reported; a correct store has none
            failures += 1
        else:
            latencies.append((time.perf_counter() - t0) * 1000)
            saved.append((q, field, text))
        seq += 1
        next_tick = start + seq * interval
        time.sleep(max(0.0, next_tick - time.perf_counter()))
    store.dispose()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    out.put((user_id, interview_id, saved, latencies, failures, cpu))


@contextmanager
def _plain_main():
    """Start spawned workers without re-running whatever script is `__main__` (AppTest leaves app.py there)."""
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def run_load(url: str, *, interviewers: int = 20, interval: float = 0.1, seconds: float = 30.0,
             signed_in: bool = False, staggered: bool = False) -> LoadResult:
    """Set up `interviewers` accounts and interviews on `url` (already migrated), run the load, check it."""
    os.environ["MOTIVE_DATABASE_URL"] = url
    from sqlalchemy import func, select

    from data.records import COMMAND_LINE
    from data.schema import answers, audit_log
    from data.settings import Settings
    from data.store import Store
    from rubric import default_kit

    store = Store(Settings.from_env())
    kit = default_kit()
    run_id = f"{os.getpid()}-{time.time_ns() % 10**9}"
    admin = store.create_user(f"load-admin-{run_id}", "load test password", "admin", actor=COMMAND_LINE)
    position = store.create_position(admin, f"Load test {time.time_ns()}")
    plan = []
    for k in range(interviewers):
        user = store.create_user(f"load-{run_id}-{k}", "load test password", "interviewer", actor=COMMAND_LINE)
        cand = store.add_candidate(admin, position.id, f"Load candidate {k}")
        plan.append((user.id, store.start_interview(user, cand.id, kit),
                     store.create_session(user) if signed_in else None))
    questions = [q.id for q in kit.questions]

    ctx = mp.get_context("spawn")  # fresh interpreters: no connection or lock is inherited
    barrier, out = ctx.Barrier(interviewers), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, uid, iid, questions, interval, seconds, barrier, out, token,
                                               interval * k / interviewers if staggered else 0.0))
             for k, (uid, iid, token) in enumerate(plan)]
    started = time.perf_counter()
    with _plain_main():
        for p in procs:
            p.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    elapsed = time.perf_counter() - started

    lost = duplicated = misattributed = saves = failures = 0
    cpu_seconds = 0.0
    latencies: list[float] = []
    with store.reading() as conn:
        for user_id, interview_id, saved, lat, fails, cpu in results:
            cpu_seconds += cpu
            saves += len(saved)
            failures += fails
            latencies += lat
            rows = {(r.question_id): r for r in conn.execute(select(answers).where(answers.c.interview_id == interview_id))}
            last: dict[tuple[str, str], str] = {}
            per_question: dict[str, int] = {}
            for q, field, text in saved:
                last[(q, field)] = text
                per_question[q] = per_question.get(q, 0) + 1
            for (q, field), text in last.items():
                lost += getattr(rows[q], field) != text
            for q, count in per_question.items():
                if rows[q].revision > count:
                    duplicated += rows[q].revision - count
                elif rows[q].revision < count:
                    lost += count - rows[q].revision
            for r in rows.values():
                for field in FIELDS:
                    value = getattr(r, field)
                    misattributed += bool(value) and not value.startswith(f"iv{user_id} ")
            logged = conn.execute(
                select(func.count()).select_from(audit_log)
                .where(audit_log.c.action == "answer.edited", audit_log.c.entity_id == interview_id)
            ).scalar_one()
            duplicated += max(0, logged - len(saved))
            lost += max(0, len(saved) - logged)
    store.dispose()
    return LoadResult(interviewers, saves, failures, lost, duplicated, misattributed, tuple(latencies), elapsed,
                      cpu_seconds)

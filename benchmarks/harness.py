"""Shared pieces: a result row, timing helpers, a scratch database, the machine line."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator


@dataclass(frozen=True)
class Result:
    """One benchmark figure beside its target; `ok` says whether the target is met."""

    name: str
    figure: float
    target: float
    unit: str
    lower_is_better: bool = True
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.figure <= self.target if self.lower_is_better else self.figure >= self.target


def timings_ms(fn: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]


@contextmanager
def scratch_env(**extra: str) -> Iterator[Path]:
    """A temp folder with MOTIVE_DATABASE_URL pointing at an SQLite file inside it."""
    with tempfile.TemporaryDirectory(prefix="motive-bench-") as d:
        saved = dict(os.environ)
        os.environ["MOTIVE_DATABASE_URL"] = f"sqlite:///{d}/bench.db"
        os.environ.update(extra)
        try:
            yield Path(d)
        finally:
            os.environ.clear()
            os.environ.update(saved)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}, {platform.system()}"


def table(results: list[Result]) -> str:
    lines = ["| benchmark | figure | target | met |", "|---|---|---|---|"]
    for r in results:
        op = "≤" if r.lower_is_better else "≥"
        fig = f"{r.figure:,.2f} {r.unit}" + (f" ({r.detail})" if r.detail else "")
        lines.append(f"| {r.name} | {fig} | {op} {r.target:,g} {r.unit} | {'yes' if r.ok else 'NO'} |")
    return "\n".join(lines)

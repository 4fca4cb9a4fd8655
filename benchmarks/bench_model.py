"""The motivation model: ready after a cold start, the time to label one answer, and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.harness import Result, median, p95, timings_ms

ROOT = Path(__file__).resolve().parent.parent
COLD_START = """
import time
t0 = time.perf_counter()
from analysis.motivation import MotivationModel
from analysis.registry import DEFAULT_ARTIFACT
model = MotivationModel.from_bytes(DEFAULT_ARTIFACT.read_bytes())
model.predict_one("warm-up")
print(time.perf_counter() - t0)
"""
ANSWERS = [
    "Honestly I just hate seeing people stuck, so I stayed until her booking was sorted.",
    "My team leader was sat right next to me, so I followed the script to the letter.",
    "Partly the commission if I'm honest, but he was a student and I wanted him to get the right laptop.",
    "I checked the order, refunded the delivery and sent a new one out.",
    "So um, the situation was, a man came in, his card had been swallowed by the machine outside, and he had "
    "a train in forty minutes. My task was the counter, really, but I rang the card team, got it cancelled, and "
    "lent him the fare from the float with my supervisor's OK. Why? I'd have felt awful watching him miss it. "
    "He came back the next day with a box of biscuits for the whole branch.",
]


def _cli_answers(n: int = 290) -> str:
    """n distinct answers, as a person would pipe them in: one per line."""
    return "\n".join(f"{ANSWERS[i % len(ANSWERS)]} (answer {i})" for i in range(n)) + "\n"


def run() -> list[Result]:
    import os
    import tempfile
    import time

    with tempfile.TemporaryDirectory() as tmp:  # no database: the shipped model, as on a fresh checkout
        env = os.environ | {"MOTIVE_DATABASE_URL": f"sqlite:///{tmp}/none.db"}
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis.motivation", "label", "-"], cwd=ROOT, env=env,
                       input=_cli_answers(), capture_output=True, text=True, check=True)
        cli = time.perf_counter() - t0
    cold = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", COLD_START], cwd=ROOT, capture_output=True, text=True, check=True)
        cold.append(float(out.stdout.strip().splitlines()[-1]) * 1000)
    from analysis.motivation import MotivationModel
    from analysis.registry import DEFAULT_ARTIFACT

    model = MotivationModel.from_bytes(DEFAULT_ARTIFACT.read_bytes())
    n = iter(range(10**9))

    def fresh() -> str:  # every text unique, so no cache helps: each real answer is new
        i = next(n)
        return f"{ANSWERS[i % len(ANSWERS)]} (answer {i})"

    label = timings_ms(lambda: model.predict_one(fresh()), repeat=500)
    return [
        Result("model ready from a cold start (imports + load, median of 5)", median(cold) / 1000, 3, "s"),
        Result("label one answer with evidence (median)", median(label), 30, "ms"),
        Result("label one answer with evidence (p95)", p95(label), 30, "ms"),
        Result("290 answers through `python -m analysis.motivation label -`, whole command, cold", cli, 10, "s"),
    ]

"""HR's report: the whole report command on 1,000 and 10,000 candidates, its peak memory, and the
time pandas + XlsxWriter take to dump the same answer rows (the floor a streamed workbook can reach).

The ratio compares CPU time, so a machine busy with other work skews neither side. The demo data
draws its answers from a small pool (a few hundred distinct texts), which would flatter both
sides: XlsxWriter's shared strings and the report's cache of written cells. So every answer's
text is made its own before measuring, as real candidates' words are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import Result, scratch_env

ROOT = Path(__file__).resolve().parent.parent
# Each measurement runs in a fresh interpreter, so a peak is the report's own, not an earlier run's.
REPORT = """
import json, os, tempfile, time
from analysis.report import main
out = os.path.join(tempfile.mkdtemp(), "report.xlsx")
t0, c0 = time.perf_counter(), time.process_time()
assert main(["--out", out, "--position", {position!r}]) == 0
report_s, report_cpu = time.perf_counter() - t0, time.process_time() - c0
# VmHWM belongs to this address space; ru_maxrss would carry over the parent's peak across fork/exec.
peak_mb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps({{"report_s": report_s, "report_cpu": report_cpu, "peak_mb": peak_mb}}))
"""
PANDAS = """
import io, json, time
import pandas as pd
from data.settings import Settings
from data.store import Store
from data.records import COMMAND_LINE
from analysis.report import ANSWERS, AnswerLine
store = Store(Settings.from_env())
pid = next(p.id for p in store.list_positions() if p.name == {position!r})
# The Answers sheet's columns and values, the names and titles left as ids: the rows pandas is given.
rows = [[c.value(AnswerLine(a, "candidate", "interviewer", a.question_id, None)) for c in ANSWERS]
        for a in store.iter_report_rows(COMMAND_LINE, position_ids=(pid,))]
frame = pd.DataFrame(rows, columns=[c.header for c in ANSWERS])
t0, c0 = time.perf_counter(), time.process_time()
frame.to_excel(io.BytesIO(), index=False, engine="xlsxwriter")
print(json.dumps({{"pandas_s": time.perf_counter() - t0, "pandas_cpu": time.process_time() - c0,
                  "answers": len(frame.index)}}))
"""


def _make_texts_unique(store) -> None:
    """Append each answer's id to its non-empty texts, so no two answers share a text."""
    from sqlalchemy import String, cast, literal

    from data.fields import ANSWER_FIELDS
    from data.schema import answers

    with store.engine.begin() as conn:
        for field in ANSWER_FIELDS:
            column = answers.c[field.name]
            conn.execute(answers.update().where(column != "")
                         .values({field.name: column + literal(" #") + cast(answers.c.id, String)}))


def _child(code: str, position: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code.format(position=position)], cwd=ROOT, env=dict(os.environ),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _measure(position: str) -> dict:
    return {**_child(REPORT, position), **_child(PANDAS, position)}


def run() -> list[Result]:
    with scratch_env(MOTIVE_PASSWORD_ROUNDS="4"):
        from analysis.registry import ModelCache
        from data.demo import generate
        from data.settings import Settings
        from data.store import Store

        store = Store(Settings.from_env())
        model = ModelCache().active(store)
        generate(store, 1_000, seed=5, model=model, position="Report 1k")
        generate(store, 10_000, seed=6, model=model, position="Report 10k")
        _make_texts_unique(store)
        store.dispose()
        small, large = _measure("Report 1k"), _measure("Report 10k")
    return [
        Result("Excel report command, 1,000 candidates", small["report_s"], 5, "s",
               detail=f"{small['answers']:,} answers"),
        Result("Excel report command, 1,000 candidates, peak memory", small["peak_mb"], 300, "MB"),
        Result("Excel report command, 10,000 candidates", large["report_s"], 45, "s",
               detail=f"{large['answers']:,} answers"),
        Result("Excel report command, 10,000 candidates, peak memory", large["peak_mb"], 300, "MB"),
        Result("report command / pandas + XlsxWriter dump of the same answers (1,000, CPU time)",
               small["report_cpu"] / small["pandas_cpu"], 1.2, "x", detail=f"pandas {small['pandas_cpu']:.2f} s"),
        Result("report command / pandas + XlsxWriter dump of the same answers (10,000, CPU time)",
               large["report_cpu"] / large["pandas_cpu"], 1.2, "x", detail=f"pandas {large['pandas_cpu']:.2f} s"),
    ]

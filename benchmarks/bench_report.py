"""HR's report: 1,000 and 10,000 candidates, peak memory, and against pandas' to_excel of the same answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import Result, scratch_env

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import io, json, time
import pandas as pd
from data.settings import Settings
from data.store import Store
from data.records import COMMAND_LINE
from analysis.report import ReportScope, build_report
store = Store(Settings.from_env())
actor = COMMAND_LINE
pid = next(p.id for p in store.list_positions() if p.name == {position!r})
t0 = time.perf_counter()
data = build_report(store, actor, ReportScope(position_ids=(pid,)))
report_s = time.perf_counter() - t0
# VmHWM belongs to this address space; ru_maxrss would carry over the parent's peak across fork/exec.
peak_mb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
import openpyxl
# The same answer rows, same columns, as the report's Answers sheet, dumped plainly by pandas.
answers = pd.DataFrame(openpyxl.load_workbook(io.BytesIO(data), read_only=True)["Answers"].values)
rows = answers.iloc[1:]
rows.columns = list(answers.iloc[0])
t0 = time.perf_counter()
rows.to_excel(io.BytesIO(), index=False)
pandas_s = time.perf_counter() - t0
print(json.dumps({{"report_s": report_s, "peak_mb": peak_mb, "pandas_s": pandas_s, "answers": len(rows.index)}}))
"""


def _measure(position: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(position=position)], cwd=ROOT, env=dict(os.environ),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


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
        store.dispose()
        small, large = _measure("Report 1k"), _measure("Report 10k")
    return [
        Result("Excel report, 1,000 candidates", small["report_s"], 5, "s", detail=f"{small['answers']:,} answers"),
        Result("Excel report, 1,000 candidates, peak memory", small["peak_mb"], 300, "MB"),
        Result("Excel report, 10,000 candidates", large["report_s"], 45, "s", detail=f"{large['answers']:,} answers"),
        Result("report time / pandas to_excel of the same answers (1,000)", small["report_s"] / small["pandas_s"],
               1.5, "x"),
    ]

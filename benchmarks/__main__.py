"""Run every benchmark and print one table: `python -m benchmarks [NAME ...]`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path

from benchmarks.harness import machine, table


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Run Motive's benchmarks.")
    parser.add_argument("only", nargs="*", choices=names + [[]], help=f"run only these ({', '.join(names)})")
    args = parser.parse_args(argv)
    results = []
    for name in args.only or names:
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results.extend(importlib.import_module(f"benchmarks.bench_{name}").run())
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(f"Machine: {machine()}\n")
    print(table(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

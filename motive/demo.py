"""Demo data labelled by the real model: `python -m motive demo [--candidates N] [--seed S] [--position NAME]`.

The candidates, interviews and answers come from `data.demo.generate`; this command gives
it the database's active motivation model, so every answer carries the label the
interviewer would have seen. Also runs as `python -m data.demo`.
"""

from __future__ import annotations

import argparse
import sys

from analysis.registry import ModelCache
from data.cli import command, open_store, say
from data.demo import DEMO_INTERVIEWERS, generate


def main(argv: list[str] | None = None, prog: str = "python -m motive demo") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Add demo candidates and interviews.")
    parser.add_argument("--candidates", type=int, default=30, help="how many candidates to add (1-10000, default 30)")
    parser.add_argument("--seed", type=int, default=None, help="random seed, for repeatable data")
    parser.add_argument("--position", help="put every candidate in this position (made if missing)")
    args = parser.parse_args(argv)
    if not 1 <= args.candidates <= 10_000:
        parser.error("--candidates must be between 1 and 10000")

    def run() -> None:
        store = open_store()
        made = generate(store, args.candidates, seed=args.seed, model=ModelCache().active(store),
                        position=args.position)
        say(f"Added {args.candidates} candidates and {made} interviews to {store.engine.url.render_as_string()}.")
        say("Demo interviewers (" + ", ".join(DEMO_INTERVIEWERS) + ") have random passwords; "
            "set one with `python -m motive users set-password NAME` to sign in as them.")

    return command(run)


if __name__ == "__main__":
    sys.exit(main(prog=sys.argv[0] if sys.argv[0].startswith("python -m") else "python -m motive demo"))

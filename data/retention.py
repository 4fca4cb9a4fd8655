"""Anonymise candidates past their position's retention period: `python -m data.retention`.

Run it daily from a scheduler (cron, a systemd timer, a Kubernetes CronJob); the app
also runs the same pass when it starts and every few hours while it runs. Each pass
is recorded in the audit log. `--dry-run` lists what would happen and changes nothing.
"""

from __future__ import annotations

import argparse
import sys

from data.cli import command, open_store, say
from data.records import COMMAND_LINE
from data.wording import plural


def main(argv: list[str] | None = None, prog: str = "python -m data.retention") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="report what would be anonymised; change nothing")
    args = parser.parse_args(argv)

    def run() -> None:
        store = open_store()
        try:
            done = store.apply_retention(COMMAND_LINE, dry_run=args.dry_run)
        finally:
            store.dispose()
        say(f"{'would anonymise' if done.dry_run else 'anonymised'} {plural(done.total, 'candidate')}")
        for d in done.due:  # ids, never names: the terminal is not the place for candidates' personal data
            say(f"  candidate {d.candidate_id} (position {d.position_id}): {d.why}")

    return command(run, status=2)


if __name__ == "__main__":
    sys.exit(main())

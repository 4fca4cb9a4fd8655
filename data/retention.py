"""Anonymise candidates past their position's retention period: `python -m data.retention`.

Run it daily from a scheduler (cron, a systemd timer, a Kubernetes CronJob); the app
also runs the same pass when it starts and every few hours while it runs. Each pass
is recorded in the audit log. `--dry-run` lists what would happen and changes nothing.
"""

from __future__ import annotations

import argparse
import sys

from data.errors import StoreError
from data.records import COMMAND_LINE
from data.settings import Settings, SettingsError
from data.store import Store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.retention", description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="report what would be anonymised; change nothing")
    args = parser.parse_args(argv)
    try:
        store = Store(Settings.from_env())
    except (SettingsError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        run = store.apply_retention(COMMAND_LINE, dry_run=args.dry_run)
    finally:
        store.dispose()
    verb = "would anonymise" if run.dry_run else "anonymised"
    print(f"{verb} {run.total} candidate(s)")
    for position_id, ids in sorted(run.anonymised.items()):
        print(f"  position {position_id}: candidates {', '.join(map(str, ids))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

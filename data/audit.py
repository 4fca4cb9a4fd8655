"""Check the audit log's hash chain: `python -m data.audit verify` (or `python -m motive audit verify`).

It walks every entry from the first and names the first one that does not verify (exit 1),
or says how many entries verified and prints the last one's hash (exit 0). Keep that hash
somewhere the database cannot reach (a ticket, your SIEM): the chain shows any change to
an entry and any entry removed or inserted before the end, and a head hash kept elsewhere
also shows entries cut from the end.
"""

from __future__ import annotations

import argparse
import sys

from data.cli import FAILED, command, open_store, say
from data.records import COMMAND_LINE


def main(argv: list[str] | None = None, prog: str = "python -m data.audit") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="action", required=True)
    verify = commands.add_parser("verify", help="walk the chain; exit 1 at the first broken entry")
    verify.add_argument("--head", metavar="HASH",
                        help="a head hash printed by an earlier run: fail unless the chain still passes through it")
    args = parser.parse_args(argv)

    def run() -> int:
        store = open_store()
        try:
            state = store.audit_chain(COMMAND_LINE)
            passes = args.head is None or store.audit_chain_holds(COMMAND_LINE, args.head)
        finally:
            store.dispose()
        if not state.intact:
            say(f"error: {state.summary()}", err=True)
            return FAILED
        if not passes:
            say(f"error: no intact entry has the hash {args.head}: entries were cut from the end of the log, "
                "or the hash belongs to another database. " + state.summary(), err=True)
            return FAILED
        say(state.summary())
        return 0

    return command(run)


if __name__ == "__main__":
    sys.exit(main())

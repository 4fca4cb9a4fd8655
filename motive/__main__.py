"""Every command line of Motive in one place: `python -m motive COMMAND [ARGS ...]`.

Each command is the `main(argv, prog)` of the module that owns it, so the older
`python -m data.users ...` spellings keep working and say the same; every one opens the
store, prints and fails the same way (data/cli.py).
"""

from __future__ import annotations

import importlib
import sys

from data.cli import say

# command: (module whose main() runs it, argv prefix it gets, what it does)
COMMANDS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "users": ("data.users", (), "accounts: add, list, set-password, set-role, set-email, unlock"),
    "import": ("data.importer", (), "import a candidate list (.csv or .xlsx)"),
    "report": ("analysis.report", (), "write HR's Excel report"),
    "retention": ("data.retention", (), "anonymise candidates past their retention period"),
    "backup": ("data.backup", (), "copy the SQLite database while the app runs; restore; tombstones, reapply"),
    "audit": ("data.audit", (), "verify the audit log's hash chain"),
    "demo": ("motive.demo", (), "add demo candidates and interviews"),
    "label": ("analysis.motivation", ("label",), "label answers with the active motivation model"),
    "evaluate": ("analysis.motivation", ("evaluate",), "score the model on label<TAB>text lines"),
    "train": ("analysis.motivation", ("train",), "retrain the shipped model from the corpus"),
    "modelcard": ("analysis.modelcard", (), "the model card's figures (real text, evidence, corpus)"),
    "corpus": ("data.corpus", (), "assemble the labelled corpus or add writing batches"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["usage: python -m motive COMMAND [ARGS ...]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {what}" for name, (_, _, what) in COMMANDS.items()]
    lines += ["", "`python -m motive COMMAND --help` tells more about each."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help", "help"):
        say(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        say(f"error: no command {name!r}.\n\n{usage()}", err=True)
        return 2
    module, prefix, _ = COMMANDS[name]
    run = importlib.import_module(module).main
    prog = f"python -m motive {name}" if not prefix else "python -m motive"
    return run([*prefix, *rest], prog=prog)


if __name__ == "__main__":
    sys.exit(main())

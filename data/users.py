"""Accounts from the command line.

    python -m data.users add USERNAME --role ROLE     (password from MOTIVE_PASSWORD or a prompt)
    python -m data.users list
    python -m data.users set-password USERNAME
    python -m data.users set-role USERNAME ROLE
    python -m data.users unlock USERNAME        (lifts a pause on sign-in after repeated failures)
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from data.access import Role
from data.cli import command, field, open_store, say
from data.errors import StoreError
from data.records import COMMAND_LINE


def _password(confirm: bool = True) -> str:
    env = os.environ.get("MOTIVE_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise StoreError("No password: set MOTIVE_PASSWORD or run in a terminal to be prompted.")
    first = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat password: ") != first:
        raise StoreError("The two passwords differ; nothing was changed.")
    return first


def main(argv: list[str] | None = None, prog: str = "python -m data.users") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Manage Motive accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    sub.add_parser("list", help="list accounts")
    pw = sub.add_parser("set-password", help="set a new password (ends the user's sessions)")
    pw.add_argument("username")
    role = sub.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=[r.value for r in Role])
    unlock = sub.add_parser("unlock", help="lift a pause on the account's sign-in after repeated failures")
    unlock.add_argument("username")
    email = sub.add_parser("set-email", help="link an account to its single-sign-on e-mail ('' unlinks)")
    email.add_argument("username")
    email.add_argument("email")
    args = parser.parse_args(argv)

    return command(lambda: _run(args))


def _run(args: argparse.Namespace) -> None:
    store = open_store()
    if args.command == "add":
        user = store.create_user(args.username, _password(), args.role, actor=COMMAND_LINE)
        say(f"Created {user.username} ({user.role}).")
    elif args.command == "list":
        for row in store.list_users(COMMAND_LINE):
            state = "active" if row.active else "deactivated"
            say(f"{row.username}\t{row.role}\t{state}\t{field(row.email or '')}")
    elif args.command == "set-password":
        user = store.find_user(args.username)
        store.reset_password(COMMAND_LINE, user.id, _password())
        say(f"Password changed for {user.username}; their sessions have ended.")
    elif args.command == "set-role":
        user = store.find_user(args.username)
        store.set_role(COMMAND_LINE, user.id, args.role)
        say(f"{user.username} is now {args.role}.")
    elif args.command == "unlock":
        user = store.find_user(args.username)
        pause = store.lift_sign_in_pause(COMMAND_LINE, user.id)
        say(f"{user.username} can sign in again from every address." if pause
            else f"{user.username}'s sign-in was not paused; nothing to lift.")
    elif args.command == "set-email":
        user = store.find_user(args.username)
        store.set_user_email(COMMAND_LINE, user.id, args.email or None)
        say(f"{user.username} signs in with {field(args.email)}." if args.email else f"{user.username} is unlinked.")


if __name__ == "__main__":
    sys.exit(main())

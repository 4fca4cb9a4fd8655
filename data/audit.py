"""The audit log as a person reads it (action names, record names), and its chain check:
`python -m data.audit verify` (or `python -m motive audit verify`).

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
from data.records import COMMAND_LINE, AuditEntry

# Every action code the code base writes, with the words the Audit page shows for it
# (tests/test_audit_names.py reads every audit call in the code and fails on a code missing here).
ACTIONS: dict[str, str] = {
    "auth.signed_in": "Signed in",
    "auth.signed_out": "Signed out",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.sign_in_paused": "Sign-in refused: paused after failures",
    "user.created": "User created",
    "user.role_changed": "User's role changed",
    "user.activated": "User reactivated",
    "user.deactivated": "User deactivated",
    "user.sign_in_unlocked": "User's sign-in pause lifted",
    "user.password_changed": "Own password changed",
    "user.password_reset": "User's password reset",
    "user.sso_linked": "Single sign-on e-mail linked",
    "user.sso_unlinked": "Single sign-on e-mail removed",
    "position.created": "Position created",
    "position.updated": "Position edited",
    "position.closed": "Position closed",
    "position.reopened": "Position reopened",
    "position.retention_set": "Retention period set",
    "candidate.created": "Candidate added",
    "candidate.updated": "Candidate corrected",
    "candidate.stage_changed": "Candidate moved to a stage",
    "candidate.erased": "Candidate erased",
    "candidate.erased_from_copies": "Candidate erased from backup copies",
    "tombstone.reapplied": "Erasure applied again after a restore",
    "candidates.imported": "Candidates imported",
    "retention.anonymised": "Candidates anonymised by retention",
    "self_id.recorded": "Self-identification recorded",
    "interview.assigned": "Interviewer assigned",
    "interview.unassigned": "Interviewer unassigned",
    "interview.started": "Interview started",
    "interview.resumed": "Interview resumed",
    "interview.submitted": "Interview submitted",
    "interview.resubmitted": "Reopened interview submitted again",
    "interview.withdrawn": "Interview withdrawn",
    "interview.reopened": "Interview reopened",
    "answer.edited": "Answer edited",
    "answer.conflict": "Answer edit from another device held back",
    "rating.edited": "Rating changed",
    "recommendation.edited": "Recommendation changed",
    "label.confirmed": "Motivation label confirmed",
    "label.overridden": "Motivation label overridden",
    "model.added": "Model version added",
    "model.activated": "Model version made active",
    "model.rolled_back": "Model rolled back",
    "model.retired": "Model version discarded",
    "export.report": "HR report downloaded",
    "export.audit_log": "Audit log exported",
    "export.subject_access": "Subject access export",
    "demo.added": "Demo data added",
}
# The first part of a code, for the page's "all of one kind" filter.
FAMILIES: dict[str, str] = {
    "auth": "Sign-ins", "user": "Users", "position": "Positions", "candidate": "Candidates",
    "candidates": "Imports", "retention": "Retention", "self_id": "Self-identification",
    "interview": "Interviews", "answer": "Answers", "rating": "Ratings", "recommendation": "Recommendations",
    "label": "Motivation labels", "model": "Models", "export": "Exports", "demo": "Demo data",
    "tombstone": "Erasures applied again",
}
# Entries of every working day that bury the rest: the page hides them unless asked.
ROUTINE = ("auth.signed_in", "auth.signed_out")


def action_name(code: str) -> str:
    """The words for an action code; a code from elsewhere (an older version) shows as itself."""
    return ACTIONS.get(code, code)


def family_name(prefix: str) -> str:
    """ "auth." -> "Sign-ins (all)" """
    return f"{FAMILIES.get(prefix.rstrip('.'), prefix)} (all)"


def record_name(entry: AuditEntry, names: dict[tuple[str, int], str | None]) -> str:
    """What an entry is about, named as the record is now (the log holds only its id).

    `names` is `Store.audit_record_names`: a record missing from it was erased since; one
    mapped to None was anonymised.
    """
    if entry.entity_id is None:
        version = entry.detail.get("version") if entry.entity == "model" else None
        return f"model {version}" if version else ""  # an import, an export: the detail says what
    ref = f"{entry.entity} {entry.entity_id}"
    if entry.entity not in ("candidate", "interview", "position", "user"):
        return ref
    if (entry.entity, entry.entity_id) not in names:
        return f"{ref} (erased)"
    name = names[entry.entity, entry.entity_id]
    if name is None:
        return f"{ref} (anonymised)"
    return f"{ref}: {name}" if entry.entity != "interview" else f"{ref} of {name}"


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

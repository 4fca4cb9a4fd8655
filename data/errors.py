"""The data package's exceptions; each message is something a person can act on."""


class StoreError(Exception):
    """Base for every error the store raises on purpose."""


class NotFoundError(StoreError):
    """The record asked for does not exist (or is not visible to this user)."""


class AccessDenied(StoreError):
    """The user's role does not allow this action."""


class ValidationError(StoreError):
    """Input was rejected; nothing was written."""


class ConflictError(StoreError):
    """The action clashes with the record's state, e.g. editing a submitted interview."""


class EditConflict(ConflictError):
    """A save was based on text that another device or tab has since replaced; it was not applied.

    Both texts survive: `theirs` is what the field now holds (at `revision`), `mine` the text
    that was not applied, which the store has kept in the field's history.
    """

    def __init__(self, field: str, mine: str, theirs: str, revision: int) -> None:
        super().__init__(f"The {field} was changed on another device or tab since you started typing; "
                         "your text was not applied over it, and both are kept.")
        self.field, self.mine, self.theirs, self.revision = field, mine, theirs, revision


class AuthError(StoreError):
    """Sign-in failed, or the sign-in session is no longer valid."""


class StoreUnavailable(StoreError):
    """The database did not answer (down, restarting, or locked too long); what was being written is not saved.

    Raised in place of the database driver's own errors, so callers need not know which database is behind
    the store: a page keeps what was typed and tries again.
    """

    def __init__(self, message: str = "The database is not reachable; try again in a moment.") -> None:
        super().__init__(message)


class PossibleDuplicate(ValidationError):
    """A candidate with the same name already applied for the position; ask before adding another."""

    def __init__(self, message: str, existing: tuple[int, ...]) -> None:
        super().__init__(message)
        self.existing = existing

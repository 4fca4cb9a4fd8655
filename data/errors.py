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


class AuthError(StoreError):
    """Sign-in failed, or the sign-in session is no longer valid."""

"""Roles and what each may do: the one table every page and every write consults."""

from __future__ import annotations

from enum import StrEnum

from data.errors import AccessDenied


class Role(StrEnum):
    ADMIN = "admin"
    INTERVIEWER = "interviewer"
    RECRUITER = "recruiter"
    HR = "hr"


ALL_ROLES = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "users.manage": frozenset({Role.ADMIN}),
    "positions.write": frozenset({Role.ADMIN, Role.INTERVIEWER, Role.RECRUITER, Role.HR}),
    "candidates.view": ALL_ROLES,
    "candidates.write": frozenset({Role.ADMIN, Role.INTERVIEWER, Role.RECRUITER, Role.HR}),
    "interviews.conduct": frozenset({Role.ADMIN, Role.INTERVIEWER}),
    "interviews.review": frozenset({Role.ADMIN, Role.RECRUITER, Role.HR}),
    # The hiring workflow: moving candidates between stages, editing, closing and reopening positions,
    # and assigning interviewers; reopening a submitted interview for a correction is HR's.
    "candidates.stage": frozenset({Role.ADMIN, Role.RECRUITER, Role.HR}),
    "positions.manage": frozenset({Role.ADMIN, Role.RECRUITER, Role.HR}),
    "interviews.assign": frozenset({Role.ADMIN, Role.RECRUITER, Role.HR}),
    "interviews.reopen": frozenset({Role.ADMIN, Role.HR}),
    "candidates.import": frozenset({Role.ADMIN, Role.HR}),
    "reports.export": frozenset({Role.ADMIN, Role.HR}),
    # Trust: the audit trail, erasure/retention/subject access, and self-identification data.
    "audit.view": frozenset({Role.ADMIN, Role.HR}),
    "privacy.manage": frozenset({Role.ADMIN, Role.HR}),
    "fairness": frozenset({Role.ADMIN, Role.HR}),
}


def allowed(role: str, permission: str) -> bool:
    """Whether a role holds a permission; an unknown permission name is a programming error."""
    return Role(role) in PERMISSIONS[permission]


def require(user: object, permission: str) -> None:
    """Raise AccessDenied unless `user` (anything with .role and .username) holds `permission`."""
    role = getattr(user, "role", None)
    if user is None or role is None or not allowed(role, permission):
        who = getattr(user, "username", "anonymous")
        raise AccessDenied(f"{who} ({role or 'not signed in'}) may not do this ({permission}).")

"""Who may do what at the desk: four roles and the permissions each one holds.

Pure rules, no screens or database: the screens ask `allows(role, permission)` before an action,
and the desk's commands are run by whoever holds the database file (an administrator).
Nobody deletes a referral and nobody changes the audit trail, so neither is a permission here.
"""

from __future__ import annotations

from enum import StrEnum

from spr_desk.vocabulary import label


class Role(StrEnum):
    CALL_HANDLER = "call_handler"
    NIGHT_STAFF = "night_staff"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"


class Permission(StrEnum):
    TAKE_CALLS = "take_calls"
    """Record a referral, work the queue (respond, allocate, close), hand over."""
    REVIEW = "review"
    """The supervisor view: breaches, overrides, flags, the export, the audit viewer."""
    EDIT_ROTA = "edit_rota"
    """Add, delete and import shifts."""
    EDIT_RULES = "edit_rules"
    """The matrix rules (a file today; the permission is checked when an editor arrives)."""
    MANAGE_USERS = "manage_users"


ROLE_LABELS: dict[Role, str] = {role: label(role) for role in Role}
"""`call handler`, `night staff`, ...: the words the desk uses for each role."""

_DESK = frozenset({Permission.TAKE_CALLS})
_SUPERVISE = _DESK | {Permission.REVIEW, Permission.EDIT_ROTA, Permission.EDIT_RULES}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CALL_HANDLER: _DESK,
    Role.NIGHT_STAFF: _DESK,
    Role.SUPERVISOR: _SUPERVISE,
    Role.ADMINISTRATOR: _SUPERVISE | {Permission.MANAGE_USERS},
}

REFUSED: dict[Permission, str] = {
    Permission.TAKE_CALLS: "Taking calls",
    Permission.REVIEW: "The supervisor view",
    Permission.EDIT_ROTA: "Changing the rota",
    Permission.EDIT_RULES: "Changing the matrix rules",
    Permission.MANAGE_USERS: "Managing users",
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


def refusal(role: Role, permission: Permission) -> str:
    """What the desk says when a role lacks a permission: what, and who may."""
    who = " and ".join(
        f"{ROLE_LABELS[r]}s" for r in Role if permission in PERMISSIONS[r] and r is not role
    )
    return f"{REFUSED[permission]} is for {who}; you are signed in as a {ROLE_LABELS[role]}."


ALIASES: dict[str, Role] = {
    **{label: role for role, label in ROLE_LABELS.items()},
    "handler": Role.CALL_HANDLER,
    "night": Role.NIGHT_STAFF,
    "admin": Role.ADMINISTRATOR,
}


def parse_role(text: str) -> Role:
    """`call_handler`, `call handler`, `Call-Handler` and `handler` all name the same role."""
    role = ALIASES.get(" ".join(text.lower().replace("-", " ").replace("_", " ").split()))
    if role is None:
        raise ValueError(f"not a role: choose one of {', '.join(Role)}")
    return role

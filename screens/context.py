"""What a screen is handed: the desk, who is signed in, the desk's clock and its rules.

The app builds a `DeskContext` when someone signs in and hands it to each screen it opens;
a screen hands its own on to the screens it opens. No screen asks the app who is acting.
The header and the handover still reach the app for the desk's status: `DeskHost` names that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.dom import DOMNode

from spr_desk.roles import Permission, allows, refusal
from spr_desk.rules import Rules
from spr_desk.sign_in import SignedIn

if TYPE_CHECKING:
    from spr_desk.desk_api import Desk, DeskStatus


@dataclass(frozen=True)
class DeskContext:
    """One signed-in person's desk: every action a screen takes is recorded under `user`."""

    desk: Desk
    user: SignedIn
    clock: Callable[[], datetime]
    """The desk's time (the desk service's clock: frozen in tests)."""
    rules: Rules

    @property
    def by(self) -> str:
        """Who an action is recorded under: the username signed in."""
        return self.user.username

    def may(self, permission: Permission) -> bool:
        """Whether the signed-in role allows it."""
        return allows(self.user.role, permission)

    def refusal(self, permission: Permission) -> str:
        """What the desk says when the role does not allow it: what, and who may."""
        return refusal(self.user.role, permission)


def permitted(node: DOMNode, ctx: DeskContext, permission: Permission) -> bool:
    """True when the signed-in role allows it; otherwise `node` says why not, and who may."""
    if ctx.may(permission):
        return True
    node.app.notify(ctx.refusal(permission), title="Not allowed", severity="warning")
    return False


@runtime_checkable
class DeskHost(Protocol):
    """What the header and the handover ask of the desk's own app (a test harness's app is
    not one: its header shows no status and names no one)."""

    desk_status: DeskStatus | None
    """Who holds the desk, any pack pending: read every few seconds."""
    held_changes: int
    """Bumped when a call goes on hold or comes back."""

    @property
    def user(self) -> str:
        """Who is signed in ("" when no one is)."""
        ...

    def held_call_words(self, now: datetime | None) -> str:
        """`call on hold: KILLTEST, Doris, 04:12`, or "" when none is."""
        ...

    def check_status(self) -> object:
        """Read the desk's status again now (a worker: it returns at once)."""
        ...

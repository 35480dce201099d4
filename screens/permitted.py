"""What the screens ask of the desk's app: who is acting, and may they do this?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

from spr_desk.roles import Permission

if TYPE_CHECKING:
    from spr_desk.entrypoints.app import SprDeskApp


def desk_app(node: DOMNode) -> SprDeskApp | None:
    """The desk's own app, or None when a widget runs in another (a test harness)."""
    # the app imports the screens: import it when asked
    from spr_desk.entrypoints.app import SprDeskApp

    return node.app if isinstance(node.app, SprDeskApp) else None


def acting_user(node: DOMNode) -> str:
    """Who an action is recorded under: the person signed in."""
    app = desk_app(node)
    return app.user if app is not None else "desk"


def permitted(node: DOMNode, permission: Permission) -> bool:
    """True when the signed-in role allows it; otherwise the app says why not, and who may.
    Outside the desk's own app nothing is allowed (fail closed)."""
    app = desk_app(node)
    return app is not None and app.may(permission)

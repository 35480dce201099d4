"""The screens' one question about roles: may the person signed in do this?"""

from __future__ import annotations

from textual.dom import DOMNode

from spr_desk.roles import Permission


def permitted(node: DOMNode, permission: Permission) -> bool:
    """True when the signed-in role allows it; otherwise the app says why not, and who may.
    Outside the desk's own app nothing is allowed (fail closed)."""
    from spr_desk.app import SprDeskApp  # the app imports the screens: import it when asked

    app = node.app
    return isinstance(app, SprDeskApp) and app.may(permission)

"""The Tab order of a screen laid out in the order it is composed: a walk of the DOM.

Textual's `Screen.focus_chain` sorts each container's children by where they sit on the screen,
and so asks for every widget's place: after any change to the screen (a tick that redraws the
recommendation, a field refreshed below the fold) that means laying the whole screen out again
first, some 3 ms of every Tab on the call's form of 170 controls. Where a screen's controls sit
in the order they are composed, as on the call's form (a column of fields beside the panel),
the walk gives the same order without asking; `tests/app/test_focus_order.py` holds the call's
screen to Textual's own order.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.widget import Widget


def focus_chain_as_composed(root: Widget) -> list[Widget]:
    """The widgets under `root` that may take the focus, in DOM order: Textual's rules for
    which may (not disabled, nor under a disabled container; visible, inheriting visibility
    from the container; focusable), without its sort."""
    return list(_focusable(root, visible=root.styles.get_rule("visibility") != "hidden"))


def _focusable(node: Widget, *, visible: bool) -> Iterator[Widget]:
    for child in node.displayed_children:
        if child.disabled:  # a disabled container's controls are skipped with it
            continue
        rule = child.styles.get_rule("visibility")
        shown = rule != "hidden" if rule else visible
        if shown and child.allow_focus():
            yield child
        if child.is_container and child.allow_focus_children():
            yield from _focusable(child, visible=shown)

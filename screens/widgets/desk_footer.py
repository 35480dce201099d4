"""The footer of keys, rebuilt only when the keys it shows change.

Textual's `Footer` rebuilds itself (new widgets, their styles, a layout of the screen) every
time the bindings are refreshed, which is every time the focus moves: on the call's form that
was most of what a Tab cost. The keys shown rarely change as the focus moves along the form.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class DeskFooter(Footer):
    """A `Footer` that keeps its keys while the keys it would show are the same."""

    _shown: tuple[tuple[str, str, bool, str], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, enabled, tooltip)
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown and self._bindings_ready:
            return
        self._shown = shown
        super().bindings_changed(screen)

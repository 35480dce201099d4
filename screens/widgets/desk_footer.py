"""The footer of keys: rebuilt only when the keys it shows change, and never cutting a key.

Textual's `Footer` rebuilds itself (new widgets, their styles, a layout of the screen) every
time the bindings are refreshed, which is every time the focus moves: on the call's form that
was most of what a Tab cost. The keys shown rarely change as the focus moves along the form.

Textual's footer lays its keys out in a row that runs off the right edge, so at 80 columns the
last keys were cut mid-word ("esc Back" read `e`) and F1 Help fell off. This one shows as many
keys as fit whole, in the screen's order, always keeps F1 Help (the help lists every key, those
dropped here too), and drops the command palette's key first.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTIONS = frozenset({"help", "app.help"})
PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})


def key_width(key: FooterKey) -> int:
    """The cells a key takes in the row: its words, padding and border, and margins."""
    styles = key.styles
    return key.render().cell_len + styles.gutter.width + styles.margin.width


def keys_that_fit(widths: list[tuple[str, int]], room: int) -> set[int]:
    """Which keys (by position) to show: help always, then the others in order while they fit,
    the palette last. `widths` is each key's action and width."""
    shown = {i for i, (action, _) in enumerate(widths) if action in HELP_ACTIONS}
    left = room - sum(widths[i][1] for i in shown)
    order = [i for i, (action, _) in enumerate(widths) if action not in HELP_ACTIONS]
    order.sort(key=lambda i: widths[i][0] in PALETTE_ACTIONS)
    for index in order:
        if widths[index][1] > left:
            break
        shown.add(index)
        left -= widths[index][1]
    return shown


class DeskFooter(Footer):
    """A `Footer` that keeps its keys while the keys it would show are the same, and shows only
    keys that fit whole."""

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

    async def recompose(self) -> None:
        await super().recompose()
        # The new keys are measured once their styles are applied (their padding).
        self.call_after_refresh(self.fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit)

    def fit(self) -> None:
        """Hide the keys that would not fit whole in the footer's width."""
        keys = list(self.query_children(FooterKey))
        if not keys or not self.size.width:
            return
        fits = keys_that_fit([(key.action, key_width(key)) for key in keys], self.size.width)
        for index, key in enumerate(keys):
            key.display = index in fits

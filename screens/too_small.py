"""A terminal smaller than the desk needs says so, instead of showing a clipped desk.

The cover is laid over each screen, never in place of it: nothing underneath is hidden, removed
or resized, so the focused field keeps the focus (a widget Textual hides gives its focus away),
keys typed blind still reach it, and the desk comes back exactly as it was. A cover is mounted
on a screen the first time that screen is too small, then only shown, hidden or reworded.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24
COVER_ID = "too-small"


def message(width: int, height: int) -> str:
    return f"Make the window at least {MIN_WIDTH} x {MIN_HEIGHT} (it is {width} x {height} now)"


KEPT = "Everything is kept as it was, and keys typed now still reach the field you were in."


class TooSmall(Container):
    """Covers the whole screen, above everything on it, with the size the desk needs."""

    # `overlay: screen` takes it out of the flow (it takes no room from the desk) and paints it
    # over the screen's layers, toasts and tooltips included; alone in its own layer it starts
    # at the top left whatever comes before it. Another overlay (an open Select's list) ties
    # with it, so the words sit one layer higher inside it, above anything the other holds.
    DEFAULT_CSS = """
    TooSmall {
        layer: too-small;
        overlay: screen;
        width: 100%;
        height: 100%;
        layers: under words;
    }
    TooSmall > Static {
        layer: words;
        width: 100%;
        height: 100%;
        padding: 1 2;
        background: $background;
        content-align: center middle;
        text-align: center;
    }
    """

    def __init__(self, width: int, height: int) -> None:
        super().__init__(id=COVER_ID)
        self.shown_size = (width, height)

    def compose(self) -> ComposeResult:
        yield Static(self._words())

    def _words(self) -> Text:
        text = Text(message(*self.shown_size), style="bold")
        text.append(f"\n\n{KEPT}", style="")
        return text

    def show_size(self, width: int, height: int) -> None:
        if (width, height) != self.shown_size:
            self.shown_size = (width, height)
            for words in self.query(Static):  # none yet if it has not composed: it will
                words.update(self._words())


def fit(app: App[Any]) -> None:
    """Show or take away the cover on every screen of the stack for the app's size.

    Called from the app's resize handler, which runs before Textual's own records the new size:
    the size is read once that has run."""
    app.call_next(_fit_now, app)


def _fit_now(app: App[Any]) -> None:
    width, height = app.size
    small = width < MIN_WIDTH or height < MIN_HEIGHT
    # Every screen of the stack: a screen beneath a dialog shows through its backdrop.
    for screen in app.screen_stack:
        cover = cover_of(screen)
        if cover is None:
            if small:
                screen.mount(TooSmall(width, height))
        elif small:
            cover.show_size(width, height)
            cover.display = True
        elif cover.display:
            cover.display = False


def cover_of(screen: Screen[object]) -> TooSmall | None:
    """The screen's cover, once it has needed one."""
    try:
        return screen.get_child_by_id(COVER_ID, TooSmall)
    except NoMatches:
        return None

"""The screen-reader mode's one fixed line: the latest change, in words, always in the same place
(the line above the keys), so a reader finds it without hunting. On a screen with keys it comes
in the flow before them (two widgets docked to one edge would overlap); on a dialog, docked to
the bottom."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

STATUS_LINE_HEIGHT = 1
"""One line, always: a dialog that fits itself to the window leaves it room."""


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; padding: 0 1; background: $panel; color: $foreground; }
    StatusLine.-docked { dock: bottom; }
    """

    def say(self, words: str) -> None:
        self.update(Text(words, no_wrap=True, overflow="ellipsis"))  # as typed: never markup

"""Help for the screen in front of the handler (F1): its keys and what it asks."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Help for `screen` (stub: being written)."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.about = screen

    def compose(self) -> ComposeResult:
        yield Static(f"Help: {type(self.about).__name__}")

    def action_close(self) -> None:
        self.dismiss(None)

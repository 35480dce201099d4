"""What shows for the moment the desk takes to open its database."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from screens.widgets.desk_header import DeskHeader


class OpeningScreen(Screen[None]):
    CSS_PATH = "opening.tcss"

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static("Opening the desk database...", id="opening-message")
        yield Footer()

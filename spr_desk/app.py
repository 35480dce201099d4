"""The Textual app: wiring only. Screens live in `screens/`; the desk service is handed in."""

from __future__ import annotations

from textual.app import App

from db.desk import DeskService
from screens.queue import QueueScreen


class SprDeskApp(App[None]):
    """SPR Desk. Takes the desk service (engine, clock, rules) from whoever builds it."""

    TITLE = "SPR Desk"
    CSS_PATH = "../screens/base.tcss"

    def __init__(self, desk: DeskService) -> None:
        super().__init__()
        self.desk = desk

    def on_mount(self) -> None:
        self.push_screen(QueueScreen(self.desk))

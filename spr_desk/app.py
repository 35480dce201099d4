"""The Textual app: wiring only. Screens live in `screens/`; the desk service is handed in.

Given a factory instead of a desk, the app paints first and opens the database in a worker
thread: importing SQLAlchemy and checking the schema takes longer than Textual's first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from screens.opening import OpeningScreen
from screens.queue import QueueScreen

if TYPE_CHECKING:
    from db.desk import DeskService


class SprDeskApp(App[None]):
    """SPR Desk. Takes the desk service (engine, clock, rules), or a way to open one."""

    TITLE = "SPR Desk"
    CSS_PATH = "../screens/base.tcss"

    def __init__(self, desk: DeskService | Callable[[], DeskService]) -> None:
        super().__init__()
        self._open_desk: Callable[[], DeskService] | None = desk if callable(desk) else None
        self.desk: DeskService | None = None if callable(desk) else desk

    def on_mount(self) -> None:
        if self.desk is not None:
            self.push_screen(QueueScreen(self.desk))
        else:
            self.push_screen(OpeningScreen())
            # After the first frame: the import would otherwise share the GIL with painting it.
            self.call_after_refresh(self._open)

    @work(thread=True, exit_on_error=False, group="open")
    def _open(self) -> None:
        assert self._open_desk is not None
        try:
            desk = self._open_desk()
        except Exception as error:  # noqa: BLE001 - said in one line as the app exits
            self.call_from_thread(
                self.exit, return_code=1, message=f"spr-desk: {type(error).__name__}: {error}"
            )
            return
        self.call_from_thread(self._opened, desk)

    def _opened(self, desk: DeskService) -> None:
        self.desk = desk
        self.switch_screen(QueueScreen(desk))

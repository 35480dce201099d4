"""Quitting with a call open asks first (the call's draft is kept either way)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.deliberate import Deliberate


class QuitModal(Deliberate, ModalScreen[bool]):
    """Dismisses True to quit; enter and esc stay."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "answer(True)", "Quit", id="quit-modal.quit"),
        Binding("escape", "answer(False)", "Stay", id="quit-modal.stay"),
        Binding(
            "enter", "answer(False)", "Stay", show=False, priority=True, id="quit-modal.stay-enter"
        ),
    ]

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls = calls

    def compose(self) -> ComposeResult:
        open_calls = "A call is open" if self.calls == 1 else f"{self.calls} calls are open"
        with Vertical(classes="dialog"):
            yield Static(f"{open_calls}: quit the desk?", classes="dialog-title")
            yield Static(
                "Each call is kept as a draft and offered when you sign in again; the caller "
                "may still be on the line."
            )
            yield Static("q  quit anyway      esc / enter  stay", classes="dialog-keys")

    def action_answer(self, quit_anyway: bool) -> None:
        self.dismiss(quit_anyway)

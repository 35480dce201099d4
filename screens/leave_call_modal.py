"""Leaving a call asks first: keep it as a draft, discard it, or stay (the default)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.deliberate import Deliberate

KEEP, DISCARD, STAY = "keep", "discard", "stay"


class LeaveCallModal(Deliberate, ModalScreen[str]):
    """Dismisses with "keep", "discard" or "stay". Enter and esc both stay: leaving is a
    letter pressed on purpose, and discarding asks once more."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "choose('keep')", "Keep as draft", id="leave-call-modal.keep"),
        Binding("d", "discard", "Discard", id="leave-call-modal.discard"),
        Binding("escape", "choose('stay')", "Stay", id="leave-call-modal.stay"),
        Binding(
            "enter",
            "choose('stay')",
            "Stay",
            show=False,
            priority=True,
            id="leave-call-modal.stay-enter",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.confirming = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Leave this call?", classes="dialog-title")
            yield Static(
                "Kept as a draft, it is offered to you at your next ctrl+n, and when you sign in.",
                id="leave-words",
            )
            # Keys and their words are kept together: one line is too short for all three
            # with the discard's question, and a key must not wrap away from its word.
            yield Static(
                "k  keep as draft and leave   d  discard   esc / enter  stay",
                classes="dialog-keys",
                id="leave-keys",
            )

    def action_discard(self) -> None:
        if self.confirming:
            self.dismiss(DISCARD)
            return
        self.confirming = True
        self.query_one("#leave-words", Static).update("Discard everything typed in this call?")
        self.query_one("#leave-keys", Static).update("d  yes, discard   esc / enter  stay")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

"""Leaving a call asks first: keep it as a draft, discard it, or stay."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEEP, DISCARD, STAY = "keep", "discard", "stay"


class LeaveCallModal(ModalScreen[str]):
    """Dismisses with "keep", "discard" or "stay"."""

    CSS_PATH = "modals.tcss"
    DEFAULT_CSS = "LeaveCallModal { align: center middle; }"
    BINDINGS = [
        Binding("k", "choose('keep')", "Keep as draft"),
        Binding("enter", "choose('keep')", "Keep as draft", show=False, priority=True),
        Binding("d", "choose('discard')", "Discard"),
        Binding("escape", "choose('stay')", "Stay"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Leave this call?", classes="dialog-title")
            yield Static(
                "Kept as a draft, it is offered again when you start the next call or the desk."
            )
            yield Static(
                "k / enter  keep as draft and leave     d  discard the call     esc  stay",
                classes="dialog-keys",
            )

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

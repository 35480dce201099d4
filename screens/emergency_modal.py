"""A red flag: the words to say (advise 999 / A&E), then record the call as redirected."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.deliberate import Deliberate
from spr_desk.call_form import EMERGENCY_WORDS
from spr_desk.vocabulary import RedFlag, label


class EmergencyModal(Deliberate, ModalScreen[bool]):
    """Dismisses True to record the call as redirected, False to go back to the call."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "record", "Record as redirected", priority=True, id="emergency-modal.record"
        ),
        Binding("escape", "back", "Back to the call", id="emergency-modal.back"),
    ]

    def __init__(self, red_flags: list[RedFlag]) -> None:
        super().__init__()
        self.red_flags = red_flags

    def compose(self) -> ComposeResult:
        flags = ", ".join(label(flag) for flag in self.red_flags)
        with VerticalScroll(classes="dialog"):
            yield Static(Text(f"RED FLAG: {flags}", style="bold"), classes="dialog-title")
            yield Static("This is an emergency, not a community response. Say to the caller:")
            yield Static(Text(f'"{EMERGENCY_WORDS}"'), id="emergency-say")
            yield Static(
                "The call is still recorded, as redirected: who called, the patient as far as "
                "you got, the red flags and these words."
            )
            yield Static(
                "enter  record as redirected      esc  back to the call (answered by mistake)",
                classes="dialog-keys",
            )

    def action_record(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)

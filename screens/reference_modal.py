"""The reference, large, to read to the caller once the referral is recorded."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Digits, Static


class ReferenceModal(ModalScreen[None]):
    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "close", "Done", priority=True, id="reference-modal.close"),
        Binding("escape", "close", "Done", id="reference-modal.close-escape"),
    ]

    def __init__(
        self, reference: str, outcome: str, *, from_paper: bool = False, from_999: bool = False
    ) -> None:
        """`from_paper`: a sheet entered after downtime, its caller long gone: the reference is
        written on the sheet, not read out. `from_999`: the triage of a referral sent by 999,
        whose sender had the reference when it was sent."""
        super().__init__()
        self.reference = reference
        self.outcome = outcome
        self.from_paper = from_paper
        self.from_999 = from_999

    def compose(self) -> ComposeResult:
        # Digits draws digits and dashes only: the SPR- prefix stays as text above them.
        with Vertical(classes="dialog"):
            yield Static(Text(f"Recorded: {self.outcome}"), classes="dialog-title")
            yield Static(Text(f"Reference {self.reference}", style="bold"), id="reference-text")
            yield Digits(self.reference.removeprefix("SPR-"), id="reference-digits")
            ask = (
                "Write it on the sheet."
                if self.from_paper
                else "Triaged: the 999 service has this reference already (A accepts it)."
                if self.from_999
                else "Read the reference to the caller."
            )
            yield Static(f"{ask}  enter  done", classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)

"""The dialog that shows which referral taking the next would claim, and asks first."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from screens.desk_modal import DeskModal
from screens.widgets.queue_board import due_words
from spr_desk.due import format_time_left, time_left
from spr_desk.vocabulary import cell_words

if TYPE_CHECKING:
    from spr_desk.desk_api import NextUp


class TakeNextModal(DeskModal[bool]):
    """Reference, cell, due and time left, patient and locality of the referral it would take:
    ctrl+s claims it, escape claims nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Claim", priority=True, id="take-next-modal.confirm"),
    ]

    def __init__(self, next_up: NextUp, now: datetime) -> None:
        super().__init__()
        self.next_up = next_up
        self.now = now

    def compose(self) -> ComposeResult:
        up = self.next_up
        if up.due_at is not None:
            left = format_time_left(time_left(self.now, up.due_at))
            due = f"{due_words(up.due_at, self.now)} ({left} left)"
        else:
            due = "-"
        lines = [
            ("Reference", up.reference),
            ("Cell", cell_words(up.response, up.lead) or "-"),
            ("Due", due),
            ("Patient", up.patient_name or "(not given)"),
            ("Locality", up.locality or "-"),
        ]
        with Vertical(classes="dialog", id="take-next"):
            yield Static("Take the next referral to allocate?", classes="dialog-title")
            for name, value in lines:
                text = Text(f"{name:<10}", style="bold")
                text.append(value)
                yield Static(text, classes="take-next-line")
            yield Static(
                Text("No other desk is given it for 10 minutes; F3 on the queue hands it back."),
            )
            yield Static("ctrl+s  claim it     esc  claim nothing", classes="dialog-keys")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

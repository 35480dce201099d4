"""The handover's dialogs: edit one referral's SBAR note, and acknowledge the pack as yourself."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from screens.deliberate import Deliberate
from screens.desk_modal import DeskModal
from spr_desk.handover import Sbar

SBAR_PARTS = (
    ("situation", "S  Situation: who, where, what is happening now"),
    ("background", "B  Background: the referral, the pathway, what is known"),
    ("assessment", "A  Assessment: risks, what you think"),
    ("recommendation", "R  Recommendation: what the next watch must do, and by when"),
)


class SbarModal(DeskModal[Sbar | None]):
    """Dismisses with the edited note (ctrl+s), or None on escape (nothing is changed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Save", priority=True, id="sbar-modal.confirm"),
    ]

    def __init__(self, reference: str, sbar: Sbar) -> None:
        super().__init__()
        self.reference = reference
        self.sbar = sbar

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text(f"SBAR note for {self.reference}"), classes="dialog-title")
            for name, heading in SBAR_PARTS:
                yield Static(Text(heading))
                yield TextArea(getattr(self.sbar, name), id=f"sbar-{name}", soft_wrap=True)
            yield Static("ctrl+s  save     esc  cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#sbar-situation", TextArea).focus()

    def action_confirm(self) -> None:
        texts = {name: self.query_one(f"#sbar-{name}", TextArea).text for name, _ in SBAR_PARTS}
        self.dismiss(Sbar(**texts))


class AcknowledgeModal(Deliberate, ModalScreen[bool]):
    """The person signed in takes the pack as themselves: ctrl+s dismisses True, esc False.
    No name is typed: the desk records the user signed in (trial problem 21)."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "answer(True)",
            "Acknowledge",
            priority=True,
            id="acknowledge-modal.acknowledge",
        ),
        Binding("escape", "answer(False)", "Cancel", id="acknowledge-modal.cancel"),
    ]

    def __init__(self, title: str, shown_as: str, username: str, items: int, unread: int) -> None:
        super().__init__()
        self.title_words = title
        self.shown_as = shown_as
        self.username = username
        self.items = items
        self.unread = unread

    def compose(self) -> ComposeResult:
        who = (
            self.shown_as
            if self.shown_as == self.username
            else (f"{self.shown_as} ({self.username})")
        )
        referrals = "1 referral" if self.items == 1 else f"{self.items} referrals"
        unread = (
            "All of them are ticked as read."
            if not self.unread
            else f"{self.unread} of them not yet ticked as read."
        )
        with Vertical(classes="dialog"):
            yield Static(Text(f"Acknowledge: {self.title_words}"), classes="dialog-title")
            yield Static(Text(f"You, {who}, take on these {referrals}. {unread}"))
            yield Static("ctrl+s  acknowledge     esc  cancel", classes="dialog-keys")

    def action_answer(self, take: bool) -> None:
        self.dismiss(take)

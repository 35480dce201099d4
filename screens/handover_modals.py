"""The handover's dialogs: edit one referral's SBAR note, and acknowledge the pack."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from spr_desk.handover import Sbar

SBAR_PARTS = (
    ("situation", "S  Situation: who, where, what is happening now"),
    ("background", "B  Background: the referral, the pathway, what is known"),
    ("assessment", "A  Assessment: risks, what you think"),
    ("recommendation", "R  Recommendation: what the next watch must do, and by when"),
)


class SbarModal(ModalScreen[Sbar | None]):
    """Dismisses with the edited note (ctrl+s), or None on escape (nothing is changed)."""

    CSS_PATH = "modals.tcss"
    DEFAULT_CSS = """
    SbarModal { align: center middle; }
    SbarModal .dialog { width: 90; }
    SbarModal TextArea { height: 4; }
    """
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
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

    def action_cancel(self) -> None:
        self.dismiss(None)


class AcknowledgeModal(ModalScreen[str | None]):
    """The receiving lead says who they are; dismisses with the name, or None on escape."""

    CSS_PATH = "modals.tcss"
    DEFAULT_CSS = """
    AcknowledgeModal { align: center middle; }
    AcknowledgeModal #ack-error { color: $text-error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Acknowledge", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, name: str) -> None:
        super().__init__()
        self.pack_title = title
        self.name_given = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(f"Acknowledge: {self.pack_title}"), classes="dialog-title")
            yield Static(Text("You take these referrals on. Your name:"))
            yield Input(self.name_given, id="ack-name", compact=True)
            yield Static("", id="ack-error")
            yield Static("enter  acknowledge     esc  cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def action_confirm(self) -> None:
        name = self.query_one(Input).value.strip()
        if not name:
            self.query_one("#ack-error", Static).update(Text("Say who is taking the handover."))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)

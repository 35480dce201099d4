"""The handover's dialogs: edit one referral's SBAR note, and acknowledge the pack."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from screens.one_line_modal import OneLineModal
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


class AcknowledgeModal(OneLineModal):
    """The receiving lead says who they are; dismisses with the name, or None on escape."""

    BINDINGS = [
        Binding("ctrl+s", "confirm", "Acknowledge", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    field_id, error_id = "ack-name", "ack-error"
    keys = "enter  acknowledge     esc  cancel"
    when_empty = "Say who is taking the handover."

    def __init__(self, title: str, name: str) -> None:
        super().__init__(
            f"Acknowledge: {title}", "You take these referrals on. Your name:", value=name
        )

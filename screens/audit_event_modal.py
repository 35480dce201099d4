"""The whole of one audit event: when, who, what, about what, before and after, the detail."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from spr_desk.uktime import short_local

if TYPE_CHECKING:
    from spr_desk.desk_api import AuditEventDetail


def _values(values: dict[str, Any] | None) -> str:
    if not values:
        return "-"
    return "\n".join(
        f"  {key}: {value if isinstance(value, str) else json.dumps(value, default=str)}"
        for key, value in values.items()
    )


def event_text(event: AuditEventDetail) -> Text:
    """Every field of the event, wrapped; stored text is never read as markup."""
    return Text.assemble(
        ("When    ", "bold"),
        f"{short_local(event.at)} (event {event.event_id})\n",
        ("Who     ", "bold"),
        f"{event.actor}\n",
        ("What    ", "bold"),
        f"{event.action}\n",
        ("About   ", "bold"),
        f"{event.subject or '-'}\n",
        ("Detail  ", "bold"),
        f"{event.detail or '-'}\n",
        ("Before", "bold"),
        f"\n{_values(event.before)}\n",
        ("After", "bold"),
        f"\n{_values(event.after)}",
    )


class AuditEventModal(ModalScreen[None]):
    """Read-only; escape or enter closes it, the arrows and page keys scroll a long event."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="audit-event-modal.close"),
        Binding("enter", "close", "Close", show=False, id="audit-event-modal.close-enter"),
    ]

    def __init__(self, event: AuditEventDetail) -> None:
        super().__init__()
        self.event = event

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Audit event"), classes="dialog-title")
            with VerticalScroll(id="audit-event-body"):
                yield Static(event_text(self.event), id="audit-event-text")
            yield Static("↑↓ PgUp PgDn  scroll     esc  close", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#audit-event-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

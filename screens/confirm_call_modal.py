"""Read the call back to the caller before it is recorded."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.announcer import screen_reader_on
from screens.deliberate import Deliberate
from screens.widgets.status_line import STATUS_LINE_HEIGHT


class ConfirmCallModal(Deliberate, ModalScreen[bool]):
    """Dismisses True to record, False to go back and change something. The facts scroll; the
    keys stay on the last line, however long the read-back."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "record", "Record", priority=True, id="confirm-call-modal.record"),
        Binding(
            "ctrl+s",
            "record",
            "Record",
            show=False,
            priority=True,
            id="confirm-call-modal.record-ctrl-s",
        ),
        Binding("escape", "back", "Back to the call", id="confirm-call-modal.back"),
    ]

    def __init__(self, lines: list[tuple[str, str]], warning: str | None = None) -> None:
        super().__init__()
        self.lines = lines
        self.warning = warning

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for name, value in self.lines:
            # Text, never markup: every value here was typed by someone.
            table.add_row(Text(name), Text(value))
        with Vertical(classes="dialog"):
            yield Static("Read back to the caller", classes="dialog-title")
            if self.warning:
                yield Static(Text(self.warning), id="confirm-warning")
            with VerticalScroll(id="confirm-facts"):
                yield Static(table, id="confirm-summary")
            yield Static(
                "enter  record      ↑↓  scroll      esc  back to the call", classes="dialog-keys"
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#confirm-facts"))
        self._fit()

    def on_resize(self) -> None:
        self._fit()
        # Again once laid out: a warning that wraps takes lines only measurable then.
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        # The facts scroll in what the window leaves once the dialog's border and padding (4),
        # its title and the keys (each with a line of space), any warning and the
        # screen-reader mode's status line (docked under the dialog) are drawn.
        facts = self.query_one("#confirm-facts")
        taken = 8 + (STATUS_LINE_HEIGHT if screen_reader_on(self.app) else 0)
        if self.warning:
            drawn = self.query_one("#confirm-warning").outer_size.height
            taken += max(drawn, 1) + 1  # its margin below
        facts.styles.max_height = max(3, self.size.height - taken)

    def action_record(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)

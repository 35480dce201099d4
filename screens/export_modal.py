"""Choose the days to export: from and to, typed as UK dates, checked at each field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.desk_modal import DeskModal
from screens.widgets.form_input import FormInput
from spr_desk.validation import InputError, parse_day


@dataclass(frozen=True, slots=True)
class ExportRange:
    """UK days, both included."""

    first: date
    last: date


class ExportModal(DeskModal[ExportRange | None]):
    """Dismisses with the days chosen, or None on escape. Enter moves from the first date to
    the second and confirms there; `ctrl+s` confirms from either."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Export", priority=True, id="export-modal.confirm"),
    ]

    def __init__(self, first: date, last: date) -> None:
        super().__init__()
        self.first, self.last = first, last

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Export referrals received between two days"), classes="dialog-title")
            yield Static(Text("From (DD/MM/YYYY)"))
            yield FormInput(self.first.strftime("%d/%m/%Y"), id="export-from", compact=True)
            yield Static("", id="export-from-error", classes="export-error")
            yield Static(Text("To, included (DD/MM/YYYY)"))
            yield FormInput(self.last.strftime("%d/%m/%Y"), id="export-to", compact=True)
            yield Static("", id="export-to-error", classes="export-error")
            yield Static("ctrl+s  export     esc  cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#export-from", Input).focus()

    @on(Input.Submitted, "#export-from")
    def _from_given(self) -> None:
        self.query_one("#export-to", Input).focus()

    @on(Input.Submitted, "#export-to")
    def _to_given(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        days: dict[str, date] = {}
        for name in ("from", "to"):
            field = self.query_one(f"#export-{name}", Input)
            try:
                days[name] = parse_day(field.value)
                self._say(name, "")
            except InputError as problem:
                self._say(name, str(problem))
        if "from" in days and "to" in days and days["from"] > days["to"]:
            self._say("to", "The last day comes before the first.")
            del days["to"]
        for name in ("from", "to"):
            if name not in days:
                self.query_one(f"#export-{name}", Input).focus()
                return
        self.dismiss(ExportRange(days["from"], days["to"]))

    def _say(self, name: str, message: str) -> None:
        self.query_one(f"#export-{name}-error", Static).update(Text(message))

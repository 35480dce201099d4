"""The rota's dialogs: add one shift, choose a CSV file to import, and the import's report."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from screens.desk_modal import DeskModal
from screens.one_line_modal import OneLineModal
from screens.widgets.form_input import FormInput
from spr_desk.rota_csv import ROTA_COLUMNS, RowError, parse_rota
from spr_desk.vocabulary import StaffRole, label

SHIFT_FIELDS = (*ROTA_COLUMNS, "capacity")
"""The shift dialog's fields: one rota CSV row, checked by the same parser as a file."""


def one_row_csv(values: dict[str, str]) -> str:
    """A one-shift rota file, quoted by the csv module (what was typed stays data)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SHIFT_FIELDS)
    writer.writerow([values.get(name, "") for name in SHIFT_FIELDS])
    return out.getvalue()


class ShiftModal(DeskModal[str | None]):
    """Dismisses with a one-row rota CSV that parses cleanly, or None on escape. Each problem is
    shown under its field and what was typed stays."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Add", priority=True, id="shift-modal.confirm"),
    ]
    ENTER_MOVES_ON = True

    def __init__(self, teams: list[str], today: date) -> None:
        super().__init__()
        self.teams = teams
        self.today = today

    def compose(self) -> ComposeResult:
        # Each field is named beside it: a placeholder alone goes as soon as the field holds a
        # value, and the date and capacity open holding one.
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Add a shift to the rota"), classes="dialog-title")
            yield from self._row(
                "Team",
                Select(
                    [(t, t) for t in self.teams], prompt="choose", id="shift-team", compact=True
                ),
            )
            yield from self._row("Name", FormInput(id="shift-name", compact=True))
            yield from self._row(
                "Role",
                Select(
                    [(label(role), role.value) for role in StaffRole],
                    prompt="choose",
                    id="shift-role",
                    compact=True,
                ),
            )
            for name, words, value, hint in (
                ("date", "Date", self.today.strftime("%d/%m/%Y"), "DD/MM/YYYY"),
                ("start", "Start", "", "HH:MM"),
                ("end", "End", "", "HH:MM (before the start: the next day)"),
                ("capacity", "Capacity", "6", "open allocations at once"),
            ):
                yield from self._row(
                    words, FormInput(value, placeholder=hint, id=f"shift-{name}", compact=True)
                )
            yield Static("ctrl+s  add     esc  cancel", classes="dialog-keys")

    @staticmethod
    def _row(words: str, field: Widget) -> ComposeResult:
        with Horizontal(classes="shift-row"):
            yield Static(Text(words), classes="shift-label")
            yield field
        yield Static("", id=f"{field.id}-error", classes="shift-error")

    def on_mount(self) -> None:
        self.query_one("#shift-team", Select).focus()

    def values(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for name in SHIFT_FIELDS:
            widget = self.query_one(f"#shift-{name}")
            if isinstance(widget, Select):
                found[name] = widget.value if isinstance(widget.value, str) else ""
            elif isinstance(widget, Input):
                found[name] = widget.value
        return found

    def action_confirm(self) -> None:
        text = one_row_csv(self.values())
        parsed = parse_rota(text, self.teams)
        for name in SHIFT_FIELDS:
            self._say(name, "")
        for problem in parsed.errors:
            self._say(problem.column if problem.column in SHIFT_FIELDS else "team", problem.message)
        if parsed.errors:
            first = next((e.column for e in parsed.errors if e.column in SHIFT_FIELDS), "team")
            self.query_one(f"#shift-{first}").focus()
            return
        self.dismiss(text)

    def _say(self, name: str, message: str) -> None:
        self.query_one(f"#shift-{name}-error", Static).update(Text(message))


class ImportModal(OneLineModal):
    """Dismisses with the path typed, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Import", priority=True, id="import-modal.confirm"),
    ]
    field_id, error_id = "import-path", "import-error"
    keys = "enter  import     esc  cancel"
    when_empty = "Give the file's path."

    def __init__(self) -> None:
        super().__init__(
            "Import a rota from a CSV file",
            "Columns: team, name, role, date, start, end (and capacity, band). "
            "Any bad row and nothing is imported.",
            placeholder="/path/to/rota.csv",
        )


class ImportReportModal(ModalScreen[None]):
    """Why an import changed nothing: every bad row, by line and column."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="import-report-modal.close"),
        Binding("enter", "close", "Close", show=False, id="import-report-modal.close-enter"),
    ]

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__()
        self.errors = errors

    def compose(self) -> ComposeResult:
        lines = sorted({problem.line for problem in self.errors})
        with Vertical(classes="dialog"):
            yield Static(
                Text(
                    f"Nothing was imported: {len(self.errors)} problem(s) on "
                    f"{len(lines)} line(s). Correct the file and import it again."
                ),
                classes="dialog-title",
            )
            with VerticalScroll(id="report-errors"):
                yield Static(Text("\n".join(str(problem) for problem in self.errors)))
            yield Static("esc  close", classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)

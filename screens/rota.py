"""The rota: shifts from today for a week; add one, delete one, or import a CSV file with a
progress bar and a report that names every bad row (a file with any bad row changes nothing)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, ProgressBar, Static

from screens.context import DeskContext, permitted
from screens.desk_screen import DeskScreen
from screens.fault_words import failure_words
from screens.rota_modals import ImportModal, ImportReportModal, ShiftModal
from screens.widgets.desk_header import DeskHeader
from screens.widgets.tables import Fit, fitted_widths
from spr_desk.roles import Permission
from spr_desk.uktime import as_local
from spr_desk.vocabulary import StaffRole, word_for

if TYPE_CHECKING:
    from spr_desk.desk_api import RotaImported, ShiftRow

DAYS_SHOWN = 7
MAX_FILE_BYTES = 5_000_000
"""A rota file larger than this is refused before it is read (a year of a big county is ~2 MB)."""


HEADINGS = ("Day", "Start", "End", "Name", "Role", "Team")
WRAPS = frozenset({"Name", "Role", "Team"})
"""The columns whose words may wrap in their row; the times and the day never do."""


def shift_cells(row: ShiftRow) -> tuple[str, ...]:
    start, end = as_local(row.starts_at), as_local(row.ends_at)
    return (
        start.strftime("%a %d %b"),
        start.strftime("%H:%M"),
        end.strftime("%H:%M") + (" +1" if end.date() > start.date() else ""),
        row.name,
        word_for(row.role, StaffRole),
        row.team,
    )


def column_fits(lines: list[tuple[str, ...]]) -> list[Fit]:
    """Each column as wide as its widest cell; a wrapping one down to its longest word."""
    fits = []
    for index, heading in enumerate(HEADINGS):
        cells = [heading, *(line[index] for line in lines)]
        natural = max(cell_len(cell) for cell in cells)
        words = max(cell_len(word) for cell in cells for word in cell.split())
        lengths = tuple(cell_len(cell) for cell in cells)
        fits.append(Fit(natural, words if heading in WRAPS else natural, cells=lengths))
    return fits


class RotaScreen(DeskScreen):
    CSS_PATH = "rota.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a", "add", "Add shift", tooltip="Add one shift (and the person if new)", id="rota.add"
        ),
        Binding(
            "d",
            "delete",
            "Delete shift",
            tooltip="Delete the shift under the cursor",
            id="rota.delete",
        ),
        Binding(
            "i",
            "import_file",
            "Import CSV",
            tooltip="Import a rota file, all or nothing",
            id="rota.import-file",
        ),
        Binding("escape", "back", "Back", id="rota.back"),
    ]

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.rows: list[ShiftRow] = []
        self.teams: list[str] = []
        self.last_import: RotaImported | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Reading the rota...", id="rota-summary")
        yield ProgressBar(id="rota-progress", show_eta=False)
        yield DataTable(id="rota-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Rota"
        self.query_one(DataTable).focus()
        self._load()

    def on_resize(self) -> None:
        if self.rows:
            self._show(self.rows, self.teams)

    def _load(self) -> None:
        self.load(self._read, group="rota", exclusive=True, then=lambda read: self._show(*read))

    def _read(self) -> tuple[list[ShiftRow], list[str]]:
        now = self.ctx.clock()
        rows = self.desk.shifts_between(now - timedelta(hours=12), now + timedelta(days=DAYS_SHOWN))
        return rows, self.teams or self.desk.team_names()

    def _show(self, rows: list[ShiftRow], teams: list[str]) -> None:
        self.rows, self.teams = rows, teams
        table = self.query_one(DataTable)
        at = table.cursor_row
        lines = [shift_cells(row) for row in rows]
        table.clear(columns=True)
        # On 80 columns the long names (a team, "social work assistant") wrap onto a second
        # line of their row rather than run off the screen or end in a stub ("ACHT Ni").
        room = table.size.width - table.styles.scrollbar_size_vertical
        widths = fitted_widths(column_fits(lines), room, gap=2 * table.cell_padding)
        for heading, width in zip(HEADINGS, widths, strict=True):
            if width is not None:
                table.add_column(heading, width=width)
        for line in lines:
            table.add_row(
                *(
                    Text(cell)
                    for cell, width in zip(line, widths, strict=True)
                    if width is not None
                ),
                height=None,
            )
        if rows:
            table.move_cursor(row=min(at, len(rows) - 1))
        self.query_one("#rota-summary", Static).update(
            Text(f"{len(rows)} shifts from the last 12 hours to {DAYS_SHOWN} days ahead.")
        )

    # adding and deleting ----------------------------------------------------------------------

    def action_add(self) -> None:
        if not permitted(self, self.ctx, Permission.EDIT_ROTA):
            return
        today = as_local(self.ctx.clock()).date()
        self.app.push_screen(ShiftModal(self.teams, today), self._add_answered)

    def _add_answered(self, text: str | None) -> None:
        if text is not None:
            self._import_text(text, "Shift added.")

    def action_delete(self) -> None:
        if not permitted(self, self.ctx, Permission.EDIT_ROTA):
            return
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return
        self._delete(self.rows[table.cursor_row].shift_id)

    @work(thread=True, exit_on_error=False, group="rota-write")
    def _delete(self, shift_id: int) -> None:
        by = self.ctx.by
        try:
            self.desk.delete_shift(shift_id, by=by)
        except Exception as error:  # noqa: BLE001 - said on screen, nothing else changes
            self.app.call_from_thread(self._say, f"Not deleted: {failure_words(error)}", "error")
            return
        self.app.call_from_thread(self._say, "Shift deleted.", "information")
        self._load()

    # importing --------------------------------------------------------------------------------

    def action_import_file(self) -> None:
        if not permitted(self, self.ctx, Permission.EDIT_ROTA):
            return
        self.app.push_screen(ImportModal(), self._file_chosen)

    def _file_chosen(self, path: str | None) -> None:
        if path is not None:
            self._read_file(Path(path).expanduser())

    @work(thread=True, exit_on_error=False, group="rota-write")
    def _read_file(self, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError("the file is larger than a rota should be (5 MB)")
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.app.call_from_thread(self._say, f"Could not read the file: {reason}", "error")
            return
        self.app.call_from_thread(self._import_text, text, None)

    def _import_text(self, text: str, done_words: str | None) -> None:
        bar = self.query_one("#rota-progress", ProgressBar)
        bar.update(total=max(1, text.count("\n")), progress=0)
        bar.add_class("-shown")
        self._import(text, done_words)

    @work(thread=True, exit_on_error=False, group="rota-write")
    def _import(self, text: str, done_words: str | None) -> None:
        by = self.ctx.by
        try:
            # The bar fills when the import returns: its rows are stored in one short write.
            result = self.desk.import_rota(text, by=by)
        except Exception as error:  # noqa: BLE001 - said on screen; the transaction rolled back
            self.app.call_from_thread(self._say, f"Not imported: {failure_words(error)}", "error")
            return
        self.last_import = result
        self.app.call_from_thread(self._imported, result, done_words)

    def _imported(self, result: RotaImported, done_words: str | None) -> None:
        bar = self.query_one("#rota-progress", ProgressBar)
        if result.parsed.errors:
            bar.remove_class("-shown")
            self.app.push_screen(ImportReportModal(result.parsed.errors))
            return
        bar.update(total=max(1, len(result.parsed.rows)), progress=max(1, len(result.parsed.rows)))
        self._say(
            done_words
            or (
                f"Imported {len(result.parsed.rows)} rows: {result.staff_added} people added, "
                f"{result.shifts_added} shifts added, {result.shifts_replaced} replaced."
            ),
            "information",
        )
        self._load()

    def _say(self, message: str, severity: str) -> None:
        self.notify(message, severity=severity, markup=False, timeout=10)  # type: ignore[arg-type]

    def action_back(self) -> None:
        self.dismiss(None)

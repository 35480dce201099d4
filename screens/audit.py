"""The audit viewer, for supervisors: every change, newest first, by person, referral and days;
enter shows the whole of an event (before, after and its detail, wrapped).

Read-only: nothing on this screen can change an event (and the database refuses to anyway).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Static

from screens.audit_event_modal import AuditEventModal
from screens.context import DeskContext
from screens.desk_screen import DeskScreen
from screens.fault_words import failure_words
from screens.widgets.desk_header import DeskHeader
from screens.widgets.fitted_columns import Column, fit_columns, needed
from screens.widgets.form_input import FormInput
from spr_desk.desk_api import COUNT_CAP
from spr_desk.uktime import short_local, uk_days
from spr_desk.validation import InputError, parse_day

if TYPE_CHECKING:
    from spr_desk.desk_api import AuditRow

SHOWN = 500
"""Events listed at most; the summary says how many match."""
FILTERS = (
    ("audit-actor", "who (as recorded)"),
    ("audit-reference", "SPR-YYYY-NNNNNN"),
    ("audit-from", "from DD/MM/YYYY"),
    ("audit-to", "to DD/MM/YYYY"),
)


class AuditScreen(DeskScreen):
    CSS_PATH = "audit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Filter by person, referral or days",
            id="audit.filter",
        ),
        Binding("escape", "back", "Back", id="audit.back"),
    ]

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.rows: list[AuditRow] = []
        self.matching = 0

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="audit-filters"):
            for widget_id, hint in FILTERS:
                yield FormInput(placeholder=hint, id=widget_id, compact=True)
        yield Static("Reading the audit trail...", id="audit-summary")
        yield DataTable(id="audit-table", cursor_type="row")

    def make_footer(self) -> Footer:
        return Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Audit trail"
        self.query_one(DataTable).focus()
        self._apply()

    def action_filter(self) -> None:
        self.query_one("#audit-actor", Input).focus()

    @on(Input.Submitted)
    def _apply(self) -> None:
        days: list[date | None] = []
        for name in ("from", "to"):
            typed = self.query_one(f"#audit-{name}", Input).value
            try:
                days.append(parse_day(typed) if typed.strip() else None)
            except InputError as problem:
                self._summary(f"{name.title()}: {problem}")
                self.query_one(f"#audit-{name}", Input).focus()
                return
        first, last = days
        start = uk_days(first, first)[0] if first else None
        end = uk_days(last, last)[1] if last else None
        actor = self.query_one("#audit-actor", Input).value
        reference = self.query_one("#audit-reference", Input).value
        self._read(actor, reference, start, end)

    def _read(
        self, actor: str, reference: str, start: datetime | None, end: datetime | None
    ) -> None:
        self.load(
            lambda: self.desk.audit_events(
                actor=actor,
                reference=reference,
                start=start,
                end=end,
                limit=SHOWN,
            ),
            group="audit",
            exclusive=True,
            then=lambda found: self._show(*found),
            failed=self._read_failed,
        )

    def _read_failed(self, error: Exception) -> None:
        self._summary(f"Could not read: {failure_words(error)}")

    def _show(self, rows: list[AuditRow], matching: int) -> None:
        self.rows, self.matching = rows, matching
        self._fill()

        how_many = f"more than {COUNT_CAP:,}" if matching > COUNT_CAP else str(matching)
        shown = f"the newest {len(rows)} of " if matching > len(rows) else ""
        self._summary(
            f"Showing {shown}{how_many} events, newest first. / filters; "
            "enter shows the whole event."
        )

    def _fill(self) -> None:
        """The columns that fit the width (dropped whole by priority: the detail goes before
        who, what or when), the detail wrapped at whole words; enter reads all of an event."""
        table = self.query_one(DataTable)
        cells = [
            {
                "when": short_local(row.at),
                "who": row.actor,
                "what": row.action,
                "about": row.subject,
                "detail": " ".join(row.detail.split()) or "-",
            }
            for row in self.rows
        ]
        columns = [
            Column("when", "When", 16, 0),
            Column("who", "Who", needed("Who", [c["who"] for c in cells], 16), 1),
            Column("what", "What", needed("What", [c["what"] for c in cells], 24), 2),
            Column("about", "About", needed("About", [c["about"] for c in cells], 18), 3),
            # Narrower than this it would be a stub: dropped, and enter reads it whole.
            Column("detail", "Detail", 24, 4, flexible=True),
        ]
        # The screen less the table's scrollbar, two cells wide.
        fitted = fit_columns(columns, max(20, self.size.width - 2))
        cursor = table.cursor_row
        table.clear(columns=True)
        for column, width in fitted:
            table.add_column(column.label, width=width, key=column.key)
        for row, values in zip(self.rows, cells, strict=True):
            # One line a row unless the detail needs more: it wraps at whole words.
            tall = any(c.flexible and len(values[c.key]) > width for c, width in fitted)
            table.add_row(
                *(Text(values[c.key]) for c, _ in fitted),
                key=str(row.event_id),
                height=None if tall else 1,
            )
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))

    def on_resize(self) -> None:
        if self.rows:
            self._fill()

    @on(DataTable.RowSelected)
    def _event_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._read_event(int(event.row_key.value))

    def _read_event(self, event_id: int) -> None:
        self.load(
            lambda: self.desk.audit_event(event_id),
            group="audit-event",
            exclusive=True,
            then=lambda found: self.app.push_screen(AuditEventModal(found)),
            failed=self._read_failed,
        )

    def _summary(self, words: str) -> None:
        self.query_one("#audit-summary", Static).update(Text(words))

    def action_back(self) -> None:
        self.dismiss(None)

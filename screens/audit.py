"""The audit viewer, for supervisors: every change, newest first, by person, referral and days.

Read-only: nothing on this screen can change an event (and the database refuses to anyway).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from screens.widgets.desk_header import DeskHeader
from screens.widgets.form_input import FormInput
from spr_desk.uktime import short_local, uk_days
from spr_desk.validation import InputError, parse_day

if TYPE_CHECKING:
    from db.audit import AuditRow
    from db.desk import DeskService

SHOWN = 500
"""Events listed at most; the summary says how many match."""
FILTERS = (
    ("audit-actor", "person (as recorded)"),
    ("audit-reference", "SPR-YYYY-NNNNNN"),
    ("audit-from", "from DD/MM/YYYY"),
    ("audit-to", "to DD/MM/YYYY"),
)


class AuditScreen(Screen[None]):
    DEFAULT_CSS = """
    AuditScreen #audit-filters { height: 1; }
    AuditScreen #audit-filters Input { width: 1fr; }
    AuditScreen #audit-summary { height: auto; padding: 0 1; }
    AuditScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("slash", "filter", "Filter", tooltip="Filter by person, referral or days"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, desk: DeskService) -> None:
        super().__init__()
        self.desk = desk
        self.rows: list[AuditRow] = []
        self.matching = 0

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Horizontal(id="audit-filters"):
            for widget_id, hint in FILTERS:
                yield FormInput(placeholder=hint, id=widget_id, compact=True)
        yield Static("Reading the audit trail...", id="audit-summary")
        yield DataTable(id="audit-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Audit trail"
        self.query_one(DataTable).add_columns("When", "Who", "What", "About", "Detail")
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

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def _read(self, actor: str, reference: str, start: object, end: object) -> None:
        try:
            rows, matching = self.desk.audit_events(
                actor=actor,
                reference=reference,
                start=start,
                end=end,
                limit=SHOWN,  # type: ignore[arg-type]
            )
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(self._summary, f"Could not read: {type(error).__name__}")
            return
        self.app.call_from_thread(self._show, rows, matching)

    def _show(self, rows: list[AuditRow], matching: int) -> None:
        self.rows, self.matching = rows, matching
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                Text(short_local(row.at)),
                Text(row.actor),
                Text(row.action),
                Text(row.subject),
                Text(row.detail),
            )
        from db.audit import COUNT_CAP  # loaded by now: the desk read the events

        how_many = f"more than {COUNT_CAP:,}" if matching > COUNT_CAP else str(matching)
        shown = f"the newest {len(rows)} of " if matching > len(rows) else ""
        self._summary(f"Showing {shown}{how_many} events, newest first. / filters.")

    def _summary(self, words: str) -> None:
        self.query_one("#audit-summary", Static).update(Text(words))

    def action_back(self) -> None:
        self.dismiss(None)

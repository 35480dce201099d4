"""The queue: open referrals, those awaiting a first response first, soonest due first."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from screens.widgets.desk_header import DeskHeader
from spr_desk.due import DueState, due_state, format_time_left, time_left
from spr_desk.lifecycle import AWAITING_RESPONSE
from spr_desk.uktime import as_local
from spr_desk.vocabulary import Lead, Response, Status, label

if TYPE_CHECKING:
    # Types only: importing the database layer here would put SQLAlchemy before the first frame.
    from db.desk import DeskService
    from db.referrals import QueueRow

REFRESH_SECONDS = 30
STATE_WORDS: dict[DueState, str] = {
    DueState.DUE: "due",
    DueState.DUE_SOON: "DUE SOON",
    DueState.BREACHED: "BREACHED",
}
"""The countdown's state in words, so it reads without colour."""
STATE_STYLES: dict[DueState, str] = {
    DueState.DUE: "",
    DueState.DUE_SOON: "bold #e69f00",  # Okabe-Ito orange: safe for colour-blind readers
    DueState.BREACHED: "bold reverse #d55e00",  # Okabe-Ito vermilion
}
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Left", 7),
    ("State", 8),
    ("Reference", 15),
    ("Patient", 18),
    ("Response/lead", 18),
    ("Status", 10),
    ("Due", 12),
    ("Locality", 10),
)
"""Label and width of each column, most urgent first so 80 columns show what matters.
Fixed widths also spare the table measuring every cell."""


class QueueLoaded(Message):
    """A fresh read of the open queue arrived from the worker thread."""

    def __init__(self, rows: list[QueueRow], now: datetime) -> None:
        super().__init__()
        self.rows = rows
        self.now = now


class QueueFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


def _word(value: str | None, enum: type[Response] | type[Lead] | type[Status]) -> str:
    if not value:
        return "-"
    try:
        return label(enum(value))
    except ValueError:
        return value


def _due_words(due: datetime | None, now: datetime) -> str:
    """`13:24` today, `Tue 09:31` within a week, `02 Dec 09:31` beyond."""
    if due is None:
        return "-"
    local, today = as_local(due), as_local(now)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if abs((local.date() - today.date()).days) < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%d %b %H:%M")


def queue_cells(row: QueueRow, now: datetime) -> tuple[Text, ...]:
    """One table row. Every cell is a `Text`, so typed names are never read as markup."""
    awaiting = Status(row.status) in AWAITING_RESPONSE
    if row.due_at is not None and awaiting:
        state = due_state(now, row.due_at)
        left = Text(format_time_left(time_left(now, row.due_at)), style=STATE_STYLES[state])
        state_text = Text(STATE_WORDS[state], style=STATE_STYLES[state])
    else:
        left = Text("-")
        state_text = Text("seen" if row.due_at else "-")
    return (
        left,
        state_text,
        Text(row.reference),
        Text(row.patient_name),
        Text(f"{_word(row.response, Response)}/{_word(row.lead, Lead)}"),
        Text(_word(row.status, Status)),
        Text(_due_words(row.due_at, now)),
        Text(row.locality),
    )


class QueueScreen(Screen[None]):
    """The home screen: every open referral with its due time and the time left."""

    CSS_PATH = "queue.tcss"
    BINDINGS = [
        Binding("enter", "open_referral", "Open", tooltip="Open the referral under the cursor"),
        Binding("r", "refresh_queue", "Refresh", tooltip="Read the queue again now"),
    ]

    def __init__(self, desk: DeskService) -> None:
        super().__init__()
        self.desk = desk
        self.rows: list[QueueRow] = []

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        yield Static("Loading the queue...", id="queue-summary")
        table: DataTable[Text] = DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        for name, width in COLUMNS:
            table.add_column(name, width=width)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Queue"
        self.action_refresh_queue()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_queue)

    def action_refresh_queue(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def _load(self) -> None:
        try:
            rows = self.desk.open_queue()
        except Exception as error:  # noqa: BLE001 - shown on screen, the app keeps running
            self.post_message(QueueFailed(type(error).__name__))
            return
        self.post_message(QueueLoaded(rows, self.desk.now()))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        self.rows = message.rows
        self.query_one(DeskHeader).now = message.now
        table = self.query_one("#queue-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in message.rows:
            table.add_row(*queue_cells(row, message.now), key=row.reference)
        if message.rows:
            table.move_cursor(row=min(cursor, len(message.rows) - 1))
        awaiting = [r for r in message.rows if Status(r.status) in AWAITING_RESPONSE]
        breached = [
            r
            for r in awaiting
            if r.due_at and due_state(message.now, r.due_at) is DueState.BREACHED
        ]
        summary = (
            f"{len(message.rows)} open · {len(awaiting)} awaiting a first response · "
            f"{len(breached)} breached"
            if message.rows
            else "No open referrals."
        )
        self.query_one("#queue-summary", Static).update(Text(summary))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def action_open_referral(self) -> None:
        table = self.query_one("#queue-table", DataTable)
        if table.row_count:
            self._open(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _open(self, reference: str) -> None:
        from screens.referral import ReferralScreen

        by = getattr(self.app, "user", "desk")
        self.app.push_screen(
            ReferralScreen(self.desk, reference, by=by), lambda _: self.action_refresh_queue()
        )

    def on_queue_failed(self, message: QueueFailed) -> None:
        self.query_one("#queue-summary", Static).update(
            Text(f"Could not read the queue ({message.error}); it will try again.")
        )
        self.notify("Could not read the queue; retrying.", severity="error")

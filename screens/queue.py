"""The queue: open referrals, those awaiting a first response first, soonest due first.

Filters and a search narrow it; it reads the queue again whenever any desk changes anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from screens.widgets.desk_header import DeskHeader
from screens.widgets.queue_board import QueueBoard
from spr_desk.due import DueState
from spr_desk.lifecycle import OPEN_STATUSES
from spr_desk.queue_view import QueueFilter, matches, state_of
from spr_desk.reference_data import COUNTYWIDE, LOCALITIES
from spr_desk.vocabulary import Lead, Pathway, Response, Status, label

if TYPE_CHECKING:
    # Types only: importing the database layer here would put SQLAlchemy before the first frame.
    from db.desk import DeskService
    from db.referrals import QueueRow

COUNTDOWN_SECONDS = 30
"""How often the time left is recomputed (no database read)."""
POLL_SECONDS = 2
"""How often the board asks whether any desk changed anything (one primary-key lookup)."""

FILTERS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "filter-status": ("Status", [(label(s), s.value) for s in Status if s in OPEN_STATUSES]),
    "filter-response": ("Response", [(label(r), r.value) for r in Response]),
    "filter-lead": ("Lead", [(label(lead), lead.value) for lead in Lead]),
    "filter-locality": ("Locality", [(name, name) for name in (*LOCALITIES, COUNTYWIDE)]),
    "filter-pathway": (
        "Pathway",
        [("step-up", Pathway.STEP_UP.value), ("step-down", Pathway.STEP_DOWN.value)],
    ),
}


class QueueLoaded(Message):
    """A fresh read of the open queue arrived from the worker thread."""

    def __init__(self, rows: list[QueueRow], now: datetime, marker: int) -> None:
        super().__init__()
        self.rows = rows
        self.now = now
        self.marker = marker


class QueueFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class QueueScreen(Screen[None]):
    """The home screen: every open referral with its due time and the time left."""

    CSS_PATH = "queue.tcss"
    BINDINGS = [
        Binding("slash", "search", "Search", tooltip="Search by reference, NHS number or name"),
        Binding("r", "refresh_queue", "Refresh", tooltip="Read the queue again now"),
        Binding("s", "supervisor", "Supervisor", tooltip="Today's and this week's figures"),
    ]

    def __init__(self, desk: DeskService) -> None:
        super().__init__()
        self.desk = desk
        self.rows: list[QueueRow] = []
        self.shown: list[QueueRow] = []
        self.marker = -1
        self.now: datetime | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        with Horizontal(id="queue-filters"):
            yield Input(
                placeholder="/ search: reference, NHS number, name", id="queue-search", compact=True
            )
            for widget_id, (prompt, options) in FILTERS.items():
                yield Select(options, prompt=prompt, id=widget_id, compact=True)
        yield Static("Loading the queue...", id="queue-summary")
        yield QueueBoard(id="queue-board")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Queue"
        self.query_one(QueueBoard).focus()
        self.action_refresh_queue()
        self.set_interval(COUNTDOWN_SECONDS, self._tick)
        self.set_interval(POLL_SECONDS, self._poll)

    # reading ----------------------------------------------------------------------------------

    def action_refresh_queue(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def _load(self) -> None:
        try:
            marker = self.desk.change_marker()
            rows = self.desk.open_queue()
        except Exception as error:  # noqa: BLE001 - shown on screen, the app keeps running
            self.post_message(QueueFailed(type(error).__name__))
            return
        self.post_message(QueueLoaded(rows, self.desk.now(), marker))

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-poll")
    def _poll(self) -> None:
        try:
            marker = self.desk.change_marker()
        except Exception:  # noqa: BLE001 - the next poll tries again
            return
        if marker != self.marker:
            self.app.call_from_thread(self._load)

    def _tick(self) -> None:
        self.now = self.desk.now()
        self._show()

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        self.rows, self.now, self.marker = message.rows, message.now, message.marker
        self._show()

    def on_queue_failed(self, message: QueueFailed) -> None:
        self.query_one("#queue-summary", Static).update(
            Text(f"Could not read the queue ({message.error}); it will try again.")
        )
        self.notify("Could not read the queue; retrying.", severity="error")

    # showing ----------------------------------------------------------------------------------

    def current_filter(self) -> QueueFilter:
        def chosen(widget_id: str) -> str:
            value = self.query_one(f"#{widget_id}", Select).value
            return value if isinstance(value, str) else ""

        return QueueFilter(
            status=chosen("filter-status"),
            response=chosen("filter-response"),
            lead=chosen("filter-lead"),
            locality=chosen("filter-locality"),
            pathway=chosen("filter-pathway"),
            text=self.query_one("#queue-search", Input).value,
        )

    def _show(self) -> None:
        if self.now is None:
            return
        wanted = self.current_filter()
        self.shown = [row for row in self.rows if matches(row, wanted)]
        self.query_one(DeskHeader).now = self.now
        self.query_one(QueueBoard).show(self.shown, self.now)
        states = [state_of(row, self.now) for row in self.shown]
        awaiting = sum(state is not None for state in states)
        breached = sum(state is DueState.BREACHED for state in states)
        if not self.rows:
            summary = "No open referrals. ctrl+n takes a call."
        else:
            summary = (
                f"{len(self.shown)} open · {awaiting} awaiting a first response · "
                f"{breached} breached"
            )
            if not wanted.is_empty:
                summary += f"  (filtered from {len(self.rows)})"
        self.query_one("#queue-summary", Static).update(Text(summary))

    @on(Input.Changed, "#queue-search")
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self._show()

    @on(Input.Submitted, "#queue-search")
    def _search_done(self) -> None:
        self.query_one(QueueBoard).focus()

    def action_search(self) -> None:
        self.query_one("#queue-search", Input).focus()

    def action_supervisor(self) -> None:
        from screens.supervisor import SupervisorScreen

        self.app.push_screen(SupervisorScreen(self.desk))

    # opening ----------------------------------------------------------------------------------

    @on(QueueBoard.Opened)
    def _opened(self, event: QueueBoard.Opened) -> None:
        from screens.referral import ReferralScreen

        by = getattr(self.app, "user", "desk")
        self.app.push_screen(
            ReferralScreen(self.desk, event.reference, by=by), lambda _: self.action_refresh_queue()
        )

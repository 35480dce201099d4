"""The queue: open referrals, those awaiting a first response first, soonest due first.

Filters and a search narrow it (in SQL); the status filter also lists, newest first, the calls
redirected to 999 / A&E and the referrals whose patient has no NHS number yet. The board holds a
window of rows and asks for another as it scrolls; the screen reads again whenever any desk
changes anything, and as time passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from screens.permitted import acting_user, permitted
from screens.widgets.desk_header import DeskHeader
from screens.widgets.form_input import FormInput
from screens.widgets.queue_board import WINDOW, QueueBoard
from spr_desk.lifecycle import OPEN_STATUSES
from spr_desk.queue_view import REDIRECTED, TO_TRACE, QueueFilter
from spr_desk.reference_data import COUNTYWIDE, LOCALITIES
from spr_desk.roles import Permission
from spr_desk.vocabulary import Lead, Pathway, Response, Status, label

if TYPE_CHECKING:
    # Types only: importing the database layer here would put SQLAlchemy before the first frame.
    from db.desk import DeskService
    from db.referrals import QueuePage

COUNTDOWN_SECONDS = 30
"""How often the time left and the counts are brought up to date (one page read)."""
POLL_SECONDS = 2
"""How often the board asks whether any desk changed anything (one primary-key lookup)."""

STATUS_CHOICES: list[tuple[str, str]] = [
    *((label(s), s.value) for s in Status if s in OPEN_STATUSES),
    ("redirected (999 / A&E)", REDIRECTED),
    ("NHS number to trace", TO_TRACE),
]
"""The open statuses, then the two lists beyond the open queue (newest first)."""

FILTERS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "filter-status": ("Status", STATUS_CHOICES),
    "filter-response": ("Response", [(label(r), r.value) for r in Response]),
    "filter-lead": ("Lead", [(label(lead), lead.value) for lead in Lead]),
    "filter-locality": ("Locality", [(name, name) for name in (*LOCALITIES, COUNTYWIDE)]),
    "filter-pathway": (
        "Pathway",
        [("step-up", Pathway.STEP_UP.value), ("step-down", Pathway.STEP_DOWN.value)],
    ),
}


class QueueLoaded(Message):
    """A fresh window of the queue arrived from the worker thread."""

    def __init__(self, page: QueuePage, marker: int, read: Read) -> None:
        super().__init__()
        self.page = page
        self.marker = marker
        self.read = read


@dataclass(frozen=True, slots=True)
class Read:
    """What one read asked for: the filter and window, and the referral the cursor was on.
    Numbered, so an older read finishing late cannot replace a newer one."""

    number: int
    wanted: QueueFilter
    start: int
    keep: str | None


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
        Binding("w", "who_is_on", "Who is on", tooltip="Availability: the matrix, staff on shift"),
        Binding("h", "handover", "Handover", tooltip="The handover pack for the next watch"),
        Binding(
            "n",
            "next_to_allocate",
            "Next",
            tooltip="Take the most urgent referral waiting to be allocated (no other desk gets it)",
        ),
    ]

    def __init__(self, desk: DeskService) -> None:
        super().__init__()
        self.desk = desk
        self.marker = -1
        self.reads = 0
        self.shown: Read | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        with Horizontal(id="queue-filters"):
            yield FormInput(
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
        board = self.query_one(QueueBoard)
        self._load(board.window_start())

    def _load(self, start: int) -> None:
        """Read the window from `start` with the filter as it is now (widgets are read here, on
        the UI thread; the worker only reads the database)."""
        board = self.query_one(QueueBoard)
        self.reads += 1
        current = board.current
        self._read(
            Read(self.reads, self.current_filter(), start, current.reference if current else None)
        )

    @work(thread=True, exit_on_error=False, group="queue")
    def _read(self, read: Read) -> None:
        try:
            marker = self.desk.change_marker()
            page = self.desk.queue_page(read.wanted, read.start, WINDOW)
        except Exception as error:  # noqa: BLE001 - shown on screen, the app keeps running
            self.post_message(QueueFailed(type(error).__name__))
            return
        self.post_message(QueueLoaded(page, marker, read))

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-poll")
    def _poll(self) -> None:
        try:
            marker = self.desk.change_marker()
        except Exception:  # noqa: BLE001 - the next poll tries again
            return
        if marker != self.marker:
            self.app.call_from_thread(self.action_refresh_queue)

    def _tick(self) -> None:
        self.action_refresh_queue()

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        if self.shown is not None and message.read.number < self.shown.number:
            return  # a newer read is already on the board
        self.shown, self.marker = message.read, message.marker
        page, counts = message.page, message.page.counts
        self.query_one(DeskHeader).now = page.now
        board = self.query_one(QueueBoard)
        wanted = message.read.wanted
        board.show(
            page.offset,
            page.rows,
            counts.matching,
            page.now,
            message.read.keep,
            redirects=wanted.status == REDIRECTED,
        )
        if wanted.status == REDIRECTED:
            summary = f"{counts.matching} redirected to 999 / A&E, newest first"
        elif wanted.status == TO_TRACE:
            summary = f"{counts.matching} with an NHS number to trace, newest first"
        elif not counts.open:
            summary = "No open referrals. ctrl+n takes a call."
        else:
            summary = (
                f"{counts.matching} open · {counts.awaiting} awaiting a first response · "
                f"{counts.breached} breached"
            )
            if not message.read.wanted.is_empty:
                summary += f"  (filtered from {counts.open})"
        self.query_one("#queue-summary", Static).update(Text(summary))

    def on_queue_failed(self, message: QueueFailed) -> None:
        self.query_one("#queue-summary", Static).update(
            Text(f"Could not read the queue ({message.error}); it will try again.")
        )
        self.notify("Could not read the queue; retrying.", severity="error")

    @on(QueueBoard.WindowWanted)
    def _window_wanted(self, event: QueueBoard.WindowWanted) -> None:
        self._load(event.start)

    # filtering --------------------------------------------------------------------------------

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

    @on(Input.Changed, "#queue-search")
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        # A new filter starts from the top of what it finds.
        self.query_one(QueueBoard).home()
        self._load(0)

    @on(Input.Submitted, "#queue-search")
    def _search_done(self) -> None:
        self.query_one(QueueBoard).focus()

    def action_search(self) -> None:
        self.query_one("#queue-search", Input).focus()

    def action_supervisor(self) -> None:
        from screens.supervisor import SupervisorScreen

        if not permitted(self, Permission.REVIEW):
            return
        self.app.push_screen(SupervisorScreen(self.desk))

    def action_who_is_on(self) -> None:
        from screens.availability import AvailabilityScreen

        self.app.push_screen(AvailabilityScreen(self.desk))

    def action_handover(self) -> None:
        from screens.handover import HandoverScreen

        self.app.push_screen(HandoverScreen(self.desk), lambda _: self.action_refresh_queue())

    def action_next_to_allocate(self) -> None:
        self._claim()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-claim")
    def _claim(self) -> None:
        by = acting_user(self)
        try:
            reference = self.desk.claim_next(by=by)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(
                self.notify, f"Could not take one: {type(error).__name__}", severity="error"
            )
            return
        if reference is None:
            self.app.call_from_thread(
                self.notify, "Nothing is waiting to be allocated.", markup=False
            )
            return
        self.app.call_from_thread(self.post_message, QueueBoard.Opened(reference))

    # opening ----------------------------------------------------------------------------------

    @on(QueueBoard.Opened)
    def _opened(self, event: QueueBoard.Opened) -> None:
        from screens.referral import ReferralScreen

        by = acting_user(self)
        self.app.push_screen(
            ReferralScreen(self.desk, event.reference, by=by), lambda _: self.action_refresh_queue()
        )

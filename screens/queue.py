"""The queue: open referrals, those awaiting a first response first, soonest due first.

Filters and a search narrow it (in SQL); the status filter also lists, newest first, the calls
redirected to 999 / A&E and the referrals whose patient has no NHS number yet. The board holds a
window of rows and asks for another as it scrolls; the screen reads again whenever any desk
changes anything, and as time passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import Footer, Input, Select, Static

from screens.announcer import announce, banner_shown, ring_bell, tick_seconds
from screens.context import DeskContext, permitted
from screens.desk_screen import DeskScreen
from screens.fault_words import failure_words
from screens.take_next_modal import TakeNextModal
from screens.widgets.desk_header import DeskHeader
from screens.widgets.form_input import FormInput
from screens.widgets.queue_board import WINDOW, QueueBoard
from spr_desk.announcements import Bell, breached_words
from spr_desk.faults import Fault, FaultKind, fault_of
from spr_desk.lifecycle import OPEN_STATUSES
from spr_desk.queue_view import FINISHED, REDIRECTED, TO_TRACE, ClaimRefused, QueueFilter
from spr_desk.reference_data import COUNTYWIDE, LOCALITIES
from spr_desk.roles import Permission
from spr_desk.uktime import as_local
from spr_desk.vocabulary import Lead, Pathway, Response, Status, label

if TYPE_CHECKING:
    from spr_desk.desk_api import NextUp, QueuePage

COUNTDOWN_SECONDS = 30
"""How often the time left and the counts are brought up to date (one page read)."""
POLL_SECONDS = 2
"""How often the board asks whether any desk changed anything (one primary-key lookup). A poll
that fails puts up the stale banner; the first that works after it reads the queue again, so the
banner comes within a poll (and PostgreSQL's 3 s connect timeout) of losing the database and
goes within a poll of its return."""

STATUS_CHOICES: list[tuple[str, str]] = [
    *((label(s), s.value) for s in Status if s in OPEN_STATUSES),
    # Short enough to read whole in the closed list at 80 columns; the summary line says more.
    ("redirected", REDIRECTED),
    ("to trace", TO_TRACE),
    ("closed", Status.CLOSED.value),
    ("cancelled", Status.CANCELLED.value),
]
"""The open statuses, then the lists beyond the open queue (newest first)."""

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
    """A read or a poll failed: the board is no longer up to date."""

    def __init__(self, fault: Fault) -> None:
        super().__init__()
        self.fault = fault


def stale_words(fault: Fault, read_at: datetime | None) -> str:
    """The banner over a board that could not be read: since when (UK time), and why."""
    why = (
        "cannot reach the database"
        if fault.kind is FaultKind.UNREACHABLE
        else fault.sentence[:1].lower() + fault.sentence[1:].rstrip(".")
    )
    since = (
        f"Not up to date since {as_local(read_at):%H:%M}"
        if read_at is not None
        else "The queue could not be read"
    )
    return f"{since}: {why}. It reads again by itself as soon as it can."


class QueueScreen(DeskScreen):
    """The home screen: every open referral with its due time and the time left."""

    CSS_PATH = "queue.tcss"
    # Function keys only: a letter typed on the board goes to the search (a name is never a
    # command), so no action may sit on a key that can be typed in a name. F1 (help) and F8
    # (the call on hold) are the app's.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f2",
            "take_next",
            "Take next",
            tooltip="Show the most urgent referral waiting to be allocated, then claim it (asks)",
            id="queue.take-next",
        ),
        Binding(
            "f3",
            "hand_back",
            "Hand back",
            tooltip="Hand back your claim on this referral",
            id="queue.hand-back",
        ),
        Binding(
            "f4",
            "who_is_on",
            "Who is on",
            tooltip="Availability: the matrix, staff on shift",
            id="queue.who-is-on",
        ),
        Binding(
            "f6",
            "handover",
            "Handover",
            tooltip="The handover pack for the next watch",
            id="queue.handover",
        ),
        # Off the footer (its help says it): at 80 columns the footer holds the handler's keys
        # and the app's (new call, queue, help) whole, and no more.
        Binding(
            "f7",
            "supervisor",
            "Supervisor",
            tooltip="Today's and this week's figures",
            show=False,
            id="queue.supervisor",
        ),
        Binding(
            "f5",
            "refresh_queue",
            "Refresh",
            tooltip="Read the queue again now",
            show=False,
            id="queue.refresh-queue",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            tooltip="Search by reference, NHS number or name",
            show=False,
            id="queue.search",
        ),
    ]

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.marker = -1
        self.reads = 0
        self.shown: Read | None = None
        self.filter_read = 0
        """The number of the first read of the filter as it is now."""
        self.open_first = False
        """An enter came before the new filter's rows: open the first when they arrive."""
        self.read_at: datetime | None = None
        """When the rows on the board were read (the desk's clock)."""
        self.stale: Fault | None = None
        """Why the board is not up to date (the last read or poll failed); None when it is."""
        self.breached_said: int | None = None
        """The open queue's breaches as last said on the screen-reader mode's status line."""
        self.bell = Bell()

    def make_header(self) -> DeskHeader:
        return DeskHeader(id="header")

    def compose_body(self) -> ComposeResult:
        yield Static("", id="queue-stale")
        # The search has a line of its own, so each filter is wide enough to show its longest
        # choice whole once chosen (`in service`, `Social care`, `Buckingham`) at 80 columns.
        yield FormInput(
            placeholder="type to search: reference, NHS number or name",
            id="queue-search",
            compact=True,
        )
        with Horizontal(id="queue-filters"):
            for widget_id, (prompt, options) in FILTERS.items():
                yield Select(options, prompt=prompt, id=widget_id, compact=True)
        yield Static("Loading the queue...", id="queue-summary")
        yield QueueBoard(id="queue-board")

    def make_footer(self) -> Footer:
        # Compact, and the palette (still ctrl+p) left off: every queue key fits in 80 columns.
        return Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Queue"
        board = self.query_one(QueueBoard)
        search = self.query_one("#queue-search", Input)
        # Typed on the board, a name goes on after what the search holds (not over it).
        search.select_on_focus = False
        board.type_to = search
        # Keyed by the response's words, as the queue's rows carry it.
        board.thresholds = {
            level.value: mins for level, mins in self.ctx.rules.no_movement_minutes.items()
        }
        board.focus()
        self.action_refresh_queue()
        self.set_interval(tick_seconds(self.app, COUNTDOWN_SECONDS), self._tick)
        self.set_interval(POLL_SECONDS, self._poll)

    # reading ----------------------------------------------------------------------------------

    def action_refresh_queue(self) -> None:
        board = self.query_one(QueueBoard)
        self._load(board.window_start())

    def _load(self, start: int, *, keep_cursor: bool = True) -> None:
        """Read the window from `start` with the filter as it is now (widgets are read here, on
        the UI thread; the worker only reads the database). `keep_cursor`: the cursor follows
        the referral it is on; a new filter's read starts it on the first row instead."""
        board = self.query_one(QueueBoard)
        self.reads += 1
        current = board.current
        keep = current.reference if current and keep_cursor else None
        self._read(Read(self.reads, self.current_filter(), start, keep))

    @work(thread=True, exit_on_error=False, group="queue")
    def _read(self, read: Read) -> None:
        try:
            marker = self.desk.change_marker()
            page = self.desk.queue_page(read.wanted, read.start, WINDOW)
        except Exception as error:  # noqa: BLE001 - shown on screen, the app keeps running
            self.post_message(QueueFailed(fault_of(error)))
            return
        self.post_message(QueueLoaded(page, marker, read))

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-poll")
    def _poll(self) -> None:
        try:
            marker = self.desk.change_marker()
        except Exception as error:  # noqa: BLE001 - the banner says it; the next poll tries again
            self.post_message(QueueFailed(fault_of(error)))
            return
        if marker != self.marker or self.stale is not None:
            self.app.call_from_thread(self.action_refresh_queue)

    def _tick(self) -> None:
        self.action_refresh_queue()

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        if self.shown is not None and message.read.number < self.shown.number:
            return  # a newer read is already on the board
        self.shown, self.marker = message.read, message.marker
        page, counts = message.page, message.page.counts
        self.read_at = page.now
        self._up_to_date()
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
        if self.open_first and message.read.number >= self.filter_read:
            self.open_first = False
            board.action_open()
        if wanted.is_empty:  # the open queue as it is, not a filter's share of it
            self._say_breaches(counts.breached)
            if self.bell.look(page.rows, page.now) and ring_bell(self.app):
                self.app.bell()
        if wanted.searches_everywhere:
            summary = (
                f"{counts.matching} found at any status · {counts.awaiting} awaiting a first "
                f"response  ({counts.open} open)"
            )
        elif wanted.status in FINISHED:
            summary = f"{counts.matching} {label(Status(wanted.status))}, latest due first"
        elif wanted.status == REDIRECTED:
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

    def _say_breaches(self, breached: int) -> None:
        """Said when the open queue's breaches change."""
        if breached != self.breached_said:
            self.breached_said = breached
            announce(self.app, breached_words(breached))

    def on_queue_failed(self, message: QueueFailed) -> None:
        """Said once, in the banner, for as long as it lasts: never a notice per poll."""
        if message.fault == self.stale:
            return
        self.stale = message.fault
        banner = self.query_one("#queue-stale", Static)
        words = stale_words(message.fault, self.read_at)
        banner.update(Text(words))
        banner.set_class(True, "-shown")
        banner_shown(banner, words)

    def _up_to_date(self) -> None:
        if self.stale is None:
            return
        self.stale = None
        banner = self.query_one("#queue-stale", Static)
        banner.update("")
        banner.set_class(False, "-shown")
        announce(self.app, "The queue is up to date again.")

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
        # A new filter starts from the top of what it finds, whatever the cursor was on.
        self.query_one(QueueBoard).home()
        self.filter_read = self.reads + 1
        self._load(0, keep_cursor=False)

    @on(Input.Submitted, "#queue-search")
    def _search_done(self) -> None:
        # To the board, on the first row found: the next enter opens it.
        board = self.query_one(QueueBoard)
        board.home()
        # At once, not `board.focus()` (which waits its turn behind keys already typed): an
        # enter typed straight after this one is the board's, and opens the row.
        self.set_focus(board)

    @on(QueueBoard.Opened)
    def _opened(self, event: QueueBoard.Opened) -> None:
        from screens.referral import ReferralScreen

        event.stop()
        if self.shown is None or self.shown.number < self.filter_read:
            # The rows on the board are the old filter's: open the new one's first row.
            self.open_first = True
            return
        self.app.push_screen(
            ReferralScreen(self.ctx, event.reference), lambda _: self.action_refresh_queue()
        )

    def action_search(self) -> None:
        self.query_one("#queue-search", Input).focus()

    def action_supervisor(self) -> None:
        from screens.supervisor import SupervisorScreen

        if not permitted(self, self.ctx, Permission.REVIEW):
            return
        self.app.push_screen(SupervisorScreen(self.ctx))

    def action_who_is_on(self) -> None:
        from screens.availability import AvailabilityScreen

        self.app.push_screen(AvailabilityScreen(self.ctx))

    def action_handover(self) -> None:
        from screens.handover import HandoverScreen

        self.app.push_screen(HandoverScreen(self.ctx), lambda _: self.action_refresh_queue())

    # taking work ------------------------------------------------------------------------------

    def action_take_next(self) -> None:
        self._peek()

    def _peek(self) -> None:
        self.load(
            lambda: (self.desk.peek_next(), self.ctx.clock()),
            group="queue-claim",
            exclusive=True,
            then=lambda peeked: self._offer(*peeked),
            failed=lambda error: self.notify(
                f"Could not look: {failure_words(error)}", severity="error"
            ),
        )

    def _offer(self, next_up: NextUp | None, now: datetime) -> AwaitMount | None:
        """Ask whether to claim the referral that is next. The worker awaits the dialog's
        mount, as it did when it pushed the dialog itself."""
        if next_up is None:
            self.notify("Nothing is waiting to be allocated.", markup=False)
            return None

        def asked(claim: bool | None) -> None:
            if claim:
                self._claim(next_up.reference)

        return self.app.push_screen(TakeNextModal(next_up, now), asked)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-claim")
    def _claim(self, reference: str) -> None:
        try:
            self.desk.claim(reference, by=self.ctx.by)
        except ClaimRefused as refused:
            self.app.call_from_thread(
                self.notify, str(refused), title="Not claimed", severity="warning", markup=False
            )
            self.app.call_from_thread(self.action_refresh_queue)
            return
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(
                self.notify, f"Could not take it: {failure_words(error)}", severity="error"
            )
            return
        self.app.call_from_thread(self.post_message, QueueBoard.Opened(reference))

    def action_hand_back(self) -> None:
        current = self.query_one(QueueBoard).current
        if current is None:
            return
        self._hand_back(current.reference)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-claim")
    def _hand_back(self, reference: str) -> None:
        try:
            self.desk.release_claim(reference, by=self.ctx.by)
        except ClaimRefused as refused:
            self.app.call_from_thread(self.notify, str(refused), severity="warning", markup=False)
            return
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(
                self.notify, f"Could not hand it back: {failure_words(error)}", severity="error"
            )
            return
        self.app.call_from_thread(
            self.notify, f"{reference} handed back: another desk may take it.", markup=False
        )
        self.app.call_from_thread(self.action_refresh_queue)

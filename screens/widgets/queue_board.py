"""The queue board: open referrals (or, filtered so, the redirected calls or those to trace) drawn
with Textual's line API, a window of them at a time.

Only the lines on screen are drawn, on demand (`render_line`), and the board holds only a window
of rows around them (`WINDOW`), read from SQL a page at a time: when the view scrolls outside the
window the board asks for another (`WindowWanted`). A board of 20,000 open referrals costs no
more to read or paint than one of 200; DataTable would measure every cell of every row first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from spr_desk.due import STATE_WORDS, DueState, format_time_left, time_left
from spr_desk.nhs_number import format_nhs_number
from spr_desk.queue_view import QueueLine, state_of
from spr_desk.uktime import as_local
from spr_desk.vocabulary import RedFlag, Status, cell_words, word_for

COLUMNS: tuple[tuple[str, int], ...] = (
    ("Left", 8),
    ("State", 9),
    ("Reference", 16),
    ("Patient", 19),
    ("Response/lead", 19),
    ("Status", 11),
    ("Due", 13),
    ("Locality", 10),
)
"""Heading and width of each column, most urgent first so 80 columns show what matters."""
REDIRECT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Received", 13),
    ("Reference", 16),
    ("Patient", 19),
    ("Caller", 20),
    ("Red flags", 38),
)
"""The redirected calls instead: they have no countdown; what was typed and why they went."""

WINDOW = 200
"""Rows held at a time: several screens' worth, so the cursor rarely waits for a read."""
LEAD_IN = 50
"""Rows kept above the view when a new window is read, so moving back up needs no read."""
STATE_STYLES: dict[DueState, Style] = {
    DueState.DUE: Style(),
    DueState.DUE_SOON: Style(bold=True, color="#e69f00"),  # Okabe-Ito orange
    DueState.BREACHED: Style(bold=True, reverse=True, color="#d55e00"),  # Okabe-Ito vermilion
}


def due_words(due: datetime | None, now: datetime) -> str:
    """`13:24` today, `Tue 09:31` within a week, `02 Dec 09:31` beyond."""
    if due is None:
        return "-"
    local, today = as_local(due), as_local(now)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if abs((local.date() - today.date()).days) < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%d %b %H:%M")


def row_cells(row: QueueLine, now: datetime) -> list[tuple[str, Style]]:
    """One row's cells as plain strings (never markup) with their styles."""
    state = state_of(row, now)
    if state is not None and row.due_at is not None:
        left = format_time_left(time_left(now, row.due_at))
        countdown = [(left, STATE_STYLES[state]), (STATE_WORDS[state], STATE_STYLES[state])]
    else:
        countdown = [("-", Style()), ("seen" if row.due_at else "-", Style())]
    return [
        *countdown,
        (row.reference, Style()),
        (row.patient_name, Style()),
        (cell_words(row.response, row.lead), Style()),
        (word_for(row.status, Status), Style()),
        (due_words(row.due_at, now), Style()),
        (row.locality, Style()),
    ]


def redirect_cells(row: QueueLine, now: datetime) -> list[tuple[str, Style]]:
    """A redirected call's cells: when, the patient and the caller as far as they were typed,
    and the red flags that sent them to 999 / A&E."""
    patient = row.patient_name or (format_nhs_number(row.nhs_number) if row.nhs_number else "")
    flags = ", ".join(word_for(flag, RedFlag) for flag in row.red_flags)
    return [
        (due_words(row.received_at, now), Style()),
        (row.reference, Style()),
        (patient or "(not given)", Style()),
        (row.caller or "(not given)", Style()),
        (flags or "-", Style()),
    ]


def line_text(
    cells: Sequence[tuple[str, Style]],
    *,
    cursor: bool = False,
    columns: tuple[tuple[str, int], ...] = COLUMNS,
) -> Text:
    # The cursor is marked with ▶ as well as a highlight, so it reads without colour too.
    text = Text("▶ " if cursor else "  ", no_wrap=True, overflow="ellipsis")
    for (value, style), (_, width) in zip(cells, columns, strict=True):
        shown = value if len(value) < width else value[: width - 2] + "…"
        text.append(shown.ljust(width), style)
    return text


class QueueBoard(ScrollView, can_focus=True):
    """Open referrals, one per line, with a cursor; enter (or a click) opens one."""

    DEFAULT_CSS = """
    QueueBoard {
        height: 1fr;
        &:focus .queue-board--cursor { background: $accent 40%; }
    }
    """
    COMPONENT_CLASSES = {"queue-board--cursor", "queue-board--heading"}
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "open", "Open", tooltip="Open the referral under the cursor"),
    ]

    cursor: reactive[int] = reactive(0)
    """The position under the cursor, in the whole (filtered) queue."""

    class Opened(Message):
        def __init__(self, reference: str) -> None:
            super().__init__()
            self.reference = reference

    class WindowWanted(Message):
        """The view has moved outside the rows held: read the window starting at `start`."""

        def __init__(self, start: int) -> None:
            super().__init__()
            self.start = start

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self.first = 0
        """The position of `rows[0]` in the whole queue."""
        self.rows: list[QueueLine] = []
        self.now: datetime | None = None
        self._wanted: int | None = None
        self.redirects = False
        """Showing the redirected calls (`REDIRECT_COLUMNS`), not the queue."""

    @property
    def columns(self) -> tuple[tuple[str, int], ...]:
        return REDIRECT_COLUMNS if self.redirects else COLUMNS

    def show(
        self,
        first: int,
        rows: list[QueueLine],
        total: int,
        now: datetime,
        keep: str | None,
        *,
        redirects: bool = False,
    ) -> None:
        """A window of `total` rows starting at position `first`; the cursor stays on the referral
        `keep` if it is in the window, otherwise at its position (within the new total).
        `redirects`: the rows are redirected calls, laid out as such."""
        self.first, self.rows, self.total, self.now = first, rows, total, now
        self.redirects = redirects
        self._wanted = None
        # The columns and the cursor mark in front of them; a line for the headings.
        self.virtual_size = Size(2 + sum(width for _, width in self.columns), total + 1)
        references = [row.reference for row in rows]
        if keep in references:
            self.cursor = first + references.index(keep)
        else:
            self.cursor = min(self.cursor, max(0, total - 1))
        self.refresh()

    def home(self) -> None:
        """Back to the first row, as for a new filter."""
        self.cursor = 0
        self.scroll_to(y=0, animate=False)

    def window_start(self) -> int:
        """Where a window covering the view starts (the cursor is kept in view)."""
        return max(0, self.scroll_offset.y - LEAD_IN)

    def row_at(self, index: int) -> QueueLine | None:
        if self.first <= index < self.first + len(self.rows):
            return self.rows[index - self.first]
        return None

    @property
    def current(self) -> QueueLine | None:
        return self.row_at(self.cursor) if self.total else None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_size.width
        if y == 0:  # the headings stay put as the rows scroll
            headings = "".join(name.ljust(size) for name, size in self.columns)
            text = Text("  " + headings, style="bold")
        else:
            index = scroll_y + y - 1
            if index >= self.total or self.now is None:
                return Strip.blank(width, self.rich_style)
            row = self.row_at(index)
            here = index == self.cursor and self.has_focus
            if row is None:
                self._want_window()
                text = Text(("▶ " if here else "  ") + "…", style="dim")
            else:
                cells = (redirect_cells if self.redirects else row_cells)(row, self.now)
                text = line_text(cells, cursor=here, columns=self.columns)
            if here:
                text.stylize(self.get_component_rich_style("queue-board--cursor"))
        segments = list(text.render(self.app.console))
        strip = Strip(Segment.apply_style(segments, self.rich_style), text.cell_len)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)

    def _want_window(self) -> None:
        """Ask once for the window around the view (a line drawn without its row asks)."""
        start = self.window_start()
        if self._wanted != start:
            self._wanted = start
            self.post_message(self.WindowWanted(start))

    def watch_cursor(self, old: int, new: int) -> None:
        # Rows visible: below the headings, above a horizontal scroll bar (80 columns have one).
        visible = max(1, self.scrollable_size.height - 1)
        top = self.scroll_offset.y
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_size.height - 2))

    def action_jump(self, where: int) -> None:
        if self.total:
            self.cursor = 0 if where == 0 else self.total - 1

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current.reference))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y - 1
        if event.y >= 1 and 0 <= index < self.total:
            self.cursor = index
            self.action_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

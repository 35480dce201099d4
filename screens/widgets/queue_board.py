"""The queue board: open referrals drawn with Textual's line API.

Only the lines on screen are drawn, on demand (`render_line`), so a board of 20,000 open
referrals costs no more to paint than one of 20; DataTable would measure every cell first.
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

from spr_desk.due import DueState, format_time_left, time_left
from spr_desk.queue_view import QueueLine, state_of
from spr_desk.uktime import as_local
from spr_desk.vocabulary import Status, cell_words, word_for

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
WIDTH = 2 + sum(width for _, width in COLUMNS)
"""The columns and the cursor mark in front of them."""

STATE_WORDS: dict[DueState, str] = {
    DueState.DUE: "due",
    DueState.DUE_SOON: "DUE SOON",
    DueState.BREACHED: "BREACHED",
}
"""The countdown's state in words, so it reads without colour."""
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


def line_text(cells: Sequence[tuple[str, Style]], *, cursor: bool = False) -> Text:
    # The cursor is marked with ▶ as well as a highlight, so it reads without colour too.
    text = Text("▶ " if cursor else "  ", no_wrap=True, overflow="ellipsis")
    for (value, style), (_, width) in zip(cells, COLUMNS, strict=True):
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
    """The row under the cursor (an index into `rows`)."""

    class Opened(Message):
        def __init__(self, reference: str) -> None:
            super().__init__()
            self.reference = reference

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[QueueLine] = []
        self.now: datetime | None = None

    def show(self, rows: list[QueueLine], now: datetime) -> None:
        """New rows (or a new time): keep the cursor on the same referral where it can."""
        keep = (
            self.rows[self.cursor].reference if self.rows and self.cursor < len(self.rows) else None
        )
        self.rows, self.now = rows, now
        self.virtual_size = Size(WIDTH, len(rows) + 1)
        references = [row.reference for row in rows]
        self.cursor = (
            references.index(keep)
            if keep in references
            else min(self.cursor, max(0, len(rows) - 1))
        )
        self.refresh()

    @property
    def current(self) -> QueueLine | None:
        return self.rows[self.cursor] if self.rows else None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:  # the headings stay put as the rows scroll
            headings = "".join(name.ljust(size) for name, size in COLUMNS)
            text = Text("  " + headings, style="bold")
        else:
            index = scroll_y + y - 1
            if index >= len(self.rows) or self.now is None:
                return Strip.blank(width, self.rich_style)
            here = index == self.cursor and self.has_focus
            text = line_text(row_cells(self.rows[index], self.now), cursor=here)
            if here:
                text.stylize(self.get_component_rich_style("queue-board--cursor"))
        segments = list(text.render(self.app.console))
        strip = Strip(Segment.apply_style(segments, self.rich_style), text.cell_len)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)

    def watch_cursor(self, old: int, new: int) -> None:
        visible = max(1, self.size.height - 1)
        top = self.scroll_offset.y
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current.reference))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self.cursor = index
            self.action_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

"""The queue board: open referrals (or, filtered so, the redirected calls or those to trace) drawn
with Textual's line API, a window of them at a time.

Only the lines on screen are drawn, on demand (`render_line`), and the board holds only a window
of rows around them (`WINDOW`), read from SQL a page at a time: when the view scrolls outside the
window the board asks for another (`WindowWanted`). A board of 20,000 open referrals costs no
more to read or paint than one of 200; DataTable would measure every cell of every row first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from screens.palette import BREACHED, DUE_SOON, theme_colour
from spr_desk.due import STATE_WORDS, DueState, format_time_left, time_left
from spr_desk.lifecycle import OPEN_STATUSES
from spr_desk.nhs_number import format_nhs_number
from spr_desk.printable import printable
from spr_desk.queue_view import (
    STATE_SYMBOLS,
    STILL_MARK,
    QueueRow,
    claim_holder,
    format_still,
    no_movement,
    no_movement_over,
    row_state,
    state_of,
)
from spr_desk.referral import name_to_fit
from spr_desk.uktime import as_local
from spr_desk.vocabulary import RedFlag, Source, Status, cell_words, word_for


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    heading: str
    width: int
    keep: int
    """Rank when the board is too narrow for every column: the highest kept, the lowest
    dropped first, whole (a column is never cut to a misleading stub)."""


COLUMNS: tuple[Column, ...] = (
    Column("left", "Left", 9, 9),
    Column("state", "State", 13, 8),
    Column("moved", "Moved", 7, 4),
    Column("reference", "Reference", 16, 10),
    Column("patient", "Patient", 13, 7),
    Column("cell", "Response/lead", 20, 6),  # "reply owed by 12:40" whole
    Column("held", "Held by", 10, 5),
    Column("status", "Status", 11, 3),
    Column("due", "Due", 13, 2),
    Column("locality", "Locality", 11, 1),
)
"""The queue's columns in the order shown; `keep` says which go first when they do not fit.
Left and State are the due clock, Moved the no-movement clock (time since anyone acted)."""


PATIENT_MORE = 8
"""How much wider than its least the Patient column grows when the board has room."""


def fit_columns(columns: Sequence[Column], width: int, *, held: bool = True) -> list[Column]:
    """The columns that fit in `width`, in their order, dropping the lowest `keep` first; the
    last column needs no gap after it. `held`: some row has a claim (else no Held by column)."""
    chosen = [c for c in columns if held or c.key != "held"]
    while chosen and sum(c.width for c in chosen) - 1 > width:
        chosen.remove(min(chosen, key=lambda c: c.keep))
    # What is left over widens the patient's name (up to PATIENT_MORE), so fewer are cut.
    spare = min(PATIENT_MORE, width - (sum(c.width for c in chosen) - 1))
    return [replace(c, width=c.width + spare) if c.key == "patient" else c for c in chosen]


REDIRECT_COLUMNS: tuple[Column, ...] = (
    Column("received", "Received", 13, 4),
    Column("reference", "Reference", 16, 5),
    Column("patient", "Patient", 19, 3),
    Column("caller", "Caller", 20, 2),
    Column("flags", "Red flags", 38, 1),
)
"""The redirected calls instead: they have no countdown; what was typed and why they went."""

WINDOW = 200
"""Rows held at a time: several screens' worth, so the cursor rarely waits for a read."""
LEAD_IN = 50
"""Rows kept above the view when a new window is read, so moving back up needs no read."""
STATE_STYLES: dict[DueState, Style] = {
    DueState.DUE: Style(),
    DueState.DUE_SOON: Style(bold=True, color=DUE_SOON),
    DueState.BREACHED: Style(bold=True, reverse=True, color=BREACHED),
}
"""In the palette's colours; the board draws them in its theme's (`themed_styles`)."""


@lru_cache(maxsize=8)
def themed_styles(breached: str, due_soon: str) -> dict[DueState, Style]:
    """`STATE_STYLES` in a theme's `$breached` and `$due-soon`, made once per theme."""
    return {
        DueState.DUE: Style(),
        DueState.DUE_SOON: Style(bold=True, color=due_soon),
        DueState.BREACHED: Style(bold=True, reverse=True, color=breached),
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


STILL_STYLE = Style(bold=True, underline=True)


def row_cells(
    row: QueueRow,
    now: datetime,
    thresholds: Mapping[str, int] | None = None,
    styles: Mapping[DueState, Style] = STATE_STYLES,
) -> dict[str, tuple[str, Style]]:
    """One row's cells by column key, as plain strings (never markup) with their styles. Each
    state has a symbol beside its word (`STATE_SYMBOLS`) and over its threshold the no-movement
    clock a mark (`STILL_MARK`), so the board reads without colour."""
    due = state_of(row, now)
    state = row_state(row, now)
    word = (
        STATE_WORDS[due]
        if due is not None
        else word_for(state, Status)
        if state in Status._value2member_map_
        else state
    )
    style = styles[due] if due is not None else Style()
    if due is not None and row.due_at is not None:
        left = format_time_left(time_left(now, row.due_at))
    else:
        left = "-"
    open_now = Status(row.status) in OPEN_STATUSES
    still = no_movement(row.updated_at, now) if open_now else None
    moved = format_still(still)
    moved_style = Style()
    if no_movement_over(still, row.response, thresholds or {}):
        moved, moved_style = f"{STILL_MARK}{moved}", STILL_STYLE
    holder = claim_holder(row.claimed_by, row.claimed_at, now) if open_now else None
    return {
        "left": (left, style),
        "state": (f"{STATE_SYMBOLS.get(state, ' ')} {word}", style),
        "moved": (moved, moved_style),
        "reference": (row.reference, Style()),
        "patient": (row.patient_name, Style()),
        "cell": _cell(row, now),
        "held": (holder or "", Style(bold=True)),
        "status": (word_for(row.status, Status), Style()),
        "due": (due_words(row.due_at, now), Style()),
        "locality": (row.locality, Style()),
    }


def _cell(row: QueueRow, now: datetime) -> tuple[str, Style]:
    """The agreed cell; for a 999 referral, the answer its sender is owed until it is given
    (bold: the sender's fail-safe runs from that time), or where it came from until triaged."""
    if row.reply_owed_by is not None and Status(row.status) in OPEN_STATUSES:
        return f"reply owed by {due_words(row.reply_owed_by, now)}", Style(bold=True)
    if row.source is not None and row.response is None:
        return word_for(row.source, Source), Style()
    return cell_words(row.response, row.lead), Style()


def redirect_cells(row: QueueRow, now: datetime) -> dict[str, tuple[str, Style]]:
    """A redirected call's cells: when, the patient and the caller as far as they were typed,
    and the red flags that sent them to 999 / A&E."""
    patient = row.patient_name or (format_nhs_number(row.nhs_number) if row.nhs_number else "")
    flags = ", ".join(word_for(flag, RedFlag) for flag in row.red_flags)
    return {
        "received": (due_words(row.received_at, now), Style()),
        "reference": (row.reference, Style()),
        "patient": (patient or "(not given)", Style()),
        "caller": (row.caller or "(not given)", Style()),
        "flags": (flags or "-", Style()),
    }


def line_text(
    cells: Mapping[str, tuple[str, Style]],
    *,
    cursor: bool = False,
    columns: Sequence[Column] = COLUMNS,
) -> Text:
    # The cursor is marked with ▶ as well as a highlight, so it reads without colour too.
    text = Text("▶ " if cursor else "  ", no_wrap=True, overflow="ellipsis")
    for column in columns:
        value, style = cells[column.key]
        value = printable(value)  # a stored name may hold an escape sequence: shown, not sent
        width = column.width
        if len(value) >= width and column.key == "patient":
            value = name_to_fit(value, width - 1)  # initials, never a name cut mid-word
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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="queue-board.row-up"),
        Binding("down", "move(1)", "Down", show=False, id="queue-board.row-down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="queue-board.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="queue-board.page-down"),
        Binding("home", "jump(0)", "First", show=False, id="queue-board.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="queue-board.last"),
        # Not in the footer: it has room only for the keys nobody would guess.
        Binding(
            "enter",
            "open",
            "Open",
            tooltip="Open the referral under the cursor",
            show=False,
            id="queue-board.open",
        ),
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
        self.rows: list[QueueRow] = []
        self.now: datetime | None = None
        self._wanted: int | None = None
        self.redirects = False
        """Showing the redirected calls (`REDIRECT_COLUMNS`), not the queue."""
        self.type_to: Widget | None = None
        """Where a printable key typed on the board goes (the search): type-to-search."""
        self.thresholds: Mapping[str, int] = {}
        """Minutes without movement, by response, past which the Moved clock is marked."""

    @property
    def columns(self) -> list[Column]:
        """The columns that fit the board's width now (the cursor mark takes two)."""
        if self.redirects:
            return list(REDIRECT_COLUMNS)
        held = (
            any(claim_holder(row.claimed_by, row.claimed_at, self.now) for row in self.rows)
            if self.now is not None
            else False
        )
        return fit_columns(COLUMNS, self.scrollable_content_region.width - 2, held=held)

    def show(
        self,
        first: int,
        rows: list[QueueRow],
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
        self.virtual_size = Size(1 + sum(c.width for c in self.columns), total + 1)
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

    def row_at(self, index: int) -> QueueRow | None:
        if self.first <= index < self.first + len(self.rows):
            return self.rows[index - self.first]
        return None

    def cursor_line(self) -> Offset | None:
        """The cursor's row, under the headings (`screens.cursor_spot`)."""
        return Offset(0, self.cursor + 1) if self.total else None

    @property
    def current(self) -> QueueRow | None:
        return self.row_at(self.cursor) if self.total else None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_size.width
        if y == 0:  # the headings stay put as the rows scroll
            headings = "".join(c.heading.ljust(c.width) for c in self.columns)
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
                if self.redirects:
                    cells = redirect_cells(row, self.now)
                else:
                    styles = themed_styles(
                        theme_colour(self.app, "breached"), theme_colour(self.app, "due-soon")
                    )
                    cells = row_cells(row, self.now, self.thresholds, styles)
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

    def watch_cursor(self, new: int) -> None:
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

    def _forward_event(self, event: events.Event) -> None:
        # Type-to-search, decided as the app hands the key over rather than when the board's
        # queue reaches it: the focus moves at once, so every later key goes straight to the
        # search and a name typed fast arrives whole and in order. "/" is the search's key.
        if (
            isinstance(event, events.Key)
            and event.is_printable
            and event.character not in (None, "/")
            and self.type_to is not None
            and self.has_focus
        ):
            self.screen.set_focus(self.type_to)
            self.type_to._forward_event(event)
            return
        super()._forward_event(event)

    def on_resize(self) -> None:
        # The columns that fit depend on the width.
        self.virtual_size = Size(1 + sum(c.width for c in self.columns), self.total + 1)
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

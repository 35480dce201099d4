"""Where the terminal cursor belongs: on whatever has the focus, so a braille display or a screen
reader's review cursor follows the handler (Textual leaves it at (0,0) while a table's highlighted
row moves: Textual issue #2348).

Textual moves the terminal's cursor to `App.cursor_position` after every frame; only its text
fields set that, and only when their caret moves. The app asks `focus_spot` instead, every frame:
the caret in a field, the start of the highlighted row of the queue and every table, the
highlighted item of a list, else the focused widget's first line. A widget of the desk's own that
highlights one of its lines says which with `cursor_line` (the `CursorLine` protocol).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual.geometry import Offset, Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, TextArea


@runtime_checkable
class CursorLine(Protocol):
    """A widget that highlights one of its lines (the queue board, a choice, the red flags)."""

    def cursor_line(self) -> Offset | None:
        """The highlighted item's start within the widget's content, before scrolling (x, y);
        None when nothing is highlighted."""
        ...


def focus_spot(screen: Screen[object]) -> Offset | None:
    """Where on `screen` the cursor goes: on its focused widget, or its first line; None when
    nothing on it is focused (the cursor stays where it was)."""
    focused = screen.focused
    if focused is None or not focused.is_attached or not focused.display:
        return None
    if isinstance(focused, Input):
        return caret_spot(focused)
    if isinstance(focused, TextArea):
        return focused.cursor_screen_offset  # the caret, wherever the text has scrolled to
    return widget_spot(focused)


def caret_spot(field: Input) -> Offset:
    """The cell the next character goes in. (Textual's `cursor_screen_offset` is a cell to the
    right of it at the end of the text, where it keeps room to scroll.)"""
    x, y, _width, _height = field.content_region
    before = field._position_to_cell(field.cursor_position)
    return Offset(x + before - field.scroll_offset.x, y)


def widget_spot(widget: Widget) -> Offset:
    """The start of the widget's highlighted item, or of its content when it has none, kept
    inside what is visible of it."""
    region = widget.content_region
    inside = _item_offset(widget)
    if inside is None:
        return region.offset
    x, y = inside
    scroll_x, scroll_y = widget.scroll_offset
    return _within(Offset(region.x + x - scroll_x, region.y + y - scroll_y), region)


def _item_offset(widget: Widget) -> Offset | None:
    if isinstance(widget, CursorLine):
        return widget.cursor_line()
    if isinstance(widget, DataTable):
        if widget.cursor_type == "none" or not widget.row_count:
            return None
        row = widget._get_row_region(widget.cursor_coordinate.row)
        return Offset(0, row.y)  # the header's lines included
    if isinstance(widget, OptionList):
        highlighted = widget.highlighted
        if highlighted is None:
            return None
        line = widget._index_to_line.get(highlighted)
        return None if line is None else Offset(0, line)
    return None


def _within(spot: Offset, visible: Region) -> Offset:
    """`spot`, moved into the widget when scrolled out of it (never onto another widget)."""
    if not visible:
        return spot
    x = min(max(spot.x, visible.x), visible.right - 1)
    y = min(max(spot.y, visible.y), visible.bottom - 1)
    return Offset(x, y)

"""Tick boxes that read without colour: `✓` when ticked, blank when not.

Textual draws every toggle as `X` and shows its state by colour alone; a handler on a
monochrome or colour-blind setup, or a text capture of the screen, could not tell them apart.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

TICKED, UNTICKED = "✓", " "


class TickBox(Checkbox):
    """A checkbox whose mark is a tick when set."""

    @property
    def _button(self) -> Content:  # type: ignore[override]
        self.BUTTON_INNER = TICKED if self.value else UNTICKED
        return super()._button


class TickList(SelectionList[str]):
    """A selection list whose marks are ticks on the chosen lines."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments: list[Any] = list(strip)
        if len(segments) < 3:
            return strip
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except Exception:  # noqa: BLE001 - a line past the last option has no mark to change
            return strip
        # The line is [left edge, mark, right edge, space, prompt...] (SelectionList.render_line).
        _mark, style, control = segments[1]
        segments[1] = Segment(
            TICKED if option.value in self._selected else UNTICKED, style, control
        )
        return Strip(segments, strip.cell_length)

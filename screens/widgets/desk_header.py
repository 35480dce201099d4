"""The header line every screen shows: the desk, the screen, and the desk's own clock."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from spr_desk.uktime import as_local


class DeskHeader(Static):
    """`SPR Desk · Queue` on the left, the UK time on the right (from the injected clock)."""

    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    title: reactive[str] = reactive("SPR Desk")
    """What this screen is."""
    now: reactive[datetime | None] = reactive(None)
    """The desk's time; None until the first tick."""

    def render(self) -> Text:
        left = Text.assemble(("SPR Desk", "bold"), " · ", self.title)
        right = Text(as_local(self.now).strftime("%a %d %b %H:%M") if self.now else "")
        gap = max(1, self.size.width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right)

"""The header line every screen shows: the desk, the screen, who holds the desk and until
when, a handover not yet acknowledged, and the desk's own clock."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from screens.context import DeskHost
from spr_desk.uktime import as_local

if TYPE_CHECKING:
    from spr_desk.desk_api import DeskStatus

PENDING = " HANDOVER PENDING "
"""Shown until the receiving lead acknowledges the pack; in words, so it reads without colour."""


class DeskHeader(Static):
    """`SPR Desk · Queue  Day desk · night team in 6h 29m · signed in: jsmith   Mon 23 Nov 14:31`.
    The desk's status comes from the app (`SprDeskApp.desk_status`), read every few seconds."""

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
    status: reactive[DeskStatus | None] = reactive(None)

    def on_mount(self) -> None:
        app = self.app
        if isinstance(app, DeskHost):
            self.watch(app, "desk_status", self._status_changed)
            self.watch(app, "held_changes", self._held_changed)

    def _status_changed(self, status: DeskStatus | None) -> None:
        self.status = status
        if status is not None and (self.now is None or status.now > self.now):
            self.now = status.now

    def _held_changed(self, _count: int) -> None:
        self.refresh()

    def render(self) -> Text:
        left = Text.assemble(("SPR Desk", "bold"), " · ", self.title)
        clock = as_local(self.now) if self.now else None
        parts: list[Text] = []
        app = self.app if isinstance(self.app, DeskHost) else None
        held = app.held_call_words(self.now) if app is not None else ""
        if held:  # first and in reverse: a caller is waiting on the line
            parts.append(Text(f" {held} · F8 ", style="bold reverse"))
        if self.status is not None:
            if self.status.pending is not None:
                parts.append(Text(PENDING, style="bold reverse"))
            parts.append(Text(self.status.watch_words))
        # Who is signed in: on a shared desk the next person must see whose desk it still is.
        # Set apart from the watch's sentence by words, not only by style (NO_COLOR drops that).
        user = signed_in_words(app.user if app is not None else "")
        right = Text(clock.strftime("%a %d %b %H:%M") if clock else "")
        width = self.size.width

        # Narrow screens drop the least needed first: the time to the boundary, then the date,
        # then the watch; never a call on hold, a pending handover or who is signed in.
        def too_wide() -> bool:
            return _width(left, parts, user, right) > width

        if parts and too_wide() and _droppable(parts[-1]):
            parts[-1] = Text(parts[-1].plain.split(" · ")[0])
        if too_wide() and clock is not None:
            right = Text(clock.strftime("%H:%M"))
        while parts and too_wide() and _droppable(parts[-1]):
            parts.pop()
        # A call on hold and who is signed in still too wide (80 columns): the desk's name,
        # then the clock (the call's own clock runs below), then the words "signed in:".
        if too_wide():
            left = Text(self.title)
        if too_wide():
            right = Text("")
        if too_wide() and user:
            user = Text(user.plain.removeprefix(SIGNED_IN), style="bold")
        middle = Text("  ").join(parts)
        if user:
            middle = Text.assemble(middle, SEPARATOR, user) if parts else user
        gap = max(GAP, width - left.cell_len - middle.cell_len - right.cell_len - 4)
        return Text.assemble(left, "  ", middle, " " * gap, right)


SEPARATOR = " · "
"""Between the watch's sentence and who is signed in."""
SIGNED_IN = "signed in: "
GAP = 2
"""The fewest spaces before the clock: one would run the name into the date."""


def signed_in_words(name: str) -> Text:
    """`signed in: night`, the name in bold; nothing when no one is."""
    if not name:
        return Text("")
    return Text.assemble((SIGNED_IN, "dim"), (name, "bold"))


def _droppable(part: Text) -> bool:
    return not part.plain.startswith(PENDING) and "on hold" not in part.plain


def _width(left: Text, parts: list[Text], user: Text, right: Text) -> int:
    """The width the header would take: its padding, the gaps, the clock kept apart."""
    middle = sum(part.cell_len for part in parts) + 2 * max(0, len(parts) - 1)
    if user:
        middle += user.cell_len + (len(SEPARATOR) if parts else 0)
    return 1 + left.cell_len + 2 + middle + GAP + right.cell_len + 1

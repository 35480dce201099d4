"""The call's one-line clock: how long it has run, what is left to complete, the section keys."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class CallTimer(Widget):
    """How long the call has run (and a crew has waited), what is left to complete, and the
    section keys. Repaints without a re-layout."""

    DEFAULT_CSS = "CallTimer { height: 1; }"
    started: reactive[datetime | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None)
    waiting: reactive[str] = reactive("")
    """The caller's own clock ("Crew waiting"), or empty."""
    left: reactive[int | None] = reactive(None)
    """Things still to complete since the handler last tried to record; None before."""
    in_words: bool = False
    """The screen-reader mode: whole minutes in words (`Call 3 min`), moved once a minute."""

    def render(self) -> Text:
        if self.started is None or self.now is None:
            return Text("")
        seconds = max(0, int((self.now - self.started).total_seconds()))
        clock = (
            _minutes_words(seconds) if self.in_words else f"{seconds // 60:02d}:{seconds % 60:02d}"
        )
        # A crew waits from the moment the call starts: its clock is the call's, named so.
        parts = [
            Text(f" {self.waiting} {clock} ", style="bold reverse")
            if self.waiting
            else Text(f"Call {clock}")
        ]
        if self.left:
            parts.append(Text(f"{self.left} to complete", style="bold"))
        elif self.left == 0:
            parts.append(Text("all complete: ^s"))
        keys = Text("F2 caller F3 patient F4 facts F5 decide F6 flags F7 notes")
        line = Text(" · ").join(parts)
        if line.cell_len + 3 + keys.cell_len <= self.size.width:
            line = Text.assemble(line, " · ", keys)
        return line


def _minutes_words(seconds: int) -> str:
    minutes = seconds // 60
    return "under 1 min" if minutes < 1 else f"{minutes} min"

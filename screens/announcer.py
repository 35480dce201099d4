"""What a screen asks of the screen-reader mode: say a change in words on the status line, and
put the cursor on a banner that has just appeared. The desk's own app does both (it is an
`Announcer`); any other app (a test harness's) does neither, and nothing here fails for it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual.app import App
from textual.widget import Widget

from spr_desk.access import Access
from spr_desk.announcements import SCREEN_READER_TICK_SECONDS


@runtime_checkable
class Announcer(Protocol):
    access: Access
    """The screen-reader mode, the bell and the theme the desk was started with."""

    def announce(self, words: str) -> None:
        """Say `words` on the status line (kept in order in `announcements`)."""
        ...

    def point_at(self, widget: Widget) -> None:
        """The cursor on `widget`'s first line until the next key."""
        ...


def announce(app: App[object], words: str) -> None:
    if isinstance(app, Announcer):
        app.announce(words)


def banner_shown(banner: Widget, words: str) -> None:
    """A banner has appeared with `words`: the cursor goes to it and the words are said."""
    app = banner.app
    if isinstance(app, Announcer):
        app.point_at(banner)
        app.announce(words)


def screen_reader_on(app: App[object]) -> bool:
    return isinstance(app, Announcer) and app.access.screen_reader


def ring_bell(app: App[object]) -> bool:
    """The handler asked for the bell (`--bell`)."""
    return isinstance(app, Announcer) and app.access.bell


def tick_seconds(app: App[object], seconds: float) -> float:
    """How often a countdown repaints: `seconds`, or once a minute in the screen-reader mode."""
    return max(seconds, SCREEN_READER_TICK_SECONDS) if screen_reader_on(app) else seconds

"""What the desk's app does for a handler who reads it with a braille display or a screen reader,
or who cannot rely on colour (issue 20).

Always: the terminal cursor is where the focus is (`screens/cursor_spot.py`), read afresh at
every frame so a clock repainting never moves it; a dialog or banner that appears has it on its
first line until the next key. In the screen-reader mode (`--screen-reader`): the cursor is
shown, fields do not blink, countdowns move once a minute, and each change is said in words on
one fixed status line (`announcements` keeps them in order); with `--bell` the terminal's bell
rings, at most once a minute, for a new Rapid referral or one about to breach.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import App
from textual.geometry import Offset
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, TextArea

from screens.cursor_spot import focus_spot
from screens.themes import DEFAULT_THEME, register_themes
from screens.widgets.status_line import StatusLine
from spr_desk.access import Access

SHOW_CURSOR = "\x1b[?25h"
"""Textual hides the terminal's cursor when it starts: shown again in the screen-reader mode."""
ANNOUNCEMENTS_KEPT = 500
"""A long shift's worth; the oldest go first."""
SEVERITY_WORDS: dict[str, str] = {"warning": "Warning: ", "error": "Error: "}
"""A notice's colour says how serious it is; the status line says it in words."""


class AccessibleApp(App[None]):
    """The desk's cursor, themes and screen-reader mode; `SprDeskApp` builds on it."""

    def _init_access(self, access: Access) -> None:
        self.access = access
        self.announcements: list[str] = []
        """Everything the status line has said since the desk started, oldest first."""
        self._pointed: Widget | None = None
        """A dialog or banner that has just appeared: the cursor is on it until the next key."""
        register_themes(self)
        self.theme = access.theme or DEFAULT_THEME

    # the cursor ---------------------------------------------------------------------------

    @property
    def cursor_position(self) -> Offset:
        """Where Textual puts the terminal's cursor after each frame: on the focus."""
        pointed = self._pointed if hasattr(self, "_pointed") else None
        try:
            screen: Screen[Any] = self.screen
        except Exception:  # noqa: BLE001 - no screen yet: Textual's own answer
            return self._caret
        if pointed is not None and pointed.is_attached and pointed.screen is screen:
            return pointed.content_region.offset
        spot = focus_spot(screen)
        return self._caret if spot is None else spot

    @cursor_position.setter
    def cursor_position(self, offset: Offset) -> None:
        # Textual's fields set it when their caret moves; `focus_spot` reads the caret itself.
        self._caret = offset

    def point_at(self, widget: Widget) -> None:
        self._pointed = widget
        widget.refresh()  # a frame, so the cursor moves even if nothing else changes

    def _someone_acted(self) -> None:
        """A key or a click: whatever was pointed at has been read; the cursor goes back to the
        focus (the app calls this for each key and click, before it is handled)."""
        self._pointed = None

    def _watch_screens(self) -> None:
        """From the app's mount: each screen that comes to the front."""
        self.screen_change_signal.subscribe(self, self._screen_changed)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        if isinstance(screen, ModalScreen):
            self.call_after_refresh(self._point_at_dialog, screen)
        if self.access.screen_reader:
            self.call_after_refresh(self._add_status_line, screen)

    def _point_at_dialog(self, screen: Screen[Any]) -> None:
        # The dialog's box: not Textual's own children of every screen (its notices and
        # tooltips come first and have no place on it).
        boxes = [child for child in screen.children if child.has_class("dialog")] or [
            child for child in screen.children if child.region
        ]
        if boxes and screen.is_current:
            self.point_at(boxes[0])

    # the screen-reader mode ---------------------------------------------------------------

    def on_ready(self) -> None:
        if self.access.screen_reader:
            self._show_cursor()
            self.app_resume_signal.subscribe(self, lambda _app: self._show_cursor())

    def _show_cursor(self) -> None:
        if self._driver is not None and not self.is_headless:
            self._driver.write(SHOW_CURSOR)
            self._driver.flush()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.access.screen_reader and isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False  # a blinking caret is a change every half second

    def announce(self, words: str) -> None:
        """Say `words` on the status line of whatever is on screen."""
        words = " ".join(words.split())
        if not words or not self.access.screen_reader:
            return
        self.announcements.append(words)
        del self.announcements[:-ANNOUNCEMENTS_KEPT]
        try:
            screen = self.screen
        except Exception:  # noqa: BLE001 - no screen yet: said when the first one comes
            return
        self._add_status_line(screen)

    def start_afresh(self, words: str) -> None:
        """Forget what was said (it names patients) and say `words` instead: at the lock and
        at sign-out, so whoever comes to the desk next reads nothing of the last person's."""
        self.announcements.clear()
        self.announce(words)

    def _add_status_line(self, screen: Screen[Any]) -> None:
        if not screen.is_attached:
            return
        lines = screen.query_children(StatusLine)
        line = lines.first() if lines else None
        if line is None:
            line = StatusLine(id="status-line")
            footers = screen.query_children(Footer)
            if footers:
                screen.mount(line, before=footers.first())
            else:
                line.add_class("-docked")
                screen.mount(line)
        line.say(self.announcements[-1] if self.announcements else "Screen reader mode.")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        if self.access.screen_reader:
            words = _plain(message) if markup else message
            self.announce(SEVERITY_WORDS.get(severity, "") + words)


def _plain(markup: str) -> str:
    try:
        return Text.from_markup(markup).plain
    except Exception:  # noqa: BLE001 - not markup after all: said as it is
        return markup

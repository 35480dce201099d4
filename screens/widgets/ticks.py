"""Ticks that read without colour: `✓` when ticked, blank when not.

Textual draws every toggle as `X` and shows its state by colour alone; a handler on a
monochrome or colour-blind setup, or a text capture of the screen, could not tell them apart.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Offset
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox

from screens.widgets.choice import starts, words_match

TICKED, UNTICKED = "✓", " "


class TickBox(Checkbox):
    """A checkbox whose mark is a tick when set."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = TICKED if self.value else UNTICKED
        return super()._button


class TickList(Widget, can_focus=True):
    """Lines to tick, each `[✓]` or `[ ]`, under optional headings; the highlighted line is
    marked `▶`, so the list reads without colour.

    Keys: up / down (and home / end) move, space ticks or unticks, the first letters of a line
    jump to it (the letters since the last other key, matched at the start of any word), and
    enter moves on to the next field: it never ticks (a reflex enter once ticked "records
    reviewed" that were never read). A line can be marked as not applying to this call: it
    stays in its place, says so, and cannot be ticked.
    """

    DEFAULT_CSS = """
    TickList {
        height: auto;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .ticks--heading { text-style: bold; color: $text-muted; }
        & > .ticks--highlight { text-style: reverse bold; }
        & > .ticks--not-applicable { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES = {"ticks--heading", "ticks--highlight", "ticks--not-applicable"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "move_on", "Next field", show=False, id="tick-list.move-on"),
    ]
    FIND_BY_LETTERS = True
    """Whether letters jump to the line they start (off where a letter means something else)."""

    class Changed(Message):
        """The ticked values changed (a key, or the screen)."""

        def __init__(self, ticks: TickList, selected: list[str]) -> None:
            super().__init__()
            self.ticks = ticks
            self.selected = selected

        @property
        def control(self) -> TickList:
            return self.ticks

    def __init__(self, *lines: tuple[str, str] | str, id: str | None = None) -> None:
        """`lines`: (words, value) to tick, or a str for a heading above the lines after it."""
        super().__init__(id=id)
        self._lines = list(lines)
        self._selected: set[str] = set()
        self.not_applying: dict[str, str] = {}
        """value -> why it does not apply to this call (shown beside it)."""
        tickable = self._tickable
        self._highlighted = tickable[0] if tickable else 0
        self._typed = ""

    @property
    def _tickable(self) -> list[int]:
        return [index for index, line in enumerate(self._lines) if not isinstance(line, str)]

    @property
    def options(self) -> list[tuple[str, str]]:
        """(words, value) of every line that can be ticked, in order."""
        return [line for line in self._lines if not isinstance(line, str)]

    @property
    def selected(self) -> list[str]:
        """The values ticked, in the list's order."""
        return [value for _, value in self.options if value in self._selected]

    @property
    def highlighted_value(self) -> str | None:
        line = self._lines[self._highlighted] if self._lines else None
        return None if line is None or isinstance(line, str) else line[1]

    def set_lines(self, *lines: tuple[str, str] | str) -> None:
        """New lines (a new order, what leads first); what was ticked stays ticked if it is
        still offered, and the highlight goes to the first line, where the list now starts."""
        self._lines = list(lines)
        values = {v for _, v in self.options}
        self._selected &= values
        tickable = self._tickable
        self._highlighted = tickable[0] if tickable else 0
        self.refresh(layout=True)

    def set_selected(self, values: list[str]) -> None:
        """Tick exactly these (the screen filling a resumed call); posts `Changed` if it changed."""
        wanted = set(values) & {v for _, v in self.options}
        if wanted != self._selected:
            self._selected = wanted
            self._changed()

    def toggle(self, value: str) -> bool:
        """Tick or untick one line; False when it does not apply to this call."""
        if value in self.not_applying and value not in self._selected:
            return False
        self._selected ^= {value}
        self._changed()
        return True

    def set_not_applying(self, reasons: dict[str, str]) -> None:
        """Mark lines as not applying (a step-down call has no step-up bed): they are unticked."""
        self.not_applying = dict(reasons)
        if self._selected & set(reasons):
            self._selected -= set(reasons)
            self._changed()
        self.refresh()

    def _changed(self) -> None:
        self.refresh()
        self.post_message(self.Changed(self, self.selected))

    # keys -------------------------------------------------------------------------------

    def action_move_on(self) -> None:
        self.screen.focus_next()

    def _move(self, step: int) -> None:
        tickable = self._tickable
        if not tickable:
            return
        place = tickable.index(self._highlighted) if self._highlighted in tickable else 0
        self._highlighted = tickable[max(0, min(len(tickable) - 1, place + step))]
        self.refresh()

    def _find(self, character: str) -> None:
        typed = self._typed + character
        tickable = self._tickable
        place = tickable.index(self._highlighted) if self._highlighted in tickable else 0
        # More letters look from the line found so far; a first letter from the next line on.
        start = place if self._typed else place + 1
        order = tickable[start:] + tickable[:start]
        found = None
        for matches in (starts, words_match):  # a line that begins so, then a word that does
            found = next((i for i in order if matches(self._lines[i][0], typed)), None)
            if found is not None:
                break
        if found is not None:
            self._typed, self._highlighted = typed, found
            self.refresh()

    # Sync, though Widget._on_key is async: Textual calls either, and a key here then costs no
    # coroutine (the facts step's key-to-frame p95 was 0.6-0.9 ms slower with it async).
    def _on_key(self, event: events.Key) -> None:  # type: ignore[override]
        key = event.key
        if key in ("up", "down", "home", "end", "pageup", "pagedown"):
            self._typed = ""
            size = len(self._lines)
            steps = {"up": -1, "down": 1, "home": -size, "end": size, "pageup": -5}
            self._move(steps.get(key, 5))
        elif key == "space":
            self._typed = ""
            value = self.highlighted_value
            if value is not None and not self.toggle(value):
                self.app.bell()
        elif self.FIND_BY_LETTERS and event.character and event.character.isalnum():
            self._find(event.character)
        else:
            self._typed = ""
            return
        event.stop()

    def on_focus(self) -> None:
        self._typed = ""

    def watch_has_focus(self, _has_focus: bool) -> None:
        # The list draws its own focus (the `▶` and the highlight, in `render`; Textual's focus
        # handlers repaint it) and no rule styles it by :focus, so Textual's restyle of the list
        # and its components on every focus move (about 0.6 ms, twice a Tab) is skipped.
        pass

    # drawing ----------------------------------------------------------------------------

    def cursor_line(self) -> Offset | None:
        """The highlighted line (headings count as lines)."""
        return Offset(0, self._highlighted) if self._lines else None

    def render(self) -> Text:
        style = self.get_component_rich_style
        lines = []
        for index, line in enumerate(self._lines):
            if isinstance(line, str):
                lines.append(Text(line, style("ticks--heading")))
                continue
            words, value = line
            mark = TICKED if value in self._selected else UNTICKED
            here = index == self._highlighted and self.has_focus
            if value in self.not_applying:
                text = Text(f"{'▶' if here else ' '}[-] {words}: ")
                text.append(self.not_applying[value], style("ticks--not-applicable"))
            else:
                text = Text(f"{'▶' if here else ' '}[{mark}] {words}")
            if here:
                text.stylize(style("ticks--highlight"))
            lines.append(text)
        result = Text("\n").join(lines)
        result.no_wrap = True
        result.overflow = "ellipsis"
        return result

    def get_content_height(self, container: object, viewport: object, width: int) -> int:  # noqa: ARG002 - Textual's signature
        return len(self._lines)


class RedFlagList(TickList):
    """The seven red-flag questions: space answers yes to the one highlighted, and `n` says all
    seven were asked and none applies (one key, as the call's first answer mostly is)."""

    FIND_BY_LETTERS = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "screen.none_applies",
            "None applies",
            show=False,  # the field's label says so, beside the questions
            tooltip="Asked all seven: none applies",
            id="red-flag-list.none-applies",
        ),
    ]

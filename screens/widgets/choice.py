"""A choice from a short list, made from the keyboard in place: type the first letters, or open
the list with enter and arrow to the line; enter chooses and moves on.

Textual's `Select` opens an overlay that takes the focus, so keys typed just after enter went to
the wrong widget, its search reset on a timer (so the same keys chose differently on a loaded
machine), and at 80x24 its overlay covered the footer. This one never gives the focus away: the
list opens inside it, every key it takes acts on its own state, and the search is the letters
typed since the list opened, matched at the start of any word of an option ("u" finds
"step-up", "al" finds "alone and ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text
from textual import events
from textual.geometry import Offset
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

_WORD = re.compile(r"[a-z0-9&]+")


def starts(words: str, typed: str) -> bool:
    """Whether the option begins with what was typed (case-blind)."""
    return words.casefold().startswith(typed.casefold())


def words_match(words: str, typed: str) -> bool:
    """Whether `typed` starts the whole option or any word of it (case-blind)."""
    folded, typed = words.casefold(), typed.casefold()
    return folded.startswith(typed) or any(word.startswith(typed) for word in _WORD.findall(folded))


def _one_line_each(*lines: Text) -> Text:
    """Lines that never wrap (the widget's height is its line count), cut with an ellipsis."""
    text = Text("\n").join(lines)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def first_match(options: list[tuple[str, str]], typed: str, start: int = 0) -> int | None:
    """The first option from `start` on (then from the top) that begins with `typed`; failing
    that, the first with a word that does ("no" finds "not known" before "...(not traced)",
    "u" still finds "step-up")."""
    order = list(range(start, len(options))) + list(range(start))
    for matches in (starts, words_match):
        found = next((index for index in order if matches(options[index][0], typed)), None)
        if found is not None:
            return found
    return None


class Choice(Widget, can_focus=True):
    """One value from `options` ((words, value) pairs); "" while nothing is chosen.

    Closed it is one line, `▾ GP or practice nurse`; open, the options follow it, the
    highlighted one marked `▶` (which reads without colour).
    """

    DEFAULT_CSS = """
    Choice {
        height: auto;
        width: 1fr;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &:focus { text-style: bold; }
        & > .choice--prompt { color: $text-muted; }
        & > .choice--highlight { text-style: reverse bold; }
        & > .choice--suggested { color: $text-warning; }
    }
    """
    COMPONENT_CLASSES = {"choice--prompt", "choice--highlight", "choice--suggested"}

    value: reactive[str] = reactive("", init=False)
    """The chosen option's value, "" for none."""
    expanded: reactive[bool] = reactive(False, init=False, layout=True)
    """Whether the list is open below the current line."""
    suggestion: reactive[str] = reactive("", init=False)
    """A value the desk suggests (the locality from the postcode): shown, and taken with enter,
    never chosen on its own."""

    class Changed(Message):
        """The value changed (by a key, or set by the screen)."""

        def __init__(self, choice: Choice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(
        self,
        options: Iterable[tuple[str, str]] = (),
        *,
        prompt: str = "choose: type, or enter",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._options = list(options)
        self.prompt = prompt
        self._highlighted = 0
        self._typed = ""
        self._opened_on = ""

    # the options ------------------------------------------------------------------------

    @property
    def options(self) -> list[tuple[str, str]]:
        return list(self._options)

    def set_options(self, options: Iterable[tuple[str, str]]) -> None:
        """New options; a value no longer among them is cleared."""
        self._options = list(options)
        if self.value and self.value not in self._values:
            self.value = ""
        self._highlighted = 0
        self.refresh(layout=self.expanded)

    @property
    def _values(self) -> list[str]:
        return [value for _, value in self._options]

    def words_of(self, value: str) -> str:
        """The words shown for a value ("" for none)."""
        return {v: words for words, v in self._options}.get(value, "")

    def choose(self, value: str) -> None:
        """Set the value (posts `Changed` when it changes); a value not offered clears it."""
        self.value = value if value in self._values else ""

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def watch_suggestion(self) -> None:
        self.refresh()

    # keys -------------------------------------------------------------------------------

    def open(self) -> None:
        if not self._options:
            return
        self._typed = ""
        self._opened_on = self.value
        current = self.value or self.suggestion
        self._highlighted = self._values.index(current) if current in self._values else 0
        self.expanded = True
        # The whole list in view, once it has its height.
        self.call_after_refresh(self.scroll_visible, animate=False)

    def close(self) -> None:
        self._typed = ""
        self.expanded = False

    def _search(self, character: str) -> None:
        if not self.expanded:
            self.open()
        typed = self._typed + character
        # One more letter looks from the line found so far; a fresh search from the next line.
        start = self._highlighted if self._typed else 0
        found = first_match(self._options, typed, start)
        if found is not None:
            self._typed, self._highlighted = typed, found
        self.refresh()

    def _move(self, step: int) -> None:
        self._typed = ""
        self._highlighted = max(0, min(len(self._options) - 1, self._highlighted + step))
        self.refresh()

    def _take_highlighted(self) -> None:
        if self._options:
            self.choose(self._options[self._highlighted][1])
        self.close()

    # Sync, though Widget._on_key is async: Textual calls either, and a key here then costs no
    # coroutine (the facts step's key-to-frame p95 was 0.6-0.9 ms slower with it async).
    def _on_key(self, event: events.Key) -> None:  # type: ignore[override]
        key = event.key
        if not self.expanded:
            if key in ("enter", "space", "down") and self._options:
                if key == "enter" and self.suggestion and not self.value:
                    self.choose(self.suggestion)  # enter confirms what the desk suggested
                    self.screen.focus_next()
                else:
                    self.open()
                event.stop()
            elif key in ("delete", "ctrl+u") and self.value:
                self.value = ""  # the only way a choice is emptied: a deliberate key
                event.stop()
            elif event.is_printable and event.character and event.character.strip():
                self._search(event.character)
                event.stop()
            return
        if key in ("up", "down", "pageup", "pagedown", "home", "end"):
            step = {"up": -1, "down": 1, "pageup": -5, "pagedown": 5}.get(key)
            if step is None:
                step = -len(self._options) if key == "home" else len(self._options)
            self._move(step)
        elif key in ("enter", "space"):
            self._take_highlighted()
            if key == "enter":
                self.screen.focus_next()  # enter chooses and moves on
        elif key == "escape":
            self.close()  # the choice stays as it was; the call is not left
        elif key == "backspace":
            self._typed = self._typed[:-1]
            self.refresh()
        elif key in ("tab", "shift+tab"):
            self.leave()
            return  # not stopped: the app's binding moves the focus
        elif event.is_printable and event.character and event.character.strip():
            self._search(event.character)
        else:
            return
        event.stop()

    def leave(self) -> None:
        """The open list is left by Tab: letters typed, or a line moved to, choose that line
        (typed letters, then Tab: that one, and on); then it closes."""
        if self._typed or self._highlighted != self._opened_index:
            self._take_highlighted()
        self.close()

    @property
    def _opened_index(self) -> int:
        values = self._values
        return values.index(self._opened_on) if self._opened_on in values else 0

    def on_blur(self) -> None:
        if self.expanded:
            self.close()

    # drawing ----------------------------------------------------------------------------

    def cursor_line(self) -> Offset:
        """The highlighted choice while the list is open, else the choice's one line."""
        return Offset(0, 1 + self._highlighted if self.expanded else 0)

    def render(self) -> Text:
        style = self.get_component_rich_style
        if self.value:
            first = Text(f"▾ {self.words_of(self.value)}")
        elif self.suggestion:
            first = Text(
                f"▾ {self.words_of(self.suggestion)}? enter confirms", style("choice--suggested")
            )
        else:
            first = Text(f"▾ {self.prompt}", style("choice--prompt"))
        if not self.expanded:
            return _one_line_each(first)
        # Open, the first line says what is being found (the choice so far is ticked below).
        found = f"finding “{self._typed}”" if self._typed else "type to find, enter chooses"
        lines = [Text(f"▾ {found}", style("choice--prompt"))]
        for index, (words, value) in enumerate(self._options):
            chosen = "✓" if value == self.value else " "
            line = Text(f"{'▶' if index == self._highlighted else ' '}{chosen}{words}")
            if index == self._highlighted:
                line.stylize(style("choice--highlight"))
            lines.append(line)
        return _one_line_each(*lines)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:  # noqa: ARG002 - Textual's signature
        return 1 + (len(self._options) if self.expanded else 0)
